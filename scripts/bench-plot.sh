#!/bin/sh
# bench-plot.sh DIR [pages]: DIR/bench.csv (gupctl bench --out) as
# DIR/bench-MEM.svg, one plot per memory: get ns per page (median, min-max
# bars) against pages per call ("all" at the range's page count), or with
# "pages" against the range's pages (a sweep of --size), a line per path,
# both axes logarithmic.  gnuplot, from Debian's gnuplot-nox.
set -e
dir=$1 x=${2:-per-call}
csv=$dir/bench.csv
[ -r "$csv" ] || { echo "bench-plot: no $csv" >&2; exit 1; }
for mem in $(awk -F, 'NR > 1 && $9 != "" { print $1 }' "$csv" | sort -u); do
	plot=
	for path in $(awk -F, -v m="$mem" 'NR > 1 && $1 == m && $9 != "" { print $2 }' "$csv" | awk '!seen[$0]++'); do
		# per call ("all": the pages), median, min, max
		awk -F, -v m="$mem" -v p="$path" 'NR > 1 && $1 == m && $2 == p && $9 != "" {
			print (x == "pages" || $6 == 0 ? $5 : $6), $9, $10, $11 }' x="$x" "$csv" |
			sort -n >"$dir/.plot-$mem-$path"
		plot="$plot${plot:+, }'$dir/.plot-$mem-$path' using 1:2:3:4 with yerrorlines title '$path'"
	done
	gnuplot <<GNUPLOT
set terminal svg size 800,500 dynamic font "sans,12"
set output "$dir/bench-$mem.svg"
set title "gupctl bench: $mem, $(if [ "$x" = pages ]; then
	awk -F, -v m="$mem" 'NR > 1 && $1 == m { print $6 " pages a call"; exit }' "$csv"
else
	awk -F, -v m="$mem" 'NR > 1 && $1 == m { print $5 " pages"; exit }' "$csv"
fi), get (pin) ns per page"
set logscale xy
set xlabel "$([ "$x" = pages ] && echo "pages in the range" || echo "pages per call")"
set ylabel "ns per page (median; bars: min to max)"
set key top right
set grid
plot $plot
GNUPLOT
	rm -f "$dir"/.plot-"$mem"-*
done
