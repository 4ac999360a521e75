"""A look, not a scan: the hidden neurons' trust growth gated on saturation (``adapt`` key
``trust_gate`` g: a hidden neuron's growth f becomes 1 + (f - 1)·min(1, f'(in)/g), f'(in) its
sigmoid's slope at the pattern).  The hidden growth frees slow teachers but collapses small
two-moons nets (``look_trust_layers.py``): does fading it where a neuron saturates keep the one
and stop the other?  On the tasks of that look and two more slow teachers (judged tasks, so
nothing here is fresh), 48 seeds (5000 on); per task and setting: median final J, and the share
of seeds ending above 10⁻³.  Made after round 29 was fixed.  ~8 min on 2 idle cores."""
from scanning import stall_table

SPECS = ["moons:2,4,4,1:500:shuffle", "moons:2,4,8,1:400:shuffle", "moons:2,3,3,1:500", "moons:2,6,3,1:400:shuffle",
         "teacher@9008:4,3,2:100:shuffle", "teacher@11001:4,4,2:60", "teacher@14002:4,9,3:60:shuffle",
         "teacher@15001:2,2,7,7,1:100", "teacher@20007:3,9,8,3:100", "teacher@22008:8,7,6,8,2:100:shuffle",
         "teacher@24008:9,5,2:60:shuffle"]
SETTINGS = [("output-only trust", {}), ("every neuron (trust rule)", {"trust_layers": 0}),
            ("every neuron, g 0.1", {"trust_layers": 0, "trust_gate": 0.1}),
            ("every neuron, g 0.2", {"trust_layers": 0, "trust_gate": 0.2})]

stall_table(SPECS, SETTINGS, "rule_link_trust_output")
