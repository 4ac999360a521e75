"""Training a learning network in chunks so the app can stream its error curve.

``localrule.learner.fit`` trains the learner in one kernel call, with no progress hook.  The
app wants to draw the learner's J while it learns and to stop when the window closes, so
``fit_chunked`` re-runs fit's steps (same shuffle, scaling, holdout, seed) with the kernel
called a few cycles at a time.  Online training is stateless between cycles, so the rule is
bit-identical to the engine's (a test checks this against ``learner.learn_full/learn_local``).
"""

from __future__ import annotations

import threading

import numpy as np

from localrule import kernels, learner
from localrule.layout import UsageError, check_sizes, init_params

from . import fastkernels


class Cancelled(Exception):
    """The app asked the learner to stop (window closing)."""


def fit_chunked(mode, features, inputs, targets, in_shift, in_scale, out_shift, out_scale, hidden,
                rate, cycles, seed, layers=None, meta=None, progress=None, chunk=5):
    """``learner.fit`` with ``progress(done, J[:done+1], Jt[:done+1])`` after every chunk.

    ``progress`` may raise ``Cancelled`` to stop.
    """
    order = np.random.default_rng(seed).permutation(inputs.shape[0])
    Z = np.ascontiguousarray((inputs[order] - in_shift) / in_scale)
    Y = np.ascontiguousarray(np.clip(0.5 + (targets[order] - out_shift) / out_scale, 0.01, 0.99))
    n_fit = inputs.shape[0] - int(learner.HOLDOUT * inputs.shape[0])
    lsizes = check_sizes((Z.shape[1], *hidden, Y.shape[1]))
    lw, lb = init_params(lsizes, seed)
    J, Jt = np.empty(cycles + 1), np.empty(cycles + 1)
    sz = np.asarray(lsizes, np.int64)
    S = np.empty((0, 1))
    done = 0
    while done < cycles:
        n = min(chunk, cycles - done)
        j, jt = np.empty(n + 1), np.empty(n + 1)
        div, _ = fastkernels.train(sz, lw, lb, Z[:n_fit], Y[:n_fit], Z[n_fit:], Y[n_fit:], float(rate), int(n),
                               kernels.BACKPROP, *kernels.NO_LEARNER, 0, S, j, jt)
        if done == 0:
            J[0], Jt[0] = j[0], jt[0]
        J[done + 1:done + n + 1], Jt[done + 1:done + n + 1] = j[1:], jt[1:]
        if div >= 0:
            raise UsageError(f"the learning network itself diverged at cycle {done + div}; try a smaller rate")
        done += n
        if progress is not None:
            progress(done, J[:done + 1].copy(), Jt[:done + 1].copy())
    meta = {**(meta or {}), "hidden": list(hidden), "rate": rate, "cycles": cycles, "seed": seed,
            "rows": int(inputs.shape[0])}
    return learner.Rule(mode, tuple(features), lsizes, lw, lb, in_shift, in_scale, out_shift, out_scale,
                        None if layers is None else tuple(layers), J, Jt, meta)


_PATCH_LOCK = threading.Lock()


def _streamed(engine_fn, progress, *args, **kwargs):
    """Run ``engine_fn`` (``learner.learn_full`` / ``learn_local``) with its ``fit`` streamed.

    The engine's data preparation is used as is (so it can change freely); only the module
    global ``learner.fit`` is swapped for ``fit_chunked`` for the duration of the call.  That
    is a stop-gap until ``learner.fit`` takes a progress callback itself: the app calls this in
    its worker thread only, never two at a time (the lock), and nothing else in the app calls
    ``learner.fit`` meanwhile.
    """
    original = learner.fit

    def fit(*a, **kw):
        return fit_chunked(*a, **kw, progress=progress, chunk=5 if a[0] == "full" else 1)
    with _PATCH_LOCK:
        learner.fit = fit
        try:
            return engine_fn(*args, **kwargs)
        finally:
            learner.fit = original


def learn_full(sources, hidden=(2,), rate=0.198, cycles=200, seed=0, features=learner.FULL_FEATURES,
               progress=None):
    """``learner.learn_full``, reporting the learner's J as it trains."""
    return _streamed(learner.learn_full, progress, sources, hidden=hidden, rate=rate, cycles=cycles, seed=seed,
                     features=features)


def learn_local(sources, hidden=(8,), rate=0.1, cycles=30, seed=0, max_tuples=20000, encoding="log",
                progress=None):
    """``learner.learn_local``, reporting the learner's J as it trains."""
    return _streamed(learner.learn_local, progress, sources, hidden=hidden, rate=rate, cycles=cycles, seed=seed,
                     max_tuples=max_tuples, encoding=encoding)
