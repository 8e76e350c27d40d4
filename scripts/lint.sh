#!/bin/sh
# lint.sh KDIR OUTDIR
# "make lint".  The module: kbuild with sparse on every file (C=2) and the
# extra warnings (W=1), and checkpatch.pl --strict --no-tree, taken from
# Debian's linux-source-6.1 tarball.  The userspace code: cppcheck and gcc
# -fanalyzer.  Every tool must report nothing; exits 1 otherwise.  Logs in
# OUTDIR.
set -u
kdir=$1
mkdir -p "$2"
out=$(cd "$2" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
CC=${CC:-cc}
failed=0

# verdict NAME LOG RC: a tool is clean if it exited 0 and its log, filtered
# of progress lines, is empty.
verdict() {
	if [ "$3" -eq 0 ] && [ ! -s "$2" ]; then
		echo "  LINT    $1: clean"
	else
		echo "  LINT    $1: FAILED (exit $3)"
		sed 's/^/    /' "$2"
		failed=1
	fi
}

# The module's files as checkpatch sees them; the userspace C files.
kfiles="$(ls module/*.c module/*.h module/conftest/*.c | grep -v '\.mod\.c$')
include/gup_pin_test.h"
ufiles=$(ls userspace-tests/gupctl/*.c userspace-tests/lib/*.c userspace-tests/tests/*.c)

# 1. sparse and W=1, on a clean copy of the DKMS tree so that every file is
#    compiled and checked.
rm -rf "$out/tree"
make -s dkms-tree DKMS_TREE="$out/tree" >/dev/null
make -C "$kdir" M="$out/tree/module" C=2 W=1 modules >"$out/kbuild.log" 2>&1
rc=$?
grep -E ': (warning|error|note):|^[^ ]*:[0-9]+:[0-9]+: ' "$out/kbuild.log" |
	sed "s|$out/tree/||" >"$out/kbuild.findings"
verdict "sparse (C=2) and W=1 against $(cat "$kdir/include/config/kernel.release")" \
	"$out/kbuild.findings" $rc

# 2. checkpatch.pl, with the data files it reads beside it.
cp_dir=$out/checkpatch
if [ ! -f "$cp_dir/scripts/checkpatch.pl" ]; then
	mkdir -p "$cp_dir"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$cp_dir" --strip-components=1 \
		--occurrence=1 linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch ||
		{ echo "lint.sh: cannot extract checkpatch.pl from linux-source-6.1" >&2; exit 1; }
fi
# shellcheck disable=SC2086
perl "$cp_dir/scripts/checkpatch.pl" --no-tree --strict --quiet --terse \
	--show-types -f $kfiles >"$out/checkpatch.raw" 2>&1
rc=$?
grep -v '^total: 0 errors, 0 warnings, 0 checks, ' "$out/checkpatch.raw" \
	>"$out/checkpatch.log"
verdict "checkpatch.pl --strict --no-tree ($(echo $kfiles | wc -w) files)" \
	"$out/checkpatch.log" $rc

# 3. cppcheck.  variableScope is off: declaring at the top of a block is
#    this code's style, not a defect.
cppcheck --std=c11 --enable=warning,style,performance,portability \
	--suppress=variableScope --inline-suppr --error-exitcode=1 --quiet \
	-D_GNU_SOURCE -DGPT_TOOL_VERSION='"lint"' -Iinclude -Iuserspace-tests/lib \
	-Iuserspace-tests/gupctl userspace-tests >"$out/cppcheck.log" 2>&1
verdict "cppcheck (warning, style, performance, portability)" "$out/cppcheck.log" $?

# 4. gcc's static analyzer, with the build's own warnings.
rc=0
: >"$out/analyzer.log"
for f in $ufiles; do
	$CC -std=c11 -D_GNU_SOURCE -DGPT_TOOL_VERSION='"lint"' -O2 -Wall -Wextra -Werror -fanalyzer \
		-Iinclude -Iuserspace-tests/lib -Iuserspace-tests/gupctl -c -o /dev/null "$f" \
		>>"$out/analyzer.log" 2>&1 || rc=1
done
verdict "$CC -fanalyzer ($(echo $ufiles | wc -w) files)" "$out/analyzer.log" $rc

if [ $failed -ne 0 ]; then
	echo "make lint: findings above; logs in $out" >&2
	exit 1
fi
echo "make lint: clean"
