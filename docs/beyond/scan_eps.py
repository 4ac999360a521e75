"""The normaliser's floor ε on the fan-in rule: each link's step is divided by (v̂ + ε²)^(p/2),
so a link whose |δ·x| is well below ε takes backprop's step at γ/ε (p 1), and one well above it
a normalised step of about γ.  The rule's ε 10⁻³ makes nearly every step a normalised one; on
two-moons (rounds 12 and 17) a larger ε left fewer seeds stalled at J ~ 0.02 in a look at 48
seeds (ε 0.1: 21% and 0% against 65% and 65%).  Made after round 20 was fixed, on the 85 tasks
of rounds 1-9, 16 scan seeds, against backprop's curve at its judged best γ; γ so that γ/ε is
8-40.  The pick (``rule_link_eps.npz``): the most tasks no worse, then the most speed-ups ≥ 2x,
then the highest geometric mean; only if it beats the fan-in rule's own row by that order.
~20 min on 2 idle cores."""
from scanning import print_pick, scan_settings

SETTINGS = [("fan-in rule", 0.4, {}), ("eps0.01 g0.4", 0.4, {"eps": 0.01}), ("eps0.03 g0.4", 0.4, {"eps": 0.03}),
            ("eps0.03 g1", 1.0, {"eps": 0.03}), ("eps0.1 g1", 1.0, {"eps": 0.1}), ("eps0.1 g2.5", 2.5, {"eps": 0.1}),
            ("eps0.3 g2.5", 2.5, {"eps": 0.3})]
print_pick(scan_settings(SETTINGS, "rule_link_fanin"), "the fan-in rule")
