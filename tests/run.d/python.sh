# tests/run.d/python.sh - the Python bindings (bindings/python): the pytest
# suite against the library of $PODLIFE_BUILD, then `pip install` of the
# package into a throw-away directory and an import from there.  Prints
# pytest's count line last (the install check adds one passed or failed).
set -u
cd "${PODLIFE_ROOT:-$(dirname "${BASH_SOURCE[0]}")/../..}" || exit 2
BUILD=${PODLIFE_BUILD:-build-ci}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
export PODLIFE_LIBRARY=$BUILD/lib/libpodlife.so.0
case $PODLIFE_LIBRARY in /*) ;; *) PODLIFE_LIBRARY=$PWD/$PODLIFE_LIBRARY ;; esac
if [ ! -e "$PODLIFE_LIBRARY" ]; then
	echo "python: $PODLIFE_LIBRARY is not built"
	echo "0 passed, 1 failed"
	exit 1
fi

# 1. pip install into a throw-away target, import from a neutral directory.
install_ok=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# setuptools writes build/ and *.egg-info next to the sources: build a copy.
mkdir -p "$tmp/src"
cp -r bindings/python/pyproject.toml bindings/python/README.md bindings/python/podlife "$tmp/src/"
if "$PY" -m pip install --quiet --no-build-isolation --no-deps --no-index \
	--target "$tmp/site" "$tmp/src" >"$tmp/pip.log" 2>&1; then
	if (cd "$tmp" && PYTHONPATH="$tmp/site" "$PY" -c \
		'import podlife, sys; assert podlife.__file__.startswith(sys.argv[1]), podlife.__file__; print("installed podlife", podlife.__version__, "over libpodlife", podlife.version())' \
		"$tmp/site"); then
		install_ok=1
	else
		echo "python: import of the installed package failed"
	fi
else
	echo "python: pip install ./bindings/python failed:"
	tail -n 20 "$tmp/pip.log"
fi

# 2. the test suite (from the source tree).
"$PY" -m pytest -q -p no:cacheprovider bindings/python/tests 2>&1 | tee "$tmp/pytest.log"
rc=${PIPESTATUS[0]}
line=$(grep -E '[0-9]+ (passed|failed)' "$tmp/pytest.log" | tail -n 1)
p=$(grep -o -E '[0-9]+ passed' <<<"$line" | grep -o -E '[0-9]+' || echo 0)
f=$(grep -o -E '[0-9]+ failed' <<<"$line" | grep -o -E '[0-9]+' || echo 0)
e=$(grep -o -E '[0-9]+ errors?' <<<"$line" | grep -o -E '[0-9]+' || echo 0)
f=$((f + e))
if [ "$install_ok" -eq 1 ]; then p=$((p + 1)); else f=$((f + 1)); fi
[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
