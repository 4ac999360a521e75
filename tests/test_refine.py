"""Issue 12: CMA-ES refinement of the local rule, its objective and its measurement."""

import json
import math
from dataclasses import replace

import numpy as np
import pytest

from localrule import kernels, refine, tasks
from localrule.layout import UsageError
from localrule.learner import Rule


@pytest.fixture(scope="module")
def small_rule(tmp_path_factory):
    from localrule.learner import learn_local
    from localrule.runs import train
    r = train(tasks.load_task("square"), (2, 3, 2), 0.5, 30, 0, sample_every=1)
    meta = {"layers": [2, 3, 2], "task": "square", "rate": 0.5, "seed": 0, "cycles": 30, "every": 1}
    return learn_local([(meta, r.samples)], hidden=(3,), cycles=3)


def test_parse_spec_and_bad_specs():
    s = refine.parse_spec("square:2,5,2:40:shuffle")
    assert (s.layers, s.cycles, s.order) == ((2, 5, 2), 40, "shuffle")
    t = refine.parse_spec("teacher@3:4,6,6,2:10")
    assert t.task.X.shape == (128, 4) and t.task.Y.shape == (128, 2)
    assert np.all(t.task.Y.sum(axis=1) == 1) and 0 < t.task.Y[:, 0].mean() < 1
    w = refine.parse_spec("wine:13,10,3")
    assert w.task.X.shape == (178, 13) and w.task.Y.sum(axis=0).tolist() == [59, 71, 48]
    i = refine.parse_spec("iris:4,8,3:300:shuffle")   # UCI iris via scikit-learn's copy, min-max scaled
    assert i.task.X.shape == (150, 4) and i.task.Y.sum(axis=0).tolist() == [50, 50, 50] and i.order == "shuffle"
    assert i.task.X.min() == 0 and i.task.X.max() == 1 and i.task.X_test is None
    m = refine.parse_spec("moons:2,8,1")
    assert m.task.X.shape == (100, 2) and m.task.X_test.shape == (200, 2)
    for bad in ("xor", "xor:2,3,1:0", "xor:2,3,1:often", "and:3,1,1", "teacher@x:2,2,1", "iris:4,8,2", "moons:3,2,1"):
        with pytest.raises(UsageError):
            refine.parse_spec(bad)


def test_effective_score_floor_time_to_solve_and_divergence():
    J = np.array([0.5, 0.1, 1e-3, 1e-6, 1e-7])
    # solved at t = 3 of T = 4: log(floor) + log(3/4)
    assert refine.effective(J) == pytest.approx(math.log(1e-5) + math.log(3 / 4))
    assert refine.effective(np.array([0.5, 0.2])) == pytest.approx(math.log(0.2))
    # chasing 1e-9 below the floor earns nothing beyond solving earlier
    assert refine.effective(np.array([0.5, 1e-9, 1e-12])) == refine.effective(np.array([0.5, 1e-6, 1e-6]))
    worst = refine.effective(np.array([0.5, np.nan]))
    assert worst == math.log(0.5) + refine.DIVERGED
    assert refine.effective(np.array([0.5, 0.5])) < worst
    assert refine.effective(np.array([1.0, np.nan]), n_out=3) > refine.effective(np.array([1.0, 1.5]), n_out=3)


def test_flatten_is_generic_and_space_decodes_the_start(small_rule):
    theta = refine.flatten(small_rule)
    assert theta.shape[0] == small_rule.lw.shape[0] + small_rule.lb.shape[0] + small_rule.in_scale.shape[0]
    back = refine.unflatten(small_rule, theta)
    assert np.array_equal(back.lw, small_rule.lw) and np.array_equal(back.lb, small_rule.lb)
    np.testing.assert_allclose(back.in_scale, small_rule.in_scale, rtol=1e-15)
    pool = refine.backprop_tuples(rows=300)
    s = refine.sensitivities(small_rule, pool)
    assert s.shape == theta.shape and np.all(s > 0)
    space = refine.Space(small_rule, theta, s, True, math.log(2.0))
    rule, rate = space.decode(np.zeros(space.dim))
    assert np.array_equal(refine.flatten(rule), theta) and rate == pytest.approx(0.46)
    # the imitation rule: the δ input's log scale lowered by log 2 doubles the power of |δ|
    imit = refine.imitation_rule()
    th = refine.flatten(imit)
    k = imit.lw.shape[0] + imit.lb.shape[0] + imit.features.index("delta")
    args = [pool[k2] for k2 in ("x", "w", "delta", "fprime")]
    slope = lambda r: np.polyfit(np.log(np.abs(pool["delta"])), np.log(np.abs(r.ell(*args))), 1)[0]
    assert slope(imit) == pytest.approx(1.0, abs=0.15)  # backprop's update is linear in δ
    for f in (0.5, 2.0):
        t2 = th.copy()
        t2[k] -= math.log(f)
        assert slope(refine.unflatten(imit, t2)) == pytest.approx(f * slope(imit), rel=0.15)
    # a unit step in one coordinate moves log|ℓ| by about 1 RMS
    z = np.zeros(space.dim)
    z[0] = 0.01
    moved, _ = space.decode(z)
    args = [pool[k] for k in ("x", "w", "delta", "fprime")]
    d = np.log(np.abs(moved.ell(*args))) - np.log(np.abs(small_rule.ell(*args)))
    assert np.sqrt(np.mean(d ** 2)) == pytest.approx(0.01, rel=0.05)


