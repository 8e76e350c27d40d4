#!/bin/sh
# kernels.sh COMMAND NAME [ARGS]
# Debian kernels other than the host's, for the test VM.  NAME is a line of
# vm/kernels.list; everything goes under $GPT_KERNELS (build/kernels).
#
#   kernels.sh fetch NAME    download the kernel's image, modules and headers
#                            with a separate apt configuration (the host's
#                            mirror, its own lists and cache; the host's apt
#                            sources and installed packages are not touched)
#                            and unpack them into NAME/root; prints KVER
#   kernels.sh chroot NAME   a debootstrap chroot of NAME's release with the
#                            compiler its headers were configured with
#                            (CONFIG_CC_VERSION_TEXT), make and libc: the
#                            headers' kbuild tools need that release's glibc
#   kernels.sh build NAME    build the module (W=1, sparse) against NAME's headers
#                            inside that chroot: NAME/gup_pin_test.ko, linked
#                            by modpost against the release's Module.symvers;
#                            the compiler's output in NAME/build.log
#   kernels.sh info NAME     KVER, vmlinuz and modules directory, as
#                            shell assignments
#
# Nothing here needs the network twice: apt lists, .debs, unpacked trees and
# chroots are kept until "make clean".
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
cache=${GPT_KERNELS:-$top/build/kernels}
cmd=$1 name=$2

line=$(awk -v n="$name" '$1 == n' "$here/kernels.list")
[ -n "$line" ] || { echo "kernels.sh: no kernel \"$name\" in vm/kernels.list" >&2; exit 2; }
set -- $line
suite=$2 flavour=$3
dir=$cache/$name
mkdir -p "$dir"

# The mirror the host's apt already uses: deb822 or one-line sources.
mirror() {
	sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk '{ print $1; exit }' | grep . ||
		awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
			/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n 1
}

apt_dir=$cache/apt
apt_opts="-o Dir::Etc::SourceList=$apt_dir/sources.list -o Dir::Etc::SourceParts=/dev/null
-o Dir::State::Lists=$apt_dir/lists -o Dir::Cache=$apt_dir/cache -o Dir::State::Status=/dev/null
-o Debug::NoLocking=1 -o APT::Sandbox::User=root -q"

apt_setup() {
	m=$(mirror)
	[ -n "$m" ] || { echo "kernels.sh: no mirror in the host's apt sources" >&2; exit 1; }
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
	want=$(for s in $(awk '!/^#/ && NF { print $2 }' "$here/kernels.list" | sort -u); do
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $m $s main"
	done)
	if [ "$(cat "$apt_dir/sources.list" 2>/dev/null)" != "$want" ] ||
	   [ -z "$(ls "$apt_dir/lists" | grep _Packages 2>/dev/null)" ]; then
		echo "$want" >"$apt_dir/sources.list"
		# shellcheck disable=SC2086
		apt-get $apt_opts update >&2
	fi
}

# Field @2 of package @1 in @suite's index.
pkg_field() {
	# shellcheck disable=SC2086
	apt-cache $apt_opts show "$1/$suite" 2>/dev/null |
		awk -v f="$2:" '$1 == f { sub(/^[^ ]* /, ""); print; exit }'
}

# The linux-* packages a package depends on, recursively, that make a
# kernel: image, binary, modules, headers, kbuild (no metapackages).
closure() {
	todo=$1 seen=
	while [ -n "$todo" ]; do
		set -- $todo
		p=$1
		shift
		todo=$*
		case " $seen " in *" $p "*) continue ;; esac
		seen="$seen $p"
		for d in $(pkg_field "$p" Depends | tr ',|' '\n\n' | awk '{ print $1 }'); do
			case $d in
			linux-base*|linux-initramfs-tool|linux-compiler-*) ;;
			linux-*) todo="$todo $d" ;;
			esac
		done
	done
	echo $seen
}

