#!/usr/bin/env python3
"""wirecap: a recording relay for the libvirt RPC wire protocol.

Listens on a Unix socket (and/or a TCP port on 127.0.0.1), and for every
accepted client opens a connection to the real libvirtd socket, relays the
bytes in both directions unchanged, and records each complete RPC frame.

Framing: every libvirt RPC message starts with a 4-byte big-endian length
word that counts itself; the frame is exactly that many bytes.

The recording is a JSON-lines file: one object per frame,
    {"conn": N, "seq": M, "dir": "c2s"|"s2c", "hex": "..."}
where "conn" numbers the accepted client connections from 0 and "seq" is a
global order over all frames (in the order the relay saw them complete).

Usage:
    wirecap.py --listen /tmp/relay.sock --target /path/to/libvirt-sock \
               --out /tmp/capture.jsonl [--tcp-listen PORT --tcp-target HOST:PORT]

Then point a client at the relay, e.g.
    virsh -c 'test+unix:///default?socket=/tmp/relay.sock' list --all

Stop it with SIGINT/SIGTERM. Use wire2hex.py to turn the recording into
golden .hex files.
"""

import argparse
import json
import os
import selectors
import signal
import socket
import struct
import sys
import threading

_lock = threading.Lock()
_seq = 0
_conn_counter = 0


class Recorder:
    def __init__(self, path):
        self.f = open(path, "a", buffering=1)

    def record(self, conn, direction, frame):
        global _seq
        with _lock:
            obj = {"conn": conn, "seq": _seq, "dir": direction, "hex": frame.hex()}
            _seq += 1
            self.f.write(json.dumps(obj) + "\n")
            self.f.flush()


class Splitter:
    """Accumulates a byte stream and yields complete length-prefixed frames."""

    def __init__(self):
        self.buf = bytearray()

    def feed(self, data):
        self.buf += data
        out = []
        while len(self.buf) >= 4:
            (n,) = struct.unpack(">I", self.buf[:4])
            if n < 4:
                # Not a valid frame; emit the rest raw so nothing is lost.
                out.append(bytes(self.buf))
                self.buf.clear()
                break
            if len(self.buf) < n:
                break
            out.append(bytes(self.buf[:n]))
            del self.buf[:n]
        return out


def relay(client, upstream, conn_id, rec):
    sel = selectors.DefaultSelector()
    split = {"c2s": Splitter(), "s2c": Splitter()}
    sel.register(client, selectors.EVENT_READ, ("c2s", upstream))
    sel.register(upstream, selectors.EVENT_READ, ("s2c", client))
    open_sides = 2
    try:
        while open_sides:
            for key, _ in sel.select():
                direction, dst = key.data
                try:
                    data = key.fileobj.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    sel.unregister(key.fileobj)
                    open_sides -= 1
                    try:
                        dst.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                    continue
                dst.sendall(data)
                for frame in split[direction].feed(data):
                    rec.record(conn_id, direction, frame)
    finally:
        for s in split.values():
            if s.buf:
                rec.record(conn_id, "partial", bytes(s.buf))
        client.close()
        upstream.close()


def serve(listener, connect_upstream, rec):
    global _conn_counter
    while True:
        try:
            client, _ = listener.accept()
        except OSError:
            return
        upstream = connect_upstream()
        with _lock:
            conn_id = _conn_counter
            _conn_counter += 1
        t = threading.Thread(target=relay, args=(client, upstream, conn_id, rec), daemon=True)
        t.start()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--listen", help="Unix socket path to listen on")
    ap.add_argument("--target", help="libvirtd Unix socket path to relay to")
    ap.add_argument("--tcp-listen", type=int, help="TCP port on 127.0.0.1 to listen on")
    ap.add_argument("--tcp-target", help="HOST:PORT of libvirtd's TCP listener")
    ap.add_argument("--out", required=True, help="JSON-lines recording file (appended)")
    args = ap.parse_args()
    rec = Recorder(args.out)
    threads = []

    if args.listen:
        if os.path.exists(args.listen):
            os.unlink(args.listen)
        ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        ls.bind(args.listen)
        ls.listen(16)

        def up_unix():
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(args.target)
            return s

        threads.append(threading.Thread(target=serve, args=(ls, up_unix, rec), daemon=True))

    if args.tcp_listen:
        host, port = args.tcp_target.rsplit(":", 1)
        lt = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lt.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lt.bind(("127.0.0.1", args.tcp_listen))
        lt.listen(16)

        def up_tcp():
            return socket.create_connection((host, int(port)))

        threads.append(threading.Thread(target=serve, args=(lt, up_tcp, rec), daemon=True))

    if not threads:
        ap.error("need --listen/--target and/or --tcp-listen/--tcp-target")
    for t in threads:
        t.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    print("wirecap: ready", file=sys.stderr, flush=True)
    stop.wait()
    if args.listen and os.path.exists(args.listen):
        os.unlink(args.listen)


if __name__ == "__main__":
    main()
