# shellcheck shell=bash
# tests/runtime/oci-lib.sh - the setup and cleanup the OCI runtime suites
# (tests/run.d/runtime-oci*.sh, runtime-store.sh) and
# tests/bench/bench_runtime.sh share (sourced, from the top of the tree):
# free ports, the test images in a local registry, the crun workaround,
# and the removal of runc/crun containers and pod cgroups left under a
# directory.  Every function only touches what lies under the directory
# it is given.

# free_ports N: N free TCP ports on 127.0.0.1, on one line
free_ports() {
	"${PY:-python3}" - "$1" <<'EOF'
import socket, sys
ss = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))
for s in ss:
    s.close()
EOF
}

# registry_up DIR: the test images built offline into DIR/images
# (make-images.sh), the registries started (registry.sh; REG_DIR,
# REG_PORT and REG_AUTH_PORT exported by the caller) and the images
# pushed; each step's output in DIR/<step>.log.  On failure: prints that
# log, leaves what failed in REGISTRY_ERR and returns 1.
registry_up() {
	local dir=$1
	REGISTRY_ERR=
	if ! bash tests/runtime/make-images.sh "$dir/images" >"$dir/make-images.log" 2>&1; then
		cat "$dir/make-images.log"
		REGISTRY_ERR="make-images.sh failed"
	elif ! bash tests/runtime/registry.sh start >"$dir/registry.log" 2>&1; then
		cat "$dir/registry.log"
		REGISTRY_ERR="registry.sh start failed"
	elif ! bash tests/runtime/registry.sh push "$dir/images" >"$dir/push.log" 2>&1; then
		cat "$dir/push.log"
		REGISTRY_ERR="registry.sh push failed"
	fi
	[ -z "$REGISTRY_ERR" ]
}

# in_rt_ns RT CMD...: CMD for the runtime RT; for crun in a private mount
# namespace with /sys/fs/cgroup/unified unmounted (the hybrid-cgroup
# workaround, as examples/runtime/oci.c does)
in_rt_ns() {
	local rt=$1
	shift
	if [ "$rt" = crun ]; then
		# shellcheck disable=SC2016 # $@ is for the inner sh
		unshare -m --propagation private sh -c \
			'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"' sh "$@"
	else
		"$@"
	fi
}

# own_cgroup: this process's cgroup (the memory controller's on v1, else
# the unified one), without the leading /
own_cgroup() {
	awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3; exit} $1 == 0 {v2 = $3} END {if (v2) print v2}' \
		/proc/self/cgroup | head -n 1 | sed 's|^/||'
}

# rmdir_tree DIR...: removes empty cgroup directories, deepest first
rmdir_tree() {
	local d
	for d in "$@"; do
		[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	return 0
}

# oci_ours RT DIR: "ID BUNDLE" of RT's containers whose bundle lies under DIR
oci_ours() {
	"$1" list 2>/dev/null | awk -v t="$2/" 'NR > 1 && index($(NF-2), t) == 1 {print $1, $(NF-2)}'
}

# oci_delete_ours DIR: kills and deletes the runc and crun containers
# whose bundle lies under DIR
oci_delete_ours() {
	local rt id
	for rt in runc crun; do
		oci_ours "$rt" "$1" | while read -r id _; do
			"$rt" kill "$id" KILL >/dev/null 2>&1
			in_rt_ns "$rt" "$rt" delete -f "$id" >/dev/null 2>&1
		done
	done
	return 0
}

# rm_pod_cgroups SANDBOX_DIR...: removes the cgroups of those sandboxes
# of a podlife state directory (<own cgroup>/podlife/<sandbox>)
rm_pod_cgroups() {
	local own sb
	own=$(own_cgroup)
	for sb in "$@"; do
		[ -d "$sb" ] || continue
		rmdir_tree /sys/fs/cgroup/*/"$own"/podlife/"${sb##*/}" \
			/sys/fs/cgroup/"$own"/podlife/"${sb##*/}"
	done
	return 0
}

# kill_pidfiles FILE...: SIGKILL to the pid in each FILE that names a
# live user process (serve leaves its pods' processes running by design)
kill_pidfiles() {
	local f p
	for f in "$@"; do
		[ -f "$f" ] || continue
		p=$(cat "$f" 2>/dev/null)
		[ -n "$p" ] && tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q . &&
			kill -KILL "$p" 2>/dev/null
	done
	return 0
}

# oci_no_leftovers RT DIR: no container of RT with its bundle under DIR,
# and no pod cgroup at all under <own cgroup>/podlife
oci_no_leftovers() {
	local own
	[ -z "$(oci_ours "$1" "$2")" ] || return 1
	own=$(own_cgroup)
	[ -z "$(find /sys/fs/cgroup/*/"$own"/podlife /sys/fs/cgroup/"$own"/podlife \
		-mindepth 1 -type d 2>/dev/null | head -n 1)" ]
}
