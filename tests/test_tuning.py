"""Issue 12: pattern order, per-layer rates, tuned backprop."""

import numpy as np
import pytest

from localrule import runs, tasks
from localrule.layout import UsageError


def _same(a, b):
    assert np.array_equal(a.J, b.J, equal_nan=True)
    assert np.array_equal(a.w, b.w) and np.array_equal(a.b, b.b)


def test_unit_layer_rates_and_fixed_order_reproduce_the_plain_kernel():
    task = tasks.load_task("square")
    plain = runs.train(task, (2, 5, 2), 0.5, 40, 3)
    ones = runs.train(task, (2, 5, 2), 0.5, 40, 3, layer_rate=[1.0, 1.0])
    _same(plain, ones)


def test_two_rate_backprop_is_backprop_with_the_hidden_step_scaled():
    """One step of two-rate backprop: output layer moves by γ·δx, hidden layer by s·γ·δx."""
    task = tasks.load_task("xor")
    sizes = (2, 3, 1)
    base = runs.train(task, sizes, 0.5, 1, 0, sample_every=1)
    scaled = runs.train(task, sizes, 0.5, 1, 0, layer_rate=runs.hidden_scaled(sizes, 3.0), sample_every=1)
    dw0, dw1 = base.samples["dw"][0], scaled.samples["dw"][0]
    np.testing.assert_allclose(dw1[:6], 3.0 * dw0[:6], rtol=1e-14)
    np.testing.assert_array_equal(dw1[6:], dw0[6:])
    assert not np.array_equal(base.J, scaled.J)


def test_shuffled_order_is_seeded_differs_from_fixed_and_batches_alike():
    task = tasks.load_task("square")
    a = runs.train(task, (2, 5, 2), 0.5, 30, 4, order="shuffle")
    b = runs.train(task, (2, 5, 2), 0.5, 30, 4, order="shuffle")
    fixed = runs.train(task, (2, 5, 2), 0.5, 30, 4)
    _same(a, b)
    assert a.J[0] == fixed.J[0] and not np.array_equal(a.J, fixed.J)
    batch = runs.train_seeds(task, (2, 5, 2), 0.5, 30, [4, 5, 6], order="shuffle")
    _same(batch[0], a)
    _same(batch[1], runs.train(task, (2, 5, 2), 0.5, 30, 5, order="shuffle"))
    assert a.to_json()["order"] == "shuffle" and "order" not in fixed.to_json()


def test_shuffle_visits_every_pattern_once_per_cycle():
    """With a one-pattern-at-a-time sampled run, each cycle's inputs are a permutation of X."""
    task = tasks.load_task("square")
    r = runs.train(task, (2, 3, 2), 0.3, 3, 0, sample_every=1, order="shuffle")
    x = r.samples["x"]
    n = task.X.shape[0]
    for c in range(3):
        got = x[c * n:(c + 1) * n]
        assert sorted(map(tuple, got)) == sorted(map(tuple, task.X))
    assert not np.array_equal(x[:n], task.X)


def test_bad_order_and_layer_rates_are_usage_errors():
    task = tasks.load_task("and")
    with pytest.raises(UsageError):
        runs.train(task, (2, 1, 1), 0.5, 2, 0, order="random")
    with pytest.raises(UsageError):
        runs.train(task, (2, 1, 1), 0.5, 2, 0, layer_rate=[1.0])


def test_tune_finds_the_grid_minimum_and_reports_it(tmp_path):
    from localrule import tuning
    task = tasks.load_task("and")
    t = tuning.tune(task, (2, 1, 1), 200, rates=(0.23, 2.0, 8.0), seeds=3)
    meds = {s.rate: s.median for s in t.settings}
    assert t.best.rate == min(meds, key=meds.get)
    assert meds[8.0] < meds[0.23]          # AND learns faster at a larger step: the point of tuning
    assert t.to_json()["best"]["rate"] == t.best.rate
    curve = tuning.median_curve(t.best.results)
    reach = tuning.cycles_to_reach(curve, meds[0.23])
    assert reach is not None and reach < 200


def test_tune_cli_writes_json_and_figure(tmp_path):
    import json
    from localrule.cli import main
    out, fig = tmp_path / "t.json", tmp_path / "t.png"
    assert main(["tune", "--task", "xor", "--layers", "2,3,1", "--cycles", "20", "--rates", "0.5,2",
                 "--hidden-scales", "1,2", "--seeds", "2", "--json", str(out), "--figure", str(fig)]) == 0
    d = json.loads(out.read_text())
    assert len(d["settings"]) == 4 and fig.stat().st_size > 1000
    assert main(["tune", "--task", "and", "--layers", "2,1", "--hidden-scales", "2"]) == 2
    assert main(["tune", "--task", "and", "--layers", "2,1,1", "--rates", "0,1"]) == 2


@pytest.mark.parametrize("grid", [(0.25, 0.5), (512.0, 1024.0)])
def test_a_best_gamma_on_the_grids_edge_is_widened_until_it_is_an_optimum(grid):
    """The judge's "bp@best γ" must be an optimum, not where the grid stopped: on AND 2-1-1 the
    best γ lies between these grids' rates, so widening must step past either edge."""
    from localrule import tuning
    task = tasks.load_task("and")
    plain = tuning.tune(task, (2, 1, 1), 100, rates=grid, seeds=2)
    assert plain.on_edge() and "grid's edge" in plain.table()
    wide = tuning.tune(task, (2, 1, 1), 100, rates=grid, seeds=2, widen=True)
    assert [s.median for s in wide.settings[:2]] == [s.median for s in plain.settings[:2]]
    added = [s.rate for s in wide.settings[2:]]
    step = 2.0 if grid[0] < 1 else 0.5
    edge = grid[1] if step > 1 else grid[0]
    assert added == [edge * step ** k for k in range(1, len(added) + 1)] and 2 <= len(added) <= tuning.WIDEN_STEPS
    assert wide.best_one_rate().median < plain.best_one_rate().median
    assert wide.settings[-1].median > wide.best_one_rate().median   # the last step ended higher
    assert not wide.on_edge() and "grid's edge" not in wide.table()
