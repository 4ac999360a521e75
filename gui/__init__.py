"""The localrule desktop app: watch backprop and a learned rule train side by side.

One idea per module: ``worker`` (training thread), ``learning`` (streamed learner fits),
``network_view`` / ``curves`` / ``decision_map`` (the three views), ``controls`` (the side
panel) and ``app`` (the main window wiring them together).  ``localrule`` never imports this.
"""
