#!/bin/sh
# run.sh check|experiments|stress|demo KVER INITRAMFS OUTDIR
# Boots Debian's kernel KVER (/boot/vmlinuz-KVER, or $GPT_VMLINUZ) under
# qemu (TCG) with the initramfs, waits
# for it under a hard timeout and turns what came out into TAP:
#   OUTDIR/console.log  kernel console (ttyS0)
#   OUTDIR/results.log  the guest's results (ttyS1), CR stripped
#   OUTDIR/suite.t      the suite's own TAP            (check)
#   OUTDIR/rig.t        the rig's verdict on the run, as TAP
# experiments: experiments.t and experiments-rig.t, console-experiments.log
# stress (make check-stress, $GPT_STRESS_SECONDS, default 60): stress.t,
# stress-rig.t, console-stress.log
# In check mode GPT_MODULE names the host file the initramfs carries (the
# DKMS-installed /lib/modules/KVER/updates/dkms/gup_pin_test.ko, or a
# build tree's module, which goes to extra/): the rig checks that the
# guest's modprobe loaded exactly that file.
set -u
mode=$1 kver=$2 initramfs=$3 out=$4
timeout_s=${GPT_VM_TIMEOUT:-900}
# the stress runs for as long as it is told, on top of the boot
[ "$mode" = stress ] && timeout_s=$((timeout_s + ${GPT_STRESS_SECONDS:-60}))
mkdir -p "$out"
# What this run writes: check's names, or the experiments' beside them.
suite_t=$out/suite.t rig_t=$out/rig.t console=$out/console.log results=$out/results
if [ "$mode" = experiments ]; then
	suite_t=$out/experiments.t rig_t=$out/experiments-rig.t
	console=$out/console-experiments.log results=$out/results-experiments
fi
if [ "$mode" = stress ]; then
	suite_t=$out/stress.t rig_t=$out/stress-rig.t
	console=$out/console-stress.log results=$out/results-stress
fi
rm -f "$console" "$results.raw" "$results.log" "$suite_t" "$rig_t"

# check: make check's memory; experiments and demo: a movable node more.
. "$(dirname "$0")/layout.sh"
case $mode in
experiments|demo) layout experiments ;;
*) layout suite ;;
esac
append="console=ttyS0 rdinit=/init $vm_append gpt_mode=$mode"
[ "$mode" = stress ] && append="$append gpt_stress=${GPT_STRESS_SECONDS:-60}"
# make check-debug: page_owner=on
append="$append ${GPT_VM_APPEND:-}"

start=$(date +%s)
# shellcheck disable=SC2086
timeout --foreground -k 10 "$timeout_s" \
	qemu-system-x86_64 $vm_qemu -display none -no-reboot \
	-kernel "${GPT_VMLINUZ:-/boot/vmlinuz-$kver}" -initrd "$initramfs" -append "$append" \
	-serial "file:$console" -serial "file:$results.raw" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null
rc=$?
elapsed=$(($(date +%s) - start))
tr -d '\r' <"$results.raw" >"$results.log" 2>/dev/null

if [ "$mode" = demo ]; then
	grep -v '^GPT-' "$results.log"
	[ $rc -eq 67 ] && exit 0
	echo "demo: VM ended badly (qemu exit $rc); see $console" >&2
	exit 1
fi

grep -v '^GPT-' "$results.log" >"$suite_t"

# The rig's verdict: one TAP point per thing that can go wrong.
. "$(dirname "$0")/../scripts/tap.sh"
has_stage() { grep -qx "GPT-STAGE $1" "$results.log"; }

