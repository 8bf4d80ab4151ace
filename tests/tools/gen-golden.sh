#!/bin/bash
# gen-golden.sh: turn the wirecap.py recordings (one <session>.jsonl per
# session, in $CAP) into the annotated golden files under $GOLDEN.
# See tests/Protocol.Tests/Golden/README.md for how the recordings are made.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CAP=${CAP:-/tmp/lv/cap}
GOLDEN=${GOLDEN:-$HERE/../Protocol.Tests/Golden}
PY=${PY:-/usr/bin/python3}
T='virsh 9.0.0 → libvirtd 9.0.0, test:///default'
P='python3-libvirt 9.0.0 (libvirt 9.0.0 client library) → libvirtd 9.0.0, test:///default'
C='C client, libvirt 9.0.0 client library → libvirtd 9.0.0, test:///default'
S='virsh 9.0.0 → libvirtd 9.0.0 (session mode, storage driver, dir pool), storage:///session'
R='hand-made frames from tests/tools/rawprobe.py → libvirtd 9.0.0, test:///default'
U='test+unix:///default?socket=RELAY'
SU='storage+unix:///session?socket=RELAY'

gen() { # session title components command [extra wire2hex args...]
  local s=$1 title=$2 comp=$3 cmd=$4; shift 4
  rm -rf "$GOLDEN/$s"
  "$PY" "$HERE/wire2hex.py" --defs "$HERE/../.." --in "$CAP/$s.jsonl" \
     --out-dir "$GOLDEN/$s" --title "$title" --components "$comp" --command "$cmd" "$@" >/dev/null
}

gen virsh-list-all 'virsh list --all' "$T" "virsh -c '$U' list --all"
gen virsh-nodeinfo 'virsh nodeinfo' "$T" "virsh -c '$U' nodeinfo" \
  --note 'remote_node_get_info_ret.model is "char model[32]": XDR encodes each char as its own 4-byte word (160-byte body).'
gen virsh-version 'virsh version' "$T" "virsh -c '$U' version"
gen python-lib-version 'python getLibVersion()' "$P" \
  "/usr/bin/python3 -c 'import libvirt,sys; c=libvirt.open(sys.argv[1]); print(c.getLibVersion()); c.close()' '$U'"
gen virsh-dominfo 'virsh dominfo test' "$T" "virsh -c '$U' dominfo test"
gen virsh-dumpxml 'virsh dumpxml test' "$T" "virsh -c '$U' dumpxml test"
gen error-reply 'virsh dominfo nosuchdomain' "$T" "virsh -c '$U' dominfo nosuchdomain"
gen typed-params 'typedparams (virDomainSetBlockIoTune with all 7 typed-param types)' "$C" \
  "tests/tools/typedparams '$U'"
gen typed-params-reply 'virsh schedinfo test' "$T" "virsh -c '$U' schedinfo test"
gen domstats 'virsh domstats --state --cpu-total test' "$T" "virsh -c '$U' domstats --state --cpu-total test"
gen keepalive 'keepalive_client.py (idle with keepalive; libvirtd keepalive_interval = 1)' "$P" \
  "/usr/bin/python3 tests/tools/keepalive_client.py '$U'"
gen events 'events_client.py (lifecycle events, suspend/resume/define)' "$P" \
  "/usr/bin/python3 tests/tools/events_client.py '$U'"
gen screenshot-stream 'virsh screenshot test' "$T" "virsh -c '$U' screenshot test /tmp/x.ppm" \
  --stream-desc 'PNG image produced by the test driver'
gen sparse-download 'virsh vol-download --sparse' "$S" \
  "virsh -c '$SU' vol-download --sparse --pool cap sparse.img /tmp/down.img" \
  --stream-desc 'raw volume contents' \
  --note 'volume sparse.img: 20480 bytes; data extents 0..4095 ("HELLO, SPARSE WORLD\n" then zeros) and 12288..16383 ("SECOND DATA EXTENT\n" then zeros); holes elsewhere.'
gen sparse-upload 'virsh vol-upload --sparse' "$S" \
  "virsh -c '$SU' vol-upload --sparse --pool cap up.img /tmp/upload-src.img" \
  --stream-desc 'raw file contents' \
  --note 'local file upload-src.img: same layout as sparse.img in sparse-download (20480 bytes, data at 0..4095 and 12288..16383).'
gen raw-probes 'rawprobe.py (malformed-input probes)' "$R" \
  "/usr/bin/python3 tests/tools/rawprobe.py RELAY" \
  --note 'c2s frames here were built by hand, NOT by a libvirt client; some are deliberately non-canonical (see per-frame notes).' \
  --frame-note '2:NON-CANONICAL: the string padding byte is 0xff (canonical XDR requires zero); libvirtd accepted it.' \
  --frame-note '4:NON-CANONICAL: the string padding byte is 0xaa; libvirtd decoded the name normally ("tst" -> domain not found).' \
  --frame-note '6:NON-CANONICAL: 4 garbage bytes follow a complete remote_domain_lookup_by_name_args body; libvirtd ignored them and answered normally.' \
  --frame-note '8:INVALID: typed-param discriminant 9 has no arm in remote_typed_param_value; libvirtd answers with an RPC error (frame 09) and keeps the connection open.' \
  --frame-note '12:INVALID: procedure 9999 does not exist; libvirtd answers with an RPC error (frame 13).'
echo "generated into $GOLDEN"
