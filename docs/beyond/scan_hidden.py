"""A step for hidden neurons apart from the output's (``adapt`` key ``hidden`` h: the hidden
layers' updates × h, the output layer's as they are; two-rate backprop's scale, made local, since
an output neuron knows it is one), on the β 0.9 rule.  After round 20 the rule's misses were tiny
nets where backprop's best γ is 8-16 and two-rate backprop's best hidden scale is 0.5; on the
fan-in rule's eight misses (16 scan seeds, not in the repository) h 0.5 at γ 0.8 (the hidden
neurons' step as before, the output's doubled) reached 2x on the 4-4-2 and 10-2-3-6-1 teachers.
Made after round 21 was fixed, on the 85 tasks of rounds 1-9, 16 scan seeds, against backprop's
curve at its judged best γ.  The pick (``rule_link_hidden.npz``): the most tasks no worse, then
the most speed-ups ≥ 2x, then the highest geometric mean; only if it beats the β 0.9 rule's own
row by that order.  ~8 min on 2 idle cores."""
from scanning import print_pick, scan_settings

SETTINGS = [("β 0.9 rule", 0.4, {}), ("h0.5 g0.8", 0.8, {"hidden": 0.5}), ("h0.7 g0.57", 0.57, {"hidden": 0.7})]
print_pick(scan_settings(SETTINGS, "rule_link_span09"), "the β 0.9 rule")
