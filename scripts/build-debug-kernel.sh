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
# What is checked, and lockdep's tables big enough for the fuzzer's
# thousands of lock chains (MAX_LOCKDEP_CHAINS too low turns it off).
options="PROVE_LOCKING DEBUG_VM KASAN KASAN_GENERIC KASAN_INLINE DEBUG_PAGEALLOC
DEBUG_PAGEALLOC_ENABLE_DEFAULT PAGE_OWNER DEBUG_ATOMIC_SLEEP KSM USERFAULTFD
FTRACE FUNCTION_TRACER FUNCTION_GRAPH_TRACER"
bits="LOCKDEP_BITS=16 LOCKDEP_CHAINS_BITS=18 LOCKDEP_STACK_TRACE_BITS=20"
want=$(echo "$options $bits" | tr -s ' \n' ' ')
# The cache holds while the list is the one it was built with.
if [ -s "$tree/arch/x86/boot/bzImage" ] && [ -s "$tree/Module.symvers" ] &&
	[ "$(cat "$cache/built" 2>/dev/null)" = "$want" ]; then
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
for opt in $options; do ./scripts/config -e "$opt"; done
for b in $bits; do ./scripts/config --set-val "${b%=*}" "${b#*=}"; done
./scripts/config --set-str LOCALVERSION -debug
make -s olddefconfig
# olddefconfig drops what a dependency refuses: say so rather than boot
# a kernel that checks less than its name says.
for opt in $options; do
	grep -q "^CONFIG_$opt=y" .config ||
		{ echo "build-debug-kernel: CONFIG_$opt did not stick" >&2; exit 1; }
done
for b in $bits; do
	grep -q "^CONFIG_$b\$" .config ||
		{ echo "build-debug-kernel: CONFIG_$b did not stick" >&2; exit 1; }
done
make -j"$(nproc)" bzImage modules >"$cache/build.log" 2>&1 ||
	{ tail -n 20 "$cache/build.log" >&2; exit 1; }
echo "$want" >"$cache/built"
echo "$tree"
