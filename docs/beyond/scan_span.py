"""Momentum only where its memory spans a cycle (``adapt`` key ``span_momentum``: β1 kept where
the task's patterns number at most 1/(1 - β1), so that it averages every pattern's pull instead
of a run of one class's), on the decaying rule: the 85 tasks of rounds 1-9, 16 scan seeds,
against backprop's curve at its judged best γ.  Made after scan_decay_momentum.py (momentum
everywhere frees XOR and ruins class-sorted wine) and after round 15 was fixed.  The pick
(``rule_link_decay_span.npz``): the most tasks no worse, then the most speed-ups ≥ 2x, then the
highest geometric mean; only if it beats the decaying rule's own row by that order.  On these
rounds only XOR (4 patterns) has few enough patterns for any setting here: every other task runs
bit for bit as the decaying rule.  ~12 min on 2 idle cores."""
from scanning import print_pick, scan_settings

SETTINGS = [("d0.3", 0.15, {}), ("d0.3 b0.75 span", 0.15, {"momentum": 0.75, "span_momentum": 1}),
            ("d0.3 b0.9 span", 0.15, {"momentum": 0.9, "span_momentum": 1}),
            ("d0.3 b0.95 span", 0.15, {"momentum": 0.95, "span_momentum": 1})]
print_pick(scan_settings(SETTINGS, "rule_link_decay"), "the decaying rule")
