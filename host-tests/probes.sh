#!/bin/sh
# probes.sh KDIR EXPECTED
# Runs every feature probe (module/conftest/*.c) through kbuild against the
# kernel tree KDIR, exactly as a module build does (module/conftest.mk, in
# a scratch directory), and compares each answer with the table EXPECTED
# ("name yes|no" lines; "# kernel X.Y." names the kernel it is for).  Then
# preprocesses compat.h with those answers and compares the macros the
# module's code tests ("= MACRO 0|1" lines).
# Prints TAP.  CC=... picks the compiler (e.g. gcc-12 for 5.10's headers).
set -u
kdir=$1 expected=$2
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT

n=0
point() {	# point OK|FAIL description
	n=$((n + 1))
	if [ "$1" = OK ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
ok_if() { if "$@"; then echo OK; else echo FAIL; fi; }

rel=$(cat "$kdir/include/config/kernel.release" 2>/dev/null || echo unknown)
want=$(sed -n 's/^# kernel \(.*\)\.$/\1/p' "$expected")
case $rel in
"$want" | "$want".* | "$want"-*) ;;
*)
	echo "1..0 # SKIP $kdir is $rel; $(basename "$expected") is for $want"
	exit 0
	;;
esac

cp "$top/module/conftest.mk" "$top/module/compat.h" "$tmp/"
cp -r "$top/module/conftest" "$tmp/"
# derived.c prints each "= MACRO" of EXPECTED as compat.h sets it.
derived=$(awk '$1 == "=" { print $2 }' "$expected")
{
	echo '#include "compat.h"'
	for m in $derived; do
		printf '#if %s\ngpt-derived "%s" 1\n#else\ngpt-derived "%s" 0\n#endif\n' "$m" "$m" "$m"
	done
} >"$tmp/derived.c"
cat >"$tmp/Kbuild" <<'EOF'
include $(src)/conftest.mk
always-y += $(gpt-conftest-h) derived.txt
$(obj)/derived.txt: $(src)/derived.c $(obj)/$(gpt-conftest-h) FORCE
	$(CPP) $(c_flags) -P $< | grep '^gpt-derived' >$@
EOF

start=$(date +%s%N)
make -j"$(nproc)" -C "$kdir" M="$tmp" ${CC:+CC="$CC"} modules >"$tmp/make.log" 2>&1
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
secs=$((ms / 1000)).$((ms % 1000 / 100))
point "$(ok_if test $rc -eq 0 -a $ms -lt 60000)" \
	"all probes built by kbuild against $rel in ${secs}s (make exit $rc; budget 60s)"
[ $rc -eq 0 ] || tail -n 20 "$tmp/make.log" | sed 's/^/# /'
sed -n 's/^  PROBE   /# probe /p' "$tmp/make.log"

header=$tmp/generated/gpt_conftest.h
probes=$(cd "$top/module/conftest" && ls ./*.c | sed 's|^\./||; s|\.c$||')
for p in $probes; do
	got=$(sed -n "s/^  PROBE   $p: //p" "$tmp/make.log")
	exp=$(awk -v p="$p" '$1 == p { print $2 }' "$expected")
	macro=GPT_HAVE_$(echo "$p" | tr a-z A-Z)
	case $got in
	yes) line="#define $macro 1" ;;
	no) line="/* $macro is not set */" ;;
	*) line="(no answer)" ;;
	esac
	inheader=FAIL
	grep -qxF "$line" "$header" 2>/dev/null && inheader=OK
	if [ -n "$exp" ] && [ "$got" = "$exp" ] && [ $inheader = OK ]; then
		point OK "probe $p: $got, as expected for $want"
	else
		point FAIL "probe $p: ${got:-no answer}, expected ${exp:-nothing (not in the table)} for $want; header line: $inheader"
	fi
done

for m in $derived; do
	got=$(awk -v m="\"$m\"" '$2 == m { print $3 }' "$tmp/derived.txt" 2>/dev/null)
	exp=$(awk -v m="$m" '$1 == "=" && $2 == m { print $3 }' "$expected")
	point "$(ok_if test "$got" = "$exp")" \
		"compat.h: $m is ${got:-?}, as expected ${exp} for $want"
done

stale=
for p in $(awk '!/^#/ && $1 != "=" && NF { print $1 }' "$expected"); do
	[ -f "$top/module/conftest/$p.c" ] || stale="$stale $p"
done
point "$(ok_if test -z "$stale")" \
	"every row of $(basename "$expected") has a probe${stale:+ (no probe for:$stale)}"

loose=
for p in $probes; do
	macro=GPT_HAVE_$(echo "$p" | tr a-z A-Z)
	grep -q "^#define $macro 0\$" "$top/module/compat.h" || loose="$loose $macro"
done
point "$(ok_if test -z "$loose")" \
	"compat.h gives every probe answer a 0 default${loose:+ (missing:$loose)}"
echo "1..$n"
