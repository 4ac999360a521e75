"""Does the link's previous update (momentum, β1) or per-neuron scales lift the decaying link rule?
Picked after a diagnosis on XOR (not in the repository): the decaying rule stays in XOR's 2/3
minimum on 81-97% of seeds, backprop at its best γ on 41-88%, the rule with β1 0.9 on 6-9%.
Seven settings on the 85 tasks of rounds 1-9, 16 scan seeds, against backprop's curve at its
judged best γ.  The pick (``rule_link_decay_momentum.npz``): the most tasks no worse by the
median, then the most speed-ups ≥ 2x, then the highest geometric mean; only if it beats the
decaying rule's own row by that order.  ~20 min on 2 idle cores."""
from scanning import print_pick, scan_settings

SETTINGS = [("d0.3", 0.15, {}), ("d0.3 b0.5", 0.15, {"momentum": 0.5}), ("d0.3 b0.7", 0.15, {"momentum": 0.7}),
            ("d0.3 b0.9", 0.15, {"momentum": 0.9}), ("d0.3 b0.9 fixed order", 0.15, {"momentum": 0.9, "fixed_momentum": 1}),
            ("d0.3 g0.1 b0.9", 0.1, {"momentum": 0.9}), ("d0.3 per-neuron", 0.15, {"link": 0})]
print_pick(scan_settings(SETTINGS, "rule_link_decay"), "the decaying rule")
