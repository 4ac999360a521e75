"""A gain per weight and bias learned as the run goes (``adapt`` key ``gain`` μ: delta-bar-delta
as hypergradient descent on each update's log-gain, within ×1/16 to ×16), on the fan-in rule:
one γ serves every task only roughly (bp's best γ spans 0.016 to 32), so let each link speed up
where its updates keep one direction over a cycle and slow down where they turn.  Made after
round 17 was judged and before round 18 had any result, on the 85 tasks of rounds 1-9, 16 scan
seeds, against backprop's curve at its judged best γ.  The pick: the most tasks no worse, then
the most speed-ups ≥ 2x, then the highest geometric mean; only if it beats the fan-in rule's own
row by that order.  ~10 min on 2 idle cores."""
from scanning import print_pick, scan_settings

SETTINGS = [("fan-in rule", 0.4, {}), ("μ 0.003", 0.4, {"gain": 0.003}), ("μ 0.01", 0.4, {"gain": 0.01}),
            ("μ 0.003 γ 0.3", 0.3, {"gain": 0.003})]
print_pick(scan_settings(SETTINGS, "rule_link_fanin"), "the fan-in rule")