def _problem(small_rule):
    specs = [refine.parse_spec("and:2,1,1:20"), refine.parse_spec("square:2,3,2:10:shuffle")]
    bases = [refine.baseline(s, seeds=2) for s in specs]
    theta = refine.flatten(small_rule)
    space = refine.Space(small_rule, theta, np.ones_like(theta), True, 0.0)
    pop = [np.zeros(space.dim), np.full(space.dim, 0.05), np.full(space.dim, -0.05)]
    return space, pop, specs, bases


def test_member_evaluation_is_deterministic_and_oracle_like_start_scores_near_zero(small_rule):
    space, pop, specs, bases = _problem(small_rule)
    a = refine.evaluate_population(space, pop, specs, bases, [5, 6])
    b = refine.evaluate_population(space, pop, specs, bases, [5, 6])
    assert a == b
    assert all(np.isfinite(x[0]) for x in a)
    # a huge step makes the run diverge: a bounded penalty, not a crash
    z = np.zeros(space.dim)
    z[-1] = 20.0
    score, per = refine.evaluate_member(space, z, specs, bases, [5])
    assert per[0] == pytest.approx(math.log(0.5) + refine.DIVERGED - bases[0].eff)


def test_dask_local_cluster_gives_bit_identical_results(small_rule):
    distributed = pytest.importorskip("distributed")
    space, pop, specs, bases = _problem(small_rule)
    local = refine.evaluate_population(space, pop, specs, bases, [7])
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cl, \
            distributed.Client(cl) as client:
        remote = refine.evaluate_population(space, pop, specs, bases, [7], client=client)
    assert remote == local


def test_refine_cli_runs_checkpoints_resumes_and_records_provenance(tmp_path, small_rule):
    from localrule.cli import main
    rule_path = tmp_path / "start.npz"
    small_rule.save(rule_path)
    out = tmp_path / "ref"
    args = ["refine", "--rule", str(rule_path), "--train", "and:2,1,1:10", "--heldout", "xor:2,3,1:10",
            "--popsize", "4", "--out", str(out), "--final-seeds", "2", "--no-figures", "--teachers", "0"]
    assert main(args + ["--generations", "1"]) == 0
    assert (out / "checkpoint.pkl").exists()
    changed = [a if a != "and:2,1,1:10" else "and:2,1,1:12" for a in args]
    assert main(changed + ["--generations", "2", "--resume"]) == 2     # other tasks: refused, checkpoint kept
    assert main(args + ["--generations", "2", "--resume", "--adapt", "none"]) == 2
    assert main(args + ["--generations", "2", "--resume"]) == 0
    hist = json.loads((out / "history.json").read_text())["history"]
    assert [h["generation"] for h in hist] == [0, 1]
    assert "heldout" in hist[0]
    refined = Rule.load(out / "rule.npz")
    meta = refined.meta["refined"]
    assert meta["generations"] == 2 and meta["train"] == ["and:2,1,1:10"] and meta["rate"] > 0
    rows = json.loads((out / "heldout.json").read_text())["tasks"]
    assert rows[0]["rule"]["diverged"] + (rows[0]["rule"]["median"] is not None) >= 1
    assert main(["refine", "--rule", str(rule_path), "--train", "nope:2,1"]) == 2


def test_ctrl_c_keeps_the_best_rule_so_far(tmp_path, small_rule, monkeypatch):
    specs = [refine.parse_spec("and:2,1,1:10")]
    real = refine.evaluate_population
    calls = []

    def interrupt_second(*a, **k):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*a, **k)
    monkeypatch.setattr(refine, "evaluate_population", interrupt_second)
    with pytest.raises(KeyboardInterrupt):
        refine.refine(small_rule, specs, [], tmp_path, generations=5, minutes=0, popsize=4, figures=False, teachers=0)
    saved = Rule.load(tmp_path / "rule.npz")
    assert saved.meta["refined"]["interrupted"] and saved.meta["refined"]["generations"] == 1


