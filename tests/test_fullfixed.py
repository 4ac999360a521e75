"""The full-network mode that works: labels, the gated head's exact zeros, Adam's gradient, the learner."""

import numpy as np
import pytest

from localrule import fullfixed, kernels, learner, runs, samples, tasks
from localrule.layout import UsageError, init_params

SIZES, RATE = (2, 3, 2), 0.4


def _states(n=30, seed=5):
    """Random states of a 2-3-2 net on random patterns."""
    rng = np.random.default_rng(seed)
    W = rng.normal(0, 2, (n, 12))
    B = rng.normal(0, 2, (n, 5))
    return W, B, rng.uniform(0, 1, (n, 2)), rng.uniform(0, 1, (n, 2))


def test_labels_are_backprop_at_the_state():
    """label_states reproduces the sampled rows of a real backprop run bit for bit."""
    task = tasks.load_task("xor")
    run = runs.train(task, (2, 3, 1), RATE, 5, 2, sample_every=1)
    f = run.samples
    fields, _ = fullfixed.label((2, 3, 1), RATE, f["w"], f["theta"], f["x"], f["ev"])
    for k, v in f.items():
        assert np.array_equal(fields[k], v), k


@pytest.mark.parametrize("head", ["delta", "error"])
def test_gated_targets_recompose_the_update(head):
    """Δ = Σ_o gate_o g_o exactly: the decomposition the kernel applies."""
    W, B, X, Y = _states()
    fields, U = fullfixed.label(SIZES, RATE, W, B, X, Y)
    g = fullfixed.head_targets(head, fields, U).reshape(U.shape)
    e = fields["ev"] - fields["out"]
    gate = e * fields["out"] * (1 - fields["out"]) if head == "delta" else e
    dtheta_top = fields["dtheta"][:, -2:]
    np.testing.assert_allclose(RATE * e * fields["out"] * (1 - fields["out"]), dtheta_top, rtol=1e-12)
    np.testing.assert_allclose(np.einsum("ro,roq->rq", gate, g),
                               np.hstack([fields["dw"], fields["dtheta"]]), rtol=1e-10, atol=1e-18)


@pytest.mark.parametrize("head", ["delta", "error", "direct"])
def test_no_states_give_no_targets_of_the_right_width(head):
    """A round that adds no states (every rollout's rows dropped) is an empty block, not a reshape error."""
    W, B, X, Y = (a[:0] for a in _states())
    fields, U = fullfixed.label(SIZES, RATE, W, B, X, Y)
    full = fullfixed.head_targets(head, *fullfixed.label(SIZES, RATE, *_states()))
    assert fullfixed.head_targets(head, fields, U).shape == (0, full.shape[1])


def _rule(head, sizes=SIZES, seed=0):
    """A fixed rule with a random (untrained) learner: its outputs are arbitrary."""
    nout = (sum(a * b for a, b in zip(sizes, sizes[1:])) + sum(sizes[1:])) * (sizes[-1] if head != "direct" else 1)
    ls = (sum(sizes[1:]) + sum(a * b for a, b in zip(sizes, sizes[1:])) + sizes[0] + 2 * sizes[-1], 6, nout)
    lw, lb = init_params(ls, seed)
    one = np.ones(ls[0])
    return learner.Rule("full", learner.FULL_FEATURES, ls, lw, lb, 0 * one, one, np.zeros(nout),
                        np.full(nout, 0.05), sizes, meta={"head": head})


@pytest.mark.parametrize("head", ["delta", "error"])
def test_gated_update_is_exactly_zero_where_the_output_error_is(head):
    """Targets equal to the net's own outputs: backprop's update is 0, and so is the gated rule's."""
    w, b = init_params(SIZES, 3)
    X = np.random.default_rng(1).uniform(0, 1, (6, 2))
    Y = kernels.predict(np.asarray(SIZES, np.int64), w, b, X)
    task = tasks.Task("own", X, Y)
    res = runs.train(task, SIZES, RATE, 4, 3, rule=_rule(head))
    assert np.array_equal(res.w, w) and np.array_equal(res.b, b)
    assert np.all(res.J == res.J[0])
    direct = runs.train(task, SIZES, RATE, 4, 3, rule=_rule("direct"))
    assert not np.array_equal(direct.w, w), "guard: the direct head does move such a net"


