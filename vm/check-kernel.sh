#!/bin/sh
# check-kernel.sh NAME OUTDIR
# The suite on one kernel of vm/kernels.list that is not the host's: fetch
# it (vm/kernels.sh), build the module in its release's chroot, make an
# initramfs of its modules, boot it and run the suite.  TAP in
# OUTDIR/suite.t and OUTDIR/rig.t, as vm/run.sh writes them; a step that
# fails says so in both.
set -u
name=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)

fail() {
	for t in suite rig; do
		printf 'not ok 1 - %s: %s\n1..1\n' "$name" "$*" >"$out/$t.t"
	done
	exit 0
}

"$here/kernels.sh" fetch "$name" >"$out/fetch.log" 2>&1 || fail "fetching the kernel (see $out/fetch.log)"
eval "$("$here/kernels.sh" info "$name")"
ko=$("$here/kernels.sh" build "$name" 2>"$out/build.log") ||
	fail "building the module for $kver (see $out/build.log)"
GPT_MODROOT=$modroot "$here/build-initramfs.sh" "$kver" "$out/initramfs.cpio" "$ko" \
	"$top/build/gpt-tests" >"$out/initramfs.log" 2>&1 ||
	fail "no initramfs for $kver (see $out/initramfs.log)"
GPT_VMLINUZ=$vmlinuz GPT_MODULE=$ko "$here/run.sh" check "$kver" "$out/initramfs.cpio" "$out"
