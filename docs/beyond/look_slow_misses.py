"""A look, not a scan: does a longer decay (``adapt`` key decay d, the share of the run over which
the step falls to 0), a larger γ, or momentum whose memory spans a whole cycle of these tasks
(β 0.995: 200 steps, where the rule's span keeps it to tasks of 200 patterns or fewer) bring
output-only trust's slow misses to 2x?  On the judged
tasks where it ends lower than bp@best γ yet under 2x (rounds 11-27, so nothing here is fresh)
and four where it is fast (round 27), against backprop's curve at the judged best γ for 4x the
cycles.  48 seeds (5000 on).  Per task and setting: median final J ÷ backprop's at the budget,
and the speed-up (cycles backprop needs to reach that J ÷ the budget; 4.00: not within 4x).
Made after round 28 was fixed.  ~12 min on 2 idle cores."""
from scanning import SLOW_TASKS, speed_table

SETTINGS = [("output-only trust (γ 0.4, d 0.3)", 0.4, {}), ("d 0.5", 0.4, {"decay": 0.5}),
            ("d 0.7", 0.4, {"decay": 0.7}), ("γ 0.5", 0.5, {}), ("γ 0.6", 0.6, {}),
            ("β 0.995", 0.4, {"momentum": 0.995})]

speed_table(SLOW_TASKS, SETTINGS, "rule_link_trust_output")
