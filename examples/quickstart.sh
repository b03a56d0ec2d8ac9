#!/usr/bin/env bash
# examples/quickstart.sh - installs what libpodlife needs (Debian/Ubuntu),
# builds it, and runs the example pods: validates a manifest, prints the
# defaulted pod and simulates its lifecycle on the fake backend, then runs
# examples/pods/quickstart-run.yaml for real with `podlife run` on the
# mini-runtime's process backend (host processes; any user, no images).
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(meson ninja-build gcc pkg-config libyaml-dev libjansson-dev libcurl4-openssl-dev libarchive-dev)
missing=()
for p in "${pkgs[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "== installing: ${missing[*]}"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "== building"
[ -d build ] || meson setup build >/dev/null
ninja -C build >/dev/null

pod=${1:-examples/pods/init-demo.yaml}
echo "== podlife validate -o yaml $pod"
build/examples/podlife validate -o yaml "$pod"
echo
echo "== podlife simulate $pod (fake backend, simulated clock)"
build/examples/podlife simulate "$pod" --for 1m \
	--behave init-myservice=exit:0@5s --behave init-mydb=exit:0@3s \
	--image-missing nginx:1.27 --pull-time 2s

echo
run_pod=examples/pods/quickstart-run.yaml
state=${TMPDIR:-/tmp}/podlife-quickstart-$(id -u)
echo "== podlife run --runtime process $run_pod (real processes on this host)"
build/examples/podlife run --runtime process --state-dir "$state" "$run_pod"
echo
echo "== the app's log ($state/logs/default_quickstart/app/0.log, CRI format)"
cat "$state/logs/default_quickstart/app/0.log"
