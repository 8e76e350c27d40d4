#!/bin/sh
# tree-kernel.sh DIR   the kernel tree $KERNEL_TREE, ready to boot
# For a kernel built from source by its owner (bzImage, and modules if it
# has any): installs its modules under DIR/root, builds the module against
# the tree (W=1, C=2 where sparse is) in DIR/src with the compiler on the
# path, logs to DIR/build.log, and prints, for eval, kver= vmlinuz=
# config= modroot= ko= gcc=.  On failure: one line on stderr, exit 1.
set -u
dir=$1
top=$(cd "$(dirname "$0")/.." && pwd)
fail() { echo "$*" >&2; exit 1; }
tree=${KERNEL_TREE:?KERNEL_TREE=/path/to/linux is not set}
[ -f "$tree/Makefile" ] && [ -f "$tree/.config" ] ||
	fail "KERNEL_TREE=$tree is not a configured kernel tree (no Makefile or .config)"
vmlinuz=$tree/arch/x86/boot/bzImage
[ -f "$vmlinuz" ] || fail "KERNEL_TREE=$tree has no arch/x86/boot/bzImage: build it first (make bzImage modules)"
kver=$(make -s -C "$tree" kernelrelease 2>/dev/null)
[ -n "$kver" ] || fail "KERNEL_TREE=$tree: make kernelrelease says nothing"
config=$tree/.config
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
modroot=$dir/root
rm -rf "$modroot" "$dir/src"
mkdir -p "$modroot"
if grep -q '^CONFIG_MODULES=y' "$config" && [ -f "$tree/modules.order" ]; then
	make -s -C "$tree" INSTALL_MOD_PATH="$modroot" INSTALL_MOD_STRIP=1 \
		DEPMOD=/bin/true modules_install >"$dir/fetch.log" 2>&1 ||
		fail "KERNEL_TREE=$tree: make modules_install failed (see $dir/fetch.log)"
fi
mkdir -p "$modroot/lib/modules/$kver"
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -f "$modroot/lib/modules/$kver/$f" ] || [ ! -f "$tree/$f" ] ||
		cp "$tree/$f" "$modroot/lib/modules/$kver/"
done
depmod -b "$modroot" "$kver"
(cd "$top" && make -s dkms-tree DKMS_TREE="$dir/src" >/dev/null)
gcc=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"$/\1/p' "$config")
# shellcheck disable=SC2046
make -C "$tree" M="$dir/src/module" W=1 $(command -v sparse >/dev/null && echo C=2) \
	modules >"$dir/build.log" 2>&1 ||
	fail "building the module against $tree (see $dir/build.log)"
printf "kver='%s' vmlinuz='%s' config='%s' modroot='%s' ko='%s' gcc='%s'\n" \
	"$kver" "$vmlinuz" "$config" "$modroot" "$dir/src/module/gup_pin_test.ko" "${gcc:-gcc}"