# The guest reports "GPT-MODULE path=P sha256=S loaded-srcversion=L
# file-srcversion=F copies=N" for the module that modprobe loaded.
field() { sed -n "s/^GPT-MODULE .*$1=\([^ ]*\).*/\1/p" "$results.log"; }
module_point() {
	want=${GPT_MODULE:-}
	want_sum=none
	[ -f "$want" ] && want_sum=$(sha256sum "$want" | cut -d' ' -f1)
	path=$(field path) sum=$(field sha256) copies=$(field copies)
	lsrc=$(field loaded-srcversion) fsrc=$(field file-srcversion)
	ok=FAIL
	# A module from the build tree (make mutants) lands in extra/.
	where=/lib/modules/$kver/extra/gup_pin_test.ko what="a build tree's module"
	case $want in
	/lib/modules/"$kver"/updates/dkms/*) where=$want what="the DKMS-installed module" ;;
	esac
	[ -f "$want" ] && [ "$path" = "$where" ] && [ "$sum" = "$want_sum" ] &&
		[ -n "$lsrc" ] && [ "$lsrc" = "$fsrc" ] && [ "$copies" = 1 ] && ok=OK
	point $ok "modprobe loaded $what: ${path:-?}" \
		"(want ${want:-GPT_MODULE unset}), sha256 ${sum:-?} (host: $want_sum)," \
		"srcversion loaded ${lsrc:-?} = file ${fsrc:-?}, copies in the initramfs: ${copies:-?}"
}

last=$(grep '^GPT-STAGE ' "$results.log" | tail -n 1 | cut -d' ' -f2)
{
	case $rc in
	67) how="init ran to its end" ;;
	69) how="init gave up at stage ${last:-?}" ;;
	124|137) how="killed by the ${timeout_s}s timeout after stage ${last:-none}" ;;
	0) how="kernel panic or reboot after stage ${last:-none}" ;;
	*) how="qemu exit $rc after stage ${last:-none}" ;;
	esac
	point "$(ok_if has_stage boot)" "VM booted to the initramfs"
	point "$(ok_if has_stage filesystems)" "pmem ext4 -o dax, ext4 and tmpfs mounted"
	point "$(ok_if has_stage module-loaded)" "gup_pin_test.ko loaded, /dev/gup_test present"
	module_point
	point "$(ok_if grep -q '^GPT-SUITE-EXIT ' "$results.log")" "$mode: test suite ran to its end"
	point "$(ok_if has_stage module-unloaded)" "gup_pin_test.ko unloaded"
	acq=$(sed -n 's/^GPT-VMSTAT .*nr_foll_pin_acquired \([0-9]*\).*/\1/p' "$results.log")
	rel=$(sed -n 's/^GPT-VMSTAT .*nr_foll_pin_released \([0-9]*\).*/\1/p' "$results.log")
	point "$(ok_if test -n "$acq" -a "$acq" = "$rel")" \
		"pins balanced after the suite: nr_foll_pin_acquired ${acq:-?} == nr_foll_pin_released ${rel:-?}"
	# A lockdep kernel (make check-debug): lockdep must still be on at
	# the end; its first report turns it off (debug_locks_off()).
	locks=$(sed -n 's/^GPT-LOCKDEP .*debug_locks: *\([0-9]*\).*/\1/p' "$results.log")
	# GPT_REQUIRE_LOCKDEP (make check-debug): the line must be there
	[ -n "$locks" ] || [ -n "${GPT_REQUIRE_LOCKDEP:-}" ] &&
		point "$(ok_if test "$locks" = 1)" "lockdep still on after the run (debug_locks ${locks:-?})"
	# hung tasks and RCU stalls too: a hang that ends before the timeout
	bad=$(grep -E 'WARNING:|BUG:|Oops|Kernel panic|general protection|leaked pin|blocked for more than|detected stall' "$console" | head -n 3)
	point "$(ok_if test -z "$bad")" "no WARNING, BUG, Oops, panic, hung task or RCU stall in the console log"
	[ -n "$bad" ] && echo "$bad" | sed 's/^/# /'
	point "$(ok_if test $rc -eq 67)" "VM shut down cleanly ($how, ${elapsed}s)"
	echo "1..$n"
} >"$rig_t"
if [ $failed -ne 0 ]; then
	echo "vm: $how; logs in $out/" >&2
fi
exit 0
