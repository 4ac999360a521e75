"""A cap κ on the trust rule's factor (``adapt`` key ``trust_cap``: a neuron's steps grow ×
(r/c)^α with its weights' rms r above c, at most × κ).  On round 24 (fresh) the trust rule stalled
on a quarter of two-moons 2-6-3-1's seeds where the β 0.9 rule stalled on few, and in
``scan_trust.py`` c 1 took two-moons 2-6-6-1 to 9·10³ times backprop's J: a step that outgrows
the net.  A cap keeps the growth that frees the tiny nets' misses and stops it there.  Made after
round 24 was judged and round 25 fixed, on the 85 tasks of rounds 1-9, 16 scan seeds, against
backprop's curve at its judged best γ; the pick as in ``scan_hidden.py``, which must beat the
β 0.9 rule, the first row.  ~20 min on 2 idle cores."""
from scanning import print_pick, scan_settings

SETTINGS = [("β 0.9 rule", 0.4, {}), ("c2 α0.5 (trust rule)", 0.4, {"trust": 2.0, "trust_power": 0.5}),
            ("c2 α0.5 κ2", 0.4, {"trust": 2.0, "trust_power": 0.5, "trust_cap": 2.0}),
            ("c1 α0.5 κ2", 0.4, {"trust": 1.0, "trust_power": 0.5, "trust_cap": 2.0}),
            ("c1 α0.5 κ4", 0.4, {"trust": 1.0, "trust_power": 0.5, "trust_cap": 4.0})]
print_pick(scan_settings(SETTINGS, "rule_link_span09"), "the β 0.9 rule")
