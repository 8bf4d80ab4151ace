#!/usr/bin/env python3
"""wire2hex: turn a wirecap.py recording into annotated golden .hex files.

Every frame of one client connection becomes one file
    NN-<dir>-<what>.hex
in the output directory (NN = order within the session, dir = c2s/s2c).
Each file has '#' comment lines describing the frame, then the frame bytes
(length word included) as one 4-byte word per line in lowercase hex, with a
'  # ' comment naming the word where that is useful.  The last line of a raw
stream-data frame may hold fewer than 4 bytes.

Bodies are decoded field by field using the XDR protocol definitions
(our remote_protocol.x, virnetprotocol.x, virkeepaliveprotocol.x at the
repository root, or a libvirt source tree given with --libvirt-src), which this
script parses at run time.  Only type, field and constant names appear in the
comments.

Usage:
    wire2hex.py --in cap.jsonl --out-dir Golden/virsh-list-all \
        --title 'virsh list --all' \
        --command "virsh -c 'test+unix:///default?socket=RELAY' list --all" \
        --components 'virsh 9.0.0 -> libvirtd 9.0.0, test:///default' \
        [--conn 0] [--note TEXT ...] [--frame-note SEQ:TEXT ...] \
        [--defs REPO_ROOT | --libvirt-src LIBVIRT_SOURCE_TREE]
"""

import argparse
import json
import os
import re
import struct
import sys

# ---------------------------------------------------------------------------
# Constants that the .x files reference but define in C headers.
EXTERNAL_CONSTS = {
    "VIR_UUID_BUFLEN": 16,
    "VIR_TYPED_PARAM_INT": 1,
    "VIR_TYPED_PARAM_UINT": 2,
    "VIR_TYPED_PARAM_LLONG": 3,
    "VIR_TYPED_PARAM_ULLONG": 4,
    "VIR_TYPED_PARAM_DOUBLE": 5,
    "VIR_TYPED_PARAM_BOOLEAN": 6,
    "VIR_TYPED_PARAM_STRING": 7,
    "VIR_SECURITY_MODEL_BUFLEN": 257,
    "VIR_SECURITY_LABEL_BUFLEN": 4097,
    "VIR_SECURITY_DOI_BUFLEN": 257,
}

# Symbolic names for some plain-int fields (public libvirt API values).
DRV_FEATURES = {
    1: "VIR_DRV_FEATURE_MIGRATION_V1", 2: "VIR_DRV_FEATURE_REMOTE",
    3: "VIR_DRV_FEATURE_MIGRATION_V2", 4: "VIR_DRV_FEATURE_MIGRATION_P2P",
    5: "VIR_DRV_FEATURE_MIGRATION_DIRECT", 6: "VIR_DRV_FEATURE_MIGRATION_V3",
    7: "VIR_DRV_FEATURE_MIGRATE_CHANGE_PROTECTION", 8: "VIR_DRV_FEATURE_FD_PASSING",
    9: "VIR_DRV_FEATURE_TYPED_PARAM_STRING", 10: "VIR_DRV_FEATURE_PROGRAM_KEEPALIVE",
    11: "VIR_DRV_FEATURE_XML_MIGRATABLE", 12: "VIR_DRV_FEATURE_MIGRATION_OFFLINE",
    13: "VIR_DRV_FEATURE_MIGRATION_PARAMS", 14: "VIR_DRV_FEATURE_REMOTE_EVENT_CALLBACK",
    15: "VIR_DRV_FEATURE_REMOTE_CLOSE_CALLBACK",
    16: "VIR_DRV_FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER",
}
DOMAIN_STATES = {
    0: "VIR_DOMAIN_NOSTATE", 1: "VIR_DOMAIN_RUNNING", 2: "VIR_DOMAIN_BLOCKED",
    3: "VIR_DOMAIN_PAUSED", 4: "VIR_DOMAIN_SHUTDOWN", 5: "VIR_DOMAIN_SHUTOFF",
    6: "VIR_DOMAIN_CRASHED", 7: "VIR_DOMAIN_PMSUSPENDED",
}
LIFECYCLE_EVENTS = {
    0: "VIR_DOMAIN_EVENT_DEFINED", 1: "VIR_DOMAIN_EVENT_UNDEFINED",
    2: "VIR_DOMAIN_EVENT_STARTED", 3: "VIR_DOMAIN_EVENT_SUSPENDED",
    4: "VIR_DOMAIN_EVENT_RESUMED", 5: "VIR_DOMAIN_EVENT_STOPPED",
    6: "VIR_DOMAIN_EVENT_SHUTDOWN", 7: "VIR_DOMAIN_EVENT_PMSUSPENDED",
    8: "VIR_DOMAIN_EVENT_CRASHED",
}
EVENT_IDS = {0: "VIR_DOMAIN_EVENT_ID_LIFECYCLE"}
ERROR_CODES = {
    1: "VIR_ERR_INTERNAL_ERROR", 3: "VIR_ERR_NO_SUPPORT", 8: "VIR_ERR_INVALID_ARG",
    39: "VIR_ERR_RPC", 42: "VIR_ERR_NO_DOMAIN", 55: "VIR_ERR_OPERATION_INVALID",
    74: "VIR_ERR_ARGUMENT_UNSUPPORTED", 84: "VIR_ERR_OPERATION_UNSUPPORTED",
}
ERROR_DOMAINS = {0: "VIR_FROM_NONE", 6: "VIR_FROM_DOM", 7: "VIR_FROM_RPC",
                 12: "VIR_FROM_TEST", 13: "VIR_FROM_REMOTE", 18: "VIR_FROM_STORAGE"}
