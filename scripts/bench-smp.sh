#!/bin/sh
# bench-smp.sh DIR: DIR/1/bench.csv (one thread) beside DIR/2/bench.csv
# (two threads pinning at once on two vCPUs, a range each) and, where
# there, DIR/2apart/bench.csv (the same, each range in a GiB, and so a
# PMD table, of its own: gupctl bench --apart), ns per page and their
# ratio, into DIR/smp.txt.
set -e
dir=$1
for t in 1 2; do
	[ -r "$dir/$t/bench.csv" ] || { echo "bench-smp: no $dir/$t/bench.csv" >&2; exit 1; }
done
# side_by_side TITLE CSV: one thread's figures beside CSV's.
side_by_side() {
	# gupctl's own word on where the ranges were (column 22)
	pmd=$(awk -F, 'NR > 1 && $22 != "" { seen = 1; if ($22 == 1) shared = 1 }
		END {
			if (!seen) print "PMD tables not recorded"
			else if (shared) print "two ranges in one PMD table"
			else print "no two ranges in one PMD table"
		}' "$2")
	echo "$1, $pmd: get and put ns per page, median ±spread"
	printf '%-8s %-13s %8s  %15s %15s %6s  %15s %15s %6s\n' memory path per_call \
		"get, 1 thread" "2 threads" ratio "put, 1 thread" "2 threads" ratio
	awk -F, 'FNR == 1 { file++; next }
		$9 != "" { k = $1 "," $2 "," $6; g[file, k] = $9; gs[file, k] = $12
			   p[file, k] = $13; ps[file, k] = $16; if (file == 1) order[++n] = k }
		END {
			for (i = 1; i <= n; i++) {
				k = order[i]
				if (!((2, k) in g)) continue
				split(k, f, ",")
				printf "%-8s %-13s %8s  %8.1f ±%4.1f%% %8.1f ±%4.1f%% %6.2f  %8.1f ±%4.1f%% %8.1f ±%4.1f%% %6.2f\n",
					f[1], f[2], f[3] == 0 ? "all" : f[3],
					g[1, k], 100 * gs[1, k], g[2, k], 100 * gs[2, k], g[2, k] / g[1, k],
					p[1, k], 100 * ps[1, k], p[2, k], 100 * ps[2, k], p[2, k] / p[1, k]
			}
		}' "$dir/1/bench.csv" "$2"
}
{
	side_by_side "one thread, then two at once on two vCPUs (a range each, where mmap() put them)" \
		"$dir/2/bench.csv"
	if [ -r "$dir/2apart/bench.csv" ]; then
		echo
		side_by_side "the same two, each range starting a GiB of its own (--apart)" \
			"$dir/2apart/bench.csv"
	fi
} | tee "$dir/smp.txt"
