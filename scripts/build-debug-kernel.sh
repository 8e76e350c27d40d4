#!/bin/sh
# build-debug-kernel.sh [CACHE]   (default /var/tmp/gup-debug-kernel)
# The reference kernel's tree (Debian's linux-source-6.1, configured by
# REFERENCE_BUILDER) built a second time with the kernel's own checkers:
# lockdep (PROVE_LOCKING), DEBUG_VM, generic KASAN, DEBUG_PAGEALLOC (on
# at boot), PAGE_OWNER, DEBUG_ATOMIC_SLEEP; KSM, userfaultfd and the
# function_graph tracer too, so that no test of the suite skips.  Takes
# about an hour on two cores the first time; cached after that.  Prints
# the tree's path (KERNEL_TREE for vm/check-kernel.sh).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${1:-/var/tmp/gup-debug-kernel}
builder=${REFERENCE_BUILDER:-$top/../shared/tools/build-reference-kernel}
tree=$cache/linux-source-6.1
if [ -s "$tree/arch/x86/boot/bzImage" ] && [ -s "$tree/Module.symvers" ] &&
	[ -f "$cache/built" ]; then
	echo "$tree"
	exit 0
fi
# The reference build installs linux-source-6.1 and writes its .config.
ref=$("$builder" | sed -n 's/^tree: *//p')
[ -f "$ref/.config" ] || { echo "build-debug-kernel: no reference tree from $builder" >&2; exit 1; }
mkdir -p "$cache"
rm -f "$cache/built"
[ -d "$tree" ] || tar -C "$cache" -xf /usr/src/linux-source-6.1.tar.xz
cd "$tree"
cp "$ref/.config" .config
./scripts/config -e PROVE_LOCKING -e DEBUG_VM -e KASAN -e KASAN_GENERIC \
	-e KASAN_INLINE -e DEBUG_PAGEALLOC -e DEBUG_PAGEALLOC_ENABLE_DEFAULT \
	-e PAGE_OWNER -e DEBUG_ATOMIC_SLEEP -e KSM -e USERFAULTFD \
	-e FTRACE -e FUNCTION_TRACER -e FUNCTION_GRAPH_TRACER \
	--set-str LOCALVERSION -debug
make -s olddefconfig
# olddefconfig drops what a dependency refuses: say so rather than boot
# a kernel that checks less than its name says.
for opt in PROVE_LOCKING DEBUG_VM KASAN DEBUG_PAGEALLOC PAGE_OWNER; do
	grep -q "^CONFIG_$opt=y" .config ||
		{ echo "build-debug-kernel: CONFIG_$opt did not stick" >&2; exit 1; }
done
make -j"$(nproc)" bzImage modules >"$cache/build.log" 2>&1 ||
	{ tail -n 20 "$cache/build.log" >&2; exit 1; }
touch "$cache/built"
echo "$tree"
