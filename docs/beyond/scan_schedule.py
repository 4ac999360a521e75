"""Can one schedule serve every task?  Per task, the link stage's best γ and τ (``scan_momentum``)
is often a larger first step that anneals sooner (γ 0.2, τ 300) than the hand-set link rule's
(γ 0.1, τ 1000).  This scan runs the unsearched start with link scales and a clock on a grid of
single settings over the 85 tasks of rounds 1-9, on the 16 scan seeds, against backprop at the
judge's best γ, and picks the setting with the most speed-ups ≥ 2x among those no worse by the
median on at least as many tasks as the hand-set rule.  About 15 minutes on 2 cores.

    python docs/beyond/scan_schedule.py
"""

import numpy as np

from scanning import ROUNDS_1_9, one_setting, tasks_and_curves, with_adapt

#: name: (γ, τ); the first is the hand-set link rule (``rule_link_anneal.npz``)
GRID = {"g0.1 t1k": (0.1, 1e3), "g0.15 t300": (0.15, 300.0), "g0.2 t300": (0.2, 300.0),
        "g0.15 t600": (0.15, 600.0), "g0.2 t500": (0.2, 500.0), "g0.3 t200": (0.3, 200.0)}


def main():
    tasks, curves = tasks_and_curves(ROUNDS_1_9, "rule_link_search")
    print("| setting | no worse (median) | worst ÷ | speed-up ≥ 2x | geometric mean speed-up |")
    print("|---|---|---|---|---|")
    counts = {}
    for name, (gamma, tau) in GRID.items():
        rule = with_adapt("rule_rmsprop_flat0", anneal=tau, link=1)
        r, sp = one_setting(tasks, curves, rule, gamma)
        counts[name] = (int(np.sum(r <= 1)), int(np.sum(sp >= 2)))
        print(f"| {name} | {counts[name][0]}/{len(r)} | {r.max():.3g} | {counts[name][1]}/{len(r)} | "
              f"{np.exp(np.mean(np.log(sp))):.2f} |", flush=True)
    first = next(iter(GRID))
    pick = max((n for n in GRID if counts[n][0] >= counts[first][0]), key=lambda n: counts[n][1])
    print(f"\npicked: {pick} (γ {GRID[pick][0]:g}, τ {GRID[pick][1]:g})")


if __name__ == "__main__":
    main()