@pytest.mark.parametrize("signal_type,code", [(KeyboardInterrupt, 130), ("Terminated", 143)])
def test_an_interrupted_refine_says_what_it_kept(tmp_path, small_rule, monkeypatch, capsys, signal_type, code):
    """Its last line names the rule it wrote and the checkpoint --resume continues from, not
    "nothing was written"; SIGTERM exits 143, Ctrl-C 130."""
    from localrule import files
    from localrule.cli import main
    rule_path = tmp_path / "start.npz"
    small_rule.save(rule_path)
    real, calls = refine.evaluate_population, []
    stop = files.Terminated if signal_type == "Terminated" else signal_type

    def interrupt_second(*a, **k):
        calls.append(1)
        if len(calls) == 2:
            raise stop()
        return real(*a, **k)
    monkeypatch.setattr(refine, "evaluate_population", interrupt_second)
    out = tmp_path / "out"
    assert main(["refine", "--rule", str(rule_path), "--train", "and:2,1,1:10", "--heldout", "or:2,2,1:10",
                 "--generations", "5", "--minutes", "0", "--popsize", "4", "--teachers", "0", "--no-figures",
                 "--final-seeds", "0", "--out", str(out)]) == code
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last == (f"localrule: interrupted; the best rule so far is in {out / 'rule.npz'}; --resume continues "
                    f"from {out / 'checkpoint.pkl'}")
    assert Rule.load(out / "rule.npz").meta["refined"]["interrupted"] is True


def test_adaptive_coordinates_start_as_the_identity_and_straighten_the_rate(small_rule):
    theta = refine.flatten(small_rule)
    space = refine.Space(small_rule, theta, np.ones_like(theta), True, math.log(2.0), adapt="both")
    assert space.dim == theta.shape[0] + 1 + 4
    rule, rate = space.decode(np.zeros(space.dim))
    a = rule.meta["adapt"]
    assert a["p"] == 0 and a["momentum"] == 0 and rate == pytest.approx(0.46)
    z = np.zeros(space.dim)
    z[-4], z[-1] = 0.7, -0.4   # p and β (|β0 + z/2|)
    rule, rate = space.decode(z)
    a = rule.meta["adapt"]
    assert a["p"] == pytest.approx(0.7) and a["momentum"] == pytest.approx(0.2)
    # γ·(v̂ + ε²)^(-p/2) = γ0·(1 + v̂/ε²)^(-p/2): a neuron with tiny |δ| keeps the start's step
    assert rate * a["eps"] ** -a["p"] == pytest.approx(0.46)
    assert rule.adapt.shape == (kernels.ADAPT_SIZE,) and small_rule.meta.get("adapt") is None
    # rule (5) exact, no clock unless searched, scales per neuron
    assert rule.adapt[4] == 1.0 and rule.adapt[5] == 0.0 == rule.adapt[6] and "anneal" not in a and "link" not in a
    # however far the search pushes log ε down, ε stays at or above the floor (ε² > 0)
    z = np.zeros(space.dim)
    z[-3] = -1e4
    rule, rate = space.decode(z)
    assert rule.adapt[kernels.ADAPT_EPS] == kernels.ADAPT_EPS_MIN and math.isfinite(rate) and rate > 0


def test_adapt_ingredients_parse_and_flat_decodes_from_the_start(small_rule):
    assert refine.ingredients("both") == ("scale", "momentum") and refine.ingredients("none") == ()
    assert refine.ingredients("flat+scale") == ("scale", "flat")
    for bad in ("", "scale+", "steps", "scale+scale", "none+flat"):
        with pytest.raises(UsageError):
            refine.ingredients(bad)
    theta = refine.flatten(small_rule)
    space = refine.Space(small_rule, theta, np.ones_like(theta), True, 0.0, adapt="scale+flat")
    assert space.dim == theta.shape[0] + 1 + 4
    z = np.zeros(space.dim)
    assert space.decode(z)[0].meta["adapt"]["flat"] == 1.0
    for zq, q in ((0.3, 0.7), (-0.3, 0.7), (1.5, 0.0)):   # reflected at 1, floored at 0
        z[-1] = zq
        assert space.decode(z)[0].meta["adapt"]["flat"] == pytest.approx(q)
    clock = refine.Space(small_rule, theta, np.ones_like(theta), True, 0.0, adapt="scale+anneal")
    z = np.zeros(clock.dim)
    assert clock.dim == theta.shape[0] + 1 + 4 and clock.decode(z)[0].meta["adapt"]["anneal"] == refine.ANNEAL0
    z[-1] = math.log(2.0)
    assert clock.decode(z)[0].meta["adapt"]["anneal"] == pytest.approx(2 * refine.ANNEAL0)
    assert "link" not in clock.decode(z)[0].meta["adapt"]   # a start without link scales writes none
    linked = replace(small_rule, meta={**small_rule.meta, "adapt": {**refine.RMSPROP_FLAT_CLOCK, "link": 1}})
    decoded = refine.Space(linked, theta, np.ones_like(theta), True, 0.0, adapt="scale+anneal").decode(z)[0]
    assert decoded.meta["adapt"]["link"] == 1 and decoded.adapt[6] == 1.0   # kept: not a searched coordinate
    gated = replace(small_rule, meta={**small_rule.meta, "adapt": {**refine.RMSPROP_FLAT_CLOCK, "momentum": 0.9,
                                                                   "fixed_momentum": 1}})
    decoded = refine.Space(gated, theta, np.ones_like(theta), True, 0.0, adapt="scale+anneal").decode(z)[0]
    assert decoded.meta["adapt"]["fixed_momentum"] == 1   # the gate is kept too
    kept = replace(small_rule, meta={**small_rule.meta, "adapt": {**refine.RMSPROP_FLAT_CLOCK, "momentum": 0.75,
                                                                  "span_momentum": 1, "fan_in": 0.5, "gain": 0.02,
                                                                  "hidden": 0.5}})
    decoded = refine.Space(kept, theta, np.ones_like(theta), True, 0.0, adapt="scale+anneal").decode(z)[0]
    assert decoded.meta["adapt"]["span_momentum"] == 1 and decoded.meta["adapt"]["fan_in"] == 0.5   # not searched
    assert decoded.meta["adapt"]["gain"] == 0.02 and decoded.meta["adapt"]["hidden"] == 0.5
    assert not {"fixed_momentum", "hidden"} & set(clock.decode(z)[0].meta["adapt"])   # defaults are not written


