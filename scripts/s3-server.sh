#!/usr/bin/env bash
# A throw-away, single-node Ceph RGW (a real S3 server) on 127.0.0.1 for the test suites.
#
#   scripts/s3-server.sh start    installs Debian's ceph-mon ceph-osd radosgw if missing (needs root),
#                                 starts one monitor, one in-memory OSD and one radosgw, and prints
#                                 the environment the tests read (S3_TEST_ENDPOINT and credentials)
#   scripts/s3-server.sh stop     stops the daemons it started
#   scripts/s3-server.sh env      prints the environment again (for `eval`)
#
# State lives in $S3_SERVER_DIR (default .tmp/ceph under the repository), wiped at each start.
# Listens on $RGW_PORT (default 7480). Access key "s3verless", secret "s3verless-test-secret".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
D=${S3_SERVER_DIR:-$ROOT/.tmp/ceph}
RGW_PORT=${RGW_PORT:-7480}
MON_V2=${MON_V2:-40300}
MON_V1=${MON_V1:-40789}
ACCESS_KEY=s3verless
SECRET_KEY=s3verless-test-secret

say() { echo "s3-server: $*" >&2; }

print_env() {
  echo "export S3_TEST_ENDPOINT=http://127.0.0.1:$RGW_PORT"
  echo "export S3_TEST_ACCESS_KEY_ID=$ACCESS_KEY"
  echo "export S3_TEST_SECRET_ACCESS_KEY=$SECRET_KEY"
  echo "export S3_TEST_PROVIDER=ceph"
}

install_ceph() {
  if command -v ceph-mon >/dev/null && command -v ceph-osd >/dev/null && command -v radosgw >/dev/null; then return 0; fi
  if [ "$(id -u)" != 0 ]; then
    say "ceph-mon, ceph-osd and radosgw are not installed and installing them needs root:"
    say "  sudo apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw"
    return 1
  fi
  if ! command -v apt-get >/dev/null; then say "no apt-get here: install Ceph (ceph-mon ceph-osd radosgw) by hand"; return 1; fi
  say "installing ceph-mon ceph-osd radosgw from Debian (about a minute, once)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends ceph-mon ceph-osd radosgw curl >&2
}

stop() {
  [ -f "$D/pids" ] || return 0
  tac "$D/pids" | while read -r _ pid; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    alive=0
    while read -r _ pid; do kill -0 "$pid" 2>/dev/null && alive=1; done <"$D/pids"
    [ $alive = 0 ] && break
    sleep 0.1
  done
  while read -r _ pid; do kill -9 "$pid" 2>/dev/null || true; done <"$D/pids"
  rm -f "$D/pids"
  say "stopped"
}

fail() {
  say "$*"
  tail -n 30 "$D"/log/*.log "$D"/log/*.out >&2 2>/dev/null || true
  stop
  exit 1
}

start() {
  install_ceph
  [ -f "$D/pids" ] && stop
  rm -rf "$D"
  mkdir -p "$D"/{run,log,mon,osd}
  local fsid
  fsid=$(cat /proc/sys/kernel/random/uuid)
  # auth none needs crc mode on every messenger (radosgw fails with -13 otherwise);
  # a fast paxos makes start-up take ~2 s instead of ~13 s; tcp_nodelay avoids ~45 ms per GET.
  cat >"$D/ceph.conf" <<CONF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$MON_V2,v1:127.0.0.1:$MON_V1]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
ms cluster mode = crc
ms service mode = crc
ms client mode = crc
ms mon cluster mode = crc
ms mon service mode = crc
ms mon client mode = crc
run dir = $D/run
admin socket = $D/run/\$name.asok
log file = $D/log/\$name.log
pid file = $D/run/\$name.pid
keyring = $D/keyring
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
mon data avail warn = 2
mon data avail crit = 1
[mon]
mon data = $D/mon/\$name
paxos propose interval = 0.01
paxos min wait = 0.001
[osd]
osd data = $D/osd/\$id
osd objectstore = memstore
memstore device bytes = 4294967296
osd op num shards = 2
osd op num threads per shard = 2
[client]
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT tcp_nodelay=1
rgw thread pool size = 64
rgw enable usage log = false
rgw enable ops log = false
rgw dynamic resharding = false
rgw override bucket index max shards = 1
rgw init timeout = 60
CONF
  local C="-c $D/ceph.conf"
  ceph-authtool --create-keyring "$D/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$MON_V2,v1:127.0.0.1:$MON_V1]" "$D/monmap" >/dev/null
  ceph-mon $C --mkfs -i a --monmap "$D/monmap" || fail "monitor mkfs failed"
  ceph-mon $C -i a -f >"$D/log/mon.out" 2>&1 &
  echo "mon $!" >>"$D/pids"
  local uuid id
  uuid=$(cat /proc/sys/kernel/random/uuid)
  id=$(timeout 60 ceph $C --connect-timeout 30 osd new "$uuid") || fail "ceph osd new failed"
  mkdir -p "$D/osd/$id"
  ceph-osd $C -i "$id" --mkfs --osd-uuid "$uuid" >"$D/log/osd-mkfs.out" 2>&1 || fail "osd mkfs failed"
  ceph-osd $C -i "$id" -f >"$D/log/osd.out" 2>&1 &
  echo "osd $!" >>"$D/pids"
  local up=0
  for _ in $(seq 1 300); do
    if ceph $C osd dump 2>/dev/null | grep -q "^osd.$id up"; then up=1; break; fi
    sleep 0.1
  done
  [ $up = 1 ] || fail "osd.$id did not come up within 30 s"
  timeout 60 radosgw-admin $C user create --uid=s3verless --display-name=s3verless \
    --access-key=$ACCESS_KEY --secret=$SECRET_KEY >/dev/null || fail "radosgw-admin user create failed"
  radosgw $C -n client.rgw.a -f >"$D/log/rgw.out" 2>&1 &
  echo "rgw $!" >>"$D/pids"
  for _ in $(seq 1 600); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$RGW_PORT/" || true)
    if [ "$code" = 200 ]; then
      say "Ceph RGW answering on http://127.0.0.1:$RGW_PORT"
      print_env
      return 0
    fi
    sleep 0.05
  done
  fail "radosgw did not answer within 30 s"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
