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


@pytest.fixture(scope="module")
def xor_samples(tmp_path_factory):
    from localrule.cli import main
    path = tmp_path_factory.mktemp("blocks") / "s.npz"
    assert main(["backprop", "--task", "xor", "--layers", "2,3,1", "--cycles", "300", "--sample", str(path)]) == 0
    return path


def _learn(mode, path, **kw):
    if mode == "local":
        return learner.learn_local([str(path)], hidden=(5,), cycles=4, **kw)
    return learner.learn_full([str(path)], hidden=(3,), cycles=4, **kw)


@pytest.mark.parametrize("mode", ["local", "full"])
def test_learner_cycles_in_blocks_equal_whole_cycles(monkeypatch, xor_samples, mode):
    """A learner whose cycle is long goes to the kernels in blocks of rows (so that Ctrl-C acts
    within a cycle): the same rule bit for bit, progress curves too, as whole-cycle calls."""
    monkeypatch.setattr(runs, "CHUNK_SECONDS", 0.0)   # chunks of one cycle on either path
    seen, real = {}, kernels.train_rows
    for name, work in (("whole", learner.BLOCK_WORK), ("blocks", 1)):   # 1: a block of one row
        calls = []
        monkeypatch.setattr(kernels, "train_rows", lambda *a: calls.append(a[-2:]) or real(*a))
        monkeypatch.setattr(learner, "BLOCK_WORK", work)
        curves = []
        seen[name] = _learn(mode, xor_samples, progress=lambda d, J, Jt: curves.append((d, J, Jt))), curves, calls
    (whole, wcurves, wcalls), (blocks, bcurves, bcalls) = seen["whole"], seen["blocks"]
    assert wcalls == [] and len(bcalls) == 4 * int(0.9 * blocks.meta["rows"] + 0.99) and bcalls[1] == (1, 2)
    for k in ("lw", "lb", "history", "history_test"):
        np.testing.assert_array_equal(getattr(blocks, k), getattr(whole, k))
    assert len(wcurves) == len(bcurves) == 4
    for (d1, J1, Jt1), (d2, J2, Jt2) in zip(wcurves, bcurves):
        assert d1 == d2
        np.testing.assert_array_equal(J1, J2)
        np.testing.assert_array_equal(Jt1, Jt2)


@pytest.mark.parametrize("mode", ["local", "full"])
@pytest.mark.parametrize("work", [1, 700])
def test_a_diverging_learner_in_blocks_stops_as_in_whole_cycles(monkeypatch, xor_samples, mode, work):
    """Divergence (a weight beyond the bound mid-cycle) ends the fit with the same message."""
    msgs = []
    for w in (learner.BLOCK_WORK, work):
        monkeypatch.setattr(learner, "BLOCK_WORK", w)
        with pytest.raises(learner.UsageError, match="itself diverged at cycle") as e:
            _learn(mode, xor_samples, rate=1e6)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


def test_block_errors_equal_mean_error():
    rng = np.random.default_rng(3)
    sizes = np.array([3, 7, 2], np.int64)
    w, b = init_params(tuple(sizes), 3)
    X, Y = rng.normal(size=(23, 3)), rng.uniform(size=(23, 2))
    aoff, boff, woff = kernels.offsets(sizes)
    want = kernels.mean_error(sizes, aoff, boff, woff, w, b, X, Y, np.empty(aoff[-1]), np.empty(boff[-1]))
    for block in (1, 4, 23, 50):
        assert learner._error_in_blocks(sizes, w, b, X, Y, block) == want


@pytest.mark.parametrize("sig, code", [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_signal_stops_a_large_learner_within_a_cycle(tmp_path, xor_samples, sig, code):
    """A 3-1000-1000-1 learner on ~27,000 rows takes minutes a cycle; a signal must still stop
    it within a second or two (between blocks of rows), one line, no traceback, no rule file."""
    import os
    import signal
    import subprocess
    import sys
    import time
    p = subprocess.Popen([sys.executable, "-m", "localrule", "learn", "--mode", "local", "--samples", str(xor_samples),
                          "--hidden", "1000,1000", "--out", str(tmp_path / "r.npz")], cwd=tmp_path,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    stat, t0 = f"/proc/{p.pid}/stat", time.perf_counter()
    while time.perf_counter() - t0 < 60 and p.poll() is None:   # until the fit is under way
        fields = open(stat).read().rsplit(")", 1)[1].split()
        if time.perf_counter() - t0 > 2.5 and (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") >= 2.0:
            break
        time.sleep(0.05)
    assert p.poll() is None, p.communicate()
    t0 = time.perf_counter()
    p.send_signal(getattr(signal, sig))
    out, err = p.communicate(timeout=60)
    took = time.perf_counter() - t0
    assert p.returncode == code and took < 3.0, (p.returncode, took, err)
    assert len(err.splitlines()) == 1 and err.startswith("localrule: ") and "Traceback" not in err and out == ""
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("block", [1, 7, 60])
def test_blocks_diverge_mid_run_as_whole_cycles(block):
    """A weight 2e-7 below the divergence bound, fed by a tiny input (so its unit stays unsaturated),
    crosses it in cycle 2, mid-cycle: blocks stop at the same step with the same weights and curves."""
    sizes = np.array([2, 3, 1], np.int64)
    rng = np.random.default_rng(1)
    X = np.column_stack([rng.uniform(0.5, 1.5, 60) * 1e-6, rng.normal(size=60)])
    Y = np.full((60, 1), 0.99)
    w, b = init_params((2, 3, 1), 0)
    w[0], w[6] = kernels.DIVERGENCE_BOUND - 2e-7, 1.0
    w2, b2 = w.copy(), b.copy()
    J, Jt, J2, Jt2 = (np.empty(11) for _ in range(4))
    div, _ = kernels.train(sizes, w, b, X, Y, X[:7], Y[:7], 0.5, 10, kernels.BACKPROP, *kernels.NO_LEARNER, 0,
                           np.empty((0, 1)), J, Jt)
    assert div == 2 and np.isfinite(J[:2]).all() and np.isnan(J[2:]).all()
    assert learner._cycles_in_blocks(sizes, w2, b2, X, Y, X[:7], Y[:7], 0.5, 10, block, J2, Jt2, True) == div
    for a, a2 in ((w, w2), (b, b2), (J, J2), (Jt, Jt2)):
        np.testing.assert_array_equal(a, a2)
