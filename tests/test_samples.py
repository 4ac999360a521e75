"""Sample files: round trip, consistency with the maths, loader errors, per-link tuples."""

from __future__ import annotations

import math

import numpy as np
import pytest

from localrule import files, layout, learner, reference, runs, samples, tasks
from localrule.layout import UsageError
from conftest import sig

SIZES = (2, 3, 2, 1)
RATE, CYCLES, SEED, EVERY = 0.5, 7, 3, 3


def _meta(sizes=SIZES, task="and", rate=RATE, seed=SEED, cycles=CYCLES, every=EVERY, rows=None):
    return {"layers": list(sizes), "task": task, "rate": rate, "seed": seed, "cycles": cycles,
            "every": every, **({} if rows is None else {"rows": rows})}


@pytest.fixture(scope="module")
def run():
    return runs.train(tasks.load_task("and"), SIZES, RATE, CYCLES, SEED, sample_every=EVERY)


@pytest.fixture(scope="module")
def run1():
    """Every step sampled."""
    return runs.train(tasks.load_task("xor"), SIZES, RATE, 5, SEED, sample_every=1)


@pytest.fixture
def sample_file(tmp_path, run):
    path = tmp_path / "s.npz"
    samples.save_samples(path, run.samples, _meta(rows=run.samples["w"].shape[0]))
    return path


# ---------------------------------------------------------------------------------------------
# round trip


def test_round_trip_identical(sample_file, run):
    meta, fields = samples.load_samples(sample_file)
    assert meta["format"] == samples.SAMPLES_FORMAT and meta["version"] == samples.SAMPLES_VERSION
    assert meta["layers"] == list(SIZES) and meta["task"] == "and"
    assert meta["rate"] == RATE and meta["seed"] == SEED and meta["cycles"] == CYCLES and meta["every"] == EVERY
    assert set(fields) == set(samples.field_widths(SIZES))
    for k, v in run.samples.items():
        assert fields[k].dtype == np.float64
        assert np.array_equal(fields[k], v, equal_nan=True), k
    # nothing left behind by the atomic write
    assert sorted(p.name for p in sample_file.parent.iterdir()) == ["s.npz"]


@pytest.mark.parametrize("every,cycles", [(1, 3), (3, 7), (4, 5), (5, 2), (100, 3)])
def test_row_count_is_ceil_steps_over_every(every, cycles):
    r = runs.train(tasks.load_task("and"), SIZES, RATE, cycles, SEED, sample_every=every)
    steps = cycles * 4
    assert r.samples["w"].shape == (math.ceil(steps / every), layout.n_weights(SIZES))
    for k, width in samples.field_widths(SIZES).items():
        assert r.samples[k].shape == (math.ceil(steps / every), width)


def test_no_sampling_means_no_samples():
    assert runs.train(tasks.load_task("and"), SIZES, RATE, 2, SEED).samples is None


