"""The hand scan that picked the clock of ``rule_rmsprop_flat0_anneal.npz`` (γ and τ): the unsearched
start with every step × (1 + t/τ)^(-1/2), on a grid of γ and τ, on the 23 tasks of rounds 1-4, 32
scan seeds (5000 on: not the judge's), against backprop at the judge's best γ for each task
(``confirm_all.json``).  Prints the median final J ÷ backprop's per task and setting, and picks
the setting with the smallest worst ratio.  About 15 minutes on 2 cores.

    python docs/beyond/scan_clock.py
"""

import json
from pathlib import Path

import numpy as np

from localrule.learner import Rule
from localrule.refine import parse_spec
from localrule.runs import train_seeds

HERE = Path(__file__).resolve().parent
SEEDS = [5000 + k for k in range(32)]
#: name: (γ, τ); τ 0 is the start without a clock (γ 0.1, its own)
GRID = {"start": (0.1, 0.0), "g0.15 t1k": (0.15, 1e3), "g0.15 t3k": (0.15, 3e3), "g0.2 t1k": (0.2, 1e3),
        "g0.2 t3k": (0.2, 3e3), "g0.2 t10k": (0.2, 1e4), "g0.3 t3k": (0.3, 3e3), "g0.3 t10k": (0.3, 1e4)}


def main():
    judged = json.loads((HERE / "confirm_all.json").read_text())["rules"][0]["tasks"]
    start = Rule.load(HERE / "rule_rmsprop_flat0.npz")
    ratios = {name: [] for name in GRID}
    print("| task | bp@best γ | " + " | ".join(GRID) + " |")
    print("|---|---|" + "---|" * len(GRID))
    for t in judged:
        spec = parse_spec(t["task"])
        rate = t["bp_best"]["rate"]
        bp = np.median([r.J[-1] for r in train_seeds(spec.task, spec.layers, rate, spec.cycles, SEEDS, order=spec.order)])
        cells = []
        for name, (gamma, tau) in GRID.items():
            rule = Rule.load(HERE / "rule_rmsprop_flat0.npz")
            if tau:
                rule.meta["adapt"] = {**start.meta["adapt"], "anneal": tau}
            res = train_seeds(spec.task, spec.layers, gamma, spec.cycles, SEEDS, rule, order=spec.order)
            ratios[name].append(np.nanmedian([r.J[-1] for r in res]) / bp)
            cells.append(f"{ratios[name][-1]:.3g}")
        print(f"| {spec.label} ({spec.cycles}, {spec.order}) | {bp:.3g} (γ {rate:g}) | " + " | ".join(cells) + " |",
              flush=True)
    worst = {name: max(v) for name, v in ratios.items()}
    print("| worst ÷ | | " + " | ".join(f"{worst[n]:.3g}" for n in GRID) + " |")
    pick = min((n for n in GRID if GRID[n][1]), key=worst.get)
    print(f"\npicked: {pick} (γ {GRID[pick][0]:g}, τ {GRID[pick][1]:g}): the smallest worst ratio with a clock")


if __name__ == "__main__":
    main()
