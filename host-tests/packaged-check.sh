#!/bin/sh
# packaged-check.sh KVER BUILD
# The part of "make check" that installs things on this host (as root, under
# flock; "make all deb" has run).  In this order:
#   1. from a clean host, "make dkms-install KVER=..." (dkms add, build and
#      install from /usr/src), "make sign", "make dkms-uninstall"
#   2. apt-get install of build/deb/*.deb: the package's postinst runs DKMS
#   3. the test VM boots with the module that the package's DKMS build
#      installed in /lib/modules/KVER/updates/dkms (loaded with modprobe)
#      and the package's gupctl and test suite
#   4. apt-get purge, which must leave nothing behind
#      and the package's gupctl and test suite; then again in the
#      experiments layout, for the experiments
# TAP: BUILD/host/packaging.t (1, 2), BUILD/host/completion.t (the
# installed bash completion), BUILD/host/autopkgtest.t and
# BUILD/vm/{suite,rig} from it, BUILD/vm/{experiments,
# experiments-rig}.t (3),
# BUILD/host/purge.t (4).  Logs: BUILD/host/*.log.
set -u
kver=$1
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mkdir -p "$2"
build=$(cd "$2" && pwd)
name=gup-pin-test
version=$(cat VERSION)
host=$build/host
mkdir -p "$host" "$build/vm"
ko=/lib/modules/$kver/updates/dkms/gup_pin_test.ko
debs="$build/deb/$name-dkms_${version}_all.deb $build/deb/$name-tools_${version}_$(dpkg --print-architecture).deb"
export DEBIAN_FRONTEND=noninteractive
# What runs here (make, DKMS, apt) starts as from a shell, not inside make check.
unset MAKEFLAGS MFLAGS MAKELEVEL

. "$top/scripts/tap.sh"
# run LOG CMD...: CMD's output goes to LOG; its exit status is returned.
run() {
	log=$host/$1
	shift
	echo "\$ $*" >>"$log"
	"$@" >>"$log" 2>&1 </dev/null
}
installed() { dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q ' installed$'; }
# Anything of ours left on the host, one per line.
leftovers() {
	for p in /usr/src/$name-* /var/lib/dkms/$name /lib/modules/*/updates/dkms/gup_pin_test.ko*; do
		[ -e "$p" ] && echo "$p"
	done
	for p in $name-dkms $name-tools; do
		installed "$p" && echo "package $p"
	done
	return 0
}
dkms_installed() { dkms status -m "$name" -v "$version" -k "$kver" 2>/dev/null | grep -q ': installed'; }
ko_is_ours() {
	[ "$(modinfo -F version "$ko" 2>/dev/null)" = "$version" ] &&
		modinfo -F vermagic "$ko" 2>/dev/null | grep -q "^$kver " &&
		[ "$(modinfo -k "$kver" -n gup_pin_test 2>/dev/null)" = "$ko" ]
}
nprobes=$(ls module/conftest/*.c | wc -l)

rm -f "$host"/*.log
{
	# 1. make dkms-install / sign / dkms-uninstall, from a clean host.
	installed $name-dkms || installed $name-tools &&
		run cleanup.log apt-get purge -y $name-dkms $name-tools
	run cleanup.log scripts/dkms.sh uninstall
	left=$(leftovers | tr '\n' ' ')
	point "$(ok_if test -z "$left")" "clean start: no package, DKMS tree or module of ours${left:+ (left: $left)}"

	run dkms-install.log make dkms-install KVER="$kver"
	point "$(ok_if test $? -eq 0)" "make dkms-install KVER=$kver (log: $host/dkms-install.log)"
	point "$(ok_if dkms_installed)" "dkms status: $(dkms status -m $name -v "$version" -k "$kver" 2>&1 | head -n 1)"
	point "$(ok_if ko_is_ours)" "$ko: version $version, vermagic $kver, what modprobe finds (depmod)"
	makelog=/var/lib/dkms/$name/$version/$kver/$(uname -m)/log/make.log
	got=$(grep -c '^  PROBE   [a-z_0-9]*: \(yes\|no\)$' "$makelog" 2>/dev/null)
	point "$(ok_if test "${got:-0}" -eq "$nprobes")" \
		"the DKMS build printed all $nprobes probe answers in its make.log (found ${got:-0})"

	if [ -f /var/lib/dkms/mok.key ] && [ -f /var/lib/dkms/mok.pub ]; then
		run sign.log make sign KVER="$kver"
		signer=$(modinfo -F signer module/gup_pin_test.ko 2>/dev/null)
		point "$(ok_if test "$signer" = "DKMS module signing key")" \
			"make sign: module/gup_pin_test.ko signed by '${signer:-nobody}' with /var/lib/dkms/mok.key"
	else
		point OK "make sign # SKIP no DKMS MOK key in /var/lib/dkms"
	fi
	msg=$(MOK_KEY=/nonexistent scripts/sign.sh "/lib/modules/$kver/build" module/gup_pin_test.ko 2>&1)
	rc=$?
	point "$(ok_if test $rc -eq 0)" "make sign without a key exits 0 and says: $(echo "$msg" | tr '\n' ' ')"

	run dkms-uninstall.log make dkms-uninstall
	rc=$?
	left=$(leftovers | tr '\n' ' ')
	point "$(ok_if test $rc -eq 0 -a -z "$left")" \
		"make dkms-uninstall leaves nothing behind${left:+ (left: $left)}"

	# 2. The .deb files: lintian (bookworm's) has nothing to say, not even
	# at --info --pedantic; then installed with apt.
	rm -f "$host/lintian.log"
	lintian --allow-root --info --pedantic $debs >"$host/lintian.log" 2>&1
	rc=$?
	point "$(ok_if test $rc -eq 0 -a ! -s "$host/lintian.log")" \
		"lintian --info --pedantic: nothing on either package ($(wc -l <"$host/lintian.log") lines, $host/lintian.log)"
	sed 's/^/# /' "$host/lintian.log" | head -n 20

	run apt-install.log apt-get install -y --no-install-recommends $debs
	point "$(ok_if test $? -eq 0)" "apt-get install $(for d in $debs; do printf '%s ' "${d##*/}"; done)(log: $host/apt-install.log)"
	point "$(ok_if installed $name-dkms)" "package $name-dkms installed"
	point "$(ok_if installed $name-tools)" "package $name-tools installed: $(ls /usr/bin/gupctl /usr/libexec/$name/gpt-tests 2>&1 | tr '\n' ' ')"
	# man gupctl from the package: gupctl(1), what gupctl --man printed
	page=$(man -w gupctl 2>/dev/null)
	th=$(zcat /usr/share/man/man1/gupctl.1.gz 2>/dev/null | head -n 1)
	ver=$(/usr/bin/gupctl --version 2>&1 | head -n 1)
	point "$(ok_if test "$page" = /usr/share/man/man1/gupctl.1.gz)" \
		"man gupctl finds the package's page: ${page:-none}"
	point "$(ok_if test "$th" = ".TH GUPCTL 1 \"\" \"gup-pin-test $version\" \"User Commands\"")" \
		"gupctl(1) is gupctl $version's: ${th:-none}"
	uapi=$(sed -n 's/^#define GPT_UAPI_VERSION[[:space:]]*\([0-9]*\).*/\1/p' include/gup_pin_test.h)
	point "$(ok_if test "$ver" = "gupctl $version, uapi $uapi")" "gupctl --version from the package: $ver"
	# its bash completion, as installed (and make's KERNELS= in the tree)
	PATH=/usr/bin:$PATH host-tests/completion.sh /usr/share/bash-completion/completions/gupctl \
		scripts/make-completion.bash >"$host/completion.t" 2>&1
	point "$(ok_if dkms_installed)" "the package's DKMS build: $(dkms status -m $name -v "$version" -k "$kver" 2>&1 | head -n 1)"
	point "$(ok_if ko_is_ours)" "$ko from the package's DKMS build: version $version, vermagic $kver"
	if installed $name-dkms; then
		run dkms-install-refused.log make dkms-install KVER="$kver"
		rc=$?
	else
		rc=0
	fi
	point "$(ok_if test $rc -ne 0)" "make dkms-install refuses while the package owns the DKMS module"
	echo "1..$n"
} >"$host/packaging.t"