ERROR_LEVELS = {0: "VIR_ERR_NONE", 1: "VIR_ERR_WARNING", 2: "VIR_ERR_ERROR"}

INT_NAMES = {
    ("remote_connect_supports_feature_args", "feature"): DRV_FEATURES,
    ("remote_domain_get_info_ret", "state"): DOMAIN_STATES,
    ("remote_domain_get_state_ret", "state"): DOMAIN_STATES,
    ("remote_domain_event_lifecycle_msg", "event"): LIFECYCLE_EVENTS,
    ("remote_connect_domain_event_callback_register_any_args", "eventID"): EVENT_IDS,
    ("virNetMessageError", "code"): ERROR_CODES,
    ("virNetMessageError", "domain"): ERROR_DOMAINS,
    ("virNetMessageError", "level"): ERROR_LEVELS,
}

TYPE_NAMES = {0: "CALL", 1: "REPLY", 2: "MESSAGE", 3: "STREAM", 4: "CALL_WITH_FDS",
              5: "REPLY_WITH_FDS", 6: "STREAM_HOLE"}
STATUS_NAMES = {0: "OK", 1: "ERROR", 2: "CONTINUE"}


# ---------------------------------------------------------------------------
# A small parser for the subset of the XDR language (RFC 4506) used by the
# libvirt protocol files.

