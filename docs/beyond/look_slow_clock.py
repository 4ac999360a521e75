"""A look, not a scan: is the clock what slows output-only trust on its slow misses?  Its steps
are × (1 + t/τ)^(-1/2) with τ 1000 steps (``adapt`` key anneal), so on a teacher of a few hundred
patterns the step is a tenth of γ or less by the run's end, while backprop at its best γ keeps
its step.  A slower clock (τ 3000, 10⁴) or none (at a smaller γ, as the clock no longer shrinks
it), on ``look_slow_misses.py``'s tasks and seeds (judged tasks, so nothing here is fresh).
Per task and setting: median final J ÷ backprop's at the budget / speed-up.  Made after round 30
was fixed.  ~12 min on 2 idle cores."""
from scanning import SLOW_TASKS, speed_table

SETTINGS = [("output-only trust (γ 0.4, τ 1000)", 0.4, {}), ("τ 3000", 0.4, {"anneal": 3000.0}),
            ("τ 10⁴", 0.4, {"anneal": 1e4}), ("no clock, γ 0.2", 0.2, {"anneal": 0.0}),
            ("no clock, γ 0.1", 0.1, {"anneal": 0.0})]

speed_table(SLOW_TASKS, SETTINGS, "rule_link_trust_output")
