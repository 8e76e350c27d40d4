#!/bin/sh
# bench-compare.sh OUTDIR [ROUNDS [PASSES]]   make bench-compare
# Boots the reference kernel (Debian's linux-source-6.1 with
# CONFIG_GUP_TEST, built and cached by $REFERENCE_BUILDER) with this
# tree's module, runs the in-tree selftest and gupctl bench on the same
# workloads in the same boot, in turn (vm/bench-compare-guest.sh), and
# prints both with their ratio (scripts/bench-compare.py).  OUTDIR gets
# compare.raw, compare.csv and compare.txt.
set -eu
out=$1 rounds=${2:-5} passes=${3:-5}
top=$(cd "$(dirname "$0")/.." && pwd)
builder=${REFERENCE_BUILDER:-$top/../shared/tools/build-reference-kernel}
[ -x "$builder" ] || { echo "bench-compare: no reference kernel builder $builder (REFERENCE_BUILDER=)" >&2; exit 2; }
echo "bench-compare: the reference kernel ($builder; 30-60 minutes the first time)" >&2
paths=$("$builder")
KERNEL_TREE=$(echo "$paths" | sed -n 's/^tree: *//p')
selftest=$(echo "$paths" | sed -n 's/^selftest: *//p')
if [ ! -d "$KERNEL_TREE" ] || [ ! -x "$selftest" ]; then
	echo "bench-compare: $builder gave no tree or selftest" >&2
	exit 1
fi
export KERNEL_TREE
# The selftest runs under the name gup_test_selftest.
bin=$top/build/bench-compare
mkdir -p "$bin" "$out"
cp "$selftest" "$bin/gup_test_selftest"
cp "$top/vm/bench-compare-guest.sh" "$bin/"
GPT_VM_BINS="$bin/gup_test_selftest $bin/bench-compare-guest.sh" \
	"$top/vm/gup-vm" tree --layout bench --out "$out" \
	"bench-compare-guest.sh $rounds $passes"
kver=$(make -s -C "$KERNEL_TREE" kernelrelease)
python3 "$top/scripts/bench-compare.py" "$out/compare.raw" "$kver" | tee "$out/compare.txt"