class XSpec:
    def __init__(self):
        self.consts = dict(EXTERNAL_CONSTS)
        self.types = {}      # name -> type tuple
        self.enums = {}      # enum type name -> {value: name}

    def value(self, tok):
        if re.match(r"^-?(0x[0-9a-fA-F]+|\d+)$", tok):
            return int(tok, 0)
        return self.consts.get(tok)

    def parse_file(self, path):
        text = open(path).read()
        text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
        text = "\n".join(l for l in text.split("\n") if not l.lstrip().startswith("%"))
        toks = re.findall(r"0x[0-9a-fA-F]+|-?\d+|[A-Za-z_][A-Za-z0-9_]*|[{}();,=\[\]<>:*]", text)
        self.toks, self.i = toks, 0
        while self.i < len(self.toks):
            self.top()

    def peek(self):
        return self.toks[self.i]

    def next(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, t):
        got = self.next()
        if got != t:
            raise SyntaxError("expected %r got %r near token %d" % (t, got, self.i))

    def top(self):
        kw = self.next()
        if kw == "const":
            name = self.next()
            self.expect("=")
            v = self.next()
            self.consts[name] = self.value(v)
            self.expect(";")
        elif kw == "typedef":
            name, t = self.decl()
            self.types[name] = t
            self.expect(";")
        elif kw == "enum":
            name = self.next()
            self.types[name] = ("enum", name)
            self.enums[name] = self.enum_body()
            self.expect(";")
        elif kw == "struct":
            name = self.next()
            self.types[name] = ("struct", name, self.struct_body())
            self.expect(";")
        elif kw == "union":
            name = self.next()
            self.types[name] = ("union", name) + self.union_body()
            self.expect(";")
        else:
            raise SyntaxError("unexpected %r" % kw)

    def enum_body(self):
        self.expect("{")
        vals = {}
        while True:
            n = self.next()
            self.expect("=")
            v = self.value(self.next())
            self.consts[n] = v
            vals[v] = n
            t = self.next()
            if t == "}":
                return vals

    def struct_body(self):
        self.expect("{")
        fields = []
        while self.peek() != "}":
            fields.append(self.decl())
            self.expect(";")
        self.expect("}")
        return fields

    def union_body(self):
        self.expect("switch")
        self.expect("(")
        disc = self.decl()
        self.expect(")")
        self.expect("{")
        arms, default, labels = {}, None, []
        while self.peek() != "}":
            t = self.next()
            if t == "case":
                lab = self.next()
                self.expect(":")
                labels.append((self.value(lab), lab))
                if self.peek() in ("case", "default"):
                    continue
                d = self.decl()
                self.expect(";")
                for v, lname in labels:
                    arms[v] = (lname, d)
                labels = []
            elif t == "default":
                self.expect(":")
                default = self.decl()
                self.expect(";")
        self.expect("}")
        return (disc, arms, default)

    def typespec(self):
        t = self.next()
        if t == "unsigned":
            if self.peek() in ("int", "hyper", "char", "short", "long"):
                return ("u" + self.next(),)
            return ("uint",)
        if t in ("int", "hyper", "char", "short", "long", "double", "float", "bool"):
            return (t,)
        if t == "string":
            return ("string",)
        if t == "opaque":
            return ("opaque",)
        if t == "void":
            return ("void",)
        return ("ref", t)

    def decl(self):
        ts = self.typespec()
        if ts == ("void",):
            return (None, ("void",))
        if self.peek() == "*":
            self.next()
            return (self.next(), ("optional", ts))
        name = self.next()
        if self.peek() == "[":
            self.next()
            n = self.value(self.next())
            self.expect("]")
            if ts == ("opaque",):
                return (name, ("fixed_opaque", n))
            return (name, ("fixed_array", ts, n))
        if self.peek() == "<":
            self.next()
            if self.peek() != ">":
                self.next()
            self.expect(">")
            if ts == ("string",):
                return (name, ("string",))
            if ts == ("opaque",):
                return (name, ("var_opaque",))
            return (name, ("var_array", ts))
        return (name, ts)

    def resolve(self, t):
        while t[0] == "ref":
            t = self.types[t[1]]
        return t


# ---------------------------------------------------------------------------
# Field-aware body decoder producing one comment per interesting word.

def printable(bs):
    out = []
    for b in bs:
        c = chr(b)
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif 32 <= b < 127:
            out.append(c)
        elif b == 10:
            out.append("\\n")
        elif b == 9:
            out.append("\\t")
        else:
            out.append("\\x%02x" % b)
    return "".join(out)


class DecodeError(Exception):
    pass


