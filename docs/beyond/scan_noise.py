"""Local noise on output-only trust (``adapt`` key ``noise`` σ): Gaussian noise of σ × the step's
nominal size on every final Δw and Δθ, annealed by the rule's clock and decay.  ``look_noise.py``
found that σ 0.7-1 frees half the stalled seeds of the tiny two-moons nets and σ 0.3 takes three
slow teachers past 2x, at a cost on others.  Made after round 31 was judged and round 32 fixed, on
the 85 tasks of rounds 1-9, 16 scan seeds, against backprop's curve at its judged best γ; the pick
as in ``scan_hidden.py``, which must beat output-only trust, the first row.  ~25 min on 2 cores."""
from scanning import print_pick, scan_settings

SETTINGS = [("output-only trust", 0.4, {}), ("σ 0.2", 0.4, {"noise": 0.2}), ("σ 0.3", 0.4, {"noise": 0.3}),
            ("σ 0.5", 0.4, {"noise": 0.5}), ("σ 1, first quarter", 0.4, {"noise": 1.0, "noise_until": 0.25})]
print_pick(scan_settings(SETTINGS, "rule_link_trust_output"), "output-only trust")
