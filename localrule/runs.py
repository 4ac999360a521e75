"""Training a base network with backprop or a learned rule: the Python API over the kernels."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from . import kernels
from .layout import UsageError, check_sizes, format_layers, init_params, n_biases, n_weights
from .samples import row_width, split_rows
from .tasks import Task, accuracy, check_fits



@dataclass
class Result:
    """One training run; ``to_json()`` is the CLI's result-file format."""
    task: str
    layers: tuple
    mode: str
    seed: int
    rate: float
    cycles: int
    J: np.ndarray
    J_test: np.ndarray | None
    diverged_at: int | None
    seconds: float
    w: np.ndarray
    b: np.ndarray
    accuracy: float | None = None
    samples: dict | None = field(default=None, repr=False)
    order: str = "fixed"

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def final_J(self) -> float | None:
        return None if self.diverged else float(self.J[-1])

    def summary(self) -> str:
        layers = format_layers(self.layers)
        head = f"{self.mode} {self.task} {layers} seed {self.seed}: "
        if self.diverged:
            return head + f"diverged at cycle {self.diverged_at} ({self.seconds:.3f} s)"
        acc = "" if self.accuracy is None else f", accuracy {self.accuracy:.3f}"
        test = "" if self.J_test is None else f", test J {self.J_test[-1]:.6f}"
        return head + f"final J {self.J[-1]:.6f}{test}{acc} after {self.cycles} cycles ({self.seconds:.3f} s)"

    def to_json(self) -> dict:
        def finite(a):
            return None if a is None else [None if not np.isfinite(v) else float(v) for v in a]
        return {"task": self.task, "layers": list(self.layers), "mode": self.mode, "seed": self.seed,
                "rate": self.rate, "cycles": self.cycles, "J": finite(self.J), "J_test": finite(self.J_test),
                "final_J": self.final_J, "accuracy": self.accuracy, "diverged": self.diverged,
                "diverged_at": self.diverged_at, "seconds": self.seconds,
                **({} if self.order == "fixed" else {"order": self.order})}


def _test_arrays(task: Task):
    if task.X_test is not None:
        return task.X_test, task.Y_test
    return np.empty((0, task.n_in)), np.empty((0, task.n_out))


def _rule_args(rule, sizes):
    """(mode, learner arrays) for the kernels; no rule means backprop."""
    return (kernels.BACKPROP, kernels.NO_LEARNER) if rule is None else rule.kernel_args(sizes)


def _accuracy(task: Task, sizes, w, b):
    """Accuracy on the test set where the task has one, else on the training set."""
    X, Y = (task.X_test, task.Y_test) if task.X_test is not None else (task.X, task.Y)
    return accuracy(kernels.predict(np.asarray(sizes, np.int64), w, b, X), Y)


ORDERS = ("fixed", "shuffle")


def _order_args(order, layer_rate, sizes):
    """(shuffle?, layer-rate array) for ``kernels.train_ordered``; None for the plain kernels."""
    if order not in ORDERS:
        raise UsageError(f"unknown pattern order {order!r}: choose {' or '.join(ORDERS)}")
    if order == "fixed" and layer_rate is None:
        return None
    lr = np.empty(0) if layer_rate is None else np.asarray(layer_rate, float)
    if lr.shape not in ((0,), (len(sizes) - 1,)):
        raise UsageError(f"need one rate multiplier per weight layer ({len(sizes) - 1}), got {lr.shape[0]}")
    return order == "shuffle", lr


def hidden_scaled(sizes, scale: float) -> np.ndarray:
    """Per-layer rate multipliers of two-rate backprop: hidden layers at scale·γ, the output at γ."""
    return np.array([float(scale)] * (len(sizes) - 2) + [1.0])


