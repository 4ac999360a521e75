"""A look, not a scan: where the trust rule's growth (c 2, α 0.5) helps and where it breaks, by
layer (``adapt`` key ``trust_layers``: 0 every neuron, 1 the output neurons only, 2 the hidden
ones only), on the small two-moons nets where the trust rules collapse (rounds 11, 24, 26 and
the scan's 2-3-3-1: judged tasks, so nothing here is fresh) and the teachers whose misses the
trust rule frees.  48 seeds (5000 on): the 16 scan seeds are too few where a third of the seeds
stall.  Per task and setting: median final J, and the share of seeds ending above 10⁻³.
Made after the delayed trust rule was judged.  ~6 min on 2 idle cores."""
from scanning import stall_table

SPECS = ["moons:2,4,4,1:500:shuffle", "moons:2,4,8,1:400:shuffle", "moons:2,3,3,1:500", "moons:2,6,3,1:400:shuffle",
         "teacher@9008:4,3,2:100:shuffle", "teacher@11001:4,4,2:60", "teacher@14002:4,9,3:60:shuffle",
         "teacher@15001:2,2,7,7,1:100", "teacher@20007:3,9,8,3:100"]
TRUST = {"trust": 2.0, "trust_power": 0.5}
SETTINGS = [("β 0.9 rule", {}), ("trust rule", TRUST), ("hidden only", {**TRUST, "trust_layers": 2}),
            ("output only", {**TRUST, "trust_layers": 1})]

stall_table(SPECS, SETTINGS, "rule_link_span09")