def test_the_decay_is_searched_from_the_start_and_by_default_where_the_start_decays(small_rule):
    theta = refine.flatten(small_rule)
    decaying = replace(small_rule, meta={**small_rule.meta, "adapt": {**refine.RMSPROP_FLAT_CLOCK, "decay": 0.3}})
    assert refine.default_adapt(decaying) == "scale+anneal+decay"
    assert refine.default_adapt(replace(small_rule, meta={**small_rule.meta, "adapt": refine.RMSPROP_FLAT_CLOCK})) \
        == "scale+anneal"
    space = refine.Space(decaying, theta, np.ones_like(theta), True, 0.0, adapt="scale+anneal+decay")
    assert space.dim == theta.shape[0] + 1 + 5
    z = np.zeros(space.dim)
    for zd, d in ((0.0, 0.3), (0.2, 0.5), (-0.5, 0.2), (1.5, 1.0)):   # reflected at 0, at most 1
        z[-1] = zd
        rule = space.decode(z)[0]
        assert rule.meta["adapt"]["decay"] == pytest.approx(d) and rule.adapt[kernels.ADAPT_DECAY] == pytest.approx(d)
    z[-1] = -0.3   # no decay left: the key is dropped, as a rule without one has none
    assert "decay" not in space.decode(z)[0].meta["adapt"]
    kept = refine.Space(decaying, theta, np.ones_like(theta), True, 0.0, adapt="scale+anneal")
    assert kept.decode(np.zeros(kept.dim))[0].meta["adapt"]["decay"] == 0.3   # not searched: kept


def test_judge_runs_the_baselines_once_for_several_rules():
    specs = [refine.parse_spec("and:2,1,1:15")]
    oracle = Rule.oracle("rule6")
    rows = refine.judge([("a", oracle, 0.5), ("b", oracle, 0.5), ("c", oracle, 2.0)], specs, seeds=3,
                        hidden_scales=(), say=lambda m: None)
    assert len(rows) == 3 and all(len(r) == 1 for r in rows)
    assert rows[0] == rows[1]
    assert rows[0][0]["bp_best"] == rows[2][0]["bp_best"] and rows[0][0]["rule"] != rows[2][0]["rule"]
    assert rows[0][0]["flat_bp"] is None and "flat bp" not in refine.judge_table(rows[0])
    r = rows[0][0]
    acc = f"{r['rule']['accuracy']:.3f}/{r['bp_best']['accuracy']:.3f}"
    assert refine.judge_table(rows[0]).splitlines()[1].endswith(acc)   # the rule's accuracy over bp@best γ's
    assert 0 <= r["seed_wins"] <= 3 and r["ratio_ci"][0] <= r["ratio_vs_best"] <= r["ratio_ci"][1]


def test_seed_comparison_counts_paired_wins_and_brackets_the_median_ratio():
    wins, (lo, hi) = refine.seed_comparison([1.0, 2.0, float("nan"), 0.5], [2.0, 1.0, 1.0, 1.0])
    assert wins == 2 and lo <= 1.5 <= hi   # the diverged run loses; medians 1.5 and 1.0
    assert refine.seed_comparison([1.0] * 5, [2.0] * 5) == (5, [0.5, 0.5])
    again = refine.seed_comparison([1.0, 3.0, 0.1, 9.0], [2.0, 1.0, 0.5, 4.0])
    assert again == refine.seed_comparison([1.0, 3.0, 0.1, 9.0], [2.0, 1.0, 0.5, 4.0])   # seeded


def test_judge_adds_backprop_with_the_rules_flattening_alone_as_a_baseline():
    flat = Rule.oracle("rule6")
    flat.meta["adapt"] = {"p": 0.0, "beta2": 0.0, "eps": 1.0, "momentum": 0.0, "flat": 0.0}
    rows = refine.judge([("plain", Rule.oracle("rule6"), 2.0), ("flat", flat, 2.0)], [refine.parse_spec("and:2,1,1:15")],
                        seeds=3, hidden_scales=(), say=lambda m: None)
    f = rows[0][0]["flat_bp"]
    assert f["flat"] == 0.0 and f["rate"] in refine.BASELINE_RATES and rows[1][0]["flat_bp"] == f
    # at its own best γ, flattened backprop is this very rule at that γ
    again = refine.judge([("flat", flat, f["rate"])], [refine.parse_spec("and:2,1,1:15")], seeds=3,
                         hidden_scales=(), say=lambda m: None)[0][0]
    assert again["rule"]["median"] == f["median"] and "flat bp" in refine.judge_table(rows[0])


