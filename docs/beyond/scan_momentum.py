"""Would momentum raise the ceiling?  On every 100-seed task where ``rule_link_search`` is short
of the speed-up goal, the link stage (the unsearched start, per-link scales, flat δ) with γ and τ
tuned *per task*, without momentum and with it (β1 0.9, bias-corrected: with the link scales that
is Adam on the flat δ, plus a clock), on 16 scan seeds (5000 on: not the judge's), against
backprop at the judge's best γ on the same seeds for 4x the cycles.  Per-task tuning is an oracle
no single rule has: a task this misses is out of reach of the whole family.  About 20 minutes on
2 cores.

    python docs/beyond/scan_momentum.py
"""

import json
from pathlib import Path

import numpy as np

from localrule.learner import Rule
from localrule.refine import parse_spec
from localrule.runs import train_seeds
from localrule.tuning import cycles_to_reach, median_curve

HERE = Path(__file__).resolve().parent
SEEDS = [5000 + k for k in range(16)]
RATES = (0.05, 0.1, 0.2, 0.4)
TAUS = (300.0, 1000.0, 0.0)   # τ 0: no clock
MOMENTA = (0.0, 0.9)
RULE = "rule_link_search"
JUDGED = ("link_search100.json", "confirm5_link_search100.json", "confirm6_link_search100.json",
          "confirm7_link_search100.json", "confirm8_link_search100.json", "confirm9_100.json")


def short_tasks():
    """(task text, bp@best γ, judged speed-up) of every task where ``RULE`` had speed-up < 2."""
    out = []
    for name in JUDGED:
        for r in json.loads((HERE / name).read_text())["rules"]:
            if r["name"] == RULE:
                out += [(t["task"], t["bp_best"]["rate"], t["speedup"]) for t in r["tasks"] if t["speedup"] < 2]
    return out


def main():
    start = Rule.load(HERE / "rule_link_anneal.npz")
    print("| task (cycles, order) | judged speed-up | best without momentum (γ, τ) | best with β1 0.9 (γ, τ) "
          "| ÷ bp@best γ there |")
    print("|---|---|---|---|---|")
    tasks, reached = short_tasks(), {m: 0 for m in MOMENTA}
    for text, rate, judged in tasks:
        s = parse_spec(text)
        bp = median_curve(train_seeds(s.task, s.layers, rate, 4 * s.cycles, SEEDS, order=s.order))
        best = {m: (-1.0, None, None) for m in MOMENTA}
        for m in MOMENTA:
            for gamma in RATES:
                for tau in TAUS:
                    rule = Rule.load(HERE / "rule_link_anneal.npz")
                    rule.meta["adapt"] = {**start.meta["adapt"], "anneal": tau, "momentum": m}
                    final = float(np.median([r.J[-1] for r in train_seeds(s.task, s.layers, gamma, s.cycles, SEEDS,
                                                                           rule, order=s.order)]))
                    reach = cycles_to_reach(bp, final)
                    speedup = 4.0 if reach is None else reach / s.cycles
                    if speedup > best[m][0]:
                        best[m] = (speedup, (gamma, tau), final / bp[s.cycles])
            reached[m] += best[m][0] >= 2
        cells = [f"{'>= ' if b[0] == 4.0 else ''}{b[0]:.2f}x ({b[1][0]:g}, {b[1][1]:g})" for b in best.values()]
        print(f"| {s.label} ({s.cycles}, {s.order}) | {judged:.2f} | {cells[0]} | {cells[1]} | "
              f"{best[MOMENTA[-1]][2]:.3g} |", flush=True)
    print(f"\nreached 2x with γ and τ tuned per task: {reached[0.0]} of {len(tasks)} without momentum, "
          f"{reached[0.9]} with β1 0.9")


if __name__ == "__main__":
    main()
