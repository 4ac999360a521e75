"""Does a decay to the budget (``adapt`` key ``decay``: the step falls linearly to 0 over the run's
last share d) lift the hand-set link rule?  Six settings of (γ, d) on the 85 tasks of rounds 1-9,
16 scan seeds, against backprop's curve at its judged best γ; the setting with the most
speed-ups ≥ 2x (then the highest geometric mean) becomes ``rule_link_decay.npz``.
Then every task's ratio ÷ bp@best γ / speed-up per setting.  ~15 min on 2 idle cores."""
import sys

import numpy as np

from scanning import ROUNDS_1_9, one_setting, tasks_and_curves, with_adapt

SETTINGS = [("g0.1 t1k", 0.1, {}), ("g0.1 t1k d0.2", 0.1, {"decay": 0.2}), ("g0.15 t1k d0.3", 0.15, {"decay": 0.3}),
            ("g0.15 t1k d0.5", 0.15, {"decay": 0.5}), ("g0.2 t1k d0.5", 0.2, {"decay": 0.5}),
            ("g0.2 t1k d1", 0.2, {"decay": 1.0})]
base = sys.argv[1] if len(sys.argv) > 1 else "rule_link_anneal"
tasks, curves = tasks_and_curves(ROUNDS_1_9, "rule_link_search")
fixed = np.array([s.order == "fixed" for s, _ in tasks])
print("| setting | no worse (median) | worst ÷ | speed-up ≥ 2x (fixed, shuffled) | geometric mean speed-up |")
print("|---|---|---|---|---|")
allres = {}
for name, rate, ad in SETTINGS:
    ratios, sp = one_setting(tasks, curves, with_adapt(base, **ad), rate)
    allres[name] = (ratios, sp)
    print(f"| {name} | {(ratios <= 1).sum()}/{len(ratios)} | {ratios.max():.3g} | {(sp >= 2).sum()}/{len(sp)} "
          f"({(sp[fixed] >= 2).sum()}, {(sp[~fixed] >= 2).sum()}) | {np.exp(np.log(sp).mean()):.3g} |", flush=True)
print()
print("per task, ÷ bp@best γ / speed-up, one column per setting:")
for k, ((s, _),) in enumerate(zip(tasks)):
    print(s.text, " ".join(f"{allres[n][0][k]:.3g}/{allres[n][1][k]:.2f}" for n, _, _ in SETTINGS))