def test_judge_gives_backprop_a_decaying_rules_decay_too():
    """A rule that decays its step is judged beside backprop with that decay (and the rule's q)
    alone, tuned: at its own best γ that baseline is this very (backprop-with-decay) rule."""
    decayed = Rule.oracle("rule6")
    decayed.meta["adapt"] = {"p": 0.0, "beta2": 0.0, "eps": 1.0, "momentum": 0.0, "decay": 0.5}
    spec = [refine.parse_spec("and:2,1,1:15")]
    f = refine.judge([("decayed", decayed, 2.0)], spec, seeds=3, hidden_scales=(), say=lambda m: None)[0][0]["flat_bp"]
    assert f["decay"] == 0.5 and f["flat"] == 1.0 and f["rate"] in refine.BASELINE_RATES
    rows = refine.judge([("decayed", decayed, f["rate"])], spec, seeds=3, hidden_scales=(), say=lambda m: None)[0]
    assert rows[0]["rule"]["median"] == f["median"] and "flat+decay bp" in refine.judge_table(rows)


def test_rmsprop_start_with_no_generations_writes_the_teacher_rule(tmp_path, small_rule, monkeypatch):
    from localrule.cli import main
    monkeypatch.setattr(refine, "imitation_rule", lambda: small_rule)
    out = tmp_path / "start"
    assert main(["refine", "--start", "rmsprop", "--generations", "0", "--train", "and:2,1,1:10", "--teachers", "0",
                 "--heldout", "or:2,2,1:10", "--out", str(out), "--final-seeds", "0", "--no-figures"]) == 0
    rule = Rule.load(out / "rule.npz")
    assert rule.meta["adapt"] == refine.RMSPROP
    assert rule.meta["refined"]["rate"] in refine.START_RATES and rule.meta["refined"]["generations"] == 0
    assert main(["refine", "--rule", str(out / "rule.npz"), "--start", "rmsprop", "--out", str(tmp_path / "x")]) == 2
    plain = tmp_path / "plain"   # the default start also flattens rule (5) and has a clock, at its own γ 0.2,
    # and the search changes the clock too; rmsprop-flat is that without the clock; --start imitation leaves the stage off
    assert main(["refine", "--generations", "0", "--train", "and:2,1,1:10", "--heldout", "or:2,2,1:10",
                 "--out", str(plain), "--final-seeds", "0", "--no-figures", "--teachers", "0"]) == 0
    default = Rule.load(plain / "rule.npz")
    assert default.meta["adapt"] == refine.RMSPROP_FLAT_CLOCK == {**refine.RMSPROP, "flat": 0.0, "anneal": 1000.0}
    assert default.meta["refined"]["objective_variant"] == refine.DEFAULT_OBJECTIVE == "robust"
    assert default.meta["refined"]["rate"] == 0.2 and default.meta["refined"]["adapt_search"] == "scale+anneal"
    assert main(["refine", "--start", "rmsprop-flat", "--generations", "0", "--train", "and:2,1,1:10", "--heldout",
                 "or:2,2,1:10", "--out", str(plain), "--final-seeds", "0", "--no-figures", "--teachers", "0"]) == 2
    plain = tmp_path / "plain2"   # a folder holding results is refused (--resume aside): a new one each
    assert main(["refine", "--start", "rmsprop-flat", "--generations", "0", "--train", "and:2,1,1:10", "--heldout",
                 "or:2,2,1:10", "--out", str(plain), "--final-seeds", "0", "--no-figures", "--teachers", "0"]) == 0
    unclocked = Rule.load(plain / "rule.npz")
    assert unclocked.meta["adapt"] == refine.RMSPROP_FLAT and unclocked.meta["refined"]["adapt_search"] == "scale"
    assert unclocked.meta["refined"]["rate"] in refine.START_RATES
    plain = tmp_path / "plain3"
    assert main(["refine", "--start", "imitation", "--generations", "0", "--train", "and:2,1,1:10", "--heldout",
                 "or:2,2,1:10", "--out", str(plain), "--final-seeds", "0", "--no-figures", "--teachers", "0"]) == 0
    assert Rule.load(plain / "rule.npz").adapt.shape == (kernels.ADAPT_SIZE,)   # searched (--adapt scale), from the identity
    assert Rule.load(plain / "rule.npz").meta["adapt"]["p"] == 0
    j = tmp_path / "j.json"
    assert main(["judge", "--rule", str(out / "rule.npz"), str(out / "rule.npz"), "--heldout", "or:2,2,1:10",
                 "--seeds", "2", "--json", str(j)]) == 0
    d = json.loads(j.read_text())
    assert [r["name"] for r in d["rules"]] == ["rule", "rule"] and d["rules"][0]["tasks"] == d["rules"][1]["tasks"]
    hand = Rule.load(plain / "rule.npz")   # a hand-set rule is judged at its own γ too, unless told
    hand.meta = {**{k: v for k, v in hand.meta.items() if k != "refined"}, "own_rate": 0.3}
    hand.save(tmp_path / "hand.npz")
    for extra, rate in (([], 0.3), (["--rate", "2"], 2.0)):
        assert main(["judge", "--rule", str(tmp_path / "hand.npz"), "--heldout", "or:2,2,1:10", "--seeds", "2",
                     "--json", str(j), *extra]) == 0
        assert json.loads(j.read_text())["rules"][0]["tasks"][0]["rule_rate"] == rate
    # ... and a search from it starts there (no scan of START_RATES, which has no 0.2)
    hand.meta["own_rate"] = 0.2
    hand.save(tmp_path / "hand.npz")
    assert main(["refine", "--rule", str(tmp_path / "hand.npz"), "--generations", "0", "--train", "and:2,1,1:10",
                 "--heldout", "or:2,2,1:10", "--out", str(tmp_path / "from-hand"), "--final-seeds", "0", "--no-figures",
                 "--teachers", "0"]) == 0
    assert 0.2 not in refine.START_RATES
    assert Rule.load(tmp_path / "from-hand" / "rule.npz").own_rate == pytest.approx(0.2, rel=1e-12)