def train(task: Task, layers, rate: float, cycles: int, seed: int, rule=None, init=None,
          sample_every: int = 0, order: str = "fixed", layer_rate=None) -> Result:
    """Train a fresh network on ``task``; ``rule`` None means backprop.

    ``init`` = (w, b) overrides the seeded initial weights (so modes can share a start).
    ``sample_every`` > 0 records every k-th step (see ``samples.py``) into ``Result.samples``.
    ``order`` "shuffle": a fresh pattern order every cycle, seeded by ``seed``; ``layer_rate``:
    one rate multiplier per weight layer (``hidden_scaled``).
    """
    sizes = check_sizes(layers)
    check_fits(task, sizes)
    w, b = init_params(sizes, seed) if init is None else (np.array(init[0], float), np.array(init[1], float))
    if w.shape != (n_weights(sizes),) or b.shape != (n_biases(sizes),):
        raise UsageError(f"initial weights of shapes {w.shape}, {b.shape} do not fit a {format_layers(sizes)} net")
    mode, largs = _rule_args(rule, sizes)
    steps = cycles * task.X.shape[0]
    S = np.empty(((steps + sample_every - 1) // sample_every if sample_every else 0, row_width(sizes)))
    Xt, Yt = _test_arrays(task)
    J, Jt = np.empty(cycles + 1), np.empty(cycles + 1)
    extra = _order_args(order, layer_rate, sizes)
    t0 = time.perf_counter()
    if extra is None:
        div, rows = kernels.train(np.asarray(sizes, np.int64), w, b, task.X, task.Y, Xt, Yt, float(rate),
                                  int(cycles), mode, *largs, int(sample_every), S, J, Jt)
    else:
        div, rows = kernels.train_ordered(np.asarray(sizes, np.int64), w, b, task.X, task.Y, Xt, Yt,
                                          float(rate), int(cycles), mode, *largs, int(sample_every), S, J,
                                          Jt, int(seed) if extra[0] else -1, extra[1])
    seconds = time.perf_counter() - t0
    div = None if div < 0 else int(div)
    acc = None if div is not None else _accuracy(task, sizes, w, b)
    return Result(task.name, sizes, "backprop" if rule is None else rule.mode, int(seed), float(rate),
                  int(cycles), J, Jt if task.X_test is not None else None, div, seconds, w, b, acc,
                  split_rows(sizes, S[:rows]) if sample_every else None, order)


def train_seeds(task: Task, layers, rate: float, cycles: int, seeds, rule=None, order: str = "fixed",
                layer_rate=None) -> list[Result]:
    """Many seeds in one parallel numba call; identical to ``train`` seed by seed."""
    sizes = check_sizes(layers)
    check_fits(task, sizes)
    inits = [init_params(sizes, s) for s in seeds]
    W = np.array([i[0] for i in inits])
    B = np.array([i[1] for i in inits])
    mode, largs = _rule_args(rule, sizes)
    Xt, Yt = _test_arrays(task)
    n = len(seeds)
    JJ, JJt, div = np.empty((n, cycles + 1)), np.empty((n, cycles + 1)), np.empty(n, np.int64)
    sz = np.asarray(sizes, np.int64)
    extra = _order_args(order, layer_rate, sizes)
    t0 = time.perf_counter()
    if extra is None:
        kernels.train_batch(sz, W, B, task.X, task.Y, Xt, Yt, float(rate), int(cycles), mode, *largs, JJ, JJt, div)
    else:
        oseeds = np.array([int(s) if extra[0] else -1 for s in seeds], np.int64)
        kernels.train_batch_ordered(sz, W, B, task.X, task.Y, Xt, Yt, float(rate), int(cycles), mode, *largs,
                                    oseeds, extra[1], JJ, JJt, div)
    per_run = (time.perf_counter() - t0) / max(n, 1)
    out = []
    for r, s in enumerate(seeds):
        d = None if div[r] < 0 else int(div[r])
        acc = None if d is not None else _accuracy(task, sizes, W[r], B[r])
        out.append(Result(task.name, sizes, "backprop" if rule is None else rule.mode, int(s), float(rate),
                          int(cycles), JJ[r], JJt[r] if task.X_test is not None else None, d, per_run,
                          W[r], B[r], acc, order=order))
    return out
