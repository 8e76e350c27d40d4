#!/bin/sh
# mkdeb.sh OUTDIR
# "make deb": builds OUTDIR/gup-pin-test-dkms_VERSION_all.deb (dh-dkms:
# the module's source for DKMS) and OUTDIR/gup-pin-test-tools_VERSION_ARCH.deb
# (gupctl and the test suite) with dpkg-buildpackage, from a staged copy
# of the sources.  The package version is VERSION: debian/changelog is
# written here, dkms.conf's version by dh_dkms -V.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
version=$(cat "$top/VERSION")
stage=$out/src/gup-pin-test-$version

rm -rf "$out/src" "$out/source" "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
mkdir -p "$stage"
# The module part exactly as DKMS gets it, then the rest of the package.
make -s -C "$top" dkms-tree DKMS_TREE="$stage" >/dev/null
cp "$top/dkms.conf" "$stage/dkms.conf"
cp -r "$top/userspace-tests" "$top/debian" "$stage/"
# debian/tests (autopkgtest) boots the VM with the rig's own scripts.
mkdir -p "$stage/vm" "$stage/scripts"
cp "$top"/vm/build-initramfs.sh "$top"/vm/run.sh "$top"/vm/layout.sh "$top"/vm/guest-init \
	"$top"/vm/demo.sh "$top"/vm/kernel-version.sh "$stage/vm/"
cp "$top/scripts/tap.sh" "$stage/scripts/"
date=$(git -C "$top" log -1 --format=%aD 2>/dev/null || date -R)
# The maintainer: DEB_MAINTAINER, or whoever made the last commit.
maintainer=${DEB_MAINTAINER:-$(git -C "$top" log -1 --format='%an <%ae>' 2>/dev/null)}
case $maintainer in
*?" <"?*@?*">") ;;
*) echo "mkdeb.sh: the maintainer \"$maintainer\" is not \"Name <address>\": set DEB_MAINTAINER" >&2
	exit 1 ;;
esac
# as it is, whatever characters it has (no sed replacement syntax)
MAINTAINER=$maintainer awk '{ i = index($0, "#MAINTAINER#")
	if (i) $0 = substr($0, 1, i - 1) ENVIRON["MAINTAINER"] substr($0, i + 12)
	print }' "$stage/debian/control" >"$stage/debian/control.new"
mv "$stage/debian/control.new" "$stage/debian/control"
cat >"$stage/debian/changelog" <<END
gup-pin-test ($version) unstable; urgency=medium

  * Built from the gup-pin-test source tree by "make deb".

 -- $maintainer  $date
END

# The source as autopkgtest reads it (debian/tests), before the build.
rm -rf "$out/source"
cp -a "$stage" "$out/source"

echo "  DEB     gup-pin-test $version (log: $out/build.log)"
if ! (cd "$stage" && dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	echo "mkdeb.sh: dpkg-buildpackage failed; see $out/build.log" >&2
	exit 1
fi
mv "$out"/src/*.deb "$out"/src/*.changes "$out"/src/*.buildinfo "$out/"
rm -rf "$out/src"
for deb in "$out"/*.deb; do
	echo "  DEB     $deb"
done
