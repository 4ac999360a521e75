"""``python -m gui``: open the localrule desktop app (see ``gui.app.main`` for options)."""

from .app import main

raise SystemExit(main())