@pytest.mark.parametrize("head", ["delta", "error"])
def test_sampled_fixed_run_records_the_states_it_visits_and_the_gated_update(head):
    """What DAgger's rollouts rely on: a sampled run of a fixed rule records the state before each
    step (w, θ, the pattern shown), δ as NaN (not defined there), and the step Σ_o gate_o g_o, here
    recomposed in numpy from the learner's outputs."""
    task = tasks.load_task("xor")
    sizes = (2, 3, 2)
    task = tasks.Task("xor2", task.X, np.hstack([task.Y, 1 - task.Y]))
    rule = _rule(head, sizes, seed=2)
    res = runs.train(task, sizes, RATE, 3, 1, rule=rule, sample_every=1)
    f = res.samples
    P = task.X.shape[0]
    assert f["w"].shape[0] == 3 * P and np.isnan(f["delta"]).all()
    assert np.array_equal(f["x"], np.tile(task.X, (3, 1))) and np.array_equal(f["ev"], np.tile(task.Y, (3, 1)))
    w0, b0 = init_params(sizes, 1)
    assert np.array_equal(f["w"][0], w0) and np.array_equal(f["theta"][0], b0)
    assert np.array_equal(f["w"][1:], f["w"][:-1] + f["dw"][:-1])
    assert np.array_equal(f["theta"][1:], f["theta"][:-1] + f["dtheta"][:-1])
    Z = (learner.full_dataset(sizes, f, rule.features)[0] - rule.in_shift) / rule.in_scale
    a = Z
    for l, (m, n) in enumerate(zip(rule.lsizes, rule.lsizes[1:])):
        wo = sum(x * y for x, y in zip(rule.lsizes[:l], rule.lsizes[1:l + 1]))
        bo = sum(rule.lsizes[1:l + 1])
        a = 1 / (1 + np.exp(-(a @ rule.lw[wo:wo + m * n].reshape(n, m).T + rule.lb[bo:bo + n])))
    g = (rule.out_shift + rule.out_scale * (a - 0.5)).reshape(a.shape[0], 2, -1)
    e = f["ev"] - f["out"]
    gate = e * f["out"] * (1 - f["out"]) if head == "delta" else e
    np.testing.assert_allclose(np.einsum("ro,roq->rq", gate, g), np.hstack([f["dw"], f["dtheta"]]),
                               rtol=1e-12, atol=1e-18)
    assert np.array_equal(runs.train(task, sizes, RATE, 3, 1, rule=rule).w, res.w), "sampling changes nothing"


def test_delta_gate_vanishes_where_the_output_saturates():
    """Huge output bias: f'(out) underflows to 0, backprop's update is 0, and the delta head's too."""
    w, b = init_params(SIZES, 4)
    b[-2:] = 800.0
    task = tasks.Task("sat", np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[0.0, 0.0], [1.0, 0.0]]))
    bp = runs.train(task, SIZES, RATE, 3, 4, init=(w, b))
    assert np.array_equal(bp.w, w) and np.array_equal(bp.b, b), "guard: backprop sits still there"
    res = runs.train(task, SIZES, RATE, 3, 4, rule=_rule("delta"), init=(w, b))
    assert np.array_equal(res.w, w) and np.array_equal(res.b, b)
    err = runs.train(task, SIZES, RATE, 3, 4, rule=_rule("error"), init=(w, b))
    assert not np.array_equal(err.w, w), "guard: the error gate alone does not vanish there"


def test_adam_gradient_matches_finite_differences():
    ls = (5, 4, 3, 2)
    lw, lb = init_params(ls, 7)
    rng = np.random.default_rng(0)
    Z, Y = rng.normal(size=(9, 5)), rng.uniform(0.1, 0.9, (9, 2))
    _, gw, gb = fullfixed.mlp_loss_grad(ls, lw, lb, Z, Y)
    h = 1e-6
    for p, g in ((lw, gw), (lb, gb)):
        num = np.empty_like(p)
        for k in range(p.size):
            old = p[k]
            p[k] = old + h
            up = fullfixed.mlp_loss_grad(ls, lw, lb, Z, Y)[0]
            p[k] = old - h
            down = fullfixed.mlp_loss_grad(ls, lw, lb, Z, Y)[0]
            p[k] = old
            num[k] = (up - down) / (2 * h)
        np.testing.assert_allclose(g, num, rtol=1e-5, atol=1e-10)


