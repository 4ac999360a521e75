"""localrule: teach a network to imitate backpropagation, then train networks with it.

    >>> import localrule as lr
    >>> task = lr.load_task("and")
    >>> bp = lr.train(task, (2, 1, 1), rate=0.23, cycles=5000, seed=0, sample_every=1)

The public names load lazily so that ``python -m localrule --help`` never pays for numba.
"""

__version__ = "0.1.0"

import os as _os


def _writable(folder):
    """numba's own test of a cache folder: create it, then a file in it."""
    import tempfile
    try:
        _os.makedirs(folder, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
        return True
    except OSError:
        return False


def _numba_cache_fallback():
    """numba caches compiled kernels in the package's ``__pycache__`` or the user's cache folder
    and, where neither is writable (a read-only install run by an account without a home), refuses
    to compile at all; then the cache goes to a folder in the temporary directory instead."""
    import sys
    import tempfile
    if _os.environ.get("NUMBA_CACHE_DIR"):
        return
    user = _os.environ.get("XDG_CACHE_HOME") or _os.path.join(_os.path.expanduser("~"), ".cache")
    if _writable(_os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "__pycache__")) \
            or _writable(_os.path.join(user, "numba")):
        return
    folder = _os.path.join(tempfile.gettempdir(), f"localrule-numba-{getattr(_os, 'getuid', lambda: 0)()}")
    if not _writable(folder):
        folder = tempfile.mkdtemp(prefix="localrule-numba-")
    _os.environ["NUMBA_CACHE_DIR"] = folder
    if "numba" in sys.modules:                      # imported before us: its config is already read
        sys.modules["numba"].config.CACHE_DIR = folder


_numba_cache_fallback()

_EXPORTS = {
    "train": "runs", "train_seeds": "runs", "Result": "runs",
    "load_task": "tasks", "Task": "tasks",
    "Rule": "learner", "learn_full": "learner", "learn_local": "learner",
    "save_samples": "samples", "load_samples": "samples", "link_tuples": "samples",
    "EXPERIMENTS": "experiments",
    "UsageError": "layout", "parse_layers": "layout", "init_params": "layout",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        import importlib
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
