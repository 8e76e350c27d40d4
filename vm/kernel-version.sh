#!/bin/sh
# kernel-version.sh [--all]
# Prints the release of the newest installed kernel that has both an image
# in /boot and headers to build against; with --all, every such release,
# newest first.  The host's running kernel (uname -r) is never the answer:
# it is not the one we test.
set -eu
found=
for dir in $(ls -d /lib/modules/*/build 2>/dev/null | sort -rV); do
	rel=${dir#/lib/modules/}
	rel=${rel%/build}
	if [ -f "/boot/vmlinuz-$rel" ] && [ -f "$dir/Makefile" ]; then
		echo "$rel"
		found=1
		[ "${1:-}" = --all ] || exit 0
	fi
done
[ -n "$found" ] && exit 0
echo "no kernel with both /boot/vmlinuz-* and headers; run vm/deps.sh" >&2
exit 1
