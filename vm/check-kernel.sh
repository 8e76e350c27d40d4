#!/bin/sh
# check-kernel.sh NAME OUTDIR
# The suite on one kernel that is not the host's: a kernel of
# vm/kernels.list (fetched by vm/kernels.sh, the module built in its
# release's chroot), or NAME "tree": the kernel tree $KERNEL_TREE, built
# by its owner (bzImage, and modules if it has any), the module built
# against it with the compiler on the path.  Then: the rig's config
# options checked, an initramfs of its modules, boot, the suite.  TAP in
# OUTDIR/build.t (config and module build), OUTDIR/suite.t and
# OUTDIR/rig.t, then OUTDIR/experiments.t and experiments-rig.t from a
# second boot in the experiments layout (as vm/run.sh writes them); a
# step that fails says so, by name, in all of them.  GPT_BOOTS=stress
# (make check-stress): one boot, the race stress: stress.t, stress-rig.t.
set -u
name=$1 out=$2
boots=${GPT_BOOTS:-check experiments}
# the TAP files each boot writes
boot_files() {
	for b in $boots; do
		case $b in
		check) echo suite rig ;;
		*) echo "$b $b-rig" ;;
		esac
	done
}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)

# @files: the TAP files to write (build.t keeps its points once written)
files="build $(boot_files)"
fail() {
	for t in $files; do
		printf 'not ok 1 - %s: %s\n1..1\n' "$name" "$*" >"$out/$t.t"
	done
	exit 0
}

# A kernel tree: vm/tree-kernel.sh installs its modules under
# OUTDIR/../root and builds the module (W=1) in OUTDIR/../src.
tree_kernel() {
	dir=$(dirname "$out")
	vars=$("$here/tree-kernel.sh" "$dir" 2>"$out/build.log") || {
		[ -f "$dir/build.log" ] && tail -n 30 "$dir/build.log" >>"$out/build.log"
		fail "$(head -n 1 "$out/build.log")"; }
	eval "$vars"
	echo "  BUILD   tree: gup_pin_test.ko for $kver with $gcc in $KERNEL_TREE" >"$out/build.log"
	log=$dir/build.log
	warn_re="^$dir/src/.*: \\(warning\\|error\\):"
}

debian_kernel() {
	t0=$(date +%s)
	"$here/kernels.sh" fetch "$name" >"$out/fetch.log" 2>&1 || fail "fetching the kernel (see $out/fetch.log)"
	t1=$(date +%s)
	eval "$("$here/kernels.sh" info "$name")"
	config=$headers/.config
	ko=$("$here/kernels.sh" build "$name" 2>"$out/build.log") ||
		fail "building the module for $kver (see $out/build.log)"
	t2=$(date +%s)
	# fetch: download and unpack (0 when cached); build: the chroot (when
	# new) and the module (when its sources changed)
	times="fetch $((t1 - t0)) s, build $((t2 - t1)) s"
	gcc=$(sed -n 's/^  BUILD   .* with \(gcc-[0-9]*\) in .*/\1/p' "$out/build.log")
	log=$(dirname "$ko")/build.log
	warn_re='^/build/src/.*: \(warning\|error\):'
}

if [ "$name" = tree ]; then
	tree_kernel
	built_by="against $KERNEL_TREE with ${gcc:-gcc}"
else
	debian_kernel
	built_by="with $gcc in its release's chroot"
fi
missing=$("$here/config-check.sh" "$config" 2>"$out/config-notes")
[ $? -eq 2 ] && missing="cannot read the kernel's config $config"
# Only the module's own sources: the kernel's headers are not ours to fix.
warnings=$(grep -c "$warn_re" "$log")
vermagic=$(modinfo -F vermagic "$ko" | awk '{ print $1 }')
{
	n=0
	point() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
	[ -z "$missing" ]
	point $? "$name: $kver has every config option the rig needs"
	[ -n "$missing" ] && echo "$missing" | sed 's/^/# /'
	sed 's/^/# /' "$out/config-notes"
	grep -q 'MODPOST' "$log"
	point $? "$name: module built for $kver $built_by, linked by modpost against its Module.symvers${times:+ ($times)}"
	[ "$warnings" -eq 0 ]
	point $? "$name: W=1 and sparse (C=2) find nothing in module/ ($warnings; $log)"
	[ "$vermagic" = "$kver" ]
	point $? "$name: vermagic $vermagic is $kver"
	echo "1..$n"
} >"$out/build.t"
files=$(boot_files)
[ -z "$missing" ] || fail "$kver lacks what the rig needs: $(echo "$missing" | cut -d' ' -f1 | tr '\n' ' ')(see $out/build.t)"

GPT_MODROOT=$modroot "$here/build-initramfs.sh" "$kver" "$out/initramfs.cpio" "$ko" \
	"$top/build/gupctl" "$top/build/gpt-tests" >"$out/initramfs.log" 2>&1 ||
	fail "no initramfs for $kver (see $out/initramfs.log)"
for b in $boots; do
	GPT_VMLINUZ=$vmlinuz GPT_MODULE=$ko "$here/run.sh" "$b" "$kver" "$out/initramfs.cpio" "$out"
done
