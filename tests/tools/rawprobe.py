#!/usr/bin/env python3
"""rawprobe: send hand-made (partly non-canonical) libvirt RPC frames to libvirtd.

Used to check how the real libvirtd reacts to malformed input; run it through
wirecap.py to record the exchange:
    rawprobe.py /path/to/relay.sock
One connection, in order:
  AUTH_LIST; CONNECT_OPEN("test:///default") whose 1 string padding byte is 0xff;
  DOMAIN_LOOKUP_BY_NAME("tst") with padding byte 0xaa (expects "not found");
  DOMAIN_LOOKUP_BY_NAME("test") followed by 4 trailing garbage bytes;
  DOMAIN_SET_SCHEDULER_PARAMETERS with a typed param whose discriminant is 9;
  DOMAIN_SET_SCHEDULER_PARAMETERS with a valid uint param (weight=50);
  a call to unknown procedure 9999; CONNECT_CLOSE.
"""
import socket
import struct
import sys

PROG = 0x20008086


def xstr(s, pad=b"\0"):
    b = s.encode()
    return struct.pack(">I", len(b)) + b + pad * ((-len(b)) % 4)


def frame(proc, serial, body):
    hdr = struct.pack(">6I", PROG, 1, proc, 0, serial, 0)
    return struct.pack(">I", 4 + len(hdr) + len(body)) + hdr + body


def recv(s):
    n = struct.unpack(">I", s.recv(4, socket.MSG_WAITALL))[0]
    b = s.recv(n - 4, socket.MSG_WAITALL)
    return struct.unpack(">6I", b[:24]), b[24:]


def call(s, proc, serial, body, label):
    s.sendall(frame(proc, serial, body))
    h, b = recv(s)
    print("%-45s -> type %d status %d body %s" % (label, h[3], h[5], b.hex()))
    return h, b


def main():
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    call(s, 66, 0, b"", "AUTH_LIST")
    call(s, 1, 1, struct.pack(">I", 1) + xstr("test:///default", b"\xff") + struct.pack(">I", 0),
         "CONNECT_OPEN, pad byte 0xff")
    call(s, 23, 2, xstr("tst", b"\xaa"), "LOOKUP_BY_NAME tst, pad byte 0xaa")
    h, dom = call(s, 23, 3, xstr("test") + b"\xde\xad\xbe\xef", "LOOKUP_BY_NAME test + 4 trailing bytes")
    bad = dom + struct.pack(">I", 1) + xstr("weight") + struct.pack(">i", 9) + struct.pack(">I", 50)
    call(s, 58, 4, bad, "SET_SCHEDULER_PARAMETERS discriminant 9")
    good = dom + struct.pack(">I", 1) + xstr("weight") + struct.pack(">i", 2) + struct.pack(">I", 50)
    call(s, 58, 5, good, "SET_SCHEDULER_PARAMETERS weight uint 50")
    call(s, 9999, 6, b"", "unknown procedure 9999")
    call(s, 2, 7, b"", "CONNECT_CLOSE")
    s.close()


if __name__ == "__main__":
    main()
