#!/usr/bin/env bash
# The test command: installs what the tests need (Debian 12, as root), builds, runs every test project,
# and ends with one line "N passed, N failed[, N skipped]". Private daemons are started by the tests
# themselves on loopback and private sockets, and stopped by PID.
set -uo pipefail
cd "$(dirname "$0")"

need=()
[ -x /usr/sbin/libvirtd ] || need+=(libvirt-daemon)
command -v virsh >/dev/null 2>&1 || need+=(libvirt-clients)
/usr/bin/python3 -c 'import libvirt' >/dev/null 2>&1 || need+=(python3-libvirt)
[ -x /usr/sbin/saslpasswd2 ] || need+=(sasl2-bin)
ls /usr/lib/*/sasl2/libscram.so* >/dev/null 2>&1 || need+=(libsasl2-modules)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
[ -x /usr/bin/ssh ] && [ -x /usr/bin/ssh-keygen ] || need+=(openssh-client)
[ -x /usr/bin/nc.openbsd ] || need+=(netcat-openbsd)
[ -x /usr/lib/polkit-1/polkitd ] || need+=(polkitd)
[ -x /usr/bin/dbus-daemon ] || need+=(dbus-daemon)
# The benchmark runner's smoke test builds its C load clients against libvirt's headers.
command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
pkg-config --exists libvirt 2>/dev/null || need+=(libvirt-dev)
[ -x /usr/bin/virt-install ] && [ -x /usr/bin/virt-xml ] && [ -x /usr/bin/virt-clone ] || need+=(virtinst)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing packages (${need[*]}): run this as root so it can install them" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet test LibvirtRemote.slnx --nologo -c Release --blame-hang-timeout 5m 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

sum() { grep -E '^(Passed|Failed)!' "$log" | sed -E "s/.*$1: *([0-9]+).*/\1/" | awk '{s+=$1} END {print s+0}'; }
passed=$(sum Passed)
failed=$(sum Failed)
skipped=$(sum Skipped)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or the test host failed before any test could report: count it as a failure.
  failed=1
fi
line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
