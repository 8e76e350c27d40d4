# Sourced by the shell scripts that write TAP (vm/run.sh,
# host-tests/packaged-check.sh, scripts/mutants.sh).
#   point OK|FAIL description...   one point, numbered by $n; FAIL sets $failed
#   ok_if CMD...                   OK if CMD succeeds, else FAIL
n=0
failed=0
point() {
	n=$((n + 1))
	verdict=$1
	shift
	if [ "$verdict" = OK ]; then
		echo "ok $n - $*"
	else
		failed=1
		echo "not ok $n - $*"
	fi
}
ok_if() { if "$@"; then echo OK; else echo FAIL; fi; }
