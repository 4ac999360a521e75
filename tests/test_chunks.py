"""Runs go in chunks of cycles (so Ctrl-C acts between kernel calls): the results must be the
same bit for bit as one kernel call over all cycles, and plain backprop must not allocate the
local rule's scratch."""

from __future__ import annotations

import numpy as np
import pytest

from localrule import kernels, learner, runs, tasks
from localrule.layout import init_params
from localrule.samples import row_width, split_rows


def one_call(task, sizes, rate, cycles, seed, rule=None, every=0):
    """The whole run in a single ``kernels.train`` call (no chunks)."""
    w, b = init_params(sizes, seed)
    mode, largs = (kernels.BACKPROP, kernels.NO_LEARNER) if rule is None else rule.kernel_args(sizes)
    Xt, Yt = runs._test_arrays(task)
    steps = cycles * task.X.shape[0]
    S = np.empty(((steps + every - 1) // every if every else 0, row_width(sizes)))
    J, Jt = np.empty(cycles + 1), np.empty(cycles + 1)
    div, rows = kernels.train(np.asarray(sizes, np.int64), w, b, task.X, task.Y, Xt, Yt, rate, cycles, mode,
                              *largs, every, S, J, Jt)
    return div, J, Jt, w, b, (split_rows(sizes, S[:rows]) if every else None)


CASES = [("and", (2, 1, 1), 0.23, 60, 0, None, 0), ("and", (2, 3, 1), 0.5, 40, 1, None, 3),
         ("square", (2, 5, 2), 0.5, 30, 2, None, 7), ("xor", (2, 3, 2, 1), 0.4, 25, 3, "oracle", 5),
         ("xor", (2, 3, 1), 1e6, 40, 4, None, 0)]


@pytest.mark.parametrize("chunk_seconds", [0.0, 1e-5])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}-every{c[6]}")
def test_chunked_run_equals_one_call(monkeypatch, case, chunk_seconds):
    name, sizes, rate, cycles, seed, rule, every = case
    rule = learner.Rule.oracle() if rule == "oracle" else None
    task = tasks.load_task(name)
    monkeypatch.setattr(runs, "CHUNK_SECONDS", chunk_seconds)   # 0: chunks of the smallest size
    r = runs.train(task, sizes, rate, cycles, seed, rule=rule, sample_every=every)
    div, J, Jt, w, b, S = one_call(task, sizes, rate, cycles, seed, rule, every)
    assert (r.diverged_at if r.diverged else -1) == div
    np.testing.assert_array_equal(r.J, J)
    np.testing.assert_array_equal(r.w, w)
    np.testing.assert_array_equal(r.b, b)
    if task.X_test is not None:
        np.testing.assert_array_equal(r.J_test, Jt)
    if every:
        assert S.keys() == r.samples.keys()
        for k in S:
            np.testing.assert_array_equal(r.samples[k], S[k])
    if name == "xor" and rate > 1:
        assert r.diverged


def test_chunked_batch_equals_one_call_and_single_runs(monkeypatch):
    task = tasks.load_task("xor")
    seeds = [5, 0, 3, 9, 1, 2]
    rate = 1e5     # seeds 0, 3, 9, 1 diverge at cycle 1; 5 and 2 go on without them
    whole = runs.train_seeds(task, (2, 3, 1), rate, 60, seeds)
    monkeypatch.setattr(runs, "CHUNK_SECONDS", 0.0)
    chunked = runs.train_seeds(task, (2, 3, 1), rate, 60, seeds)
    for a, b in zip(whole, chunked):
        assert a.diverged_at == b.diverged_at
        np.testing.assert_array_equal(a.J, b.J)
        np.testing.assert_array_equal(a.w, b.w)
        single = runs.train(task, (2, 3, 1), rate, 60, a.seed)
        assert single.diverged_at == b.diverged_at
        np.testing.assert_array_equal(single.J, b.J)
    assert 0 < sum(r.diverged for r in chunked) < len(seeds)


def test_chunk_sizes_grow_and_respect_multiples():
    calls = []
    runs.run_in_chunks(1000, lambda done, n: calls.append((done, n)) or False, multiple=7)
    assert sum(n for _, n in calls) == 1000 and [d for d, _ in calls] == list(np.cumsum([0] + [n for _, n in calls])[:-1])
    assert all(n % 7 == 0 for _, n in calls[:-1])
    calls.clear()
    runs.run_in_chunks(100, lambda done, n: calls.append(n) or done + n >= 30)
    assert sum(calls) >= 30 and sum(calls) < 100   # stops when asked


def test_backprop_allocates_no_local_rule_scratch():
    """The local rule's row scratch is 2·n·(n+2) rows for an n-wide layer, 160 GB per array for
    a 2-100000-1 net.  Plain backprop must run in O(weights + patterns)."""
    r = runs.train(tasks.load_task("and"), (2, 100000, 1), 0.1, 1, 0)
    assert r.J.shape == (2,) and np.isfinite(r.J).all()


def test_seconds_is_training_time_and_load_seconds_apart():
    r = runs.train(tasks.load_task("and"), (2, 1, 1), 0.23, 200, 0)
    d = r.to_json()
    assert d["seconds"] == r.seconds and d["load_seconds"] == r.load_seconds
    assert 0 < r.seconds < 1.0 and r.load_seconds > 0


@pytest.mark.parametrize("layer_rate", [None, (2.0, 1.0)])
def test_shuffled_two_rate_runs_in_chunks_equal_one_call_and_the_batch(monkeypatch, layer_rate):
    """A shuffled order is drawn per cycle from (seed, cycle number): chunks change nothing, and
    the batch equals single runs seed by seed; different seeds shuffle differently."""
    task, sizes = tasks.load_task("square"), (2, 4, 2)
    w, b = init_params(sizes, 7)
    Xt, Yt = runs._test_arrays(task)
    J, Jt = np.empty(31), np.empty(31)
    lr = np.empty(0) if layer_rate is None else np.array(layer_rate)
    kernels.train_ordered(np.asarray(sizes, np.int64), w, b, task.X, task.Y, Xt, Yt, 0.5, 30, kernels.BACKPROP,
                          *kernels.NO_LEARNER, 0, np.empty((0, 1)), J, Jt, 7, 0, lr, np.empty(0), np.empty(0))
    monkeypatch.setattr(runs, "CHUNK_SECONDS", 0.0)
    r = runs.train(task, sizes, 0.5, 30, 7, order="shuffle", layer_rate=layer_rate)
    np.testing.assert_array_equal(r.J, J)
    np.testing.assert_array_equal(r.w, w)
    batch = runs.train_seeds(task, sizes, 0.5, 30, [7, 8], order="shuffle", layer_rate=layer_rate)
    np.testing.assert_array_equal(batch[0].J, J)
    np.testing.assert_array_equal(batch[0].w, w)
    fixed = runs.train(task, sizes, 0.5, 30, 7, layer_rate=layer_rate)
    assert not np.array_equal(fixed.w, w), "the shuffled order must differ from the fixed one"
