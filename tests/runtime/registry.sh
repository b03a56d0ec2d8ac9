#!/bin/bash
# tests/runtime/registry.sh - two Debian docker-registry instances on
# 127.0.0.1 for the runtime tests, and a push of the images of
# make-images.sh through the distribution upload API (curl only).
#
#   REG_DIR=DIR REG_PORT=P REG_AUTH_PORT=Q tests/runtime/registry.sh start|stop|push IMAGES
#
#   start  noauth on 127.0.0.1:$REG_PORT; auth on 127.0.0.1:$REG_AUTH_PORT with
#          htpasswd Basic auth (bcrypt), user $REG_USER / $REG_PASS (default
#          podlife / podlife-secret).  Config, data, log and pid under
#          $REG_DIR/registry-<name>/.  Waits until GET /v2/ answers (10 s at most).
#   push   every tag of every layout under IMAGES to both, in index order:
#          blobs (POST uploads/ then PUT ?digest=), then the manifest by tag
#   stop   kills only the pids recorded by start (TERM, then KILL after 5 s)
set -euo pipefail

REG_DIR=${REG_DIR:?set REG_DIR}
REG_PORT=${REG_PORT:-5000}
REG_AUTH_PORT=${REG_AUTH_PORT:-5001}
REG_USER=${REG_USER:-podlife}
REG_PASS=${REG_PASS:-podlife-secret}
REGISTRY_BIN=${REGISTRY_BIN:-/usr/bin/docker-registry}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

port_of() { if [ "$1" = auth ]; then echo "$REG_AUTH_PORT"; else echo "$REG_PORT"; fi; }

start_one() {
	local name=$1 d=$REG_DIR/registry-$1 port code pid
	port=$(port_of "$name")
	mkdir -p "$d/data"
	cat >"$d/config.yml" <<EOF
version: 0.1
log:
  level: info
  formatter: text
storage:
  filesystem:
    rootdirectory: $d/data
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: podlife-test-$name
health:
  storagedriver:
    enabled: false
EOF
	if [ "$name" = auth ]; then
		htpasswd -Bbn "$REG_USER" "$REG_PASS" >"$d/htpasswd" 2>/dev/null
		printf 'auth:\n  htpasswd:\n    realm: podlife-test\n    path: %s/htpasswd\n' "$d" >>"$d/config.yml"
	fi
	"$REGISTRY_BIN" serve "$d/config.yml" >"$d/log" 2>&1 </dev/null &
	pid=$!
	echo "$pid" >"$d/pid"
	for _ in $(seq 1 100); do
		code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/" || true)
		if [ "$code" = 200 ] || [ "$code" = 401 ]; then
			echo "registry-$name pid $pid on 127.0.0.1:$port"
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "registry-$name did not start:" >&2
	tail -n 20 "$d/log" >&2
	return 1
}

# TERM to every recorded pid at once, KILL after 5 s; only pids from our pid files
stop_all() {
	local name d pid pids=()
	for name in noauth auth; do
		d=$REG_DIR/registry-$name
		[ -f "$d/pid" ] || continue
		pid=$(cat "$d/pid")
		rm -f "$d/pid"
		# still ours? (the pid may have been reused since)
		tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "serve $d/config.yml" || continue
		kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
	done
	for _ in $(seq 1 50); do
		local alive=0
		for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
		[ "$alive" = 0 ] && return 0
		sleep 0.1
	done
	for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
	return 0
}

# push_layout PORT LAYOUT REPO [curl auth args...]
push_layout() {
	local port=$1 layout=$2 repo=$3 base kind a b c loc code
	shift 3
	base=http://127.0.0.1:$port/v2/$repo
	# "blob DIGEST" and "manifest TAG MEDIATYPE DIGEST" lines, in push order
	"$PY" - "$layout" <<'EOF' | while read -r kind a b c; do
import json, os, sys
d = sys.argv[1]
for e in json.load(open(os.path.join(d, "index.json")))["manifests"]:
    doc = json.load(open(os.path.join(d, "blobs", "sha256", e["digest"][7:])))
    if "layers" in doc:
        for x in [doc["config"]] + doc["layers"]:
            print("blob", x["digest"])
    print("manifest", e["annotations"]["org.opencontainers.image.ref.name"], e["mediaType"], e["digest"])
EOF
		if [ "$kind" = blob ]; then
			code=$(curl -s -o /dev/null -w '%{http_code}' -I "$@" "$base/blobs/$a")
			[ "$code" = 200 ] && continue
			loc=$(curl -sf -D - -o /dev/null -X POST "$@" "$base/blobs/uploads/" |
				tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')
			case $loc in /*) loc=http://127.0.0.1:$port$loc ;; esac
			case $loc in *\?*) loc="$loc&digest=$a" ;; *) loc="$loc?digest=$a" ;; esac
			curl -sf -o /dev/null -X PUT "$@" -H 'Content-Type: application/octet-stream' \
				--data-binary "@$layout/blobs/sha256/${a#sha256:}" "$loc"
		else
			curl -sf -o /dev/null -X PUT "$@" -H "Content-Type: $b" \
				--data-binary "@$layout/blobs/sha256/${c#sha256:}" "$base/manifests/$a"
		fi
	done
}

push_all() {
	local images=$1 l n
	for l in "$images"/*/; do
		l=${l%/}
		n=$(basename "$l")
		[ -f "$l/index.json" ] || continue
		push_layout "$REG_PORT" "$l" "library/$n"
		push_layout "$REG_AUTH_PORT" "$l" "library/$n" -u "$REG_USER:$REG_PASS"
		echo "pushed library/$n to 127.0.0.1:$REG_PORT and 127.0.0.1:$REG_AUTH_PORT"
	done
}

case "${1:-}" in
start) mkdir -p "$REG_DIR"; start_one noauth; start_one auth ;;
stop) stop_all ;;
push) push_all "${2:?push IMAGES}" ;;
*) echo "usage: registry.sh start|stop|push IMAGES" >&2; exit 2 ;;
esac
