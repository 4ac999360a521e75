"""A step scaled by the neuron's fan-in (``adapt`` key ``fan_in`` a: each neuron's updates ×
(inputs + 1)^-a, after the |δ·x| normalisation), on the span rule: the link rule moves every
link by about γ per step, so a neuron's input moves by about γ × its fan-in, and one γ must serve
2 inputs and 13.  Made after round 16 was fixed, on the 85 tasks of rounds 1-9, 16 scan seeds,
against backprop's curve at its judged best γ.  The γ are set so that a 13-input neuron steps
near γ 0.15 (a 0.5: γ 0.56; a 1: γ 2.1) and around that.  The pick (``rule_link_fanin.npz``):
the most tasks no worse, then the most speed-ups ≥ 2x, then the highest geometric mean; only if
it beats the span rule's own row by that order.  ~15 min on 2 idle cores."""
from scanning import print_pick, scan_settings

SETTINGS = [("span rule", 0.15, {}), ("a0.5 g0.4", 0.4, {"fan_in": 0.5}), ("a0.5 g0.56", 0.56, {"fan_in": 0.5}),
            ("a0.5 g0.8", 0.8, {"fan_in": 0.5}), ("a1 g1.5", 1.5, {"fan_in": 1.0}), ("a1 g2.1", 2.1, {"fan_in": 1.0})]
print_pick(scan_settings(SETTINGS, "rule_link_decay_span"), "the span rule")