def test_random_teacher_pool_is_reproducible_varied_and_rotated():
    specs = refine.random_teacher_specs(12)
    assert [s.text for s in specs] == [s.text for s in refine.random_teacher_specs(12)]
    for k, s in enumerate(specs):
        assert s.text.startswith(f"teacher@{refine.POOL_SEED0 + k}:")
        n_in, *hidden, n_out = s.layers
        assert 2 <= n_in <= 10 and 1 <= len(hidden) <= 3 and all(2 <= h <= 12 for h in hidden) and 1 <= n_out <= 4
        assert s.cycles in (40, 60, 100) and s.task.X.shape == (128, n_in)
        again = refine.parse_spec(s.text)   # the text alone rebuilds the task
        assert np.array_equal(again.task.X, s.task.X) and np.array_equal(again.task.Y, s.task.Y)
    assert len({s.layers for s in specs}) >= 10 and {s.order for s in specs} == {"fixed", "shuffle"}
    picks = [refine.pool_pick(g, 12) for g in range(12)]
    assert all(len(p) == 2 for p in picks)
    assert sorted(sum(picks[:6], [])) == list(range(12)) and sorted(sum(picks[6:], [])) == list(range(12))
    assert picks[:6] != picks[6:]   # a new rotation each pass
    assert refine.pool_pick(0, 1) == [0]


def test_refine_meta_trains_on_two_pool_teachers_per_generation(tmp_path, small_rule, monkeypatch):
    from localrule.cli import main
    monkeypatch.setattr(refine, "random_teacher_specs",   # a cheap pool of the same kind
                        lambda n: [refine.parse_spec(f"teacher@{1000 + k}:3,2,2:4") for k in range(n)])
    rule_path = tmp_path / "start.npz"
    small_rule.save(rule_path)
    out = tmp_path / "ref"
    args = ["refine", "--rule", str(rule_path), "--train", "and:2,1,1:10", "--heldout", "xor:2,3,1:10",
            "--popsize", "4", "--out", str(out), "--final-seeds", "0", "--no-figures", "--teachers", "3"]
    assert main(args + ["--generations", "2"]) == 0
    hist = json.loads((out / "history.json").read_text())["history"]
    assert [h["tasks"][0] for h in hist] == ["and:2,1,1:10"] * 2
    assert all(len(h["tasks"]) == 3 == len(h["per_task"]) and h["tasks"][1].startswith("teacher@10") for h in hist)
    assert hist[0]["tasks"][1:] != hist[1]["tasks"][1:]
    assert Rule.load(out / "rule.npz").meta["refined"]["teachers"] == [f"teacher@{1000 + k}:3,2,2:4" for k in range(3)]
    assert main([a if a != "3" else "4" for a in args] + ["--generations", "3", "--resume"]) == 2
    for bad in ("-1", "x", "1001"):
        assert main(args[:-1] + [bad]) == 2


def test_robust_objective_floors_each_task_win_at_4x(small_rule, monkeypatch):
    scores = iter([-5.0, 1.0] * 3)
    monkeypatch.setattr(refine, "train_seeds", lambda *a, **k: [])
    monkeypatch.setattr(refine, "task_score", lambda res, base, objective: next(scores))
    theta = refine.flatten(small_rule)
    specs = [refine.parse_spec("and:2,1,1:5"), refine.parse_spec("or:2,1,1:5")]
    for objective, want in (("final", -2.0), ("robust", (1.0 - math.log(4.0)) / 2),
                            ("worst", 0.5 * (1.0 - math.log(4.0)) / 2 + 0.5 * 1.0)):
        space = refine.Space(small_rule, theta, np.ones_like(theta), True, 0.0, objective=objective)
        total, per = refine.evaluate_member(space, np.zeros(space.dim), specs, [None, None], [0])
        assert total == pytest.approx(want) and per == [-5.0, 1.0]


