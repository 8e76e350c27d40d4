#!/usr/bin/env python3
"""bench-compare.py RAW KVER: make bench-compare's table from compare.raw.

In-tree lines are gup_test passes (get/put in integer microseconds over the
range); ours are a run's median in ns per page.  A run's figure is the
median of its passes; a cell's, the median of its runs; its spread,
(max - min) / median of the runs.  Ratio: ours / in-tree.
"""
import statistics
import sys

PAGES = 128 << 20 >> 12
MEMS = {"anon": "4 KiB anonymous (MADV_NOHUGEPAGE)", "thp": "THP (MADV_HUGEPAGE)",
        "hugetlb": "hugetlb 2 MiB"}
INTREE = {"gup-fast": "GUP_FAST", "pin-fast": "PIN_FAST", "pin-longterm": "PIN_LONGTERM"}


def main():
    raw, kver = sys.argv[1], sys.argv[2]
    runs = {}   # (tool, mem, path, n) -> {round: [(get, put)]}
    failed = []
    for line in open(raw):
        f = line.split()
        if f and f[0] == "failed":
            failed.append(" ".join(f[1:]))
        if len(f) != 7:
            continue
        tool, mem, path, n, rnd = f[0], f[1], f[2], int(f[3]), int(f[4])
        get, put = float(f[5]), float(f[6])
        if tool == "intree":
            get, put = get * 1000 / PAGES, put * 1000 / PAGES
        runs.setdefault((tool, mem, path, n), {}).setdefault(rnd, []).append((get, put))

    def cell(key, which):
        rs = runs.get(key)
        if not rs:
            return None
        per_run = [statistics.median(p[which] for p in passes) for passes in rs.values()]
        med = statistics.median(per_run)
        return med, (max(per_run) - min(per_run)) / med if med else 0.0, len(per_run)

    nruns = max((len(v) for v in runs.values()), default=0)
    ratios = []
    print(f"gup_test (in-tree, CONFIG_GUP_TEST) beside gupctl bench, one boot of {kver}, "
          f"128 MiB written first, FOLL_WRITE;\nns per page: the median of {nruns} runs "
          "(each a fresh process, the median of its passes), taken in turn (ABBA),\n"
          "±(max - min) / median of the runs; ratio: ours / in-tree (goal: 1.05 or less)\n")
    csv = ["memory,path,per_call,what,in_tree_ns,in_tree_spread,ours_ns,ours_spread,ratio"]
    worst = 0.0
    for mem, text in MEMS.items():
        keys = sorted({(k[2], k[3]) for k in runs if k[1] == mem},
                      key=lambda x: (list(INTREE).index(x[0]), x[1]))
        if not keys:
            continue
        print(text)
        print(f"  {'path':<13} {'n':>4} {'get in-tree':>14} {'ours':>14} {'ratio':>6}"
              f" {'put in-tree':>14} {'ours':>14} {'ratio':>6}")
        for path, n in keys:
            row = f"  {INTREE[path]:<13} {n:>4}"
            for which, what in ((0, "get"), (1, "put")):
                a, b = cell(("intree", mem, path, n), which), cell(("ours", mem, path, n), which)
                if not a or not b:
                    row += f" {'-':>14} {'-':>14} {'-':>6}"
                    continue
                ratio = b[0] / a[0]
                if what == "get":
                    worst = max(worst, ratio)
                    ratios.append(ratio)
                # a cell on fewer runs than the others says on how many
                few = "" if min(a[2], b[2]) == nruns else f" ({min(a[2], b[2])} runs)"
                row += (f" {a[0]:>7.1f} ±{100 * a[1]:>4.1f}% {b[0]:>7.1f} ±{100 * b[1]:>4.1f}%"
                        f" {ratio:>6.2f}{few}")
                csv.append(f"{mem},{path},{n},{what},{a[0]:.2f},{a[1]:.4f},{b[0]:.2f},"
                           f"{b[1]:.4f},{ratio:.4f}")
            print(row)
        print()
    if ratios:
        print(f"get ratios {min(ratios):.2f} to {worst:.2f}: {sum(r > 1.05 for r in ratios)} "
              f"of {len(ratios)} over 1.05 (ours slower), {sum(r < 0.95 for r in ratios)} "
              "under 0.95 (ours faster)")
    for f in failed:
        print(f"no figure: {f}")
    with open(raw.rsplit("/", 1)[0] + "/compare.csv", "w") as f:
        f.write("\n".join(csv) + "\n")


main()
