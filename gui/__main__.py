"""``python -m gui``: open the localrule desktop app (see ``gui.app.main`` for options).  A Ctrl-C
while PyQt, numpy and numba are still loading is one line and exit 130, as it is once the window
is open (it closes)."""

try:
    from .app import main
except KeyboardInterrupt:
    import sys
    print("gui: interrupted while starting", file=sys.stderr)
    raise SystemExit(130) from None

raise SystemExit(main())