def test_adam_lowers_the_error():
    ls = (3, 8, 2)
    lw, lb = init_params(ls, 1)
    rng = np.random.default_rng(2)
    Z = rng.normal(size=(400, 3))
    Y = 0.5 + 0.3 * np.tanh(Z[:, :2] + Z[:, 1:])
    J, Jt = fullfixed.adam(ls, lw, lb, Z[:300], Y[:300], Z[300:], Y[300:], 60, 0, lr=1e-2, batch=32)
    mean_only = 0.5 * np.sum(np.var(Y[300:], axis=0))
    assert J[-1] < J[0] / 10 and Jt[-1] < mean_only / 10


@pytest.fixture(scope="module")
def small_sample():
    task = tasks.load_task("and")
    run = runs.train(task, (2, 1, 1), 0.23, 300, 0, sample_every=3)
    return ({"layers": [2, 1, 1], "task": "and", "rate": 0.23, "seed": 0, "cycles": 300, "every": 3}, run.samples)


def test_learn_fixed_runs_dagger_and_is_reproducible(small_sample, tmp_path):
    kw = dict(runs=3, hidden=(8,), dagger=1, rollouts_per_round=2, epochs=8)
    rule = fullfixed.learn_fixed([small_sample], **kw)
    again = fullfixed.learn_fixed([small_sample], **kw)
    assert np.array_equal(rule.lw, again.lw) and np.array_equal(rule.lb, again.lb)
    assert rule.lsizes == (9, 8, 5) and rule.meta["head"] == "delta" and rule.meta["dagger"] == 1
    assert rule.history[-1] < rule.history[0]
    rule.save(tmp_path / "r.npz")
    back = learner.Rule.load(tmp_path / "r.npz")
    a = runs.train(tasks.load_task("and"), (2, 1, 1), 0.23, 50, 1000, rule=rule)
    b = runs.train(tasks.load_task("and"), (2, 1, 1), 0.23, 50, 1000, rule=back)
    assert np.array_equal(a.J, b.J) and a.mode == "full-fixed"
    many = runs.train_seeds(tasks.load_task("and"), (2, 1, 1), 0.23, 50, [1000, 1001], rule)
    assert np.array_equal(many[0].J, a.J)
    with pytest.raises(UsageError, match="2-1-1"):
        runs.train(tasks.load_task("or"), (2, 4, 1), 0.23, 5, 0, rule=rule)


@pytest.mark.parametrize("order", ["fixed", "shuffle"])
def test_learn_fixed_reruns_the_samples_in_their_recorded_order(order, monkeypatch):
    """--runs and --dagger rerun the first sample file's set-up: a shuffled run's in shuffled order."""
    run = runs.train(tasks.load_task("or"), (2, 1, 1), 0.23, 40, 0, sample_every=3, order=order)
    meta = {"layers": [2, 1, 1], "task": "or", "rate": 0.23, "seed": 0, "cycles": 40, "every": 3, "order": order}
    seen, real = [], runs.train

    def spy(*a, **k):
        seen.append(k.get("order", "fixed"))
        return real(*a, **k)
    monkeypatch.setattr(runs, "train", spy)
    rule = fullfixed.learn_fixed([(meta, run.samples)], runs=2, hidden=(4,), dagger=1, rollouts_per_round=2, epochs=2)
    assert seen == [order] * 3 and rule.meta["order"] == order
    with pytest.raises(UsageError, match="recorded order 'sideways'"):
        fullfixed.learn_fixed([({**meta, "order": "sideways"}, run.samples)], runs=2, hidden=(4,), epochs=2)


@pytest.mark.parametrize("share", [25, 50])
def test_learn_fixed_reruns_a_held_out_split_on_its_training_rows(share, tmp_path, monkeypatch):
    """The app's "test %" holds out a seeded share of a CSV's rows; the sample file records it, so
    --runs reruns on the same training rows, not on every row, and the rule keeps it."""
    path = tmp_path / "d.csv"
    path.write_text("a,b,t\n" + "".join(f"{i % 3},{i % 5},{i % 2}\n" for i in range(20)))
    task = tasks.hold_out(tasks.load_task(str(path)), share)
    run = runs.train(task, (2, 1, 1), 0.23, 10, 0, sample_every=3)
    meta = samples.sample_meta(task, (2, 1, 1), 0.23, 0, 10, 3, int(run.samples["w"].shape[0]))
    assert meta["test_share"] == share
    seen, real = [], runs.train

    def spy(t, *a, **k):
        seen.append((t.X, t.X_test))
        return real(t, *a, **k)
    monkeypatch.setattr(runs, "train", spy)
    rule = fullfixed.learn_fixed([(meta, run.samples)], runs=2, hidden=(4,), epochs=2)
    assert len(seen) == 1 and np.array_equal(seen[0][0], task.X) and np.array_equal(seen[0][1], task.X_test)
    assert rule.meta["test_share"] == share and "test_csv" not in rule.meta


