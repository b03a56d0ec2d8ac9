#!/bin/bash
# tests/bench/bench_runtime.sh - how fast the example mini-runtime starts a
# pod, beside `podman kube play` of the same YAML and images and beside the
# bare OCI runtime floor; and how much memory `podlife serve` needs per pod.
# Run by hand, as root, on a quiet machine; never by CI.  Prints a table.
#
#   tests/bench/bench_runtime.sh [N]        N runs per figure (default 7)
#
# Environment:
#   PODLIFE_BUILD     build directory (default build-bench, set up with
#                     --buildtype=release when missing); podlife is (re)built
#   BENCH_LOAD_MAX    measure only once the 1-minute load average is below
#                     this (default 1.0), polling every 20 s ...
#   BENCH_LOAD_WAIT   ... for at most this many seconds (default 1800), then
#                     measure anyway and say so
#   BENCH_ONLY        a subset of "podlife podman floor serve" (default all)
#   KEEP_TMP=1        keep the temporary directory (logs, bundles, YAMLs)
#
# What it does:
#  1. Prepares: images built offline (tests/runtime/make-images.sh) pushed
#     to a docker-registry on 127.0.0.1 (tests/runtime/registry.sh, free
#     ports); podman installed from Debian when missing and configured with
#     a private store (--root/--runroot under the temporary directory), runc,
#     cgroupfs, events_logger=file, the host's hard rlimits as its default
#     ulimits (its root defaults fail here without CAP_SYS_RESOURCE), network
#     none, and a registries.conf marking the registry insecure; a fresh
#     podlife state directory per runtime.  Every image is pulled once (a
#     warm-up run of each pod) before anything is timed.
#  2. Times, N rounds, the scenarios interleaved within each round:
#     - podlife: from the fork of `podlife run --runtime crun|runc -o json
#       POD` to the moment its stdout carries the pod row with status
#       Running and READY n/n (a small C helper reads the pipe and stamps
#       each line), then SIGINT;
#     - podman: from launching `podman kube play --network none POD` until
#       `podman pod inspect` says Running (the end of `kube play` when the
#       first inspect after it says so, else the start of the inspect call
#       that first does: both favour podman);
#     - floor: the same containers as bare OCI bundles (podlife's own spec:
#       read-only image rootfs, tmpfs /tmp and /run, the same mounts,
#       capabilities and rlimit), run one after the other by one process:
#       `RT run -d` of the pause (catatonit -P; new net, ipc, uts, pid and
#       mount namespaces), `RT run` to exit of each init container, then
#       `RT run -d` of the app (which returns once the app process runs);
#       init and app containers join the pause's net/ipc/uts namespaces and
#       have their own pid and mount namespaces.  The floor is the sum of
#       those runtime invocations (writing config.json is not timed).  crun
#       runs in one private mount namespace with /sys/fs/cgroup/unified
#       unmounted (the hybrid-cgroup workaround, done once, as oci.c does).
#     Pods: tests/bench/pods/one.yaml (httpd) and init.yaml (init
#     containers `echo` and `true`, then httpd).
#  3. Memory of `podlife serve --runtime process|runc`: 1, then 50 static pods
#     (pods/sleep.yaml) in its manifest directory, all Running; VmRSS of
#     serve, (RSS(50) - RSS(1)) / 49 per pod, and the RSS and PSS of the
#     per-container monitors.
# Everything it starts (registry by pid, podlife runs, serve and its pods,
# podman pods and store, floor containers, cgroups) is removed on exit.
set -euo pipefail
set -m # background jobs get SIGINT as from a terminal (not ignored)
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
N=${1:-7}
BUILD=${PODLIFE_BUILD:-build-bench}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
PL=$BUILD/examples/podlife
LOAD_MAX=${BENCH_LOAD_MAX:-1.0}
LOAD_WAIT=${BENCH_LOAD_WAIT:-1800}
ONLY=${BENCH_ONLY:-podlife podman floor serve}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
# shellcheck source=tests/runtime/oci-lib.sh
. tests/runtime/oci-lib.sh

