"""A look, not a scan: does a longer decay (``adapt`` key decay d, the share of the run over which
the step falls to 0), a larger γ, or momentum whose memory spans a whole cycle of these tasks
(β 0.995: 200 steps, where the rule's span keeps it to tasks of 200 patterns or fewer) bring
output-only trust's slow misses to 2x?  On the judged
tasks where it ends lower than bp@best γ yet under 2x (rounds 11-27, so nothing here is fresh)
and four where it is fast (round 27), against backprop's curve at the judged best γ for 4x the
cycles.  48 seeds (5000 on).  Per task and setting: median final J ÷ backprop's at the budget,
and the speed-up (cycles backprop needs to reach that J ÷ the budget; 4.00: not within 4x).
Made after round 28 was fixed.  ~12 min on 2 idle cores."""
import numpy as np

from scanning import with_adapt
from localrule.refine import parse_spec
from localrule.runs import train_seeds
from localrule.tuning import cycles_to_reach, median_curve

SEEDS = list(range(5000, 5048))
#: (task, backprop's judged best γ)
TASKS = [("teacher@15001:2,2,7,7,1:100", 4), ("teacher@15002:2,3,3:100:shuffle", 8), ("teacher@15008:9,5,3:40", 2),
         ("teacher@20007:3,9,8,3:100", 2), ("teacher@22008:8,7,6,8,2:100:shuffle", 2),
         ("teacher@24008:9,5,2:60:shuffle", 4), ("teacher@27001:9,2,6,4:40:shuffle", 1),
         ("teacher@27004:5,12,3:40", 2), ("wine:13,5,8,3:200:shuffle", 4), ("iris:4,7,3:300", 4),
         ("moons:2,3,9,1:400", 8), ("xor:2,7,1:2000:shuffle", 16)]
SETTINGS = [("output-only trust (γ 0.4, d 0.3)", 0.4, {}), ("d 0.5", 0.4, {"decay": 0.5}),
            ("d 0.7", 0.4, {"decay": 0.7}), ("γ 0.5", 0.5, {}), ("γ 0.6", 0.6, {}),
            ("β 0.995", 0.4, {"momentum": 0.995})]


def median_final(runs):
    return float(np.median([r.J[-1] if np.isfinite(r.J[-1]) else np.inf for r in runs]))


print("| task | " + " | ".join(n for n, _, _ in SETTINGS) + " |")
print("|---" * (len(SETTINGS) + 1) + "|")
counts = np.zeros(len(SETTINGS), int)
for text, best in TASKS:
    s = parse_spec(text)
    bp = median_curve(train_seeds(s.task, s.layers, best, 4 * s.cycles, SEEDS, order=s.order))
    cells = []
    for k, (_, rate, ad) in enumerate(SETTINGS):
        final = median_final(train_seeds(s.task, s.layers, rate, s.cycles, SEEDS,
                                         with_adapt("rule_link_trust_output", **ad), order=s.order))
        reach = cycles_to_reach(bp, final)
        sp = 4.0 if reach is None else reach / s.cycles
        counts[k] += sp >= 2
        cells.append(f"{final / bp[s.cycles]:.3g} / {sp:.2f}")
    print(f"| {text} | " + " | ".join(cells) + " |", flush=True)
print("| speed-up ≥ 2x | " + " | ".join(f"{c}/{len(TASKS)}" for c in counts) + " |")
