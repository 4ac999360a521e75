"""Training a base network with backprop or a learned rule: the Python API over the kernels."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from . import kernels
from .layout import UsageError, check_budget, check_sizes, format_layers, init_params, n_biases, n_weights
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
    seconds: float                # training only (per run, in a batch)
    w: np.ndarray
    b: np.ndarray
    accuracy: float | None = None
    samples: dict | None = field(default=None, repr=False)
    load_seconds: float = 0.0     # loading (or compiling) the kernels, apart from ``seconds``
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
                "diverged_at": self.diverged_at, "seconds": self.seconds, "load_seconds": self.load_seconds,
                **({} if self.order == "fixed" else {"order": self.order})}


#: Kernels run a chunk of cycles at a time, each about this long, so that Ctrl-C (which Python
#: can only act on between kernel calls) stops any run within about a second.  Online training
#: carries no state between cycles beyond (w, θ) (a shuffled order is seeded per cycle), so
#: chunked and whole runs agree bit for bit.
#: Each chunk recomputes its first J (one error evaluation): a chunk of several cycles keeps
#: that small even where one cycle is long (a learner on 20,000 rows: ~0.07 s a cycle).
CHUNK_SECONDS = 0.25


def run_in_chunks(cycles: int, run, multiple: int = 1, largest: int | None = None) -> float:
    """Call ``run(done, n)`` for consecutive chunks of ``n`` cycles (a multiple of ``multiple``
    but the last) until ``cycles`` are done or it returns True; returns the seconds spent.

    Chunks start at ``multiple`` cycles and grow (at most 4x a time) to about CHUNK_SECONDS, or
    to ``largest`` cycles.
    """
    from .files import raise_dropped
    done, n, spent = 0, multiple, 0.0
    while done < cycles:
        n = min(n, cycles - done)
        t0 = time.perf_counter()
        stop = run(done, n)
        raise_dropped()        # Ctrl-C while numba compiled a kernel: dropped in its callback
        dt = time.perf_counter() - t0
        spent += dt
        done += n
        if stop:
            break
        grow = min(4.0, CHUNK_SECONDS / max(dt, 1e-6))
        n = max(multiple, int(n * grow) // multiple * multiple)
        if largest is not None:
            n = min(n, max(largest, 1))
    return spent


def _test_arrays(task: Task):
    if task.X_test is not None:
        return task.X_test, task.Y_test
    return np.empty((0, task.n_in)), np.empty((0, task.n_out))


def _mode_name(rule) -> str:
    """A full-network rule with a gated or direct head (``fullfixed.py``) is named "full-fixed"."""
    return "backprop" if rule is None else "full-fixed" if "head" in rule.meta else rule.mode


def _rule_args(rule, sizes):
    """(mode, learner arrays) for the kernels; no rule means backprop."""
    return (kernels.BACKPROP, kernels.NO_LEARNER) if rule is None else rule.kernel_args(sizes)


def _accuracy(task: Task, sizes, w, b):
    """Accuracy on the test set where the task has one, else on the training set."""
    X, Y = task.scored
    return accuracy(kernels.predict(np.asarray(sizes, np.int64), w, b, X), Y)


ORDERS = ("fixed", "shuffle")


def _order_args(order, layer_rate, sizes, rule=None, cycles=1, patterns=1):
    """(shuffle?, layer-rate array, adapt array) for ``kernels.train_ordered`` (a run of ``cycles``
    over ``patterns`` patterns); None for the plain kernels."""
    if order not in ORDERS:
        raise UsageError(f"unknown pattern order {order!r}: choose {' or '.join(ORDERS)}")
    adapt = np.empty(0) if rule is None else rule.adapt_for(order, cycles, patterns)
    if order == "fixed" and layer_rate is None and adapt.shape[0] == 0:
        return None
    lr = np.empty(0) if layer_rate is None else np.asarray(layer_rate, float)
    if lr.shape not in ((0,), (len(sizes) - 1,)):
        raise UsageError(f"need one rate multiplier per weight layer ({len(sizes) - 1}), got {lr.shape[0]}")
    return order == "shuffle", lr, adapt


def _adapt_state(sizes, extra, runs=None) -> np.ndarray:
    """Zeroed state of the adaptive update stage (one row per run), carried from chunk to chunk."""
    size = kernels.adapt_state_size(n_weights(sizes), n_biases(sizes)) if extra and extra[2].shape[0] else 0
    return np.zeros(size) if runs is None else np.zeros((runs, size))


def _order_seed(seed, shuffle: bool) -> int:
    """The kernels' order seed: -1 for the fixed order; a shuffled run's seed, folded to 31 bits."""
    return int(seed) % 2**31 if shuffle else -1


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
    mode, largs = _rule_args(rule, sizes)   # a full-network rule refuses another topology: before allocating
    P = task.X.shape[0]
    steps = cycles * P
    n_rows = (steps + sample_every - 1) // sample_every if sample_every else 0
    check_budget(sizes, cycles, sample_rows=n_rows, row_width=row_width(sizes))   # before the weights exist
    w, b = init_params(sizes, seed) if init is None else (np.array(init[0], float), np.array(init[1], float))
    if w.shape != (n_weights(sizes),) or b.shape != (n_biases(sizes),):
        raise UsageError(f"initial weights of shapes {w.shape}, {b.shape} do not fit a {format_layers(sizes)} net")
    S = np.empty((n_rows, row_width(sizes)))
    Xt, Yt = _test_arrays(task)
    J, Jt = np.empty(cycles + 1), np.empty(cycles + 1)
    sz = np.asarray(sizes, np.int64)
    state = {"div": -1, "rows": 0}
    extra = _order_args(order, layer_rate, sizes, rule, cycles, P)
    adapt_state = _adapt_state(sizes, extra)

    def run(done, n):  # views: the chunk's J[0] rewrites J[done] with the same value
        S_, J_, Jt_ = S[state["rows"]:], J[done:done + n + 1], Jt[done:done + n + 1]
        if extra is None:
            d, r = kernels.train(sz, w, b, task.X, task.Y, Xt, Yt, float(rate), int(n), mode, *largs,
                                 int(sample_every), S_, J_, Jt_)
        else:
            d, r = kernels.train_ordered(sz, w, b, task.X, task.Y, Xt, Yt, float(rate), int(n), mode, *largs,
                                         int(sample_every), S_, J_, Jt_, _order_seed(seed, extra[0]), done,
                                         extra[1], extra[2], adapt_state)
        state["rows"] += r
        if d >= 0:
            state["div"] = done + d
        return d >= 0

    t0 = time.perf_counter()
    run(0, 0)  # zero cycles: loads (or compiles) the kernel and computes J(0), timed apart
    load_seconds = time.perf_counter() - t0
    # sampling: a chunk must hold whole multiples of ``every`` steps (the kernel counts from 0)
    multiple = sample_every // math.gcd(sample_every, P) if sample_every else 1
    seconds = 0.0 if state["div"] >= 0 else run_in_chunks(cycles, run, multiple)
    div = None if state["div"] < 0 else int(state["div"])
    if div is not None:
        J[div:] = np.nan
        Jt[div:] = np.nan
    acc = None if div is not None else _accuracy(task, sizes, w, b)
    return Result(task.name, sizes, _mode_name(rule), int(seed), float(rate),
                  int(cycles), J, Jt if task.X_test is not None else None, div, seconds, w, b, acc,
                  split_rows(sizes, S[:state["rows"]]) if sample_every else None, load_seconds, order)


def train_seeds(task: Task, layers, rate: float, cycles: int, seeds, rule=None, inits=None,
                order: str = "fixed", layer_rate=None, check=None) -> list[Result]:
    """Many seeds in one parallel numba call; identical to ``train`` seed by seed.

    ``inits`` = (W, B), one row per seed, overrides the seeded initial weights.  ``check`` (if
    given) is called before every chunk (~0.25 s): raising from it abandons the runs (the app's
    cancel button and window close)."""
    sizes = check_sizes(layers)
    check_fits(task, sizes)
    seeds = list(seeds)
    check_budget(sizes, cycles, runs=len(seeds))
    if inits is None:
        inits = [init_params(sizes, s) for s in seeds]
        W = np.array([i[0] for i in inits])
        B = np.array([i[1] for i in inits])
    else:
        W, B = np.array(inits[0], float), np.array(inits[1], float)
    Xt, Yt = _test_arrays(task)
    sz = np.asarray(sizes, np.int64)
    mode, largs = _rule_args(rule, sizes)
    extra = _order_args(order, layer_rate, sizes, rule, cycles, task.X.shape[0])
    states = _adapt_state(sizes, extra, len(seeds))
    oseeds = np.array([_order_seed(s, extra is not None and extra[0]) for s in seeds], np.int64)
    n = len(seeds)
    JJ, JJt, div = np.empty((n, cycles + 1)), np.empty((n, cycles + 1)), np.full(n, -1, np.int64)
    active = np.arange(n)

    def run(done, k):
        """k cycles of the runs still going, from cycle ``done``; they are independent, so
        running a subset in its own arrays changes nothing."""
        nonlocal active
        if check is not None:
            check()
        m = active.shape[0]
        Wa, Ba, Sa, d = W[active], B[active], states[active], np.empty(m, np.int64)
        jj, jjt = np.empty((m, k + 1)), np.empty((m, k + 1))
        if extra is None:
            kernels.train_batch(sz, Wa, Ba, task.X, task.Y, Xt, Yt, float(rate), int(k), mode, *largs, jj, jjt, d)
        else:
            kernels.train_batch_ordered(sz, Wa, Ba, task.X, task.Y, Xt, Yt, float(rate), int(k), mode, *largs,
                                        oseeds[active], done, extra[1], extra[2], Sa, jj, jjt, d)
        W[active], B[active], states[active] = Wa, Ba, Sa
        JJ[active, done:done + k + 1], JJt[active, done:done + k + 1] = jj, jjt
        gone = d >= 0
        div[active[gone]] = done + d[gone]
        for r in active[gone]:
            JJ[r, div[r]:] = np.nan
            JJt[r, div[r]:] = np.nan
        active = active[~gone]
        return active.shape[0] == 0

    t0 = time.perf_counter()
    if n:
        run(0, 0)  # zero cycles: loads (or compiles) the kernel and computes J(0), timed apart
    load_seconds = time.perf_counter() - t0
    per_run = (run_in_chunks(cycles, run) if active.shape[0] else 0.0) / max(n, 1)
    out = []
    for r, s in enumerate(seeds):
        d = None if div[r] < 0 else int(div[r])
        acc = None if d is not None else _accuracy(task, sizes, W[r], B[r])
        out.append(Result(task.name, sizes, _mode_name(rule), int(s), float(rate),
                          int(cycles), JJ[r], JJt[r] if task.X_test is not None else None, d, per_run,
                          W[r], B[r], acc, load_seconds=load_seconds, order=order))
    return out