die() { echo "bench_runtime: $*" >&2; exit 1; }
say() { echo "# $*" >&2; }
want() { case " $ONLY " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

[ "$(id -u)" = 0 ] || die "needs root"
[[ $N =~ ^[1-9][0-9]*$ ]] || die "usage: bench_runtime.sh [N]"

# ---- packages and build ---------------------------------------------------------------
missing=()
for p in crun:crun runc:runc catatonit:catatonit busybox:busybox-static \
	docker-registry:docker-registry htpasswd:apache2-utils curl:curl cc:gcc; do
	command -v "${p%%:*}" >/dev/null || missing+=("${p#*:}")
done
if want podman && ! command -v podman >/dev/null; then missing+=(podman); fi
if [ ${#missing[@]} -gt 0 ]; then
	say "installing ${missing[*]}"
	apt-get install -y "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
fi
# built from this tree (an up-to-date build costs nothing)
[ -d "$BUILD" ] || meson setup "$BUILD" -Dbenchmarks=true --buildtype=release >/dev/null
ninja -C "$BUILD" examples/podlife >/dev/null || die "building $PL failed"

# ---- the temporary directory and the cleanup ---------------------------------------
# A short path: serve.sock must fit in sun_path.
TMP=$(mktemp -d /tmp/plbench.XXXXXX)
P=$TMP/podman
FLOOR_CG=podlife-bench-floor-$$
SERVE_PID=
SERVE_STATE=
export REG_DIR=$TMP/registry
PODMAN=(podman --root "$P/root" --runroot "$P/run")
pm() { "${PODMAN[@]}" "$@"; }
had_libpod_parent=$([ -d /sys/fs/cgroup/memory/libpod_parent ] && echo 1 || echo 0)

stop_serve() {
	[ -n "$SERVE_PID" ] || return 0
	if kill -0 "$SERVE_PID" 2>/dev/null; then
		# delete its pods first (serve leaves running pods behind by design)
		rm -f "$SERVE_STATE/../manifests/"*.yaml 2>/dev/null
		for _ in $(seq 1 300); do
			[ "$(serve_count all)" = 0 ] && break
			sleep 0.2
		done
		kill -TERM "$SERVE_PID" 2>/dev/null || true
		for _ in $(seq 1 50); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$SERVE_PID" 2>/dev/null || true
	fi
	wait "$SERVE_PID" 2>/dev/null || true
	SERVE_PID=
	return 0
}
cleanup() {
	set +e
	stop_serve
	local p id c
	# process-runtime containers left by serve: by the pids in its state
	kill_pidfiles "$TMP"/serve-*/state/containers/*/pid "$TMP"/serve-*/state/containers/*/monitor.pid
	# OCI containers whose bundle is ours (podlife's and the floor's), cgroups
	oci_delete_ours "$TMP"
	rm_pod_cgroups "$TMP"/*/sandboxes/* "$TMP"/*/state/sandboxes/*
	rmdir_tree /sys/fs/cgroup/*/"$FLOOR_CG"
	# podman: its pods, containers and private store; conmons naming our store
	if [ -f "$P/containers.conf" ]; then
		local pods
		pods=$(pm pod ps -q --no-trunc 2>/dev/null)
		pm pod rm -fa -t 0 >/dev/null 2>&1
		pm rm -fa -t 0 >/dev/null 2>&1
		pm system reset -f >/dev/null 2>&1
		for p in $(pgrep -x conmon); do
			tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q -- "$P/" && kill "$p" 2>/dev/null
		done
		grep -o " $TMP/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount "$m"; done
		for id in $pods $(cat "$P/pod-ids" 2>/dev/null); do
			rmdir_tree /sys/fs/cgroup/*/libpod_parent/"$id"*
		done
		if [ "$had_libpod_parent" = 0 ]; then
			for c in /sys/fs/cgroup/*/libpod_parent; do rmdir "$c" 2>/dev/null; done
		fi
	fi
	[ -d "$REG_DIR" ] && bash tests/runtime/registry.sh stop >/dev/null 2>&1
	if [ -n "${KEEP_TMP:-}" ]; then say "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the timing helper ------------------------------------------------------------------
mkdir -p "$TMP/bin"
cat >"$TMP/bin/benchtool.c" <<'EOF'
/* benchtool: the timing helper of tests/bench/bench_runtime.sh.
 *
 *   benchtool watch LOG TIMEOUT_MS -- CMD...
 *     starts CMD with its stdout on a pipe and stamps every line it prints
 *     (ms since the fork, into LOG); at the first pod row with status
 *     Running and READY n/n it sends SIGINT (again 5 s later, SIGKILL after
 *     30 s) and waits for CMD.  Prints "ready_ms MS" (-1 when it never
 *     came), "launch_unix_ms MS", "exit RC" and "end_ms MS".
 *   benchtool floor RUNTIME PAUSE_BUNDLE ID STEP...
 *     `RUNTIME run -d --pid-file` of the pause bundle, then each STEP in
 *     order: fg:BUNDLE (`RUNTIME run`, until the container exits) or
 *     bg:BUNDLE (`RUNTIME run -d`, until the container process runs).  A
 *     bundle's config.json is written from its config.json.in with @PID@
 *     replaced by the pause's pid before its step (not timed).  Prints
 *     "pause MS", "step:K MS" and "total MS" (the sum of the timed runtime
 *     invocations), then deletes what it started.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double unix_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* a pod row (not an event) with status Running and READY n/n */
static int is_ready_row(const char *l)
{
	if (strstr(l, "\"event\"") || !strstr(l, "\"status\": \"Running\""))
		return 0;
	const char *r = strstr(l, "\"ready\": \"");
	int a, b;
	return r && sscanf(r + 10, "%d/%d", &a, &b) == 2 && a == b && b > 0;
}

static int watch(const char *logpath, long timeout_ms, char **argv)
{
	FILE *log = fopen(logpath, "w");
	int p[2];
	if (!log || pipe2(p, O_CLOEXEC) != 0) {
		perror("benchtool");
		return 2;
	}
	double launch_unix = unix_ms(), t0 = now_ms();
	pid_t pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		dup2(p[1], 1);
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, 0);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	static char buf[1 << 20];
	size_t have = 0;
	double ready = -1, sigint_at = -1, deadline = t0 + timeout_ms;
	int sent = 0, eof = 0;
	while (!eof) {
		double t = now_ms();
		if (sigint_at < 0 && t >= deadline) {
			kill(pid, SIGINT);
			sigint_at = t;
			sent = 1;
		} else if (sent == 1 && t >= sigint_at + 5000) {
			kill(pid, SIGINT);
			sent = 2;
		} else if (sent == 2 && t >= sigint_at + 30000) {
			kill(pid, SIGKILL);
			sent = 3;
		}
		struct pollfd pf = {p[0], POLLIN, 0};
		int prc = poll(&pf, 1, 100);
		if (prc < 0 && errno != EINTR)
			break;
		if (prc <= 0)
			continue;
		ssize_t n = read(p[0], buf + have, sizeof(buf) - 1 - have);
		t = now_ms();
		if (n <= 0) {
			eof = 1;
			n = 0;
		}
		have += (size_t)n;
		buf[have] = '\0';
		char *s = buf;
		for (;;) {
			char *nl = strchr(s, '\n');
			if (!nl && !(eof && *s) && !(have == sizeof(buf) - 1 && s == buf))
				break;
			if (nl)
				*nl = '\0';
			fprintf(log, "%.3f\t%s\n", t - t0, s);
			if (ready < 0 && is_ready_row(s)) {
				ready = t - t0;
				kill(pid, SIGINT);
				sigint_at = t;
				sent = 1;
			}
			s = nl ? nl + 1 : s + strlen(s);
			if (!nl)
				break;
		}
		have -= (size_t)(s - buf);
		memmove(buf, s, have);
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	double end = now_ms() - t0;
	fclose(log);
	printf("ready_ms %.3f\nlaunch_unix_ms %.3f\nexit %d\nend_ms %.3f\n", ready, launch_unix,
	       WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), end);
	return 0;
}

/* runs argv with stdio on /dev/null; its exit status, or -1 */
static int run(char **argv)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int render(const char *bundle, const char *pid)
{
	char in[4096], out[4096];
	static char text[1 << 20];
	snprintf(in, sizeof in, "%s/config.json.in", bundle);
	snprintf(out, sizeof out, "%s/config.json", bundle);
	FILE *f = fopen(in, "r");
	if (!f)
		return -1;
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	FILE *o = fopen(out, "w");
	if (!o)
		return -1;
	for (char *s = text, *m;; s = m + 5) {
		m = strstr(s, "@PID@");
		if (!m) {
			fputs(s, o);
			break;
		}
		fwrite(s, 1, (size_t)(m - s), o);
		fputs(pid, o);
	}
	return fclose(o);
}

static int floor_run(char *rt, char *pause, const char *id, int nsteps, char **steps)
{
	char pidfile[4096], pid[32] = "", ids[16][128];
	int ndel = 0, rc = 0;
	double total = 0;
	if (nsteps > 15)
		nsteps = 15;
	snprintf(pidfile, sizeof pidfile, "%s/pid", pause);
	unlink(pidfile);
	snprintf(ids[ndel], sizeof ids[0], "%s-pause", id);
	char *pa[] = {rt, "run", "-d", "--pid-file", pidfile, "--bundle", pause, ids[ndel], NULL};
	double t = now_ms();
	int r = run(pa);
	double d = now_ms() - t;
	ndel++;
	FILE *f = fopen(pidfile, "r");
	if (r != 0 || !f || !fgets(pid, sizeof pid, f)) {
		fprintf(stderr, "benchtool: %s run of the pause bundle failed (rc %d)\n", rt, r);
		if (f)
			fclose(f);
		rc = 1;
		goto out;
	}
	fclose(f);
	pid[strcspn(pid, "\n")] = '\0';
	printf("pause %.3f\n", d);
	total += d;
	for (int k = 0; k < nsteps; k++) {
		int bg = strncmp(steps[k], "bg:", 3) == 0;
		char *b = steps[k] + 3;
		if (render(b, pid) != 0) {
			fprintf(stderr, "benchtool: %s: cannot write config.json\n", b);
			rc = 1;
			goto out;
		}
		snprintf(ids[ndel], sizeof ids[0], "%s-%d", id, k);
		char *a[] = {rt, "run", "--bundle", b, ids[ndel], NULL, NULL};
		char *ad[] = {rt, "run", "-d", "--bundle", b, ids[ndel], NULL};
		t = now_ms();
		r = run(bg ? ad : a);
		d = now_ms() - t;
		ndel++;
		if (r != 0) {
			fprintf(stderr, "benchtool: %s run of %s failed (rc %d)\n", rt, b, r);
			rc = 1;
			goto out;
		}
		printf("step:%d %.3f\n", k, d);
		total += d;
	}
	printf("total %.3f\n", total);
out:
	fflush(stdout);
	for (int k = ndel - 1; k >= 0; k--) {
		char *del[] = {rt, "delete", "-f", ids[k], NULL};
		run(del);
	}
	return rc;
}

int main(int argc, char **argv)
{
	if (argc >= 6 && strcmp(argv[1], "watch") == 0 && strcmp(argv[4], "--") == 0)
		return watch(argv[2], atol(argv[3]), argv + 5);
	if (argc >= 5 && strcmp(argv[1], "floor") == 0)
		return floor_run(argv[2], argv[3], argv[4], argc - 5, argv + 5);
	fprintf(stderr, "usage: benchtool watch LOG TIMEOUT_MS -- CMD...\n"
	                "       benchtool floor RUNTIME PAUSE_BUNDLE ID fg:|bg:BUNDLE...\n");
	return 2;
}
EOF
cc -O2 -Wall -Wextra -o "$TMP/bin/benchtool" "$TMP/bin/benchtool.c" || die "cannot build the helper"
BT=$TMP/bin/benchtool

# ---- images and the registry ---------------------------------------------------------
read -r REG_PORT REG_AUTH_PORT < <(free_ports 2)
export REG_PORT REG_AUTH_PORT
REG=127.0.0.1:$REG_PORT
say "images and a registry on $REG"
registry_up "$TMP" >&2 || die "$REGISTRY_ERR"

mkdir -p "$TMP/pods"
for f in one init; do
	sed "s|@REG@|$REG|g" "tests/bench/pods/$f.yaml" >"$TMP/pods/$f.yaml"
done
pod_name() { echo "bench-$1"; } # metadata.name of pods/$1.yaml

# ---- helpers for figures ------------------------------------------------------------------
# stats FILE -> "median min max" of the numbers in FILE (one a line)
stats() {
	sort -g "$1" | awk '{a[NR] = $1} END {
		if (NR == 0) { print "n/a n/a n/a"; exit }
		m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		printf "%.1f %.1f %.1f\n", m, a[1], a[NR] }'
}
median() { stats "$1" | cut -d' ' -f1; }
fmt() { # FILE -> "12.3 (11.0-14.2)" in ms
	local med lo hi
	read -r med lo hi < <(stats "$1")
	if [ "$med" = n/a ]; then echo "n/a"; else echo "$med ($lo-$hi)"; fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "n/a" }'; }
load1() { cut -d' ' -f1 /proc/loadavg; }

# ---- podlife ---------------------------------------------------------------------------------
# podlife_once RT POD RUN: one timed run; appends the ms to $TMP/res/podlife-RT-POD
podlife_once() {
	local rt=$1 pod=$2 i=$3 out ready code
	out=$("$BT" watch "$TMP/logs/podlife-$rt-$pod-$i.log" 60000 -- \
		"$PL" run --runtime "$rt" --state-dir "$TMP/state-$rt" -o json "$TMP/pods/$pod.yaml" \
		2>>"$TMP/logs/podlife-$rt.err")
	echo "$out" >"$TMP/logs/podlife-$rt-$pod-$i.res"
	ready=$(awk '$1 == "ready_ms" {print $2}' <<<"$out")
	code=$(awk '$1 == "exit" {print $2}' <<<"$out")
	if [ "${ready%%.*}" -lt 0 ] || [ "$code" != 3 ]; then
		say "podlife $rt $pod run $i: not Running (ready $ready, exit $code); see $TMP/logs"
		return 0
	fi
	echo "$ready" >>"$TMP/res/podlife-$rt-$pod"
}

# ---- podman ----------------------------------------------------------------------------------
podman_setup() {
	local nofile nproc pidmax
	mkdir -p "$P/tmp" "$P/networks"
	cat >"$P/registries.conf" <<EOF
unqualified-search-registries = []
[[registry]]
location = "$REG"
insecure = true
EOF
	# This host lacks CAP_SYS_RESOURCE for containers: podman's root defaults
	# (nofile 1048576, nproc 4194304) make runc fail with "error setting
	# rlimit"; the host's hard limits work, nproc at most pid_max.
	nofile=$(ulimit -Hn)
	nproc=$(ulimit -Hu)
	pidmax=$(cat /proc/sys/kernel/pid_max)
	[ "$nofile" = unlimited ] && nofile=1048576
	if [ "$nproc" = unlimited ] || [ "$nproc" -gt "$pidmax" ]; then nproc=$pidmax; fi
	cat >"$P/containers.conf" <<EOF
[containers]
netns = "none"
log_driver = "k8s-file"
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$P/events.log"
runtime = "runc"
tmp_dir = "$P/tmp"
[network]
network_config_dir = "$P/networks"
EOF
	cat >"$P/storage.conf" <<EOF
[storage]
driver = "overlay"
runroot = "$P/run"
graphroot = "$P/root"
EOF
	export CONTAINERS_REGISTRIES_CONF=$P/registries.conf
	export CONTAINERS_CONF=$P/containers.conf
	export CONTAINERS_STORAGE_CONF=$P/storage.conf
	local i
	for i in busybox:1.36 httpd:1; do
		pm pull -q "$REG/library/$i" >/dev/null 2>>"$TMP/logs/podman.err" ||
			die "podman pull $REG/library/$i failed: $(tail -n 3 "$TMP/logs/podman.err")"
	done
}
podman_rm() { pm pod rm -f -i -t 0 "$1" >/dev/null 2>>"$TMP/logs/podman.err" || true; }
# podman_once POD RUN: appends the ms to $TMP/res/podman-POD
podman_once() {
	local pod=$1 i=$2 name t0 t1 tp st="" ms=""
	name=$(pod_name "$pod")
	podman_rm "$name"
	t0=$(date +%s%N)
	pm kube play --network none "$TMP/pods/$pod.yaml" >"$TMP/logs/podman-$pod-$i.out" \
		2>>"$TMP/logs/podman.err" || true
	t1=$(date +%s%N)
	pm pod inspect "$name" --format '{{.ID}}' >>"$P/pod-ids" 2>/dev/null || true
	for _ in $(seq 1 400); do
		tp=$(date +%s%N)
		st=$(pm pod inspect "$name" --format '{{.State}}' 2>/dev/null || true)
		if [ "$st" = Running ]; then
			[ -z "$ms" ] && ms=$(((t1 - t0) / 1000))
			break
		fi
		ms=x
		sleep 0.02
	done
	if [ "$st" != Running ]; then
		say "podman $pod run $i: pod state '$st'"
	else
		[ "$ms" = x ] && ms=$(((tp - t0) / 1000))
		awk -v u="$ms" 'BEGIN {printf "%.1f\n", u / 1000}' >>"$TMP/res/podman-$pod"
	fi
	podman_rm "$name"
}

# ---- the floor ---------------------------------------------------------------------------------
# rootfs DIR IMAGE TAG: the image's layers unpacked into DIR
rootfs() {
	mkdir -p "$1"
	"$PY" - "$TMP/images/$2" "$3" <<'EOF' | while read -r l; do tar -xzf "$l" -C "$1"; done
import json, os, sys
d, tag = sys.argv[1], sys.argv[2]
for e in json.load(open(os.path.join(d, "index.json")))["manifests"]:
    if e["annotations"]["org.opencontainers.image.ref.name"] == tag:
        m = json.load(open(os.path.join(d, "blobs", "sha256", e["digest"][7:])))
        for l in m["layers"]:
            print(os.path.join(d, "blobs", "sha256", l["digest"][7:]))
EOF
}
# bundle DIR ROOTFS CGROUP pause|ctr ARGS...: config.json.in as oci_spec.c writes it
bundle() {
	mkdir -p "$1"
	"$PY" - "$@" "$(ulimit -Hn)" <<'EOF'
import json, sys
d, rootfs, cg, kind = sys.argv[1:5]
args, nofile = sys.argv[5:-1], int(sys.argv[-1])
caps = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
        "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
        "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"]
def m(dst, typ, src, opts):
    return {"destination": dst, "type": typ, "source": src, "options": opts}
mounts = [m("/proc", "proc", "proc", ["nosuid", "noexec", "nodev"]),
          m("/dev", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]),
          m("/dev/pts", "devpts", "devpts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
          m("/dev/shm", "tmpfs", "shm", ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
          m("/dev/mqueue", "mqueue", "mqueue", ["nosuid", "noexec", "nodev"]),
          m("/sys", "sysfs", "sysfs", ["nosuid", "noexec", "nodev", "ro"])]
ns = [{"type": "pid"}, {"type": "mount"}]
if kind == "pause":
    ns += [{"type": "network"}, {"type": "ipc"}, {"type": "uts"}]
else:
    mounts += [m("/tmp", "tmpfs", "tmpfs", ["nosuid", "nodev", "mode=1777"]),
               m("/run", "tmpfs", "tmpfs", ["nosuid", "nodev", "mode=755"])]
    ns += [{"type": t, "path": "/proc/@PID@/ns/" + p} for t, p in
           (("network", "net"), ("ipc", "ipc"), ("uts", "uts"))]
spec = {"ociVersion": "1.0.2",
        "process": {"terminal": False, "user": {"uid": 0, "gid": 0}, "args": args,
                    "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                    "cwd": "/", "capabilities": {"bounding": caps, "effective": caps, "permitted": caps},
                    "noNewPrivileges": False,
                    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": nofile, "soft": nofile}]},
        "root": {"path": rootfs, "readonly": True}, "mounts": mounts,
        "linux": {"namespaces": ns, "cgroupsPath": cg,
                  "resources": {"devices": [{"allow": False, "access": "rwm"}]},
                  "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                                  "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                                  "/proc/sched_debug", "/proc/scsi", "/sys/firmware"],
                  "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]}}
if kind == "pause":
    spec["hostname"] = "bench"
json.dump(spec, open(d + ("/config.json" if kind == "pause" else "/config.json.in"), "w"), indent=1)
EOF
}
floor_setup() {
	local B=$TMP/floor
	rootfs "$B/rootfs-pause" pause 3.9
	rootfs "$B/rootfs-busybox" busybox 1.36
	rootfs "$B/rootfs-httpd" httpd 1
	bundle "$B/pause" "$B/rootfs-pause" "/$FLOOR_CG/pause" pause /catatonit -P
	bundle "$B/init1" "$B/rootfs-busybox" "/$FLOOR_CG/init1" ctr echo init1
	bundle "$B/init2" "$B/rootfs-busybox" "/$FLOOR_CG/init2" ctr true
	bundle "$B/app" "$B/rootfs-httpd" "/$FLOOR_CG/app" ctr httpd -f -v -p 8080 -h /www
}
floor_steps() {
	case $1 in
	one) echo "bg:$TMP/floor/app" ;;
	init) echo "fg:$TMP/floor/init1 fg:$TMP/floor/init2 bg:$TMP/floor/app" ;;
	esac
}
# floor_once RT POD RUN: appends the total ms to $TMP/res/floor-RT-POD
floor_once() {
	local rt=$1 pod=$2 i=$3 steps out
	steps=$(floor_steps "$pod")
	# shellcheck disable=SC2086 # the steps are words
	out=$(in_rt_ns "$rt" "$BT" floor "$rt" "$TMP/floor/pause" "fl$$-$i" $steps \
		2>>"$TMP/logs/floor.err") || true
	echo "$out" >"$TMP/logs/floor-$rt-$pod-$i.res"
	if grep -q '^total ' <<<"$out"; then
		awk '$1 == "total" {print $2}' <<<"$out" >>"$TMP/res/floor-$rt-$pod"
		awk '$1 != "total" {print $1, $2}' <<<"$out" >>"$TMP/res/floorsteps-$rt-$pod"
	else
		say "floor $rt $pod run $i failed: $(tail -n 2 "$TMP/logs/floor.err")"
	fi
}

# ---- serve memory --------------------------------------------------------------------------------
# serve_count all|running: pods in serve's pods.json (running: Running, all READY)
serve_count() {
	"$PY" - "$SERVE_STATE/pods.json" "$1" <<'EOF' 2>/dev/null || echo -1
import json, sys
pods = json.load(open(sys.argv[1]))["pods"]
if sys.argv[2] == "running":
    pods = [p for p in pods if p["status"] == "Running" and not p["terminating"]
            and p["ready"].split("/")[0] == p["ready"].split("/")[1]]
print(len(pods))
EOF
}
kb() { awk -v k="$2" '$1 == k":" {print $2; exit}' "$1" 2>/dev/null; }
# serve_mem_now RT N: one line of figures for N running pods
serve_mem_now() {
	local rt=$1 n=$2 rss mon_rss=0 mon_pss=0 nmon=0 f p
	rss=$(kb "/proc/$SERVE_PID/status" VmRSS)
	for f in "$SERVE_STATE"/containers/*/monitor.pid; do
		p=$(cat "$f" 2>/dev/null) || continue
		[ -r "/proc/$p/status" ] || continue
		mon_rss=$((mon_rss + $(kb "/proc/$p/status" VmRSS)))
		mon_pss=$((mon_pss + $(kb "/proc/$p/smaps_rollup" Pss)))
		nmon=$((nmon + 1))
	done
	echo "$rt $n $rss $nmon $mon_rss $mon_pss" >>"$TMP/res/serve"
}
wait_serve() { # COUNT SECS
	local i
	for i in $(seq 1 $(($2 * 5))); do
		[ "$(serve_count running)" = "$1" ] && return 0
		kill -0 "$SERVE_PID" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}
serve_mem() {
	local rt=$1 d=$TMP/serve-$1 k
	mkdir -p "$d/manifests"
	SERVE_STATE=$d/state
	add_pods() { # FROM TO
		for k in $(seq "$1" "$2"); do
			sed -e "s|@REG@|$REG|g" -e "s|@NAME@|sleep-$k|" tests/bench/pods/sleep.yaml \
				>"$d/manifests/.sleep-$k.tmp"
			mv "$d/manifests/.sleep-$k.tmp" "$d/manifests/sleep-$k.yaml"
		done
	}
	add_pods 1 1
	"$PL" serve --manifest-dir "$d/manifests" --state-dir "$SERVE_STATE" --node-name bench \
		--runtime "$rt" >"$d/serve.log" 2>&1 </dev/null &
	SERVE_PID=$!
	if ! wait_serve 1 120; then
		say "serve $rt: the first pod is not Running; $(tail -n 3 "$d/serve.log")"
		stop_serve
		return 0
	fi
	sleep 3
	serve_mem_now "$rt" 1
	add_pods 2 50
	if ! wait_serve 50 600; then
		say "serve $rt: $(serve_count running) of 50 pods Running; $(tail -n 3 "$d/serve.log")"
		stop_serve
		return 0
	fi
	sleep 3
	serve_mem_now "$rt" 50
	stop_serve
}

# ---- prepare ---------------------------------------------------------------------------------------
mkdir -p "$TMP/logs" "$TMP/res"
RUNTIMES=(crun runc)
PODS=(one init)
if want podlife; then
	say "podlife: warm-up runs (pulls) with a fresh state directory per runtime"
	for rt in "${RUNTIMES[@]}"; do
		for pod in "${PODS[@]}"; do
			out=$("$BT" watch "$TMP/logs/warm-$rt-$pod.log" 120000 -- "$PL" run --runtime "$rt" \
				--state-dir "$TMP/state-$rt" -o json "$TMP/pods/$pod.yaml" 2>>"$TMP/logs/podlife-$rt.err")
			grep -q '^ready_ms [0-9]' <<<"$out" ||
				die "podlife $rt $pod did not reach Running: $(tail -n 3 "$TMP/logs/podlife-$rt.err")"
		done
	done
fi
if want podman; then
	say "podman $(podman --version | awk '{print $3}'): private store in $P, pulls, warm-up plays"
	podman_setup
	for pod in "${PODS[@]}"; do podman_once "$pod" warm; done
	rm -f "$TMP"/res/podman-*
fi
if want floor; then
	say "floor bundles"
	floor_setup
	for rt in "${RUNTIMES[@]}"; do for pod in "${PODS[@]}"; do floor_once "$rt" "$pod" warm; done; done
	rm -f "$TMP"/res/floor*
fi

# ---- wait for a quiet machine ----------------------------------------------------------------------
waited=0
while awk -v l="$(load1)" -v m="$LOAD_MAX" 'BEGIN {exit !(l >= m)}'; do
	if [ "$waited" -ge "$LOAD_WAIT" ]; then
		say "load $(load1) still >= $LOAD_MAX after ${waited}s: measuring anyway"
		break
	fi
	say "load $(load1) >= $LOAD_MAX: waiting"
	sleep 20
	waited=$((waited + 20))
done
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- measure ---------------------------------------------------------------------------------------
for i in $(seq 1 "$N"); do
	say "round $i of $N (load $(load1))"
	for pod in "${PODS[@]}"; do
		for rt in "${RUNTIMES[@]}"; do
			want podlife && podlife_once "$rt" "$pod" "$i"
			want floor && floor_once "$rt" "$pod" "$i"
		done
		want podman && podman_once "$pod" "$i"
	done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
if want serve; then
	for rt in process runc; do
		say "serve --runtime $rt: 1 then 50 pods"
		serve_mem "$rt"
	done
fi

# ---- report ----------------------------------------------------------------------------------------
podlife_version() { # the source tree of $BUILD (git describe) and its build type
	local src type
	src=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["directories"]["source"])' \
		"$BUILD/meson-info/meson-info.json" 2>/dev/null) || src="?"
	type=$(meson introspect --buildoptions "$BUILD" 2>/dev/null | "$PY" -c \
		'import json, sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "buildtype"][0])' \
		2>/dev/null) || type="?"
	echo "$(git -C "$src" describe --always --dirty 2>/dev/null || echo "$src (not a git tree)"), $type build in $BUILD"
}
r() { [ -s "$TMP/res/$1" ] && fmt "$TMP/res/$1" || echo n/a; }
m() { [ -s "$TMP/res/$1" ] && median "$TMP/res/$1" || echo 0; }
echo
echo "libpodlife mini-runtime: time from launch to all containers Running, ms: median (min-max) of $N"
echo "machine: $(nproc) cpus, $(uname -r), $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
echo "load average: $LOAD_BEFORE before, $LOAD_AFTER after the timings"
echo "versions: crun $(crun --version | awk 'NR == 1 {print $3}'), runc $(runc --version | awk 'NR == 1 {print $3}'), podman $(podman --version 2>/dev/null | awk '{print $3}'), podlife $(podlife_version)"
echo
printf '%-22s %-20s %-20s %-20s %-20s %-20s %-13s %-13s %-14s\n' scenario "podlife crun" "podlife runc" \
	"podman (runc)" "crun floor" "runc floor" "podlife/floor" "podman/podlife" ""
for pod in "${PODS[@]}"; do
	case $pod in one) label="1 container (httpd)" ;; init) label="2 init + httpd" ;; esac
	lc=$(m "podlife-crun-$pod") lr=$(m "podlife-runc-$pod") pd=$(m "podman-$pod")
	fc=$(m "floor-crun-$pod") fr=$(m "floor-runc-$pod")
	printf '%-22s %-20s %-20s %-20s %-20s %-20s %-13s %-13s\n' "$label" \
		"$(r "podlife-crun-$pod")" "$(r "podlife-runc-$pod")" "$(r "podman-$pod")" \
		"$(r "floor-crun-$pod")" "$(r "floor-runc-$pod")" \
		"$(ratio "$lc" "$fc")/$(ratio "$lr" "$fr")" "$(ratio "$pd" "$lc")/$(ratio "$pd" "$lr")"
done
echo "(podlife/floor: crun/crun and runc/runc; podman/podlife: against podlife crun / podlife runc)"
echo
echo "floor steps, median ms (pause = 'run -d' of catatonit -P; step:K = each container in order):"
for rt in "${RUNTIMES[@]}"; do
	for pod in "${PODS[@]}"; do
		f=$TMP/res/floorsteps-$rt-$pod
		[ -s "$f" ] || continue
		printf '  %-5s %-5s' "$rt" "$pod"
		while read -r s; do
			awk -v s="$s" '$1 == s {print $2}' "$f" >"$f.$s"
			printf ' %s %s' "$s" "$(median "$f.$s")"
		done < <(awk '!seen[$1]++ {print $1}' "$f")
		echo
	done
done
echo
echo "podlife breakdown (last run, ms since launch; from the stamped -o json lines):"
for rt in "${RUNTIMES[@]}"; do
	for pod in "${PODS[@]}"; do
		f=$TMP/logs/podlife-$rt-$pod-$N.log
		[ -f "$f" ] || continue
		printf '  %-5s %-5s' "$rt" "$pod"
		"$PY" - "$f" <<'EOF'
import json, sys
out, first = [], None
for line in open(sys.argv[1]):
    ms, _, text = line.rstrip("\n").partition("\t")
    first = first if first is not None else float(ms)
    try:
        o = json.loads(text)
    except ValueError:
        continue
    if "event" in o:
        e = o["event"]
        if e["reason"] in ("Created", "Started"):
            out.append("%s %s %.1f" % (e["container"], e["reason"], float(ms)))
    elif "status" in o:
        out.append("[%s] %.1f" % (o["status"], float(ms)))
        if o["status"] == "Running":
            break
print(" first line %.1f, %s" % (first or 0, ", ".join(out)))
EOF
	done
done
if [ -s "$TMP/res/serve" ]; then
	echo
	echo "podlife serve memory (sleep pods; KiB; monitors = one per container, a fork of serve):"
	for rt in process runc; do
		read -r _ _ r1 _ _ _ < <(awk -v r="$rt" '$1 == r && $2 == 1' "$TMP/res/serve") || continue
		read -r _ _ r50 n50 mr50 mp50 < <(awk -v r="$rt" '$1 == r && $2 == 50' "$TMP/res/serve") || continue
		echo "  $rt: serve VmRSS $r1 KiB with 1 pod, $r50 KiB with 50: $(((r50 - r1) * 1024 / 49)) bytes per pod;" \
			"monitors: $n50, RSS $((mr50 / n50)) KiB and PSS $((mp50 / n50)) KiB each"
	done
fi
echo
echo "commands:"
echo "  podlife: $PL run --runtime crun|runc --state-dir STATE -o json tests/bench/pods/{one,init}.yaml (@REG@ = $REG), SIGINT at the Running n/n row"
echo "  podman:  podman --root R --runroot RR kube play --network none POD.yaml (runc, cgroupfs, overlay), until 'podman pod inspect --format {{.State}}' = Running; then pod rm -f -t 0"
echo "  floor:   [unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified; exec ...'] RT run -d --pid-file F -b pause ID; RT run -b initK ID; RT run -d -b app ID"
echo "  serve:   $PL serve --manifest-dir DIR --state-dir STATE --node-name bench --runtime process|runc"
