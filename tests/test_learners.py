"""The two learning modes: fitting, imitation quality, transfer to unseen shapes, rule files."""

import json

import numpy as np
import pytest

from localrule import learner, runs, samples, study, tasks
from localrule.experiments import EXPERIMENTS
from localrule.layout import UsageError, init_params

#: Documented bounds (README "Two modes side by side") for the local rule's imitation R² on link
#: tuples of a backprop run it never saw, learned from the pooled samples of experiments 1, 3, 4.
R2_BOUND = {1: 0.98, 3: 0.98, 4: 0.9}
#: The same for the rule (6) form (the default), on every experiment.
RULE6_R2_BOUND = 0.999


@pytest.fixture(scope="module")
def sample_sets():
    return {n: study.sample_run(EXPERIMENTS[n]) for n in (1, 2, 3, 4)}


@pytest.fixture(scope="module")
def local_rule(sample_sets):
    return study.learn_local_rule(list(sample_sets.values()))


@pytest.fixture(scope="module")
def full_rule_exp1(sample_sets):
    return study.learn_full_rule(EXPERIMENTS[1], sample_sets[1])


def test_full_learner_fits_exp1_samples(full_rule_exp1):
    J = full_rule_exp1.history
    assert full_rule_exp1.lsizes == (9, 2, 5)
    assert J[-1] < J[0] / 10, "the learner's training error must fall by an order of magnitude"
    assert full_rule_exp1.history_test[-1] < full_rule_exp1.history_test[0] / 10


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_full_learner_shape_matches_the_paper(sample_sets, n):
    e = EXPERIMENTS[n]
    rule = learner.learn_full([sample_sets[n]], hidden=e.learner_hidden, cycles=1, features=e.features)
    assert rule.lsizes[0] == e.learner_inputs and rule.lsizes[-1] == e.learner_outputs


def test_full_rule_refuses_another_topology(full_rule_exp1):
    with pytest.raises(UsageError, match="2-1-1 network and cannot train a 2-4-1"):
        runs.train(tasks.load_task("or"), (2, 4, 1), 0.23, 5, 0, rule=full_rule_exp1)


@pytest.fixture(scope="module")
def link_rule(sample_sets):
    return study.learn_local_rule(list(sample_sets.values()), form="link")


@pytest.mark.parametrize("mode", ["full", "local", "link"])
def test_rule_file_round_trip(tmp_path, full_rule_exp1, local_rule, link_rule, mode):
    rule = {"full": full_rule_exp1, "local": local_rule, "link": link_rule}[mode]
    assert rule.form == {"full": None, "local": learner.DEFAULT_FORM, "link": "link"}[mode]
    rule.save(tmp_path / "r.npz")
    back = learner.Rule.load(tmp_path / "r.npz")
    assert back.mode == rule.mode and back.lsizes == rule.lsizes and back.layers == rule.layers
    assert back.features == rule.features and back.meta == json.loads(json.dumps(rule.meta))
    for k in ("lw", "lb", "in_shift", "in_scale", "out_shift", "out_scale", "history", "history_test"):
        np.testing.assert_array_equal(getattr(back, k), getattr(rule, k))
    task = tasks.load_task("and" if mode == "full" else "xor")
    sizes = (2, 1, 1) if mode == "full" else (2, 3, 1)
    a = runs.train(task, sizes, 0.23, 30, 5, rule=rule)
    b = runs.train(task, sizes, 0.23, 30, 5, rule=back)
    np.testing.assert_array_equal(a.J, b.J)


def test_a_rule_file_without_form_loads_as_the_link_form(tmp_path, link_rule):
    """Rule files written before the rule (6) form existed have no ``form``: four-input ℓ."""
    old = learner.Rule(**{**link_rule.__dict__, "meta": {k: v for k, v in link_rule.meta.items() if k != "form"}})
    old.save(tmp_path / "old.npz")
    back = learner.Rule.load(tmp_path / "old.npz")
    assert "form" not in back.meta and back.form == "link"
    assert back.kernel_args(None)[0] == link_rule.kernel_args(None)[0]


