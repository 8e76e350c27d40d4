#!/bin/sh
# mutants.sh KDIR KVER OUTDIR
# "make mutants": proves the suite catches real defects.  Each
# mutants/NAME.patch is a deliberate defect in the module; it is applied to
# a copy of the module's sources, built against KDIR, booted in the test
# VM with the suite (build/gpt-tests), and must be killed by the point its
# "Killed-by:" line names (a part of that point's name): any other failing
# point alone could be a flake, not the defect caught.  The unmutated copy
# goes first and must pass, or no kill would mean anything.
# TAP on stdout, one point per mutant naming what killed it; logs and VM
# output in OUTDIR/NAME/.
set -u
kdir=$1 kver=$2
mkdir -p "$3"
out=$(cd "$3" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/tap.sh

# run NAME [PATCH]: build and boot a copy with PATCH applied; sets
# $failing (the first failing points, tab-separated) and $how.
run() {
	name=$1 patch=${2:-}
	dir=$out/$name
	rm -rf "$dir"
	mkdir -p "$dir/src"
	cp -r module include VERSION "$dir/src/"
	rm -rf "$dir/src/module/.conftest" "$dir/src/module/generated"
	failing= how=
	if [ -n "$patch" ] && ! patch -s -p1 -d "$dir/src" <"$patch" >"$dir/patch.log" 2>&1; then
		how="the patch does not apply (see $dir/patch.log)"
		return 1
	fi
	if ! make -C "$kdir" M="$dir/src/module" modules >"$dir/build.log" 2>&1; then
		how="does not build (see $dir/build.log)"
		return 1
	fi
	if ! vm/build-initramfs.sh "$kver" "$dir/initramfs.cpio" \
		"$dir/src/module/gup_pin_test.ko" build/gupctl build/gpt-tests >"$dir/initramfs.log" 2>&1; then
		how="no initramfs (see $dir/initramfs.log)"
		return 1
	fi
	GPT_MODULE=$dir/src/module/gup_pin_test.ko \
		vm/run.sh check "$kver" "$dir/initramfs.cpio" "$dir/vm" >"$dir/vm.log" 2>&1
	cat "$dir/vm/suite.t" "$dir/vm/rig.t" 2>/dev/null |
		sed -n 's/^not ok [0-9]* - //p' >"$dir/failing"
	failing=$(head -n 3 "$dir/failing" | tr '\n' '\t')
	total=$(grep -c '' "$dir/failing")
	how="$total failing points"
	return 0
}

if run control && [ -z "$failing" ]; then
	point OK "control: the unmutated module passes the suite ($dir)"
else
	point FAIL "control: the unmutated module does not pass: ${how:-?} ${failing:-}"
	echo "Bail out! the suite fails without a mutant"
	exit 0
fi
for patch in ${MUTANTS:-mutants/*.patch}; do
	name=$(basename "$patch" .patch)
	# the header: the lines before the diff's first ---
	what=$(sed -n '/^--- /q; s/^Mutant: //p' "$patch")
	killer=$(sed -n '/^--- /q; s/^Killed-by: //p' "$patch")
	if [ -z "$killer" ]; then
		point FAIL "mutant $name: no \"Killed-by:\" line (the point that must catch it)"
	elif ! run "$name" "$patch"; then
		point FAIL "mutant $name ($what): $how"
	elif grep -qF -- "$killer" "$dir/failing"; then
		point OK "mutant $name ($what) killed by \"$killer\", $how, first: $(printf '%s' "$failing" | sed 's/\t$//; s/\t/; /g')"
	elif [ -n "$failing" ]; then
		point FAIL "mutant $name ($what) not killed by \"$killer\": only $how, first: $(printf '%s' "$failing" | sed 's/\t$//; s/\t/; /g')"
	else
		point FAIL "mutant $name ($what) SURVIVED: every point passed ($out/$name/vm)"
	fi
done
echo "1..$n"