class BodyDecoder:
    SHORT_WORDS = 16

    def __init__(self, spec, body):
        self.spec = spec
        self.b = body
        self.pos = 0
        self.ann = {}   # word index (relative to body) -> comment

    def note(self, pos, text):
        assert pos % 4 == 0
        w = pos // 4
        self.ann[w] = self.ann[w] + "; " + text if w in self.ann else text

    def word(self):
        if self.pos + 4 > len(self.b):
            raise DecodeError("body too short at byte %d" % self.pos)
        v = struct.unpack(">I", self.b[self.pos:self.pos + 4])[0]
        self.pos += 4
        return v

    def sword(self):
        v = self.word()
        return v - (1 << 32) if v & 0x80000000 else v

    def decode(self, t, path, owner=None, field=None):
        spec = self.spec
        t = spec.resolve(t)
        k = t[0]
        p = self.pos
        names = INT_NAMES.get((owner, field))
        if k in ("int", "long", "short", "char", "uint", "ulong", "ushort", "uchar", "bool", "enum"):
            v = self.sword() if k in ("int", "long", "short", "char") else self.word()
            if k == "enum":
                desc = "%s: %d %s" % (path, v, spec.enums[t[1]].get(v, "(unknown enum value)"))
            elif k == "bool":
                desc = "%s: bool %s" % (path, {0: "FALSE", 1: "TRUE"}.get(v, "%d (non-canonical)" % v))
            elif k in ("char", "uchar"):
                ch = chr(v) if 32 <= v < 127 else None
                desc = "%s: %s %d%s" % (path, k.replace("u", "unsigned "), v,
                                         " '%s'" % ch if ch else (" (NUL)" if v == 0 else ""))
            else:
                kind = {"int": "int", "long": "int", "short": "short", "uint": "unsigned int",
                        "ulong": "unsigned int", "ushort": "unsigned short"}[k]
                desc = "%s: %s %d" % (path, kind, v)
            if names and v in names:
                desc += " " + names[v]
            self.note(p, desc)
        elif k in ("hyper", "uhyper"):
            hi, lo = self.word(), self.word()
            v = (hi << 32) | lo
            if k == "hyper" and v & (1 << 63):
                v -= 1 << 64
            self.note(p, "%s: %s %d (high word)" % (path, "hyper" if k == "hyper" else "unsigned hyper", v))
            self.note(p + 4, "%s: (low word)" % path)
        elif k == "double":
            raw = self.b[p:p + 8]
            self.word(), self.word()
            self.note(p, "%s: double %r (IEEE 754 high word)" % (path, struct.unpack(">d", raw)[0]))
            self.note(p + 4, "%s: (double low word)" % path)
        elif k == "float":
            raw = self.b[p:p + 4]
            self.word()
            self.note(p, "%s: float %r" % (path, struct.unpack(">f", raw)[0]))
        elif k in ("string", "var_opaque"):
            n = self.word()
            what = "string" if k == "string" else "opaque"
            self.note(p, "%s: %s length %d" % (path, what, n))
            self.bytes_run(path, n, text=(k == "string"))
        elif k == "fixed_opaque":
            n = t[1]
            if path.endswith("uuid") and n == 16:
                u = self.b[self.pos:self.pos + 16].hex()
                label = "uuid %s-%s-%s-%s-%s" % (u[:8], u[8:12], u[12:16], u[16:20], u[20:])
            else:
                label = "opaque[%d]" % n
            start = self.pos
            if start + n > len(self.b):
                raise DecodeError("fixed opaque overruns body")
            for off in range(0, n, 4):
                self.note(start + off, "%s: %s bytes %d..%d" % (path, label, off, min(off + 4, n) - 1)
                          if off == 0 else "%s: bytes %d..%d" % (path, off, min(off + 4, n) - 1))
            self.pos += n + (-n) % 4
        elif k == "optional":
            flag = self.word()
            if flag == 0:
                self.note(p, "%s: absent (optional flag 0)" % path)
            else:
                self.note(p, "%s: present (optional flag %d)" % (path, flag))
                self.decode(t[1], path, owner, field)
        elif k == "fixed_array":
            for i in range(t[2]):
                self.decode(t[1], "%s[%d]" % (path, i), owner, field)
        elif k == "var_array":
            n = self.word()
            self.note(p, "%s: array count %d" % (path, n))
            for i in range(n):
                self.decode(t[1], "%s[%d]" % (path, i), owner, field)
        elif k == "struct":
            for fname, ft in t[2]:
                self.decode(ft, "%s.%s" % (path, fname), t[1], fname)
        elif k == "union":
            dname, dtype = t[2]
            arms, default = t[3], t[4]
            d = self.sword()
            if d in arms:
                lname, (aname, atype) = arms[d]
                self.note(p, "%s.%s: discriminant %d %s" % (path, dname, d, lname))
            elif default is not None:
                aname, atype = default
                self.note(p, "%s.%s: discriminant %d (default arm)" % (path, dname, d))
            else:
                self.note(p, "%s.%s: discriminant %d: INVALID, %s has no such arm" % (path, dname, d, t[1]))
                raise DecodeError("union %s: discriminant %d has no arm" % (t[1], d))
            if atype != ("void",):
                self.decode(atype, "%s.%s" % (path, aname), t[1], aname)
        elif k == "void":
            pass
        else:
            raise DecodeError("unhandled type %r" % (t,))

    def bytes_run(self, path, n, text):
        start = self.pos
        pad = (-n) % 4
        if start + n + pad > len(self.b):
            raise DecodeError("%s: %d bytes overrun body" % (path, n))
        data = self.b[start:start + n]
        nwords = (n + pad) // 4
        if nwords <= self.SHORT_WORDS:
            for i in range(nwords):
                chunk = data[4 * i:4 * i + 4]
                padn = 4 - len(chunk)
                s = '"%s"' % printable(chunk) if text else chunk.hex()
                if padn:
                    s += " + %d pad byte%s" % (padn, "s" if padn > 1 else "")
                self.note(start + 4 * i, s)
        elif nwords:
            preview = printable(data[:48]) if text else data[:16].hex()
            self.note(start, '%s: data bytes 0..%d (%d bytes): %s%s...' % (
                path, n - 1, n, '"' if text else "", preview + ('"' if text else "")))
            if pad:
                self.note(start + 4 * (nwords - 1), "%s: last data bytes + %d pad byte%s" % (
                    path, pad, "s" if pad > 1 else ""))
        self.pos = start + n + pad
        if any(self.b[start + n:start + n + pad]):
            self.note(start + 4 * (nwords - 1), "NOTE: non-zero padding bytes")