def test_learn_fixed_refuses_bad_choices(small_sample):
    with pytest.raises(UsageError, match="head"):
        fullfixed.learn_fixed([small_sample], head="tanh")
    with pytest.raises(UsageError, match="optimizer"):
        fullfixed.learn_fixed([small_sample], optimizer="rmsprop")
    with pytest.raises(UsageError, match="adam"):
        fullfixed.learn_fixed([small_sample], optimizer="sgd", dagger=1, epochs=2)


def test_cli_learn_full_fixed_then_train(small_sample, tmp_path, cli):
    src = tmp_path / "s.npz"
    samples.save_samples(src, small_sample[1], small_sample[0])
    rc, out, err = cli("learn", "--mode", "full", "--samples", src, "--runs", "2", "--hidden", "6", "--optimizer",
                       "adam", "--dagger", "1", "--rollouts", "2", "--cycles", "3", "--rows-per-run", "200",
                       "--batch", "64", "--out", tmp_path / "r.npz")
    assert rc == 0, err
    rule = learner.Rule.load(tmp_path / "r.npz")
    assert rule.meta["head"] == "delta" and rule.meta["runs"] == 2 and rule.meta["dagger"] == 1
    assert rule.meta["batch"] == 64
    assert rule.lsizes == (9, 6, 5) and len(rule.history) == 1 + 3 + 1  # 3 epochs, then 3 // 4 -> 1 per round
    rc, out, err = cli("train", "--rule", tmp_path / "r.npz", "--cycles", "20", "--seed", "1000")
    assert rc == 0 and "full-fixed and 2-1-1 seed 1000" in out, err


def test_cli_refuses_full_fixed_options_in_local_mode(small_sample, tmp_path, cli):
    from conftest import assert_one_line_error
    src = tmp_path / "s.npz"
    samples.save_samples(src, small_sample[1], small_sample[0])
    rc, _, err = cli("learn", "--mode", "local", "--samples", src, "--dagger", "2", "--out", tmp_path / "r.npz")
    assert_one_line_error(rc, err)
    for bad in (["--batch", "64"], ["--fixed", "--batch", "64"]):   # a minibatch size: Adam's only
        rc, _, err = cli("learn", "--mode", "local" if len(bad) == 2 else "full", "--samples", src,
                         *bad, *(["--optimizer", "sgd"] if len(bad) == 3 else []), "--out", tmp_path / "r.npz")
        assert_one_line_error(rc, err)
        assert "--batch" in err
    rc, _, err = cli("learn", "--mode", "full", "--samples", src, "--optimizer", "sgd", "--dagger", "1",
                     "--out", tmp_path / "r.npz")
    assert_one_line_error(rc, err)
    assert not (tmp_path / "r.npz").exists()


def test_fixed_rule_divergence_is_a_result():
    """A rule that pushes every parameter up by 1000 per step diverges: reported, not raised."""
    res = runs.train(tasks.load_task("xor"), (2, 3, 1), RATE, 50, 0, rule=_rule("direct", (2, 3, 1)))
    assert not res.diverged, "guard: a small random rule does not diverge in 50 cycles"
    big = _rule("direct", (2, 3, 1))
    big.out_shift[:] = 1000.0
    res = runs.train(tasks.load_task("xor"), (2, 3, 1), RATE, 50, 0, rule=big)
    assert res.diverged and res.diverged_at == 3 and np.isnan(res.J[3:]).all() and res.final_J is None
    assert "diverged at cycle 3" in res.summary()


def test_ablation_table_and_bad_input(monkeypatch, capsys):
    from localrule import ablation
    from localrule.experiments import EXPERIMENTS
    monkeypatch.setattr(ablation, "variants", lambda e: [("backprop itself", lambda: None)])
    table = ablation.ablation([EXPERIMENTS[2]], 2, say=lambda m: None)
    lines = table.splitlines()
    assert lines[0].startswith("| variant | exp 2 (and 2-1)") and lines[2].startswith("| backprop itself | 1.00x (")
    assert ablation.main(["--experiments", "9"]) == 2
    assert capsys.readouterr().err.startswith("localrule.ablation: error:")