def test_the_cli_names_refines_starts_and_defaults_without_importing_the_engine():
    """The parser lists the starts and defaults as text (it must not import numba to print --help):
    they must be refine's own."""
    import contextlib
    import io
    from localrule import cli
    assert cli.REFINE_STARTS == tuple(refine.STARTS)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        cli.main(["refine", "--help"])
    text = " ".join(out.getvalue().split())
    assert f"(default {refine.DEFAULT_TEACHERS}; 0: none)" in text
    assert f"(default {refine.DEFAULT_GENERATIONS})" in text and f"{refine.DEFAULT_OBJECTIVE} (the default)" in text


def test_seeds_per_task_reach_every_generation_and_the_provenance(tmp_path, small_rule, monkeypatch):
    from localrule.cli import main
    calls = []
    real = refine.generation_seeds
    monkeypatch.setattr(refine, "generation_seeds", lambda g, k=refine.SEEDS_PER_TASK: calls.append(k) or real(g, k))
    small_rule.save(tmp_path / "start.npz")
    args = ["refine", "--rule", str(tmp_path / "start.npz"), "--train", "and:2,1,1:10", "--heldout", "xor:2,3,1:10",
            "--popsize", "4", "--out", str(tmp_path / "o"), "--final-seeds", "0", "--no-figures", "--teachers", "0"]
    assert main(args + ["--generations", "1", "--seeds-per-task", "3"]) == 0
    assert calls and set(calls) == {3}   # every generation (and the start's γ scan, for a staged rule)
    assert Rule.load(tmp_path / "o" / "rule.npz").meta["refined"]["seeds_per_task"] == 3
    assert main(args + ["--generations", "2", "--resume"]) == 2    # made with 3 seeds per task: refused
    assert main(args + ["--generations", "2", "--resume", "--seeds-per-task", "3"]) == 0


def test_accuracy_objective_charges_the_patterns_a_rule_gives_up():
    """Same J, one pattern more misclassified than backprop: the accuracy objective scores it
    worse (log of the error rates, one pattern's share added to each); the others do not see it."""
    from localrule.runs import train
    spec = refine.parse_spec("teacher@3:4,6,2:5")
    base = refine.baseline(spec, seeds=2)
    assert base.patterns == 128 and base.err is not None and 0 <= base.err <= 1
    assert refine.error_term(1.0, 0.0, 128) == 0.0
    assert refine.error_term(1 - 1 / 128, 0.0, 128) == pytest.approx(math.log(2))
    r = train(spec.task, spec.layers, 1.0, 5, 0)
    worse = type(r)(**{**r.__dict__, "accuracy": 1.0 - base.err - 1 / 128})
    same = type(r)(**{**r.__dict__, "accuracy": 1.0 - base.err})
    for objective in ("final", "robust"):
        assert refine.task_score([worse], base, objective) == refine.task_score([same], base, objective)
    assert refine.task_score([worse], base, "accuracy") == pytest.approx(
        refine.task_score([same], base, "accuracy") + math.log((base.err + 2 / 128) / (base.err + 1 / 128)))
    # a baseline from an older checkpoint has no error rate: the term is skipped
    old = refine.Baseline(base.rate, base.eff, base.test)
    assert refine.task_score([worse], old, "accuracy") == refine.task_score([worse], old, "robust")


def test_judge_measures_backprops_accuracy_at_the_budget_not_after_the_speed_up_run():
    """bp@best γ also runs 4x the cycles (for the speed-up); its accuracy must be that at the
    budget, as the rule's is, and its J(t) the same as the long run's start."""
    from localrule.runs import train_seeds
    spec = refine.parse_spec("teacher@3:4,6,2:4")
    row = refine.judge([("a", Rule.oracle("rule6"), 1.0)], [spec], seeds=5, hidden_scales=(), say=lambda m: None)[0][0]
    b = row["bp_best"]
    seeds = [refine.HELDOUT_SEED0 + 100 + k for k in range(5)]
    short = train_seeds(spec.task, spec.layers, b["rate"], spec.cycles, seeds, None)
    long = train_seeds(spec.task, spec.layers, b["rate"], 4 * spec.cycles, seeds, None)
    assert all(np.array_equal(s.J, x.J[:spec.cycles + 1]) for s, x in zip(short, long))
    assert b["accuracy"] == float(np.median([r.accuracy for r in short]))
    assert b["accuracy"] != float(np.median([r.accuracy for r in long]))   # what it used to report