def test_a_rule_file_whose_form_does_not_fit_its_learner_is_refused(tmp_path, local_rule):
    bad = learner.Rule(**{**local_rule.__dict__, "meta": {**local_rule.meta, "form": "link"}})
    bad.save(tmp_path / "bad.npz")  # a 3-input learner claiming the four-input form
    with pytest.raises(UsageError, match="4-input, 1-output link-form"):
        learner.Rule.load(tmp_path / "bad.npz")
    bad.meta["form"] = "magic"
    bad.save(tmp_path / "bad.npz")
    with pytest.raises(UsageError, match="unknown local-rule form 'magic'"):
        learner.Rule.load(tmp_path / "bad.npz")


def test_learn_refuses_an_unknown_form_or_rule6_with_the_raw_encoding(sample_sets):
    with pytest.raises(UsageError, match="unknown local-rule form"):
        learner.learn_local([sample_sets[1]], cycles=1, form="magic")
    with pytest.raises(UsageError, match="log encoding only"):
        learner.learn_local([sample_sets[1]], cycles=1, form="rule6", encoding="raw")
    assert learner.learn_local([sample_sets[1]], cycles=1, max_tuples=500, encoding="raw").form == "link"


def test_a_feature_constant_in_the_samples_is_frozen_at_exactly_zero(sample_sets):
    """Experiment 1 only shows sources x_j of 1 (log x_j = 0): the link form must ignore x_j,
    not weigh it at random; the rule (6) form has no x input, and all of its inputs vary."""
    link = learner.learn_local([sample_sets[1]], form="link", max_tuples=5000, cycles=3)
    assert link.meta["frozen"] == ["x"]
    H = link.lsizes[1]
    assert np.all(link.lw[0:4 * H:4] == 0.0) and np.all(link.lw[1:4 * H:4] != 0.0)
    rng = np.random.default_rng(2)
    w, d, fp = rng.normal(0, 2, 30), rng.normal(0, 0.01, 30), rng.uniform(0.01, 0.25, 30)
    np.testing.assert_array_equal(link.ell(0.3, w, d, fp), link.ell(1.0, w, d, fp))
    six = learner.learn_local([sample_sets[1]], form="rule6", max_tuples=5000, cycles=3)
    assert six.meta["frozen"] == [] and np.all(six.lw != 0.0)
    pooled = learner.learn_local([sample_sets[1], sample_sets[4]], form="link", max_tuples=5000, cycles=3)
    assert pooled.meta["frozen"] == [], "experiment 4's real-valued inputs make x_j vary"


def test_rule6_form_scales_with_the_source_exactly(local_rule):
    """x_j enters only through rule (3): the contribution is x_j times ℓ(w_hi, δ_h, f'_i)."""
    assert local_rule.form == "rule6" and local_rule.features == ("w", "delta", "fprime")
    rng = np.random.default_rng(4)
    x, w, d, fp = rng.uniform(-2, 2, 40), rng.normal(0, 2, 40), rng.normal(0, 0.01, 40), rng.uniform(0.01, 0.25, 40)
    np.testing.assert_allclose(local_rule.ell(x, w, d, fp), x * local_rule.ell(1.0, w, d, fp), rtol=1e-15, atol=0)


def test_rule_loader_rejects_a_sample_file(tmp_path, sample_sets):
    meta, fields = sample_sets[1]
    samples.save_samples(tmp_path / "s.npz", fields, meta)
    with pytest.raises(UsageError, match="expected a localrule-rule file"):
        learner.Rule.load(tmp_path / "s.npz")


@pytest.mark.parametrize("n", [1, 3, 4])
def test_local_rule_imitates_unseen_runs(local_rule, link_rule, n):
    _, fields = study.sample_run(EXPERIMENTS[n], study.HOLDOUT_SEED)
    tuples = samples.link_tuples(EXPERIMENTS[n].layers, fields)
    assert link_rule.r2(tuples) > R2_BOUND[n]
    assert local_rule.form == "rule6" and local_rule.r2(tuples) > RULE6_R2_BOUND


