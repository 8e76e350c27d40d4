# shellcheck shell=sh
# The VM's memory, sourced by vm/run.sh and vm/gup-vm: layout LAYOUT sets
# $vm_qemu (qemu arguments) and $vm_append (kernel command line).
#
# All: 1G of RAM, of which 256M at 512M and 128M at 768M become legacy
# pmem (e820 type 12): /dev/pmem0 for fsdax, /dev/pmem1 for ext4; 2 CPUs
# ("bench": 1; "bench-smp": 2 that really run at once).
#
# "experiments" adds NUMA node 1: a 256M DIMM, onlined movable at boot
# (memhp_default_state=online_movable), 64M more pmem at 896M, which
# guest-init makes device-DAX (/dev/dax2.0), and a 256M CMA area.  It is all ZONE_MOVABLE, and only
# what is bound there (mbind()) lives there: long-term pins migrate out of
# it, its memory blocks can be offlined, move_pages() has a second node.
layout() {
	vm_append="panic=-1 panic_on_warn=1 oops=panic"
	vm_append="$vm_append memmap=256M!512M memmap=128M!768M secretmem.enable=1"
	# One host thread runs both vCPUs: text patching (int3, then a sync
	# IPI: static keys at boot, a tracepoint switched by the experiments)
	# has been seen to race with the other vCPU under multi-threaded TCG,
	# an int3 Oops on 7.2 and, at boot, on 6.12.
	vm_qemu="-nodefaults -no-user-config -M pc -accel tcg,thread=single -cpu max"
	case $1 in
	suite)
		# GPT_VM_MEM (make check-debug: 2G): KASAN's shadow and
		# page_owner leave a 1G debug kernel under 512M, where
		# hugepage_init() turns THP off
		vm_qemu="$vm_qemu -smp 2 -m ${GPT_VM_MEM:-1G}"
		;;
	bench)
		# make bench: the suite's memory on one vCPU, as the in-tree
		# gup_test's reference figures were taken (nothing else runs)
		vm_qemu="$vm_qemu -smp 1 -m 1G"
		;;
	bench-smp)
		# gupctl bench --threads 2: two vCPUs that run at once, a host
		# thread each (multi-threaded TCG; nothing here patches text
		# after boot: no --profile)
		vm_qemu="-nodefaults -no-user-config -M pc -accel tcg,thread=multi -cpu max"
		vm_qemu="$vm_qemu -smp 2 -m 1G"
		;;
	experiments)
		vm_append="$vm_append memhp_default_state=online_movable memmap=64M!896M"
		# A CMA area where the kernel has CONFIG_CMA (7.2), big enough that
		# node 0 serves movable allocations from it first (over half its
		# free memory); the other kernels pass cma= on to init, unused.
		# nokaslr: a randomly placed kernel can leave no 256M in one piece
		# below the pmem ("cma: Failed to reserve").
		vm_append="$vm_append cma=256M nokaslr"
		vm_qemu="$vm_qemu -smp 2 -m 1G,slots=2,maxmem=2G"
		vm_qemu="$vm_qemu -object memory-backend-ram,id=ram0,size=1G"
		vm_qemu="$vm_qemu -numa node,nodeid=0,cpus=0-1,memdev=ram0 -numa node,nodeid=1"
		vm_qemu="$vm_qemu -object memory-backend-ram,id=dimm1,size=256M"
		vm_qemu="$vm_qemu -device pc-dimm,id=dimm1,memdev=dimm1,node=1"
		;;
	*)
		echo "layout: no layout \"$1\"" >&2
		return 1
		;;
	esac
}