fetch() {
	if [ -s "$dir/kver" ]; then
		cat "$dir/kver"
		return
	fi
	apt_setup
	meta=linux-image-$flavour
	image=$(pkg_field "$meta" Depends | tr ',' '\n' | awk '$1 ~ /^linux-image-/ { print $1; exit }')
	[ -n "$image" ] || { echo "kernels.sh: $suite has no $meta" >&2; exit 1; }
	kver=${image#linux-image-}
	pkgs=$(closure "$image linux-headers-$kver")
	rm -rf "$dir/debs" "$dir/root"
	mkdir -p "$dir/debs" "$dir/root"
	echo "  FETCH   $name ($suite): $kver: $pkgs" >&2
	# shellcheck disable=SC2086
	(cd "$dir/debs" && for p in $pkgs; do apt-get $apt_opts download "$p/$suite" >&2; done)
	for deb in "$dir"/debs/*.deb; do
		dpkg-deb -x "$deb" "$dir/root"
	done
	# merged /usr: the modules are in usr/lib, depmod -b looks in lib
	[ -e "$dir/root/lib" ] || ln -s usr/lib "$dir/root/lib"
	depmod -b "$dir/root" "$kver"
	echo "$kver" >"$dir/kver"
	echo "$kver"
}

# KVER, the kernel image and the modules directory of a fetched kernel.
info() {
	kver=$(fetch)
	for v in "$dir/root/boot/vmlinuz-$kver" "$dir/root/usr/lib/modules/$kver/vmlinuz" \
		 "$dir/root/lib/modules/$kver/vmlinuz"; do
		[ -f "$v" ] && vmlinuz=$v && break
	done
	echo "kver=$kver"
	echo "vmlinuz=${vmlinuz:?no vmlinuz in $dir/root}"
	echo "modroot=$dir/root"
	echo "headers=$dir/root/usr/src/linux-headers-$kver"
}

# The compiler package the headers were configured with: "gcc-14".
compiler() {
	kver=$(fetch)
	text=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"$/\1/p' \
		"$dir/root/usr/src/linux-headers-$kver/.config")
	major=$(echo "$text" | sed -n 's/.*) \([0-9]*\)\..*/\1/p')
	[ -n "$major" ] || { echo "kernels.sh: cannot read the compiler of $kver (\"$text\")" >&2; exit 1; }
	echo "gcc-$major"
}

chroot_dir() { echo "$cache/chroot-$suite-$(compiler)"; }

# What the chroot needs: the compiler, make, libc, and whatever the
# release's kbuild tools (modpost, objtool...) are linked against.
chroot_packages() {
	kver=$(fetch)
	kbuild=$(ls "$dir"/debs/linux-kbuild-*.deb | head -n 1)
	deps=$(dpkg-deb -f "$kbuild" Depends | tr ',' '\n' | awk '{ print $1 }' | grep -v '^$')
	# perl: W=1 runs kernel-doc (a perl script until 6.x); sparse: C=2
	echo "$(compiler) make libc6-dev bc kmod xz-utils perl sparse" $deps | tr ' ' '\n' | sort -u | tr '\n' ',' | sed 's/,$//'
}

make_chroot() {
	croot=$(chroot_dir)
	want=$(chroot_packages)
	if [ "$(cat "$croot/.gpt-ready" 2>/dev/null)" = "$want" ]; then
		echo "$croot"
		return
	fi
	rm -rf "$croot"
	echo "  CHROOT  $suite: $want (debootstrap)" >&2
	debootstrap --variant=minbase --include="$want" \
		"$suite" "$croot" "$(mirror)" >"$cache/chroot-$suite.log" 2>&1 ||
		{ tail -n 20 "$cache/chroot-$suite.log" >&2; exit 1; }
	echo "$want" >"$croot/.gpt-ready"
	echo "$croot"
}

# The module, built in the chroot against the release's headers with the
# release's compiler; modpost checks every symbol against Module.symvers.
build() {
	kver=$(fetch)
	croot=$(make_chroot)
	gcc=$(compiler)
	# Built already from these very sources: nothing to do.
	stamp=$(cd "$top" && cat module/*.c module/*.h module/conftest/*.c module/Kbuild \
		module/conftest.mk include/gup_pin_test.h VERSION | sha256sum | cut -c1-16)
	stamp="$stamp $kver $gcc"
	if [ -f "$dir/gup_pin_test.ko" ] && [ "$(cat "$dir/ko.stamp" 2>/dev/null)" = "$stamp" ]; then
		echo "  BUILD   $name: gup_pin_test.ko for $kver with $gcc in $croot (built before)" >&2
		echo "$dir/gup_pin_test.ko"
		return
	fi
	rm -f "$dir/ko.stamp"
	# The headers and kbuild tools, at the paths their symlinks expect
	# (usr/ only: a deb's lib/ would replace a merged-/usr chroot's link).
	for d in "$dir"/root/usr/src/linux-headers-* "$dir"/root/usr/lib/linux-kbuild-*; do
		mkdir -p "$croot${d#"$dir/root"}"
		cp -a "$d/." "$croot${d#"$dir/root"}/"
	done
	rm -rf "$croot/build"
	mkdir -p "$croot/build"
	(cd "$top" && make -s dkms-tree DKMS_TREE="$croot/build/src" >/dev/null)
	echo "  BUILD   $name: gup_pin_test.ko for $kver with $gcc in $croot" >&2
	# objtool reads its limits from /proc
	mountpoint -q "$croot/proc" || mount -t proc proc "$croot/proc"
	rc=0
	chroot "$croot" make -C "/usr/src/linux-headers-$kver" M=/build/src/module \
		CC="$gcc" HOSTCC="$gcc" W=1 C=2 modules >"$dir/build.log" 2>&1 || rc=$?
	umount "$croot/proc"
	[ $rc -eq 0 ] || { tail -n 30 "$dir/build.log" >&2; exit 1; }
	cp "$croot/build/src/module/gup_pin_test.ko" "$dir/gup_pin_test.ko"
	echo "$stamp" >"$dir/ko.stamp"
	echo "$dir/gup_pin_test.ko"
}

case $cmd in
fetch) fetch ;;
chroot) make_chroot ;;
build) build ;;
info) info ;;
*) echo "kernels.sh: unknown command $cmd" >&2; exit 2 ;;
esac