def test_judge_names_tasks_where_nothing_learns_and_where_only_the_rule_leaves_the_plateau():
    """The constant output's J is ½ Σ var(targets); a task where bp@best γ and the rule both end
    on it is named (no verdict there tells rules apart), as is one where only backprop stays."""
    Y = np.array([[0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]])
    assert tasks.Task("t", np.zeros((4, 2)), Y).plateau == pytest.approx(0.5 * (0.25 + 0.25))
    def row(label, bp, rule):
        return {"task": label, "label": label, "cycles": 10, "order": "fixed", "seeds": 3, "rule_rate": 0.4,
                "rule": {"median": rule, "q25": rule, "q75": rule, "diverged": 0, "accuracy": None},
                "bp023": {"median": bp}, "bp_best": {"median": bp, "rate": 1.0, "accuracy": None},
                "two_rate": {"median": bp, "rate": 1.0, "hidden_scale": 1.0}, "flat_bp": None,
                "ratio_vs_best": None if rule is None else rule / bp, "speedup": 1.0, "speedup_lower_bound": False,
                "seed_wins": 0, "ratio_ci": [1.0, 1.0], "reach_share": None, "plateau": 0.25}
    stuck, left, learns, diverged = (row("stuck", 0.25, 0.2499), row("left", 0.2499, 0.01), row("learns", 0.1, 0.05),
                                     row("diverged", 0.25, None))
    assert [refine.nothing_learns(r) for r in (stuck, left, learns, diverged)] == [True, False, False, False]
    lines = refine.judge_table([stuck, left, learns, diverged]).splitlines()
    assert lines[-2].startswith("nothing learns on stuck 10:")
    assert lines[-1].endswith("stays on it: left 10, diverged 10")
    assert len(refine.judge_table([learns]).splitlines()) == 2   # no note where every method learns


def test_judge_rows_record_the_plateau():
    rows = refine.judge([("a", Rule.oracle("rule6"), 0.5)], [refine.parse_spec("and:2,1,1:5")], seeds=2,
                        hidden_scales=(), say=lambda m: None)[0]
    assert rows[0]["plateau"] == pytest.approx(0.5 * 0.75 * 0.25)   # AND: one target of four is 1
    assert rows[0]["nothing_learns"] == refine.nothing_learns(rows[0])


def test_an_interrupted_judge_resumes_to_the_same_json(small_rule, tmp_path, monkeypatch, capsys):
    """Each finished task is kept in JSON.partial; --resume skips those and ends with the JSON an
    uninterrupted run writes, bit for bit, and removes the checkpoint."""
    from localrule.cli import main
    rule = tmp_path / "r.npz"
    small_rule.save(rule)
    cmd = ["judge", "--rule", str(rule), "--heldout", "and:2,1,1:5", "or:2,2,1:5", "xor:2,2,1:5", "--seeds", "2"]
    assert main([*cmd, "--json", str(tmp_path / "whole.json")]) == 0
    real, calls = refine.tune, []

    def interrupt_third_task(*a, **k):   # the judge tunes backprop once per task (no flat baseline here)
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*a, **k)
    monkeypatch.setattr(refine, "tune", interrupt_third_task)
    out = tmp_path / "cut.json"
    capsys.readouterr()
    assert main([*cmd, "--json", str(out)]) == 130
    assert "2 of 3 tasks are kept in" in capsys.readouterr().err and not out.exists()
    part = tmp_path / "cut.json.partial"
    assert sorted(json.loads(part.read_text())["done"]) == ["0", "1"]
    monkeypatch.setattr(refine, "tune", real)
    assert main([*cmd, "--json", str(out)]) == 2   # a fresh run would lose the kept tasks
    assert "--resume continues it" in capsys.readouterr().err and part.exists()
    for other in (["--seeds", "3"], ["--heldout", "and:2,1,1:5"], ["--rate", "0.5"]):
        assert main([*cmd, *other, "--json", str(out), "--resume"]) == 2
        assert "other settings" in capsys.readouterr().err
    assert main([*cmd, "--json", str(out), "--resume"]) == 0
    assert out.read_bytes() == (tmp_path / "whole.json").read_bytes() and not part.exists()


def test_judge_resume_refuses_what_it_cannot_continue(small_rule, tmp_path, capsys):
    from localrule.cli import main
    rule = tmp_path / "r.npz"
    small_rule.save(rule)
    cmd = ["judge", "--rule", str(rule), "--heldout", "and:2,1,1:5", "--seeds", "1"]
    assert main([*cmd, "--resume"]) == 2 and "give its --json" in capsys.readouterr().err
    assert main([*cmd, "--json", str(tmp_path / "j.json"), "--resume"]) == 2
    assert "nothing to resume" in capsys.readouterr().err
    part = tmp_path / "j.json.partial"
    setup = refine.judge_setup([rule], [0.23], 1, ["and:2,1,1:5"])
    for junk in (b"", b"{}", b"[1]", bytes(range(256)),
                 json.dumps({"format": refine.JUDGE_CHECKPOINT, "setup": setup, "done": {"7": [{}]}}).encode()):
        part.write_bytes(junk)
        assert main([*cmd, "--json", str(tmp_path / "j.json"), "--resume"]) == 2
        err = capsys.readouterr().err
        assert "not a judge checkpoint" in err and err.count("\n") == 1 and part.read_bytes() == junk
