# tests/run.d/runtime-oci-serve.sh - `podlife serve` on the OCI backend,
# end to end, with runc and with crun: a static pod whose image comes from
# a docker-registry on 127.0.0.1 (images built offline by
# tests/runtime/make-images.sh, pushed by tests/runtime/registry.sh)
# becomes Running and `podlife logs` shows its output; serve stopped with
# SIGTERM leaves it running and a new serve on the same state directory
# adopts it (the same container process, the same restart count, one
# container in the runtime's list); removing the file deletes the pod and
# its containers.  Every wait is bounded; on exit serve is stopped by its
# pid, the runtime's containers whose bundle lies under the test's
# directory are deleted, and the registries are stopped by pid.  Needs
# root.  Prints "N passed, N failed" last.
#
#   PODLIFE_BUILD=build tests/run.d/runtime-oci-serve.sh [runc|crun]...
# shellcheck shell=bash
set -u
cd "${PODLIFE_ROOT:-$(dirname "${BASH_SOURCE[0]}")/../..}" || exit 2
ROOT=$PWD
BUILD=${PODLIFE_BUILD:-build-ci}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
PL=$BUILD/examples/podlife
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
RUNTIMES=("$@")
[ ${#RUNTIMES[@]} -gt 0 ] || RUNTIMES=(runc crun)
NODE=oci-node
POD=oci-served-$NODE

SUITE=runtime-oci-serve
# shellcheck source=tests/runtime/checks.sh
. tests/runtime/checks.sh
# shellcheck source=tests/runtime/oci-lib.sh
. tests/runtime/oci-lib.sh

[ "$(id -u)" = 0 ] || fail "needs root"
[ -x "$PL" ] || fail "$PL is not built"
"$PL" --help 2>/dev/null | grep -q 'podlife serve' || fail "$PL has no serve command"
for t in /usr/bin/docker-registry htpasswd curl tar gzip "$PY" crun runc catatonit; do
	command -v "$t" >/dev/null || fail "missing $t (.ci/run installs it)"
done

# A short path: serve.sock must fit in sun_path.
TMP=$(mktemp -d /tmp/plocis.XXXXXX) || fail "mktemp"
export REG_DIR=$TMP/registries
SERVE_PID=
ST=
MD=
LOG=

ours() { oci_ours "$1" "$TMP"; } # RT: "ID BUNDLE" of its containers under TMP
stop_serve() { # SIGTERM to serve (timeout forwards it); its exit status
	local i
	[ -n "$SERVE_PID" ] || return 1
	kill -TERM "$SERVE_PID" 2>/dev/null
	for i in $(seq 1 100); do
		kill -0 "$SERVE_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$SERVE_PID" 2>/dev/null; then
		# serve, the child of that timeout, then the timeout
		# shellcheck disable=SC2046 # the pids are words
		kill -KILL $(cat /proc/"$SERVE_PID"/task/*/children 2>/dev/null) 2>/dev/null
		kill -KILL "$SERVE_PID" 2>/dev/null
	fi
	wait "$SERVE_PID" 2>/dev/null
	i=$?
	SERVE_PID=
	return $i
}
cleanup() {
	stop_serve
	# serve leaves its pods running by design: delete what it started
	oci_delete_ours "$TMP"
	kill_pidfiles "$TMP"/state-*/containers/*/monitor.pid
	rm_pod_cgroups "$TMP"/state-*/sandboxes/*
	bash tests/runtime/registry.sh stop >/dev/null 2>&1
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r REG_PORT REG_AUTH_PORT < <(free_ports 2)
export REG_PORT REG_AUTH_PORT
REG=127.0.0.1:$REG_PORT

registry_up "$TMP" || fail "$REGISTRY_ERR"
sed "s|@REG@|$REG|g" tests/runtime/oci-pods/served.yaml >"$TMP/served.yaml"

pl() { timeout 20 "$PL" "$@" --state-dir "$ST"; }
start_serve() { # RT: serve in the background (SERVE_PID), up once serve.sock is
	timeout -k 5 300 "$PL" serve --manifest-dir "$MD" --state-dir "$ST" --node-name "$NODE" \
		--runtime "$1" >>"$LOG" 2>&1 </dev/null &
	SERVE_PID=$!
	for _ in $(seq 1 100); do
		[ -S "$ST/serve.sock" ] && [ -f "$ST/pods.json" ] && return 0
		kill -0 "$SERVE_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
# wait_for SECS CMD...: until CMD succeeds (polling every 0.2 s)
wait_for() {
	local i
	local n=$(($1 * 5))
	shift
	for i in $(seq 1 "$n"); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}
row() { pl get pods 2>/dev/null | awk -v n="$POD" '$1 == n'; } # its `get pods` line
running() { row | grep -q ' 1/1 *Running '; }
gone() { [ -z "$(row)" ] && pl get pods 2>&1 | grep -q 'No resources found'; }
logged() { pl logs "$POD" 2>/dev/null | grep -qx 'served by podlife'; }
ctr_dirs() { find "$ST/containers" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l; } # instances made
ctr_pid() { # the pid of the running container instance (its runtime's `run`)
	local d
	for d in "$ST"/containers/*/; do
		[ -f "$d/pid" ] && [ ! -f "$d/exit" ] && cat "$d/pid"
	done
}
one_each() { # RT STATUS: the runtime lists one container and one pause container of ST, both STATUS
	"$1" list 2>/dev/null | awk -v c="$ST/containers/" -v s="$ST/sandboxes/" -v st="$2" '
		NR > 1 && index($(NF-2), c) == 1 {n++; if ($3 != st) bad = 1}
		NR > 1 && index($(NF-2), s) == 1 {m++; if ($3 != st) bad = 1}
		END {exit !(n == 1 && m == 1 && !bad)}'
}
no_leftovers() { oci_no_leftovers "$1" "$TMP"; } # RT: nothing of ours in its list, no pod cgroup

for RT in "${RUNTIMES[@]}"; do
	echo "== $RT ($("$RT" --version 2>/dev/null | head -n 1))"
	ST=$TMP/state-$RT
	MD=$TMP/manifests-$RT
	LOG=$TMP/serve-$RT.log
	mkdir -p "$MD"
	failed0=$failed

	# 1. a file added: the pod pulls its image and runs; logs
	check "$RT: serve starts on an empty directory" start_serve "$RT"
	cp "$TMP/served.yaml" "$MD/served.yaml"
	wait_for 40 running
	check "$RT: added file: $POD 1/1 Running ($(row))" running
	check "$RT: podlife logs shows its output ($(pl logs "$POD" 2>&1 | head -n 3 | tr '\n' ' '))" \
		wait_for 5 logged
	check "$RT: '$RT list' shows the container running and the pause container ($(ours "$RT" | wc -l) of ours)" \
		one_each "$RT" running

	# 2. serve stopped with SIGTERM: the pod keeps running
	pid=$(ctr_pid)
	dirs=$(ctr_dirs)
	restarts=$(row | awk '{print $4}')
	stop_serve
	rc=$?
	check "$RT: SIGTERM: serve exits 0 ($rc) and removes serve.pid" \
		sh -c "[ $rc = 0 ] && [ ! -e '$ST/serve.pid' ]"
	check "$RT: ... the container keeps running (pid $pid)" \
		sh -c "[ -n '$pid' ] && kill -0 $pid 2>/dev/null && '$RT' list | grep '$ST/containers/' | grep -q ' running '"

	# 3. serve started again on the same state directory adopts it
	start_serve "$RT"
	wait_for 15 running
	check "$RT: restarted serve: $POD Running ($(row))" running
	sleep 1.5 # long enough for a wrongly started second instance to show
	check "$RT: ... the container adopted: same pid ($pid -> $(ctr_pid)), no new instance ($dirs -> $(ctr_dirs))" \
		sh -c "[ -n '$pid' ] && [ '$(ctr_pid)' = '$pid' ] && [ '$(ctr_dirs)' = '$dirs' ]"
	check "$RT: ... restart count unchanged ($restarts -> $(row | awk '{print $4}'))" \
		sh -c "[ '$restarts' = 0 ] && [ '$(row | awk '{print $4}')' = 0 ]"
	check "$RT: ... '$RT list' shows one container and the pause container ($(ours "$RT" | wc -l) of ours)" \
		one_each "$RT" running
	check "$RT: ... podlife logs still shows its output" logged

	# 4. the file removed: the pod and its containers go away
	rm -f "$MD/served.yaml"
	wait_for 20 gone
	check "$RT: removed file: the pod is gone ($(pl get pods 2>&1 | tail -n 1))" gone
	wait_for 10 no_leftovers "$RT"
	check "$RT: ... no container of ours in '$RT list' ($(ours "$RT" | wc -l)), no pod cgroup" \
		no_leftovers "$RT"
	check "$RT: ... the container process ended" sh -c "! kill -0 $pid 2>/dev/null"
	stop_serve
	rc=$?
	check "$RT: serve stops (exit status $rc)" [ "$rc" = 0 ]
	if [ "$failed" -gt "$failed0" ]; then
		echo "-- serve's output ($RT), last lines:"
		tail -n 15 "$LOG"
	fi
done

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
