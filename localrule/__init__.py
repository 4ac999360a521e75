"""localrule: teach a network to imitate backpropagation, then train networks with it.

    >>> import localrule as lr
    >>> task = lr.load_task("and")
    >>> bp = lr.train(task, (2, 1, 1), rate=0.23, cycles=5000, seed=0, sample_every=1)

The public names load lazily so that ``python -m localrule --help`` never pays for numba.
"""

__version__ = "0.1.0"

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
