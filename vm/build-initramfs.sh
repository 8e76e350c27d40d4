#!/bin/sh
# build-initramfs.sh KVER OUT.cpio MODULE.ko BIN...
# A busybox-static initramfs with the module, the harness binaries, mke2fs
# and the kernel modules an fsdax ext4 mount needs, in load order.
# MODULE.ko goes where it is on the host if that is under /lib/modules/KVER
# (/lib/modules/KVER/updates/dkms/ for a DKMS-installed one), otherwise to
# /lib/modules/KVER/extra/; depmod indexes the tree so that the guest can
# "modprobe gup_pin_test".
set -eu
kver=$1 out=$2 module=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root/bin" "$root/sbin" "$root/lib" "$root/etc" "$root/proc" \
	"$root/sys" "$root/dev" "$root/mnt" "$root/tmp"
# mktemp made the root 0700: the suite's unprivileged children need to
# walk it.
chmod 755 "$root"
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done

# mke2fs is dynamic: bring its libraries and loader along.
rm -f "$root/bin/mke2fs"
cp /sbin/mke2fs "$root/sbin/mke2fs"
cp /etc/mke2fs.conf "$root/etc/"
for lib in $(ldd /sbin/mke2fs | grep -o '/[^ ]*'); do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done

# Kernel modules for pmem + ext4, deduplicated, in dependency order.
: >"$root/lib/gpt-kernel-modules"
for m in nd_e820 nd_pmem crc32c_generic ext4; do
	modprobe -S "$kver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r ko; do
	mkdir -p "$root$(dirname "$ko")"
	cp "$ko" "$root$ko"
	echo "$ko" >>"$root/lib/gpt-kernel-modules"
done

case $module in
/lib/modules/"$kver"/*) dest=$module ;;
*) dest=/lib/modules/$kver/extra/gup_pin_test.ko ;;
esac
mkdir -p "$root$(dirname "$dest")"
cp "$module" "$root$dest"
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "/lib/modules/$kver/$f" ] && cp "/lib/modules/$kver/$f" "$root/lib/modules/$kver/"
done
depmod -b "$root" "$kver"
for bin in "$@"; do
	rm -f "$root/bin/$(basename "$bin")"
	cp "$bin" "$root/bin/"
done
cp "$here/guest-init" "$root/init"
cp "$here/demo.sh" "$root/demo.sh"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$out"