# ---------------------------------------------------------------------------

class Protocol:
    def __init__(self, src, flat=False):
        self.spec = XSpec()
        for rel in ("src/rpc/virnetprotocol.x", "src/rpc/virkeepaliveprotocol.x",
                    "src/remote/remote_protocol.x"):
            self.spec.parse_file(os.path.join(src, os.path.basename(rel) if flat else rel))
        c = self.spec.consts
        self.progs = {c["REMOTE_PROGRAM"]: ("REMOTE_PROGRAM", "remote_procedure", "REMOTE_PROC_", "remote_"),
                      c["KEEPALIVE_PROGRAM"]: ("KEEPALIVE_PROGRAM", "keepalive_procedure", "KEEPALIVE_PROC_", "keepalive_")}

    def proc_name(self, prog, proc):
        p = self.progs.get(prog)
        if not p:
            return None
        return self.spec.enums[p[1]].get(proc)

    def body_type(self, prog, proc, typ, status):
        """Returns (type-name or None for void, kind) where kind is 'xdr', 'raw', 'void'."""
        if typ == 6:
            return "virNetStreamHole", "xdr"
        if status == 1 and typ in (1, 3, 5):
            return "virNetMessageError", "xdr"
        if typ == 3:
            return (None, "raw") if status == 2 else (None, "void")
        p = self.progs.get(prog)
        name = self.proc_name(prog, proc)
        if not p or not name:
            return None, "raw"
        base = p[3] + name[len(p[2]):].lower()
        suffix = {0: "_args", 4: "_args", 1: "_ret", 5: "_ret", 2: "_msg"}[typ]
        if base + suffix in self.spec.types:
            return base + suffix, "xdr"
        return None, "void"


def short_what(proto, prog, proc, typ, status, body_len, direction):
    name = proto.proc_name(prog, proc) or "proc-%d" % proc
    p = proto.progs.get(prog)
    short = name[len(p[2]):].lower().replace("_", "-") if p and name.startswith(p[2]) else name.lower()
    if p and p[0] == "KEEPALIVE_PROGRAM":
        return "keepalive-" + short
    if typ == 6:
        return "stream-hole"
    if typ == 3:
        if status == 2:
            return "stream-data" if body_len else "stream-end"
        if status == 0:
            return "stream-finish" if direction == "c2s" else "stream-finish-reply"
        return "stream-error"
    if typ in (0, 4):
        return "call-" + short
    if typ in (1, 5):
        return ("reply-" if status == 0 else "error-") + short
    if typ == 2:
        return "event-" + short
    return "frame-" + short


