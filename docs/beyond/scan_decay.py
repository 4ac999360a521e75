"""Does a decay to the budget (``adapt`` key ``decay``: the step falls linearly to 0 over the run's
last share d) lift the hand-set link rule?  Six settings of (γ, d) on the 85 tasks of rounds 1-9,
16 scan seeds, against backprop's curve at its judged best γ; the setting with the most
speed-ups ≥ 2x (then the highest geometric mean) becomes ``rule_link_decay.npz``.
Then every task's ratio ÷ bp@best γ / speed-up per setting.  ~15 min on 2 idle cores."""
import sys

from scanning import scan_settings

SETTINGS = [("g0.1 t1k", 0.1, {}), ("g0.1 t1k d0.2", 0.1, {"decay": 0.2}), ("g0.15 t1k d0.3", 0.15, {"decay": 0.3}),
            ("g0.15 t1k d0.5", 0.15, {"decay": 0.5}), ("g0.2 t1k d0.5", 0.2, {"decay": 0.5}),
            ("g0.2 t1k d1", 0.2, {"decay": 1.0})]
scan_settings(SETTINGS, sys.argv[1] if len(sys.argv) > 1 else "rule_link_anneal")
