"""Output-only trust with the hidden neurons' growth added late in the run (``adapt`` keys
``trust_layers`` 0 and ``trust_hidden_after`` s: no hidden growth before the run's step s·N).  The
hidden growth frees slow teachers but collapses small two-moons nets, and a look (48 seeds,
docs/beyond/README.md) found it harmless there once held back for half the run, where a delay
of 500 steps was not (``scan_trust_delay.py``).  Made after round 28 was judged and round 29
fixed, on the 85 tasks of rounds 1-9, 16 scan seeds, against backprop's curve at its judged best
γ; the pick as in ``scan_hidden.py``, which must beat output-only trust, the first row.  ~12 min
on 2 idle cores."""
from scanning import print_pick, scan_settings

SETTINGS = [("output-only trust", 0.4, {})] + [
    (f"hidden after {s:g}", 0.4, {"trust_layers": 0, "trust_hidden_after": s}) for s in (0.3, 0.5, 0.7)]
print_pick(scan_settings(SETTINGS, "rule_link_trust_output"), "output-only trust")
