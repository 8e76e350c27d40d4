#!/bin/sh
# Installs the Debian packages the build, the VM, the packaging and the
# tests need, when missing.  As root it runs apt-get; otherwise it prints
# the line to run.
#   build, VM:    linux-image/headers, qemu, busybox, e2fsprogs, cpio, kmod,
#                 gcc, make, libc6-dev, perl (prove)
#   DKMS, .deb:   dkms, dh-dkms, debhelper, dpkg-dev, openssl (the MOK key
#                 DKMS signs with)
#   make lint:    sparse, cppcheck, linux-source-6.1 (checkpatch.pl), xz-utils
#   other kernels: debootstrap (a chroot per release, vm/kernels.sh)
#   docs/matrix.md: python3 (scripts/matrix-doc.py)
#   gupctl --json: libjson-c-dev; its schema test: python3-jsonschema
#   make bench's plots: gnuplot-nox
#   the package's gupctl(1): man-db (man -w); the packages: lintian; its
#   completion: bash-completion; debian/tests: autopkgtest
set -eu
pkgs="linux-image-amd64 linux-headers-amd64 qemu-system-x86 busybox-static
e2fsprogs cpio kmod perl gcc make libc6-dev dkms dh-dkms debhelper dpkg-dev
openssl sparse cppcheck linux-source-6.1 xz-utils debootstrap python3
libjson-c-dev python3-jsonschema gnuplot-nox man-db lintian bash-completion autopkgtest"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "missing Debian packages; as root run:" >&2
	echo "  apt-get update && $cmd" >&2
	exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
$cmd </dev/null >&2
