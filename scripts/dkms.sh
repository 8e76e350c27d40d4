#!/bin/sh
# dkms.sh install [KVER...] | uninstall
# "make dkms-install" and "make dkms-uninstall", as root.
#
# install: copies the module sources to /usr/src/gup-pin-test-VERSION (the
#   tree "make dkms-tree" stages, with dkms.conf's version filled in from
#   VERSION), then "dkms add", and "dkms build" + "dkms install" with -k for
#   each KVER, or for every installed kernel that has headers.  Installing
#   the same version again replaces it.
# uninstall: "dkms remove --all" for every version of gup-pin-test, then
#   removes /usr/src/gup-pin-test-* and anything left under /var/lib/dkms
#   and /lib/modules/*/updates/dkms.
#
# Both refuse while the Debian package gup-pin-test-dkms is installed: it
# owns the same DKMS module (apt-get purge it first).
set -eu
name=gup-pin-test
top=$(cd "$(dirname "$0")/.." && pwd)
version=$(cat "$top/VERSION")

die() {
	echo "dkms.sh: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "run as root (dkms installs into /usr/src and /lib/modules)"
command -v dkms >/dev/null || die "dkms is not installed (vm/deps.sh installs it)"
if dpkg-query -W -f='${Status}\n' "$name-dkms" 2>/dev/null | grep -q ' installed$'; then
	die "the Debian package $name-dkms is installed and owns this DKMS module; run 'apt-get purge $name-dkms' first"
fi

# Versions of ours that DKMS knows, from its tree.
registered() {
	for d in /var/lib/dkms/$name/*/; do
		[ -d "$d" ] || continue
		d=${d%/}
		d=${d##*/}
		case $d in kernel-*) ;; *) echo "$d" ;; esac
	done
}

uninstall() {
	for v in $(registered); do
		echo "dkms remove $name/$v --all"
		dkms remove -m "$name" -v "$v" --all || die "dkms remove $name/$v failed"
	done
	rm -rf /var/lib/dkms/$name /usr/src/$name-*
	for ko in /lib/modules/*/updates/dkms/gup_pin_test.ko*; do
		[ -e "$ko" ] || continue
		kver=${ko#/lib/modules/}
		kver=${kver%%/*}
		echo "removing stray $ko"
		rm -f "$ko"
		depmod "$kver"
	done
	echo "$name: nothing left in /usr/src, /var/lib/dkms or /lib/modules/*/updates/dkms"
}

install() {
	if [ $# -eq 0 ]; then
		set -- $("$top/vm/kernel-version.sh" --all)
	fi
	[ $# -gt 0 ] || die "no kernel with headers to build for"
	src=/usr/src/$name-$version
	if [ -n "$(registered)" ]; then
		uninstall
	fi
	make -s -C "$top" dkms-tree DKMS_TREE="$src"
	# DKMS runs its own make: give it none of ours (jobserver, variables).
	unset MAKEFLAGS MFLAGS MAKELEVEL
	dkms add -m "$name" -v "$version"
	for kver in "$@"; do
		if ! dkms build -m "$name" -v "$version" -k "$kver"; then
			log=/var/lib/dkms/$name/$version/build/make.log
			[ -f "$log" ] && tail -n 30 "$log" >&2
			die "dkms build for $kver failed; full log: $log"
		fi
		dkms install -m "$name" -v "$version" -k "$kver"
	done
	dkms status -m "$name" -v "$version"
}

case ${1:-} in
install)
	shift
	install "$@"
	;;
uninstall)
	uninstall
	;;
*)
	die "usage: dkms.sh install [KVER...] | uninstall"
	;;
esac