def test_sampled_fields_follow_the_maths(run):
    f = run.samples
    task = tasks.load_task("and")
    rows = f["w"].shape[0]
    aoff, boff, woff = layout.offsets(SIZES)
    P = task.X.shape[0]
    for r in range(rows):
        p = (r * EVERY) % P
        assert np.array_equal(f["x"][r], task.X[p]) and np.array_equal(f["ev"][r], task.Y[p])
    acts = np.hstack([f["x"], sig(f["in"])])
    # f'(in) = f(in)(1 - f(in)); out = f(in) of the last layer
    np.testing.assert_allclose(f["fprime"], sig(f["in"]) * (1 - sig(f["in"])), rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(f["out"], sig(f["in"][:, boff[-2]:]), rtol=1e-13, atol=1e-16)
    # Δθ = γ δ and Δw_ij = γ δ_i x_j (rule 3) in every layer
    np.testing.assert_allclose(f["dtheta"], RATE * f["delta"], rtol=1e-13, atol=1e-17)
    for l in range(len(SIZES) - 1):
        dW = f["dw"][:, woff[l]:woff[l + 1]].reshape(rows, SIZES[l + 1], SIZES[l])
        outer = f["delta"][:, boff[l]:boff[l + 1], None] * acts[:, None, aoff[l]:aoff[l + 1]]
        np.testing.assert_allclose(dW, RATE * outer, rtol=1e-13, atol=1e-17)
    # the state is the one before the update: in and δ follow from (w, θ, x, ev) by rules 1, 5, 6
    for r in range(rows):
        Ws, bs = layout.weight_matrices(SIZES, f["w"][r]), layout.bias_vectors(SIZES, f["theta"][r])
        xs, ins = reference.forward(Ws, bs, f["x"][r])
        np.testing.assert_allclose(f["in"][r], np.concatenate(ins), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(f["delta"][r], np.concatenate(reference.deltas(Ws, xs, f["ev"][r])),
                                   rtol=1e-12, atol=1e-16)
    w0, b0 = layout.init_params(SIZES, SEED)
    assert np.array_equal(f["w"][0], w0) and np.array_equal(f["theta"][0], b0)
    assert np.any(f["dw"] != 0)


def test_every_step_rows_chain(run1):
    """With --every 1, row r+1's state is row r's state plus row r's update."""
    f = run1.samples
    assert np.array_equal(f["w"][1:], f["w"][:-1] + f["dw"][:-1])
    assert np.array_equal(f["theta"][1:], f["theta"][:-1] + f["dtheta"][:-1])
    assert np.array_equal(run1.w, f["w"][-1] + f["dw"][-1])


# ---------------------------------------------------------------------------------------------
# the loader refuses everything that is not a good sample file, with one clear line


def _bad_files(tmp_path, run):
    good = run.samples
    meta = _meta()
    out = {}
    out["missing"] = tmp_path / "nope.npz"
    p = tmp_path / "text.npz"
    p.write_text("this is not a zip file\n")
    out["not npz"] = p
    p = tmp_path / "empty.npz"
    p.write_bytes(b"")
    out["empty file"] = p
    p = tmp_path / "nometa.npz"
    np.savez(p, **good)
    out["no metadata"] = p
    p = tmp_path / "badmeta.npz"
    np.savez(p, meta=np.array("{not json"), **good)
    out["metadata not json"] = p
    p = tmp_path / "tuples.npz"
    samples.save_tuples(p, samples.link_tuples(SIZES, good), ["x"])
    out["tuple file"] = p
    p = tmp_path / "rule.npz"
    learner.Rule("local", samples.TUPLE_FIELDS, (4, 1), np.ones(4), np.ones(1), np.zeros(4), np.ones(4),
                 np.zeros(1), np.ones(1)).save(p)
    out["rule file"] = p
    p = tmp_path / "v2.npz"
    files.save_npz(p, samples.SAMPLES_FORMAT, 2, meta, good)
    out["version 2"] = p
    p = tmp_path / "nolayers.npz"
    files.save_npz(p, samples.SAMPLES_FORMAT, 1, {k: v for k, v in meta.items() if k != "layers"}, good)
    out["no layers in meta"] = p
    p = tmp_path / "badlayers.npz"
    files.save_npz(p, samples.SAMPLES_FORMAT, 1, {**meta, "layers": [2, 0, 1]}, good)
    out["bad layers in meta"] = p
    p = tmp_path / "otherlayers.npz"
    files.save_npz(p, samples.SAMPLES_FORMAT, 1, {**meta, "layers": [2, 4, 1]}, good)
    out["layers not matching arrays"] = p
    p = tmp_path / "width.npz"
    files.save_npz(p, samples.SAMPLES_FORMAT, 1, meta, {**good, "dw": good["dw"][:, :-1]})
    out["wrong width"] = p
    p = tmp_path / "rows.npz"
    files.save_npz(p, samples.SAMPLES_FORMAT, 1, meta, {**good, "delta": good["delta"][:-1]})
    out["ragged rows"] = p
    p = tmp_path / "missing_array.npz"
    files.save_npz(p, samples.SAMPLES_FORMAT, 1, meta, {k: v for k, v in good.items() if k != "fprime"})
    out["missing array"] = p
    p = tmp_path / "ints.npz"
    files.save_npz(p, samples.SAMPLES_FORMAT, 1, meta, {**good, "x": good["x"].astype(np.int64)})
    out["integer array"] = p
    return out


BAD = ["missing", "not npz", "empty file", "no metadata", "metadata not json", "tuple file", "rule file",
       "version 2", "no layers in meta", "bad layers in meta", "layers not matching arrays", "wrong width",
       "ragged rows", "missing array", "integer array"]


@pytest.mark.parametrize("kind", BAD)
def test_loader_usage_errors(tmp_path, run, kind):
    path = _bad_files(tmp_path, run)[kind]
    with pytest.raises(UsageError) as e:
        samples.load_samples(path)
    msg = str(e.value)
    assert "\n" not in msg and str(path) in msg, msg


def test_loader_error_messages_say_what_is_wrong(tmp_path, run):
    bad = _bad_files(tmp_path, run)
    expect = {"missing": "no such file", "not npz": "not a readable", "no metadata": "no metadata",
              "tuple file": samples.TUPLES_FORMAT, "rule file": learner.RULE_FORMAT, "version 2": "version 2",
              "wrong width": "'dw'", "missing array": "'fprime'"}
    for kind, text in expect.items():
        with pytest.raises(UsageError, match=text):
            samples.load_samples(bad[kind])


@pytest.mark.parametrize("key, value", [("test_share", v) for v in (0, 100, -5, 250, float("nan"), True, "20", None,
                                                                   [20])]
                         + [("test_csv", v) for v in (3, None, ["t.csv"], {"path": "t.csv"}, True)])
def test_a_recorded_test_set_that_is_not_one_is_refused_on_load(tmp_path, run, key, value):
    """What reloads a task's test set (a test CSV, a share of held-out rows) is checked on load,
    so nothing later reads a share of 250% or a path that is a number."""
    p = tmp_path / "s.npz"
    files.save_npz(p, samples.SAMPLES_FORMAT, 1, {**_meta(), key: value}, run.samples)
    with pytest.raises(UsageError, match=key):
        samples.load_samples(p)
    files.save_npz(p, samples.SAMPLES_FORMAT, 1, {**_meta(), "test_csv": "t.csv", "test_share": 12.5}, run.samples)
    assert samples.recorded_recipe(samples.load_samples(p)[0]) == {"test_csv": "t.csv", "test_share": 12.5}


def test_a_held_out_task_loads_again_from_its_record(tmp_path):
    """``Task.recipe`` and ``load_recorded``: the same training and test rows, for any seeded share."""
    path = tmp_path / "d.csv"
    path.write_text("a,b,t\n" + "".join(f"{i},{i % 7},{i % 2}\n" for i in range(30)))
    for share in (10, 33.3, 50, 90):
        task = tasks.hold_out(tasks.load_task(str(path)), share)
        again = samples.load_recorded({"task": task.spec, **task.recipe}, task.spec, 1)
        assert task.recipe == {"test_share": share}
        for a, b in ((task.X, again.X), (task.X_test, again.X_test), (task.Y, again.Y)):
            np.testing.assert_array_equal(a, b)
    assert tasks.load_task("and").recipe == {}


def test_loader_rejects_one_dimensional_field(tmp_path, run):
    p = tmp_path / "flat.npz"
    files.save_npz(p, samples.SAMPLES_FORMAT, 1, _meta(), {**run.samples, "w": run.samples["w"][0]})
    with pytest.raises(UsageError):
        samples.load_samples(p)


# ---------------------------------------------------------------------------------------------
# per-link tuples (rule 6 neighbourhoods)


def test_link_tuples_count_and_values(run):
    f = run.samples
    rows = f["w"].shape[0]
    t = samples.link_tuples(SIZES, f)
    per_row = sum(SIZES[l] * (SIZES[l - 1] + 1) * SIZES[l + 1] for l in range(1, len(SIZES) - 1))
    assert per_row == 3 * 3 * 2 + 2 * 4 * 1
    for k in (*samples.TUPLE_FIELDS, "target"):
        assert t[k].shape == (rows * per_row,)
    np.testing.assert_array_equal(t["target"], t["x"] * t["fprime"] * t["w"] * t["delta"])

    # independent construction, by loops, in the (row, i, h, j) order of the blocks per layer
    aoff, boff, woff = layout.offsets(SIZES)
    acts = np.hstack([f["x"], sig(f["in"])])
    k = 0
    for l in range(1, len(SIZES) - 1):
        n, nup, ndown = SIZES[l], SIZES[l + 1], SIZES[l - 1]
        block = {name: t[name][k:k + rows * n * nup * (ndown + 1)].reshape(rows, n, nup, ndown + 1)
                 for name in (*samples.TUPLE_FIELDS, "target")}
        k += rows * n * nup * (ndown + 1)
        for r in range(rows):
            for i in range(n):
                a = acts[r, aoff[l] + i]
                for h in range(nup):
                    wv = f["w"][r, woff[l] + h * n + i]
                    d = f["delta"][r, boff[l] + h]
                    for j in range(ndown + 1):
                        x = acts[r, aoff[l - 1] + j] if j < ndown else 1.0
                        got = [block[name][r, i, h, j] for name in ("x", "w", "delta", "fprime", "target")]
                        np.testing.assert_allclose(got, [x, wv, d, a * (1 - a), x * a * (1 - a) * wv * d],
                                                   rtol=1e-13, atol=1e-18)
        # rule 6: summing the bias tuples (x_j = 1) over h gives the hidden neuron's δ_i
        np.testing.assert_allclose(block["target"][..., -1].sum(axis=2), f["delta"][:, boff[l - 1]:boff[l]],
                                   rtol=1e-12, atol=1e-17)
    assert k == t["x"].shape[0]


def test_link_tuples_need_a_hidden_layer():
    r = runs.train(tasks.load_task("and"), (2, 1), RATE, 2, SEED, sample_every=1)
    with pytest.raises(UsageError, match="no hidden links"):
        samples.link_tuples((2, 1), r.samples)


def test_tuple_file_round_trip_and_subset(tmp_path, sample_file, run):
    pool, names = samples.tuples_from_files([sample_file])
    assert names == [str(sample_file)]
    full = samples.link_tuples(SIZES, run.samples)
    for k in full:
        assert np.array_equal(pool[k], full[k])
    sub, _ = samples.tuples_from_files([sample_file], max_tuples=50, seed=1)
    assert sub["x"].shape == (50,)
    np.testing.assert_array_equal(sub["target"], sub["x"] * sub["fprime"] * sub["w"] * sub["delta"])
    p = tmp_path / "t.npz"
    samples.save_tuples(p, pool, names)
    meta, data = samples.load_tuples(p)
    assert meta["format"] == samples.TUPLES_FORMAT and meta["rows"] == pool["x"].shape[0]
    for k in pool:
        assert np.array_equal(data[k][:, 0], pool[k])
    # tuple files pool with sample files; a sample file is not a tuple file
    both, _ = samples.tuples_from_files([p, sample_file])
    assert both["x"].shape[0] == 2 * pool["x"].shape[0]
    with pytest.raises(UsageError, match=str(sample_file)):
        samples.load_tuples(sample_file)


def test_cli_sample_file_round_trip(tmp_path, cli):
    path = tmp_path / "cli.npz"
    rc, out, err = cli("backprop", "--task", "xor", "--layers", "2,3,2,1", "--rate", "0.4", "--cycles", "6",
                       "--seed", "9", "--sample", path, "--every", "5")
    assert rc == 0 and err == "" and "backprop xor 2-3-2-1 seed 9" in out
    meta, fields = samples.load_samples(path)
    assert meta["format"] == samples.SAMPLES_FORMAT and meta["version"] == samples.SAMPLES_VERSION
    assert (meta["layers"], meta["task"], meta["rate"], meta["seed"], meta["cycles"], meta["every"]) == \
        ([2, 3, 2, 1], "xor", 0.4, 9, 6, 5)
    assert meta["rows"] == math.ceil(6 * 4 / 5) == fields["w"].shape[0]
    again = runs.train(tasks.load_task("xor"), (2, 3, 2, 1), 0.4, 6, 9, sample_every=5)
    for k, v in again.samples.items():
        assert np.array_equal(fields[k], v), k


# the stride covers every pattern, whatever --every is

@pytest.mark.parametrize("every,patterns", [(1, 4), (2, 4), (4, 4), (10, 40), (8, 40), (6, 9), (7, 1), (3, 100)])
def test_covering_stride_is_the_smallest_coprime_stride(every, patterns):
    k = samples.covering_stride(every, patterns)
    assert k >= every and math.gcd(k, patterns) == 1
    assert all(math.gcd(j, patterns) > 1 for j in range(every, k))


def test_cli_every_10_on_the_square_task_records_every_pattern(tmp_path, cli):
    """Every 10th of 40 patterns would record only patterns 0, 10, 20, 30; the stride becomes 11."""
    path = tmp_path / "sq.npz"
    rc, out, err = cli("backprop", "--task", "square", "--layers", "2,5,2", "--cycles", "12",
                       "--sample", path, "--every", "10")
    assert rc == 0, err
    meta, fields = samples.load_samples(path)
    assert meta["every"] == 11 and meta["every_asked"] == 10 and "coprime" in meta["stride"]
    X = tasks.load_task("square").X
    seen = {int(np.flatnonzero(np.all(X == x, axis=1))[0]) for x in fields["x"]}
    assert seen == set(range(40))
