#!/bin/sh
# bench-ab.sh OUTDIR   make bench-ab [PATCH=FILE] [ROUNDS=N]
# Two builds of the module in one boot of the reference kernel (as make
# bench-compare boots it): A, this tree's, and B, this tree with PATCH
# applied (PATCH; by default scripts/bench-ab-align.patch: gpt_bench_once()
# on a page of its own), ROUNDS rounds (9), reloaded in turn beside the in-tree gup_test at one
# page a call (vm/bench-ab-guest.sh).  Prints each one's ns per page and
# ratio to the in-tree figure: a difference between A and B is the
# patch's, on the same kernel, memory and host minute.  OUTDIR gets ab.raw
# and ab.txt.
set -eu
out=$1
top=$(cd "$(dirname "$0")/.." && pwd)
patch=${PATCH:-$top/scripts/bench-ab-align.patch}
patch=$(cd "$(dirname "$patch")" && pwd)/$(basename "$patch")
rounds=${ROUNDS:-9}
builder=${REFERENCE_BUILDER:-$top/../shared/tools/build-reference-kernel}
[ -x "$builder" ] || { echo "bench-ab: no reference kernel builder $builder (REFERENCE_BUILDER=)" >&2; exit 2; }
paths=$("$builder")
KERNEL_TREE=$(echo "$paths" | sed -n 's/^tree: *//p')
selftest=$(echo "$paths" | sed -n 's/^selftest: *//p')
[ -d "$KERNEL_TREE" ] && [ -x "$selftest" ] || { echo "bench-ab: $builder gave no tree or selftest" >&2; exit 1; }
export KERNEL_TREE
bin=$top/build/bench-ab
rm -rf "$bin"
mkdir -p "$bin" "$out"
# B: a copy of the module's sources with the patch, built as A is.
(cd "$top" && make -s dkms-tree DKMS_TREE="$bin/src" >/dev/null)
patch -s -p1 -d "$bin/src" <"$patch" || { echo "bench-ab: $patch does not apply" >&2; exit 1; }
make -C "$KERNEL_TREE" M="$bin/src/module" modules >"$bin/build.log" 2>&1 ||
	{ echo "bench-ab: B does not build (see $bin/build.log)" >&2; exit 1; }
cp "$bin/src/module/gup_pin_test.ko" "$bin/gup_pin_test_b.ko"
cp "$selftest" "$bin/gup_test_selftest"
cp "$top/vm/bench-ab-guest.sh" "$bin/"
GPT_VM_BINS="$bin/gup_test_selftest $bin/bench-ab-guest.sh $bin/gup_pin_test_b.ko" \
	"$top/vm/gup-vm" tree --layout bench --out "$out" \
	"bench-ab-guest.sh $rounds /bin/gup_pin_test_b.ko"
# The median of the rounds, its spread, and the ratio to the in-tree one.
awk -v patch="$(basename "$patch")" '
	$5 != "failed" { v[$1 " " $2 " " $3] = v[$1 " " $2 " " $3] " " $5 }
	function med(s,   a, n, i, j, t) {
		n = split(s, a, " ")
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
			if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
		lo = a[1]; hi = a[n]; cnt = n
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	END {
		printf "A: this tree; B: with %s; one boot, one page a call, ns per page:\n", patch
		printf "the median of the rounds (each a fresh process, the median of 5 passes), +-(max - min) / median\n\n"
		printf "%-5s %-9s %16s %16s %16s %8s %8s\n", "mem", "path", "in-tree", "A", "B", "A/in", "B/in"
		split("anon thp", ms, " "); split("gup-fast pin-fast", ps, " ")
		for (i = 1; i <= 2; i++) for (j = 1; j <= 2; j++) {
			k = ms[i] " " ps[j]
			it = med(v["intree " k]); its = (hi - lo) / it * 100
			a = med(v["A " k]); as = (hi - lo) / a * 100
			b = med(v["B " k]); bs = (hi - lo) / b * 100
			printf "%-5s %-9s %9.1f +-%3.0f%% %9.1f +-%3.0f%% %9.1f +-%3.0f%% %8.2f %8.2f\n",
				ms[i], ps[j], it, its, a, as, b, bs, a / it, b / it
		}
	}' "$out/ab.raw" | tee "$out/ab.txt"
