#!/bin/sh
# check-kernel.sh NAME OUTDIR
# The suite on one kernel of vm/kernels.list that is not the host's: fetch
# it (vm/kernels.sh), build the module in its release's chroot, make an
# initramfs of its modules, boot it and run the suite.  TAP in
# OUTDIR/build.t (the module build), OUTDIR/suite.t and OUTDIR/rig.t (as
# vm/run.sh writes them); a step that fails says so in all three.
set -u
name=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)

fail() {
	for t in build suite rig; do
		printf 'not ok 1 - %s: %s\n1..1\n' "$name" "$*" >"$out/$t.t"
	done
	exit 0
}

"$here/kernels.sh" fetch "$name" >"$out/fetch.log" 2>&1 || fail "fetching the kernel (see $out/fetch.log)"
eval "$("$here/kernels.sh" info "$name")"
ko=$("$here/kernels.sh" build "$name" 2>"$out/build.log") ||
	fail "building the module for $kver (see $out/build.log)"
eval "$(sed -n 's/^  BUILD   .* with \(gcc-[0-9]*\) in .*/gcc=\1/p' "$out/build.log")"
log=$(dirname "$ko")/build.log
# Only the module's own sources: the release's headers are not ours to fix.
warnings=$(grep -c '^/build/src/.*: warning:' "$log")
vermagic=$(modinfo -F vermagic "$ko" | awk '{ print $1 }')
{
	n=0
	point() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
	grep -q 'MODPOST' "$log"
	point $? "$name: module built for $kver with ${gcc:-?} in its release's chroot, linked by modpost against its Module.symvers"
	[ "$warnings" -eq 0 ]
	point $? "$name: W=1 builds module/ without a warning ($warnings; $log)"
	[ "$vermagic" = "$kver" ]
	point $? "$name: vermagic $vermagic is $kver"
	echo "1..$n"
} >"$out/build.t"
GPT_MODROOT=$modroot "$here/build-initramfs.sh" "$kver" "$out/initramfs.cpio" "$ko" \
	"$top/build/gpt-tests" >"$out/initramfs.log" 2>&1 ||
	fail "no initramfs for $kver (see $out/initramfs.log)"
GPT_VMLINUZ=$vmlinuz GPT_MODULE=$ko "$here/run.sh" check "$kver" "$out/initramfs.cpio" "$out"