def render(proto, frame, direction, order, meta, frame_notes, stream_desc):
    lines = []
    if len(frame) < 28:
        raise SystemExit("frame %d shorter than a header" % order)
    length, prog, vers, proc, typ, serial, status = struct.unpack(">7I", frame[:28])
    body = frame[28:]
    pinfo = proto.progs.get(prog)
    pname = proto.proc_name(prog, proc) or "unknown procedure"
    tname = TYPE_NAMES.get(typ, "type%d" % typ)
    sname = STATUS_NAMES.get(status, "status%d" % status)
    btype, kind = proto.body_type(prog, proc, typ, status)
    summary = "%s %s" % (tname, pname)
    if typ != 0 or status != 0:
        summary += " (status %s)" % sname
    lines.append("# %s (%s): %s" % (meta["title"], meta["components"], summary))
    lines.append("# command: %s" % meta["command"])
    lines.append("# frame %02d of this session, direction %s (%s), %d bytes total, body %d bytes%s" % (
        order, direction, "client -> server" if direction == "c2s" else "server -> client",
        len(frame), len(body), ", body type %s" % btype if btype else (
            ", body = raw stream bytes" if kind == "raw" and body else ", empty body")))
    for n in meta.get("notes", []):
        lines.append("# " + n)
    for n in frame_notes:
        lines.append("# " + n)

    hdr = [
        "length %d, counts itself" % length,
        "prog %s" % (pinfo[0] if pinfo else "0x%08x (unknown)" % prog),
        "vers %d" % vers,
        "proc %d %s" % (proc, pname),
        "type %s" % tname,
        "serial %d" % serial,
        "status %s" % sname,
    ]
    ann = {}
    if kind == "xdr":
        dec = BodyDecoder(proto.spec, body)
        try:
            dec.decode(("ref", btype), btype)
            if dec.pos != len(body):
                if not frame_notes:
                    raise SystemExit("frame %d: %d trailing body bytes after %s" % (order, len(body) - dec.pos, btype))
                print("warning: frame %d has %d trailing bytes" % (order, len(body) - dec.pos), file=sys.stderr)
                dec.note(dec.pos - dec.pos % 4, "TRAILING bytes %d..%d after the end of %s" % (
                    dec.pos, len(body) - 1, btype))
        except DecodeError as e:
            if not frame_notes:
                raise SystemExit("frame %d: %s" % (order, e))
            print("warning: frame %d does not decode: %s" % (order, e), file=sys.stderr)
            w = (dec.pos + 3) // 4
            if w * 4 < len(body):
                dec.note(w * 4, "rest of the body is not decodable as %s" % btype)
        ann = dec.ann
    elif kind == "raw" and body:
        ann = {0: "stream data bytes 0..%d (%d bytes%s)" % (len(body) - 1, len(body),
                                                          ", " + stream_desc if stream_desc else "")}
    elif body:
        raise SystemExit("frame %d: unexpected non-empty body" % order)

    for i in range(0, len(frame), 4):
        w = frame[i:i + 4].hex()
        wi = i // 4
        c = hdr[wi] if wi < 7 else ann.get(wi - 7)
        lines.append("%s  # %s" % (w, c) if c else w)
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--in", dest="inp", required=True)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--title", required=True)
    ap.add_argument("--command", required=True)
    ap.add_argument("--components", required=True)
    ap.add_argument("--conn", type=int, default=0)
    ap.add_argument("--note", action="append", default=[])
    ap.add_argument("--frame-note", action="append", default=[], help="N:TEXT (N = order in session)")
    ap.add_argument("--stream-desc", default="", help="description of raw stream payload")
    ap.add_argument("--libvirt-src", default=None, help="read the .x files from a libvirt source tree instead")
    ap.add_argument("--defs", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."),
                    help="folder holding our .x files (default: the repository root)")
    args = ap.parse_args()

    proto = Protocol(args.libvirt_src, flat=False) if args.libvirt_src else Protocol(args.defs, flat=True)
    frames = []
    for line in open(args.inp):
        o = json.loads(line)
        if o["conn"] == args.conn:
            if o["dir"] not in ("c2s", "s2c"):
                raise SystemExit("recording has a partial frame: %r" % o)
            frames.append(o)
    frames.sort(key=lambda o: o["seq"])
    if len(frames) > 100:
        raise SystemExit("more than 100 frames; NN would not fit in two digits")
    fnotes = {}
    for fn in args.frame_note:
        k, _, v = fn.partition(":")
        fnotes.setdefault(int(k), []).append(v)
    os.makedirs(args.out_dir, exist_ok=True)
    meta = {"title": args.title, "command": args.command, "components": args.components, "notes": args.note}
    for order, o in enumerate(frames):
        frame = bytes.fromhex(o["hex"])
        _, prog, _, proc, typ, _, status = struct.unpack(">7I", frame[:28])
        what = short_what(proto, prog, proc, typ, status, len(frame) - 28, o["dir"])
        lines = render(proto, frame, o["dir"], order, meta, fnotes.get(order, []), args.stream_desc)
        fn = os.path.join(args.out_dir, "%02d-%s-%s.hex" % (order, o["dir"], what))
        with open(fn, "w") as f:
            f.write("\n".join(lines) + "\n")
        print(fn)


if __name__ == "__main__":
    main()
