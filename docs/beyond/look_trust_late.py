"""A look, not a scan: every neuron's trust growth held back for a share of the run (``adapt`` key
``trust_delay`` set per task to that share of its cycles × patterns steps; 500 steps, what
``scan_trust_delay.py`` picked, is 1% of a two-moons run).  Does a growth that starts late still
collapse small two-moons nets, and does it keep what the hidden growth gains on slow teachers?
Judged tasks, so nothing here is fresh; 48 seeds (5000 on); per task and setting: median final J,
and the share of seeds ending above 10⁻³.  Made after round 29 was fixed.  ~6 min on 2 idle cores."""
from scanning import stall_table

SPECS = ["moons:2,4,4,1:500:shuffle", "moons:2,4,8,1:400:shuffle", "moons:2,6,3,1:400:shuffle",
         "teacher@9008:4,3,2:100:shuffle", "teacher@14002:4,9,3:60:shuffle",
         "teacher@15001:2,2,7,7,1:100", "teacher@20007:3,9,8,3:100", "teacher@22008:8,7,6,8,2:100:shuffle"]


def late(share):
    return lambda s: {"trust_layers": 0, "trust_delay": float(share * s.cycles * s.task.X.shape[0])}


SETTINGS = [("output-only", {}), ("every, delay 0.5", late(0.5)), ("every, delay 0.7", late(0.7))]
stall_table(SPECS, SETTINGS, "rule_link_trust_output")
