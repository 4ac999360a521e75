"""The hand scan that picked ``rule_link_anneal.npz`` (link scales, γ and τ): the unsearched start
with a clock and each link's update divided by its own running |δ·x| scale, on a grid of γ and
τ, beside the hand-set clocked rule (scales per neuron), on the 57 tasks of rounds 1-7, 16 scan
seeds (5000 on: not the judge's), against backprop at the judge's best γ for each task on the
same seeds (4x the cycles, for the speed-up).  Prints per setting: tasks no worse by the median,
the worst ratio, tasks with speed-up ≥ 2x, and picks the link setting with the most of those.
About 25 minutes on 2 cores.

    python docs/beyond/scan_link.py
"""

import numpy as np

from localrule.refine import parse_spec
from scanning import bp_curve, final_and_speedup, judged, with_adapt

#: name: (γ, τ, link)
GRID = {"neuron g0.2 t1k": (0.2, 1e3, 0), "link g0.05 t1k": (0.05, 1e3, 1), "link g0.07 t1k": (0.07, 1e3, 1),
        "link g0.1 t1k": (0.1, 1e3, 1), "link g0.15 t1k": (0.15, 1e3, 1), "link g0.1 t300": (0.1, 300.0, 1),
        "link g0.1 t3k": (0.1, 3e3, 1), "link g0.15 t3k": (0.15, 3e3, 1)}
JUDGED = ("anneal100.json", "confirm5_anneal100.json", "confirm6_100.json", "confirm7_100.json")


def main():
    tasks = [(t["task"], t["bp_best"]["rate"]) for t in judged(JUDGED, "rule_flat0_anneal_search")]
    curves = {}
    print("| setting | no worse (median) | worst ÷ | speed-up ≥ 2x | geometric mean speed-up |")
    print("|---|---|---|---|---|")
    counts = {}
    for name, (gamma, tau, link) in GRID.items():
        ratios, speedups = [], []
        for text, rate in tasks:
            s = parse_spec(text)
            if text not in curves:
                curves[text] = bp_curve(s, rate)
            bp = curves[text]
            rule = with_adapt("rule_rmsprop_flat0", anneal=tau, **({"link": 1} if link else {}))
            final, speedup = final_and_speedup(s, bp, rule, gamma)
            ratios.append(final / bp[s.cycles])
            speedups.append(speedup)
        r, sp = np.array(ratios), np.array(speedups)
        counts[name] = int(np.sum(sp >= 2))
        print(f"| {name} | {np.sum(r <= 1)}/{len(r)} | {r.max():.3g} | {counts[name]}/{len(r)} | "
              f"{np.exp(np.mean(np.log(sp))):.2f} |", flush=True)
    pick = max((n for n in GRID if GRID[n][2]), key=counts.get)
    print(f"\npicked: {pick} (γ {GRID[pick][0]:g}, τ {GRID[pick][1]:g}): the most tasks with speed-up ≥ 2x")


if __name__ == "__main__":
    main()