# 3. The VM, on the module DKMS built from the package: the suite as
# Debian's CI would run it, debian/tests/vm-suite under autopkgtest's
# null runner (the testbed is this host; autopkgtest installs the two
# .debs again, DKMS builds again), on this check's kernel, its TAP copied
# to BUILD/vm; then the experiments, directly.
rm -f "$build/vm/suite.t" "$build/vm/rig.t" "$build/vm/experiments.t" "$build/vm/experiments-rig.t"
rm -rf "$host/autopkgtest"
mkdir -p "$build/vm"
run autopkgtest.log autopkgtest --no-built-binaries --output-dir "$host/autopkgtest" \
	--env GPT_KVER="$kver" $debs "$build/deb/source" -- null
rc=$?
summary=$(cat "$host/autopkgtest/summary" 2>/dev/null)
printf '%s 1 - autopkgtest (null runner) of both packages: exit %s, %s (log: %s)\n1..1\n' \
	"$( [ $rc -eq 0 ] && echo ok || echo 'not ok')" "$rc" "${summary:-no summary}" \
	"$host/autopkgtest.log" >"$host/autopkgtest.t"
for t in suite rig; do
	if [ -s "$host/autopkgtest/artifacts/$t.t" ]; then
		cp "$host/autopkgtest/artifacts/$t.t" "$build/vm/$t.t"
	else
		printf 'not ok 1 - autopkgtest left no %s.t (%s)\n1..1\n' "$t" \
			"$host/autopkgtest.log" >"$build/vm/$t.t"
	fi
done
if run initramfs.log vm/build-initramfs.sh "$kver" "$build/initramfs-dkms.cpio" \
	"$ko" /usr/bin/gupctl /usr/libexec/$name/gpt-tests; then
	GPT_MODULE=$ko vm/run.sh experiments "$kver" "$build/initramfs-dkms.cpio" "$build/vm"
else
	for t in experiments experiments-rig; do
		printf 'not ok 1 - no initramfs with the DKMS-installed module (%s)\n1..1\n' \
			"$host/initramfs.log" >"$build/vm/$t.t"
	done
fi

# 4. apt-get purge.
n=0
{
	installed $name-dkms && installed $name-tools &&
		run apt-purge.log apt-get purge -y $name-dkms $name-tools
	rc=$?
	point "$(ok_if test $rc -eq 0)" "apt-get purge $name-dkms $name-tools (log: $host/apt-purge.log)"
	left=$(leftovers | tr '\n' ' ')
	point "$(ok_if test -z "$left")" "nothing left behind: no /usr/src/$name-*, /var/lib/dkms/$name, updates/dkms module or package${left:+ (left: $left)}"
	point "$(ok_if test ! -e /usr/bin/gupctl -a ! -e /usr/libexec/$name)" "gupctl and the suite are gone"
	echo "1..$n"
} >"$host/purge.t"

# Whatever failed above, leave the host without any of it.
[ -z "$(leftovers)" ] || {
	run cleanup.log apt-get purge -y $name-dkms $name-tools
	run cleanup.log scripts/dkms.sh uninstall
}
exit 0
