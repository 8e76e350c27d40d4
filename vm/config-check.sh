#!/bin/sh
# config-check.sh CONFIG
# What the test rig needs from a kernel's .config, and why; prints each
# missing option with the reason and exits 1 if any is missing.  "m" is
# enough where vm/build-initramfs.sh loads a module.  Options whose tests
# can say SKIP are noted on standard error.
set -u
config=$1
[ -r "$config" ] || { echo "config-check: cannot read $config" >&2; exit 2; }
missing=0

value() { sed -n "s/^$1=//p" "$config"; }
# Without these a test says SKIP, by name: a developer's tree may lack them.
want() {	# NAME WHY
	[ "$(value "CONFIG_$1")" = y ] ||
		echo "note: CONFIG_$1 is not set: $2 (SKIP)" >&2
}
need() {	# NAME y|ym WHY
	v=$(value "CONFIG_$1")
	case "$2:$v" in
	y:y|ym:y|ym:m) return ;;
	esac
	case $2 in y) want="=y" ;; *) want="=y or =m" ;; esac
	echo "CONFIG_$1 is ${v:-not set}: the rig needs $want ($3)"
	missing=1
}

need BLK_DEV_INITRD y "the rig boots a busybox initramfs"
need DEVTMPFS y "/dev in the guest"
need SERIAL_8250_CONSOLE y "console and results on ttyS0 and ttyS1"
need MODULES y "gup_pin_test.ko is a module"
need PROC_PAGE_MONITOR y "/proc/PID/pagemap, /proc/kpagecount, /proc/kpageflags"
need X86_PMEM_LEGACY ym "memmap=nn!ss makes the legacy pmem the rig formats"
need BLK_DEV_PMEM ym "/dev/pmem0 and /dev/pmem1"
need ZONE_DEVICE y "fsdax pages are ZONE_DEVICE pages"
need FS_DAX y "ext4 -o dax: the fsdax kinds"
need EXT4_FS ym "the fsdax and page-cache kinds"
need TMPFS y "tmpfs and memfd kinds"
need HUGETLBFS y "the memfd-hugetlb kind"
want KSM "the KSM test needs it"
want USERFAULTFD "the QUERY lock test faults through userfaultfd"
need DEVMEM y "the pfnmap kind maps /dev/mem"
# PREEMPT_RT kernels cannot have THP: the suite asserts that instead.
[ "$(value CONFIG_PREEMPT_RT)" = y ] ||
	need TRANSPARENT_HUGEPAGE y "the anon-thp kind (off only with PREEMPT_RT)"
# memfd_secret(2) exists from 5.14: where the option exists, it must be on.
grep -q '^# CONFIG_SECRETMEM is not set' "$config" &&
	need SECRETMEM y "the memfd-secret kind (5.14+)"
exit $missing
