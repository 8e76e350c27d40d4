#!/bin/sh
# bench-compare-guest.sh ROUNDS PASSES [PER_CALL...]   (in the VM, for make bench-compare)
# The in-tree selftest (gup_test_selftest, tools/testing/selftests/vm/
# gup_test.c; selftests/mm/ since 6.3) and gupctl bench on the same
# workloads, one after the other, ROUNDS times a figure, in alternating
# order (ABBA: drift cancels): each run a fresh process that maps and
# writes 128 MiB and makes PASSES passes over it.  Output, a line a pass or run, to /out/compare.raw:
#   intree MEM PATH PER_CALL ROUND get_us put_us     (a pass)
#   ours   MEM PATH PER_CALL ROUND get_ns put_ns     (a run's median, per page)
set -u
rounds=$1 passes=$2
shift 2
[ $# -gt 0 ] || set -- 1 512
out=/out/compare.raw
: >"$out"
mount -t debugfs none /sys/kernel/debug 2>/dev/null
[ -e /sys/kernel/debug/gup_test ] || { echo "no /sys/kernel/debug/gup_test: not a CONFIG_GUP_TEST kernel" >&2; exit 1; }

intree() { # MEM PATH N ROUND OPTS...
	m=$1 p=$2 n=$3 r=$4
	shift 4
	gup_test_selftest "$@" -n "$n" -r "$passes" -m 128 |
		sed -n 's/.*get:\([0-9]*\) put:\([0-9]*\) us.*/\1 \2/p' |
		while read -r g pu; do echo "intree $m $p $n $r $g $pu"; done >>"$out"
	grep -q "^intree $m $p $n $r " "$out" || echo "failed $m $p $n $r" >>"$out"
}
ours() { # MEM PATH N ROUND
	rm -f /tmp/ours.csv
	# gup_test's THP range is not 2 MiB-aligned (its mmap() of /dev/zero):
	# nor is ours, by 1 MiB
	off=0
	[ "$1" = thp ] && off=256
	gupctl bench --repeats "$passes" --size 128 --mem "$1" --path "$2" --per-call "$3" \
		--offset "$off" --csv /tmp/ours.csv >/dev/null 2>&1
	# a run that measured nothing is a line of its own: the table says so
	awk -F, -v m="$1" -v p="$2" -v n="$3" -v r="$4" 'NR == 2 && $9 != "" {
		print "ours", m, p, n, r, $9, $13; ok = 1 }
		END { if (!ok) print "failed", m, p, n, r }' /tmp/ours.csv >>"$out" 2>/dev/null ||
		echo "failed $1 $2 $3 $4" >>"$out"
}

for mem in anon thp hugetlb; do
	case $mem in
	anon) opt=-T ;;
	thp) opt=-t ;;
	hugetlb) opt=-H; echo 64 >/proc/sys/vm/nr_hugepages ;;
	esac
	for pp in gup-fast:-u pin-fast:-a pin-longterm:-L; do
		path=${pp%%:*} cmd=${pp#*:}
		for n in "$@"; do
			echo "bench-compare: $mem $path $n a call" >&2
			r=1
			while [ "$r" -le "$rounds" ]; do
				if [ $((r % 4)) -eq 1 ] || [ $((r % 4)) -eq 0 ]; then
					intree "$mem" "$path" "$n" "$r" "$cmd" "$opt"
					ours "$mem" "$path" "$n" "$r"
				else
					ours "$mem" "$path" "$n" "$r"
					intree "$mem" "$path" "$n" "$r" "$cmd" "$opt"
				fi
				r=$((r + 1))
			done
		done
	done
	[ "$mem" = hugetlb ] && echo 0 >/proc/sys/vm/nr_hugepages
done
