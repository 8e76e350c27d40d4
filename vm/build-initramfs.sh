#!/bin/sh
# build-initramfs.sh KVER OUT.cpio MODULE.ko BIN...
# A busybox-static initramfs with the module, the harness binaries, mke2fs
# and the kernel modules an fsdax ext4 mount needs, in load order, taken
# from $GPT_MODROOT/lib/modules/KVER (default: the host's /lib/modules;
# vm/kernels.sh unpacks other releases' kernels elsewhere).  Compressed
# modules (.ko.xz, 6.12+) are unpacked: busybox's insmod takes plain ones.
# MODULE.ko goes where it is on the host if that is under /lib/modules/KVER
# (/lib/modules/KVER/updates/dkms/ for a DKMS-installed one), otherwise to
# /lib/modules/KVER/extra/; depmod indexes the tree so that the guest can
# "modprobe gup_pin_test".
set -eu
kver=$1 out=$2 module=$3
shift 3
base=${GPT_MODROOT:-}
moddir=$base/lib/modules/$kver
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

# Kernel modules for pmem + ext4, deduplicated, in dependency order; a
# module built into this kernel needs nothing (crc32c is a library in 7.x).
[ -f "$moddir/modules.dep" ] || depmod -b "${base:-/}" "$kver"
: >"$root/lib/gpt-kernel-modules"
deps=$root/tmp/modules.deps
for m in nd_e820 nd_pmem ext4; do
	modprobe -d "${base:-/}" -S "$kver" --show-depends "$m" >>"$deps" ||
		{ echo "build-initramfs: no module $m for $kver in $moddir" >&2; exit 1; }
done
# Device-DAX for the experiments (/dev/daxN.M), where the kernel has it
# (7.2-rt's config leaves it out).
for m in dax_pmem device_dax; do
	modprobe -d "${base:-/}" -S "$kver" --show-depends "$m" >>"$deps" 2>/dev/null || true
done
awk '$1 == "insmod" && !seen[$2]++ { print $2 }' "$deps" | while read -r ko; do
	dest=/lib/modules/$kver/${ko#*/lib/modules/$kver/}
	mkdir -p "$root$(dirname "$dest")"
	case $ko in
	*.xz) dest=${dest%.xz}; xz -dc "$ko" >"$root$dest" ;;
	*.zst) dest=${dest%.zst}; zstd -qdc "$ko" >"$root$dest" ;;
	*) cp "$ko" "$root$dest" ;;
	esac
	echo "$dest" >>"$root/lib/gpt-kernel-modules"
done
rm -f "$deps"

case $module in
/lib/modules/"$kver"/*) dest=$module ;;
*) dest=/lib/modules/$kver/extra/gup_pin_test.ko ;;
esac
mkdir -p "$root$(dirname "$dest")"
cp "$module" "$root$dest"
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$moddir/$f" ] && cp "$moddir/$f" "$root/lib/modules/$kver/"
done
depmod -b "$root" "$kver"
for bin in "$@"; do
	rm -f "$root/bin/$(basename "$bin")"
	cp "$bin" "$root/bin/"
	# the package's tools are dynamic: their libraries and loader too
	for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done
cp "$here/guest-init" "$root/init"
cp "$here/demo.sh" "$root/demo.sh"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$out"
