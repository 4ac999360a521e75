"""Would momentum raise the ceiling?  On every 100-seed task where ``rule_link_search`` is short
of the speed-up goal, the link stage (the unsearched start, per-link scales, flat δ) with γ and τ
tuned *per task*, without momentum and with it (β1 0.9, bias-corrected: with the link scales that
is Adam on the flat δ, plus a clock), on the 16 scan seeds, against backprop at the judge's best γ
for 4x the cycles.  Per-task tuning is an oracle no single rule has: a task this misses is out of
reach of the whole family.  Then momentum as one rule's ingredient on all 85 tasks: everywhere, or
only where the patterns come in a fixed order.  About 25 minutes on 2 cores.

    python docs/beyond/scan_momentum.py
"""

import numpy as np

from localrule.refine import parse_spec
from scanning import ROUNDS_1_9, bp_curve, final_and_speedup, judged, one_setting, tasks_and_curves, with_adapt

RATES = (0.05, 0.1, 0.2, 0.4)
TAUS = (300.0, 1000.0, 0.0)   # τ 0: no clock
MOMENTA = (0.0, 0.9)


def main():
    print("| task (cycles, order) | judged speed-up | best without momentum (γ, τ) | best with β1 0.9 (γ, τ) "
          "| ÷ bp@best γ there |")
    print("|---|---|---|---|---|")
    tasks = [t for t in judged(ROUNDS_1_9, "rule_link_search") if t["speedup"] < 2]
    reached = {m: 0 for m in MOMENTA}
    for t in tasks:
        s = parse_spec(t["task"])
        bp = bp_curve(s, t["bp_best"]["rate"])
        best = {m: (-1.0, None, None) for m in MOMENTA}
        for m in MOMENTA:
            for gamma in RATES:
                for tau in TAUS:
                    rule = with_adapt("rule_link_anneal", anneal=tau, momentum=m)
                    final, speedup = final_and_speedup(s, bp, rule, gamma)
                    if speedup > best[m][0]:
                        best[m] = (speedup, (gamma, tau), final / bp[s.cycles])
            reached[m] += best[m][0] >= 2
        cells = [f"{'>= ' if b[0] == 4.0 else ''}{b[0]:.2f}x ({b[1][0]:g}, {b[1][1]:g})" for b in best.values()]
        print(f"| {s.label} ({s.cycles}, {s.order}) | {t['speedup']:.2f} | {cells[0]} | {cells[1]} | "
              f"{best[MOMENTA[-1]][2]:.3g} |", flush=True)
    print(f"\nreached 2x with γ and τ tuned per task: {reached[0.0]} of {len(tasks)} without momentum, "
          f"{reached[0.9]} with β1 0.9")


def as_one_rule():
    """Momentum as one rule's ingredient, on all 85 tasks of rounds 1-9: the hand-set link rule
    without it, with β1 0.9 everywhere, and with β1 0.9 only where the patterns come in a fixed
    order (the per-task table's pattern), counted apart by order."""
    tasks, curves = tasks_and_curves(ROUNDS_1_9, "rule_link_search")
    plain, heavy = with_adapt("rule_link_anneal"), with_adapt("rule_link_anneal", momentum=0.9)
    gated = with_adapt("rule_link_anneal", momentum=0.9, fixed_momentum=1)   # Rule.adapt_for drops it shuffled
    settings = {"none": plain, "β1 0.9": heavy, "β1 0.9 in fixed order only": gated}
    fixed = np.array([s.order == "fixed" for s, _ in tasks])
    print(f"\nas one rule (the hand-set link rule, γ {plain.own_rate:g}), on the {len(tasks)} tasks of rounds 1-9 "
          f"({fixed.sum()} in fixed order, {(~fixed).sum()} shuffled):\n")
    print("| momentum | no worse (median): fixed, shuffled | speed-up ≥ 2x: fixed, shuffled | geometric mean speed-up |")
    print("|---|---|---|---|")
    for name, rule in settings.items():
        r, sp = one_setting(tasks, curves, rule, plain.own_rate)
        print(f"| {name} | {np.sum(r[fixed] <= 1)}, {np.sum(r[~fixed] <= 1)} | {np.sum(sp[fixed] >= 2)}, "
              f"{np.sum(sp[~fixed] >= 2)} | {np.exp(np.mean(np.log(sp))):.2f} |", flush=True)


if __name__ == "__main__":
    main()
    as_one_rule()
