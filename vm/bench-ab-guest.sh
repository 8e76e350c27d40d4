#!/bin/sh
# bench-ab-guest.sh ROUNDS B.ko   (in the VM, for make bench-ab)
# Two builds of the module in one boot: A (the one modprobe loads) and B
# (given), reloaded in turn, beside the in-tree selftest, on the workloads
# where their ratio to the in-tree figure moved between runs: 1 page a
# call, gup-fast and pin-fast, 4 KiB and THP, 128 MiB written first.
# Each round runs the three in a rotated order (drift cancels), each a
# fresh process of 5 passes.  Output to /out/ab.raw, a line a run:
#   intree|A|B MEM PATH ROUND get_ns_per_page
set -u
rounds=$1 kob=$2
out=/out/ab.raw
: >"$out"
koa=$(modinfo -n gup_pin_test)
mount -t debugfs none /sys/kernel/debug 2>/dev/null
[ -e /sys/kernel/debug/gup_test ] || { echo "no /sys/kernel/debug/gup_test: not a CONFIG_GUP_TEST kernel" >&2; exit 1; }
pages=$((128 * 256))

load() { # A|B
	rmmod gup_pin_test 2>/dev/null
	if [ "$1" = A ]; then insmod "$koa"; else insmod "$kob"; fi || {
		echo "bench-ab: insmod $1 failed" >&2; exit 1; }
}
run() { # WHO MEM PATH ROUND
	who=$1 m=$2 p=$3 r=$4
	if [ "$who" = intree ]; then
		case $p in gup-fast) c=-u ;; pin-fast) c=-a ;; esac
		case $m in anon) o=-T ;; thp) o=-t ;; esac
		# the median pass, in ns a page (gup_test prints us for 128 MiB)
		v=$(gup_test_selftest $c $o -n 1 -r 5 -m 128 |
			sed -n 's/.*get:\([0-9]*\) put:.*/\1/p' | sort -n | sed -n 3p)
		[ -n "$v" ] && v=$(awk -v us="$v" -v n="$pages" 'BEGIN { printf "%.2f", us * 1000 / n }')
	else
		load "$who"
		off=0
		[ "$m" = thp ] && off=256
		rm -f /tmp/ab.csv
		gupctl bench --repeats 5 --size 128 --mem "$m" --path "$p" --per-call 1 \
			--offset "$off" --csv /tmp/ab.csv >/dev/null 2>&1
		v=$(awk -F, 'NR == 2 { print $9 }' /tmp/ab.csv 2>/dev/null)
	fi
	echo "$who $m $p $r ${v:-failed}" >>"$out"
}

for m in anon thp; do
	for p in gup-fast pin-fast; do
		echo "bench-ab: $m $p, 1 page a call" >&2
		r=1
		while [ "$r" -le "$rounds" ]; do
			case $((r % 3)) in
			1) set -- intree A B ;;
			2) set -- A B intree ;;
			0) set -- B intree A ;;
			esac
			for who in "$@"; do
				run "$who" "$m" "$p" "$r"
			done
			r=$((r + 1))
		done
	done
done
load A
