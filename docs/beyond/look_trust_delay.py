"""A look, not a scan: the trust rule (c 2, α 0.5) held back for its first D steps, on the tasks
that led to it: the β 0.9 rule's misses that the trust rule frees, and the small two-moons nets
where the trust rule stalls.  Per task, median final J over the 16 scan seeds; for two-moons
2-4-4-1 also the median J at cycle 50 and each setting's median largest |w| at the end (the
trust rule's weights run away there).  ~5 min on 2 idle cores."""
import sys

import numpy as np

from scanning import SEEDS, with_adapt
from localrule.refine import parse_spec
from localrule.runs import train_seeds

SPECS = ["moons:2,4,4,1:500:shuffle", "moons:2,3,3,1:500", "moons:2,6,3,1:400:shuffle", "teacher@9008:4,3,2:100:shuffle",
         "teacher@11001:4,4,2:60", "teacher@14002:4,9,3:60:shuffle", "teacher@15001:2,2,7,7,1:100",
         "teacher@20007:3,9,8,3:100"]
TRUST = {"trust": 2.0, "trust_power": 0.5}
SETTINGS = [("β 0.9 rule", {}), ("trust rule", TRUST)] + [(f"delay {d:g}", {**TRUST, "trust_delay": d})
                                                          for d in (1000.0, 5000.0, 20000.0)]

print("| task | " + " | ".join(n for n, _ in SETTINGS) + " |")
print("|---" * (len(SETTINGS) + 1) + "|")
moons = {}
for text in SPECS:
    s = parse_spec(text)
    cells = []
    for name, ad in SETTINGS:
        rs = train_seeds(s.task, s.layers, 0.4, s.cycles, SEEDS, with_adapt("rule_link_span09", **ad), order=s.order)
        cells.append(f"{np.median([r.J[-1] for r in rs]):.3g}")
        if text == SPECS[0]:
            moons[name] = (np.median([r.J[50] for r in rs]), np.median([np.abs(r.w).max() for r in rs]))
    print(f"| {text} | " + " | ".join(cells) + " |", flush=True)
print()
print(f"{SPECS[0]}: median J at cycle 50 / median largest |w| at the end")
for name, (j50, w) in moons.items():
    print(f"  {name}: {j50:.3g} / {w:.3g}")
sys.stdout.flush()