def test_local_rule_is_odd_in_delta_and_w_and_zero_for_a_silent_source(local_rule):
    rng = np.random.default_rng(0)
    x, w, d, fp = rng.uniform(0.1, 1, 50), rng.normal(0, 2, 50), rng.normal(0, 0.01, 50), rng.uniform(0.01, 0.25, 50)
    base = local_rule.ell(x, w, d, fp)
    np.testing.assert_array_equal(local_rule.ell(x, w, -d, fp), -base)
    np.testing.assert_array_equal(local_rule.ell(x, -w, d, fp), -base)
    np.testing.assert_array_equal(local_rule.ell(0 * x, w, d, fp), 0)
    assert np.all(np.sign(base) == np.sign(x * fp * w * d))


def test_raw_encoding_is_odd_in_delta(sample_sets):
    rule = learner.learn_local([sample_sets[1]], hidden=(4,), cycles=2, max_tuples=2000, encoding="raw")
    rng = np.random.default_rng(1)
    x, w, d, fp = rng.uniform(0, 1, 20), rng.normal(0, 2, 20), rng.normal(0, 0.01, 20), rng.uniform(0.01, 0.25, 20)
    np.testing.assert_allclose(rule.ell(x, w, -d, fp), -rule.ell(x, w, d, fp), atol=1e-15)
    np.testing.assert_array_equal(rule.ell(0 * x, w, d, fp), 0)


def test_local_rule_trains_a_deeper_unseen_net(local_rule):
    """Transfer: learned on one-hidden-layer nets, it trains XOR 2-8-8-1 (two hidden layers)."""
    task, sizes = tasks.load_task("xor"), (2, 8, 8, 1)
    init = init_params(sizes, 0)
    bp = runs.train(task, sizes, 1.0, 3000, 0, init=init)
    loc = runs.train(task, sizes, 1.0, 3000, 0, rule=local_rule, init=init)
    assert bp.J[-1] < 0.01, "backprop solves this set-up"
    assert not loc.diverged and loc.J[-1] < 2 * bp.J[-1]


def test_local_rule_matches_backprop_on_exp3(local_rule):
    e = EXPERIMENTS[3]
    res = {m: runs.train_seeds(tasks.load_task(e.task), e.layers, e.rate, 1000, range(4), rule)
           for m, rule in (("backprop", None), ("local", local_rule))}
    bp = np.array([r.J[-1] for r in res["backprop"]])
    loc = np.array([r.J[-1] for r in res["local"]])
    np.testing.assert_allclose(loc, bp, rtol=0.1)


def test_full_mode_divergence_is_reported_not_raised(sample_sets):
    """Experiment 4's full-network rule diverges on some seeds (as in the paper): a result."""
    e = EXPERIMENTS[4]
    rule = study.learn_full_rule(e, sample_sets[4])
    results = runs.train_seeds(tasks.load_task("square"), e.layers, e.rate, e.cycles, range(1000, 1004), rule)
    for r in results:
        if r.diverged:
            assert 1 <= r.diverged_at <= e.cycles and np.isnan(r.J[r.diverged_at:]).all()
            assert "diverged at cycle" in r.summary() and r.to_json()["final_J"] is None


def test_progress_reports_while_training_and_changes_nothing(sample_sets):
    calls = []
    kw = dict(hidden=(3,), cycles=12, max_tuples=3000)
    streamed = learner.learn_local([sample_sets[3]], progress=lambda done, J, Jt: calls.append((done, len(J))), **kw)
    plain = learner.learn_local([sample_sets[3]], **kw)
    assert calls[-1] == (12, 13) and len(calls) == 12
    np.testing.assert_array_equal(streamed.lw, plain.lw)
    np.testing.assert_array_equal(streamed.history, plain.history)
    np.testing.assert_array_equal(streamed.history_test, plain.history_test)
