"""The clock on the gain rule: every step × (1 + t/τ)^(-1/2) with τ 1000 steps was picked for
the clock rule of round 6, before link scales, the decay to the budget, the fan-in step and the
gain existed; with the decay ending every run, a slower clock or none may serve the small nets
that backprop trains best at γ 4-16 (a check not in the repository: without the clock the fan-in
rule reached 2x on 7 of 10 of its hardest scan tasks, against 6).  Made after round 19 was fixed,
on the 85 tasks of rounds 1-9, 16 scan seeds, against backprop's curve at its judged best γ.  The
pick: the most tasks no worse, then the most speed-ups ≥ 2x, then the highest geometric mean; only
if it beats the gain rule's own row by that order.  ~10 min on 2 idle cores."""
from scanning import print_pick, scan_settings

SETTINGS = [("gain rule (τ 1000)", 0.4, {}), ("τ 10000", 0.4, {"anneal": 10000.0}), ("no clock", 0.4, {"anneal": 0.0}),
            ("no clock, γ 0.25", 0.25, {"anneal": 0.0})]
print_pick(scan_settings(SETTINGS, "rule_link_gain"), "the gain rule")
