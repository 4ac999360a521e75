"""Correctness of the training engine: gradients, numba vs numpy, seeds, oracle, divergence, tasks."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from localrule import experiments, kernels, layout, learner, reference, runs, samples, tasks
from conftest import J_mean, J_p, n_params, random_params, random_task, sizes_from, topologies

TOL = 1e-12


def _empty_test(n_in, n_out):
    return np.empty((0, n_in)), np.empty((0, n_out))


def kernel_train(sizes, w, b, X, Y, rate, cycles):
    """``kernels.train`` in plain backprop mode, no test set, no sampling; updates w, b in place."""
    Xt, Yt = _empty_test(X.shape[1], Y.shape[1])
    J, Jt = np.empty(cycles + 1), np.empty(cycles + 1)
    div, rows = kernels.train(np.asarray(sizes, np.int64), w, b, X, Y, Xt, Yt, float(rate), int(cycles),
                              kernels.BACKPROP, *kernels.NO_LEARNER, 0, np.empty((0, 1)), J, Jt)
    return div, rows, J


# ---------------------------------------------------------------------------------------------
# gradient (rules 3-6) against finite differences of J_p (eq. 2)


@settings(max_examples=100, deadline=None, database=None)
@given(topo=topologies(), seed=st.integers(0, 2**32 - 1))
def test_gradient_matches_central_differences(topo, seed):
    sizes = sizes_from(*topo)
    # the CLI spelling with 0 = absent layer gives the same topology
    assert layout.parse_layers(",".join(map(str, (topo[0], *topo[1], topo[2])))) == sizes
    rng = np.random.default_rng(seed)
    w, b = random_params(rng, sizes, 1.5)
    x = rng.uniform(-1, 1, sizes[0])
    ev = rng.uniform(0, 1, sizes[-1])

    gw, gb = reference.gradient(sizes, w, b, x, ev)
    assert gw.shape == w.shape and gb.shape == b.shape

    h = 1e-6

    def fd(vec, other, is_w):
        g = np.empty_like(vec)
        for k in range(vec.size):
            up, dn = vec.copy(), vec.copy()
            up[k] += h
            dn[k] -= h
            if is_w:
                g[k] = (J_p(sizes, up, other, x, ev) - J_p(sizes, dn, other, x, ev)) / (2 * h)
            else:
                g[k] = (J_p(sizes, other, up, x, ev) - J_p(sizes, other, dn, x, ev)) / (2 * h)
        return g

    np.testing.assert_allclose(gw, fd(w, b, True), rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(gb, fd(b, w, False), rtol=1e-5, atol=1e-8)


@settings(max_examples=100, deadline=None, database=None)
@given(topo=topologies(), seed=st.integers(0, 2**32 - 1), rate=st.floats(0.01, 2.0))
def test_kernel_step_is_minus_rate_times_gradient(topo, seed, rate):
    sizes = sizes_from(*topo)
    rng = np.random.default_rng(seed)
    w0, b0 = random_params(rng, sizes, 1.5)
    X = rng.uniform(-1, 1, (1, sizes[0]))
    Y = rng.uniform(0, 1, (1, sizes[-1]))
    gw, gb = reference.gradient(sizes, w0, b0, X[0], Y[0])

    w, b = w0.copy(), b0.copy()
    div, rows, J = kernel_train(sizes, w, b, X, Y, rate, 1)
    assert div == -1 and rows == 0
    np.testing.assert_allclose(w - w0, -rate * gw, rtol=0, atol=TOL)
    np.testing.assert_allclose(b - b0, -rate * gb, rtol=0, atol=TOL)
    # J[0] before, J[1] after the step, both eq. (2)
    assert J[0] == pytest.approx(J_p(sizes, w0, b0, X[0], Y[0]), abs=TOL)
    assert J[1] == pytest.approx(J_p(sizes, w, b, X[0], Y[0]), abs=TOL)


def test_gradient_is_not_trivial():
    """Guard: on a generic point every weight of a 2-3-1 net has a non-zero gradient."""
    sizes = (2, 3, 1)
    w, b = random_params(np.random.default_rng(0), sizes)
    gw, gb = reference.gradient(sizes, w, b, np.array([0.3, 0.7]), np.array([1.0]))
    assert np.all(gw != 0) and np.all(gb != 0)


# ---------------------------------------------------------------------------------------------
# numba engine vs the numpy reference, on every task


def _csv_task(tmp_path):
    rng = np.random.default_rng(5)
    path, test = tmp_path / "small.csv", tmp_path / "small_test.csv"
    for p, n in ((path, 12), (test, 7)):
        X = np.round(rng.uniform(-1, 1, (n, 3)), 6)
        Y = (rng.uniform(0, 1, (n, 2)) > 0.5).astype(float)
        tasks.write_csv(p, X, Y, ["a", "b", "c", "t1", "t2"])
    return tasks.load_task(str(path), targets=2, test_csv=str(test))


CASES = [
    ("and", (2, 3, 1), 0.5, 200),
    ("or", (2, 3, 1), 0.5, 200),
    ("xor", (2, 3, 1), 0.5, 300),
    ("xor", (2, 4, 3, 1), 0.7, 100),
    ("and", (2, 1), 0.23, 200),
    ("square", (2, 5, 2), 0.23, 20),
    ("csv", (3, 4, 2), 0.3, 60),
]


@pytest.mark.parametrize("name,sizes,rate,cycles", CASES, ids=[f"{c[0]}-{'-'.join(map(str, c[1]))}" for c in CASES])
def test_numba_matches_numpy_reference(tmp_path, name, sizes, rate, cycles):
    task = _csv_task(tmp_path) if name == "csv" else tasks.load_task(name)
    seed = 3
    w0, b0 = layout.init_params(sizes, seed)
    res = runs.train(task, sizes, rate, cycles, seed)
    w_ref, b_ref, J_ref = reference.train(sizes, w0, b0, task.X, task.Y, rate, cycles)

    assert res.J.shape == (cycles + 1,) and not res.diverged
    np.testing.assert_allclose(res.J, J_ref, rtol=0, atol=TOL)
    np.testing.assert_allclose(res.w, w_ref, rtol=0, atol=TOL)
    np.testing.assert_allclose(res.b, b_ref, rtol=0, atol=TOL)
    # J[0] is the independent eq.-(2) error of the initial net; training changed the net
    assert res.J[0] == pytest.approx(J_mean(sizes, w0, b0, task.X, task.Y), abs=TOL)
    assert res.J[-1] == pytest.approx(J_mean(sizes, w_ref, b_ref, task.X, task.Y), abs=TOL)
    assert np.abs(res.w - w0).max() > 1e-3 and res.J[-1] != res.J[0]
    if task.X_test is not None:
        assert res.J_test.shape == (cycles + 1,)
        assert res.J_test[0] == pytest.approx(J_mean(sizes, w0, b0, task.X_test, task.Y_test), abs=TOL)
        assert res.J_test[-1] == pytest.approx(J_mean(sizes, w_ref, b_ref, task.X_test, task.Y_test), abs=TOL)
    else:
        assert res.J_test is None


def test_same_seed_is_bit_identical_and_seeds_differ():
    task = tasks.load_task("xor")
    a = runs.train(task, (2, 3, 1), 0.5, 100, seed=7)
    b = runs.train(task, (2, 3, 1), 0.5, 100, seed=7)
    c = runs.train(task, (2, 3, 1), 0.5, 100, seed=8)
    assert np.array_equal(a.J, b.J) and np.array_equal(a.w, b.w) and np.array_equal(a.b, b.b)
    assert not np.array_equal(a.w, c.w)
    assert not np.array_equal(a.J, c.J)
    w7, _ = layout.init_params((2, 3, 1), 7)
    assert np.all(np.abs(w7) <= layout.INIT_RANGE)


# ---------------------------------------------------------------------------------------------
# the local-rule path with the exact product (oracle) must be backprop


@settings(max_examples=50, deadline=None, database=None)
@given(topo=topologies(min_width=1), seed=st.integers(0, 2**32 - 1), n_pat=st.integers(1, 6),
       cycles=st.integers(1, 30), rate=st.floats(0.05, 1.5), form=st.sampled_from(["link", "rule6"]))
def test_oracle_rule_reproduces_backprop(topo, seed, n_pat, cycles, rate, form):
    sizes = sizes_from(*topo)
    rng = np.random.default_rng(seed)
    task = random_task(rng, sizes[0], sizes[-1], n_pat)
    init = random_params(rng, sizes, 0.8)
    keep = (init[0].copy(), init[1].copy())
    bp = runs.train(task, sizes, rate, cycles, seed, init=init)
    orc = runs.train(task, sizes, rate, cycles, seed, rule=learner.Rule.oracle(form), init=init)
    assert np.array_equal(init[0], keep[0]) and np.array_equal(init[1], keep[1]), "init= was modified"
    assert orc.mode == "oracle" and bp.mode == "backprop"
    assert not bp.diverged and not orc.diverged
    np.testing.assert_allclose(orc.J, bp.J, rtol=0, atol=TOL)
    np.testing.assert_allclose(orc.w, bp.w, rtol=0, atol=TOL)
    np.testing.assert_allclose(orc.b, bp.b, rtol=0, atol=TOL)
    assert not np.array_equal(bp.w, init[0])


@pytest.mark.parametrize("form", ["link", "rule6"])
def test_oracle_ell_is_the_exact_product(form):
    rng = np.random.default_rng(1)
    x, w, d, fp = rng.normal(size=(4, 50))
    np.testing.assert_allclose(learner.Rule.oracle(form).ell(x, w, d, fp), x * fp * w * d, rtol=1e-15, atol=0)


@pytest.mark.parametrize("form", ["link", "rule6"])
def test_oracle_of_either_form_reproduces_backprop_on_a_deep_net_with_real_inputs(form):
    """A fixed case beside the random ones: two hidden layers, signed real-valued inputs."""
    rng = np.random.default_rng(3)
    sizes = (3, 4, 3, 2)
    task = random_task(rng, 3, 2, 5)
    task = tasks.Task("signed", np.ascontiguousarray(2 * task.X - 1), task.Y)
    init = random_params(rng, sizes, 0.8)
    bp = runs.train(task, sizes, 0.7, 40, 0, init=init)
    orc = runs.train(task, sizes, 0.7, 40, 0, rule=learner.Rule.oracle(form), init=init)
    np.testing.assert_allclose(orc.w, bp.w, rtol=0, atol=TOL)
    np.testing.assert_allclose(orc.b, bp.b, rtol=0, atol=TOL)


# ---------------------------------------------------------------------------------------------
# full-network mode: the kernel must feed the learner what it was trained on


def _full_rule(features):
    task = tasks.load_task("and")
    bp = runs.train(task, (2, 2, 1), 0.5, 20, 0, sample_every=1)
    meta = {"layers": [2, 2, 1], "task": "and", "rate": 0.5, "seed": 0, "cycles": 20}
    return task, learner.learn_full([(meta, bp.samples)], hidden=(3,), rate=0.2, cycles=5, features=features)


def _check_full_mode_applies_learner(features):
    task, rule = _full_rule(features)
    r = runs.train(task, (2, 2, 1), 0.5, 2, 1, rule=rule, sample_every=1)
    f = r.samples
    Xin, _ = learner.full_dataset((2, 2, 1), f, features)
    assert Xin.shape[1] == rule.lsizes[0]
    out = np.array([reference.forward(layout.weight_matrices(rule.lsizes, rule.lw),
                                      layout.bias_vectors(rule.lsizes, rule.lb), z)[0][-1]
                    for z in (Xin - rule.in_shift) / rule.in_scale])
    expected = rule.out_shift + rule.out_scale * (out - 0.5)
    np.testing.assert_allclose(np.hstack([f["dw"], f["dtheta"]]), expected, rtol=0, atol=1e-12)
    assert np.all(np.isnan(f["delta"])), "full mode has no δ; the sample rows must say so"


@pytest.mark.parametrize("features", [learner.FULL_FEATURES, learner.FULL_FEATURES_HIDDEN], ids=["state", "hidden"])
def test_full_mode_kernel_applies_the_learner_to_the_state(features):
    _check_full_mode_applies_learner(features)


def test_full_mode_refuses_a_feature_order_the_kernel_does_not_assemble():
    with pytest.raises(layout.UsageError, match="in that order"):
        _full_rule(("ev", "out", "x", "theta", "w"))


# ---------------------------------------------------------------------------------------------
# local mode: the kernel applies the shared ℓ exactly as ``Rule.ell`` defines it


@pytest.fixture(scope="module")
def and_samples():
    bp = runs.train(tasks.load_task("and"), (2, 3, 1), 0.5, 40, 0, sample_every=1)
    return {"layers": [2, 3, 1], "task": "and", "rate": 0.5, "seed": 0, "cycles": 40}, bp.samples


@pytest.mark.parametrize("encoding, form", [("log", "link"), ("raw", "link"), ("log", "rule6")])
def test_local_mode_kernel_applies_ell(and_samples, encoding, form):
    rule = learner.learn_local([and_samples], hidden=(4,), rate=0.1, cycles=3, max_tuples=3000, encoding=encoding,
                               form=form)
    assert rule.form == form and rule.lsizes[0] == (3 if form == "rule6" else 4)
    sizes, rate = (2, 7, 5, 1), 0.4  # wider than the samples' net: every scratch row in use
    task = tasks.load_task("xor")
    res = runs.train(task, sizes, rate, 3, 2, rule=rule, sample_every=1)
    assert res.mode == "local" and not res.diverged
    f = res.samples
    rows = f["w"].shape[0]
    assert rows == 3 * 4
    acts = np.hstack([f["x"], 1 / (1 + np.exp(-f["in"]))])
    aoff, boff, woff = layout.offsets(sizes)
    # output layer: rules (5) and (3)
    out = acts[:, aoff[-2]:aoff[-1]]
    np.testing.assert_allclose(f["delta"][:, boff[-2]:], (f["ev"] - out) * out * (1 - out), rtol=1e-12, atol=1e-15)
    lo = len(sizes) - 2
    dW = f["dw"][:, woff[lo]:].reshape(rows, sizes[-1], sizes[-2])
    np.testing.assert_allclose(dW, rate * f["delta"][:, boff[lo]:, None] * acts[:, None, aoff[lo]:aoff[lo + 1]],
                               rtol=1e-12, atol=1e-15)
    # hidden layers: Δw_ij = γ Σ_h ℓ(x_j, w_hi, δ_h, f'_i), δ_i = Σ_h ℓ(1, w_hi, δ_h, f'_i)
    for l in range(len(sizes) - 2, 0, -1):
        n, nup, ndown = sizes[l], sizes[l + 1], sizes[l - 1]
        W = f["w"][:, woff[l]:woff[l + 1]].reshape(rows, nup, n)               # (r, h, i)
        d = f["delta"][:, boff[l]:boff[l + 1]]                                 # (r, h)
        a = acts[:, aoff[l]:aoff[l + 1]]                                       # (r, i)
        xs = np.hstack([acts[:, aoff[l - 1]:aoff[l]], np.ones((rows, 1))])     # (r, j)
        shape = (rows, n, nup, ndown + 1)
        ell = rule.ell(np.broadcast_to(xs[:, None, None, :], shape),
                       np.broadcast_to(W.transpose(0, 2, 1)[:, :, :, None], shape),
                       np.broadcast_to(d[:, None, :, None], shape),
                       np.broadcast_to((a * (1 - a))[:, :, None, None], shape)).reshape(shape).sum(axis=2)
        np.testing.assert_allclose(f["delta"][:, boff[l - 1]:boff[l]], ell[:, :, -1], rtol=1e-12, atol=1e-17)
        np.testing.assert_allclose(f["dtheta"][:, boff[l - 1]:boff[l]], rate * ell[:, :, -1], rtol=1e-12, atol=1e-17)
        dW = f["dw"][:, woff[l - 1]:woff[l]].reshape(rows, n, ndown)
        np.testing.assert_allclose(dW, rate * ell[:, :, :-1], rtol=1e-12, atol=1e-17)


def test_local_rule_on_a_net_without_hidden_layer_is_backprop(and_samples):
    rule = learner.learn_local([and_samples], hidden=(3,), cycles=2, max_tuples=1000)
    task = tasks.load_task("or")
    bp = runs.train(task, (2, 1), 0.5, 50, 4)
    loc = runs.train(task, (2, 1), 0.5, 50, 4, rule=rule)
    assert np.array_equal(bp.J, loc.J) and np.array_equal(bp.w, loc.w)


# ---------------------------------------------------------------------------------------------
# divergence is a result


def _check_diverged(res, cycles):
    assert res.diverged is True
    d = res.diverged_at
    assert type(d) is int and 1 <= d <= cycles
    assert np.all(np.isfinite(res.J[:d]))
    assert np.all(np.isnan(res.J[d:]))
    if res.J_test is not None:
        assert np.all(np.isfinite(res.J_test[:d])) and np.all(np.isnan(res.J_test[d:]))
    assert res.final_J is None and res.accuracy is None
    js = res.to_json()
    text = json.dumps(js, allow_nan=False)
    back = json.loads(text)
    assert back["diverged"] is True and back["diverged_at"] == d and back["final_J"] is None
    assert len(back["J"]) == cycles + 1
    assert all(v is None for v in back["J"][d:]) and all(isinstance(v, float) for v in back["J"][:d])
    assert "diverged" in res.summary()


@pytest.mark.parametrize("name,sizes", [("xor", (2, 3, 1)), ("square", (2, 5, 2)), ("and", (2, 1))])
def test_huge_rate_diverges_as_a_result(name, sizes):
    res = runs.train(tasks.load_task(name), sizes, 1e6, 30, 0)
    _check_diverged(res, 30)


def test_huge_initial_weights_diverge_at_cycle_one():
    sizes = (2, 3, 1)
    nw, nb = n_params(sizes)
    res = runs.train(tasks.load_task("and"), sizes, 0.23, 10, 0, init=(np.full(nw, 1e5), np.zeros(nb)))
    _check_diverged(res, 10)
    assert res.diverged_at == 1


def test_bounded_run_does_not_diverge():
    res = runs.train(tasks.load_task("and"), (2, 1, 1), 0.23, 50, 0)
    assert res.diverged is False and res.diverged_at is None
    assert res.final_J == res.J[-1] and np.all(np.isfinite(res.J))
    assert 0.0 <= res.accuracy <= 1.0
    json.dumps(res.to_json(), allow_nan=False)


# ---------------------------------------------------------------------------------------------
# tasks and presets


def test_truth_tables():
    for name, op in (("and", lambda a, b: a & b), ("or", lambda a, b: a | b), ("xor", lambda a, b: a ^ b)):
        t = tasks.load_task(name)
        assert t.X.shape == (4, 2) and t.Y.shape == (4, 1)
        for x, y in zip(t.X.astype(int), t.Y[:, 0]):
            assert y == op(x[0], x[1])


@pytest.mark.parametrize("part", ["train", "test"])
def test_square_csv_matches_generator(part, tmp_path):
    X, Y = tasks.square_points(tasks.SQUARE_SIZES[part], tasks.SQUARE_SEEDS[part])
    shipped = tasks.SAMPLES_DIR / f"square_{part}.csv"
    Xc, Yc = tasks.read_csv(shipped, 2)
    assert np.array_equal(X, Xc) and np.array_equal(Y, Yc)
    t = tasks.load_task("square")
    tx, ty = (t.X, t.Y) if part == "train" else (t.X_test, t.Y_test)
    assert np.array_equal(tx, X) and np.array_equal(ty, Y)
    via_path = tasks.load_task(str(shipped), targets=2)
    assert np.array_equal(via_path.X, X) and np.array_equal(via_path.Y, Y)
    # regenerating writes byte-identical files
    tasks.regenerate_square_csv(tmp_path)
    assert (tmp_path / shipped.name).read_bytes() == shipped.read_bytes()
    # geometry, balance, rounding
    assert X.shape == (tasks.SQUARE_SIZES[part], 2)
    assert np.all((X >= 0) & (X <= 1))
    assert np.array_equal(X, np.round(X, 4))
    lo, hi = tasks.INNER
    inner = (X[:, 0] >= lo) & (X[:, 0] <= hi) & (X[:, 1] >= lo) & (X[:, 1] <= hi)
    assert np.array_equal(Y[:, 0], inner.astype(float)) and np.array_equal(Y[:, 1], 1 - inner)
    assert Y[:, 0].sum() == Y[:, 1].sum() == tasks.SQUARE_SIZES[part] // 2


def test_square_train_and_test_differ():
    t = tasks.load_task("square")
    assert not np.array_equal(t.X, t.X_test[:40])


@pytest.mark.parametrize("n", sorted(experiments.EXPERIMENTS))
def test_toml_presets_equal_experiments(n):
    e = experiments.EXPERIMENTS[n]
    assert experiments.load_experiment(experiments.PRESET_FILES[n]) == e
    assert e.name == f"exp{n}"
    # the paper's learner sizes follow from the base topology and the features
    sizes = e.layers
    fields = samples.split_rows(sizes, np.zeros((1, samples.row_width(sizes))))
    X, T = learner.full_dataset(sizes, fields, e.features)
    assert X.shape[1] == e.learner_inputs
    assert T.shape[1] == e.learner_outputs
    task = tasks.load_task(e.task)
    tasks.check_fits(task, sizes)


def test_accuracy_helper():
    onehot = np.array([[1, 0], [0, 1], [1, 0], [0, 1]], float)
    out = np.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.4], [0.6, 0.5]])
    assert tasks.accuracy(out, onehot) == 0.5
    assert tasks.accuracy(onehot, onehot) == 1.0
    bits = np.array([[0], [1], [1], [0]], float)
    assert tasks.accuracy(np.array([[0.1], [0.9], [0.4], [0.6]]), bits) == 0.5
    assert tasks.accuracy(bits, bits) == 1.0
    assert tasks.accuracy(1 - bits, bits) == 0.0
    assert tasks.accuracy(out, np.array([[0.3], [0.5], [1], [0]]) @ np.ones((1, 2))) is None
    assert tasks.accuracy(np.array([[0.5]]), np.array([[0.2]])) is None


def test_unknown_task_and_misfit_layers():
    with pytest.raises(layout.UsageError, match="unknown task"):
        tasks.load_task("nand")
    with pytest.raises(layout.UsageError, match="do not fit"):
        runs.train(tasks.load_task("square"), (2, 3, 1), 0.1, 1, 0)
