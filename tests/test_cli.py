"""The command line: results, the learn/train/tuples flow, and one-line errors for every bad input."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys

import numpy as np
import pytest

import conftest
from localrule import learner, runs, samples, tasks
from localrule.layout import UsageError, parse_layers
from localrule.cli import build_parser, main
from conftest import J_mean, assert_one_line_error, snapshot

RESULT_KEYS = {"task", "layers", "mode", "seed", "rate", "cycles", "J", "J_test", "final_J", "accuracy",
               "diverged", "seconds"}
VERBS = ("backprop", "learn", "train", "tuples", "compare", "reproduce", "transfer", "tune", "refine", "judge")


def strict_json(path):
    """Parse a JSON file, refusing NaN/Infinity (which are not JSON)."""
    def bad(c):
        raise ValueError(f"non-standard JSON constant {c}")
    return json.loads(open(path).read(), parse_constant=bad)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """Run every CLI test inside its own folder, so stray writes to the cwd are caught too."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    """Input files for the CLI: sample files, rules, tuples, CSVs, and a file that must survive."""
    d = tmp_path_factory.mktemp("assets")
    a = conftest.write_input_files(d, "a_folder")
    a["keep"] = a["keep.json"]
    a["corrupt"] = d / "corrupt.npz"
    raw = a["full_rule"].read_bytes()
    a["corrupt"].write_bytes(raw[: len(raw) // 2])
    csvs = {
        "ragged.csv": "a,b,t\n0,0,0\n0,1\n",
        "nonnum.csv": "a,b,t\n0,0,0\n0,one,1\n",
        "nan.csv": "a,b,t\n0,0,0\n0,nan,1\n",
        "header_only.csv": "a,b,t\n",
        "empty.csv": "",
        "three_in.csv": "a,b,c,t\n0,0,0,0\n1,1,1,1\n",
    }
    for name, text in csvs.items():
        a[name] = d / name
        a[name].write_text(text)
    a["binary.csv"] = d / "binary.csv"
    a["binary.csv"].write_bytes(b"\xff\xfe\x00\x81garbage\x00\xc3")
    a["dir.csv"] = d / "dir.csv"
    a["dir.csv"].mkdir()
    return a


# ---------------------------------------------------------------------------------------------
# results


def test_backprop_json_result(tmp_path, cli):
    out = tmp_path / "r.json"
    rc, so, se = cli("backprop", "--task", "and", "--layers", "2,1,1", "--cycles", 50, "--json", out)
    assert rc == 0 and se == ""
    assert so.startswith("backprop and 2-1-1 seed 0: final J") and so.count("\n") == 1
    d = strict_json(out)
    assert RESULT_KEYS <= set(d)
    assert d["task"] == "and" and d["layers"] == [2, 1, 1] and d["mode"] == "backprop"
    assert d["seed"] == 0 and d["rate"] == 0.23 and d["cycles"] == 50
    assert len(d["J"]) == 51 and d["J_test"] is None
    assert d["final_J"] == d["J"][-1] and d["diverged"] is False
    assert 0.0 <= d["accuracy"] <= 1.0 and d["seconds"] >= 0
    api = runs.train(tasks.load_task("and"), (2, 1, 1), 0.23, 50, 0)
    assert d["J"] == api.J.tolist()
    assert sorted(os.listdir(tmp_path)) == ["r.json"]


def test_backprop_square_has_test_error_and_accuracy(tmp_path, cli):
    out = tmp_path / "sq.json"
    rc, so, se = cli("backprop", "--task", "square", "--layers", "2,5,2", "--cycles", 20, "--seed", 4,
                     "--rate", "0.5", "--json", out)
    assert rc == 0 and se == "" and "test J" in so and "accuracy" in so
    d = strict_json(out)
    assert d["layers"] == [2, 5, 2] and d["seed"] == 4 and d["rate"] == 0.5
    assert isinstance(d["J_test"], list) and len(d["J_test"]) == 21
    t = tasks.load_task("square")
    from localrule.layout import init_params
    w0, b0 = init_params((2, 5, 2), 4)
    assert d["J_test"][0] == pytest.approx(J_mean((2, 5, 2), w0, b0, t.X_test, t.Y_test), abs=1e-12)
    assert isinstance(d["accuracy"], float) and 0.0 <= d["accuracy"] <= 1.0


def test_backprop_no_hidden_layer_and_csv_task(tmp_path, cli, assets):
    out = tmp_path / "c.json"
    rc, so, se = cli("backprop", "--task", assets["good.csv"], "--layers", "2,0,1", "--cycles", 30,
                     "--test-csv", assets["good.csv"], "--json", out)
    assert rc == 0 and se == "" and "backprop good 2-1 seed 0" in so
    d = strict_json(out)
    assert d["task"] == "good" and d["layers"] == [2, 1] and len(d["J_test"]) == 31
    assert d["J_test"] == d["J"]


def test_shipped_data_sets_are_task_names_for_every_verb(tmp_path, cli, assets, monkeypatch):
    """wine, iris and moons (samples/) work wherever a task does, as in refine's and judge's specs,
    know their own targets, take no test CSV, and no output may replace their files."""
    import shutil
    from localrule.refine import parse_spec
    w = tasks.load_task("Wine")
    assert w.X.shape == (178, 13) and w.Y.shape == (178, 3) and w.X_test is None
    assert tasks.load_task("iris").Y.shape == (150, 3)
    m = tasks.load_task("moons")
    assert m.name == "moons_train" and m.Y.shape[1] == 1 and m.X_test.shape == (200, 2)
    assert np.array_equal(parse_spec("moons:2,8,1").task.X_test, m.X_test)
    out = tmp_path / "w.json"
    rc, so, se = cli("backprop", "--task", "wine", "--layers", "13,4,3", "--cycles", 3, "--json", out)
    assert rc == 0 and se == "" and strict_json(out)["task"] == "wine"
    rc, so, se = cli("tune", "--task", "iris", "--layers", "4,3,3", "--cycles", 2, "--seeds", 1, "--rates", "1")
    assert rc == 0, se
    rc, _, se = cli("backprop", "--task", "wine", "--layers", "13,4,3", "--test-csv", assets["good.csv"])
    assert_one_line_error(rc, se)
    assert "takes no test CSV" in se
    shutil.copy(tasks.SAMPLES_DIR / "wine.csv", tmp_path / "wine.csv")     # a copy stands in for samples/
    monkeypatch.setattr(tasks, "SAMPLES_DIR", tmp_path)
    before = (tmp_path / "wine.csv").read_bytes()
    rc, _, se = cli("backprop", "--task", "wine", "--layers", "13,4,3", "--cycles", 3, "--json", tmp_path / "wine.csv")
    assert_one_line_error(rc, se)
    assert (tmp_path / "wine.csv").read_bytes() == before
    assert tasks.task_files("and") == [] and tasks.task_files("my.csv") == ["my.csv"]


def test_random_teachers_are_task_names_for_every_verb(tmp_path, cli, assets):
    """teacher@SEED (the confirmation tasks of docs/beyond/README.md) works wherever a task does, with the net's
    layers as the teacher's shape: the same task refine's and judge's specs build."""
    from localrule.refine import parse_spec
    t = tasks.load_task("teacher@21", layers=(7, 9, 2))
    s = parse_spec("teacher@21:7,9,2:100:shuffle").task
    assert t.name == "teacher21" and t.X.shape == (tasks.TEACHER_PATTERNS, 7) and t.Y.shape[1] == 2
    assert np.array_equal(t.X, s.X) and np.array_equal(t.Y, s.Y)
    assert not np.array_equal(tasks.load_task("teacher@22", layers=(7, 9, 2)).Y, t.Y)
    assert tasks.load_task("teacher", layers=(3, 2, 1)).name == "teacher0" and tasks.task_files("teacher@5") == []
    out = tmp_path / "t.json"
    rc, so, se = cli("backprop", "--task", "teacher@21", "--layers", "7,4,2", "--cycles", 3, "--json", out)
    assert rc == 0 and se == "" and strict_json(out)["task"] == "teacher21"
    rc, so, se = cli("tune", "--task", "teacher@3", "--layers", "3,2,1", "--cycles", 2, "--seeds", 1, "--rates", "1")
    assert rc == 0, se
    for argv, words in ((("backprop", "--task", "teacher@21", "--layers", "7,4,2", "--test-csv", assets["good.csv"]),
                         "takes no test CSV"),
                        (("tune", "--task", "teacher@21", "--layers", "7,4,2", "--test-csv", assets["good.csv"]),
                         "takes no test CSV"),
                        (("tune", "--task", "teacher@21"), "--layers is required")):
        rc, _, se = cli(*argv)
        assert_one_line_error(rc, se)
        assert words in se
    with pytest.raises(UsageError, match="needs the net's layers"):
        tasks.load_task("teacher@21")


@pytest.mark.parametrize("name", ["teacher@", "teacher@x", "teacher@-1", "teacher@1.5", "teacher@1234567890",
                                  "teacher@ 3", "Teacher@@2"])
def test_a_malformed_teacher_name_is_one_line_error(cli, name):
    rc, _, se = cli("backprop", "--task", name, "--layers", "2,2,1", "--cycles", 2)
    assert_one_line_error(rc, se)
    assert "teacher@SEED" in se


def test_divergence_is_a_result_on_the_cli(tmp_path, cli):
    out = tmp_path / "div.json"
    rc, so, se = cli("backprop", "--task", "xor", "--layers", "2,3,1", "--rate", "1e6", "--cycles", 20, "--json", out)
    assert rc == 0 and se == "" and "diverged at cycle" in so
    d = strict_json(out)
    assert d["diverged"] is True and isinstance(d["diverged_at"], int) and d["final_J"] is None
    assert d["accuracy"] is None and len(d["J"]) == 21 and d["J"][d["diverged_at"]] is None


# ---------------------------------------------------------------------------------------------
# learn -> train, tuples


def test_learn_full_then_train(tmp_path, cli, assets):
    rule, hist = tmp_path / "full.npz", tmp_path / "learn.json"
    rc, so, se = cli("learn", "--mode", "full", "--samples", assets["s211"], "--cycles", 20, "--out", rule,
                     "--json", hist)
    assert rc == 0 and se == ""
    assert so.startswith("learned full rule 9-2-5 from 120 rows") and str(rule) in so
    r = learner.Rule.load(rule)
    assert r.mode == "full" and r.layers == (2, 1, 1) and r.lsizes == (9, 2, 5)
    h = strict_json(hist)
    assert h["mode"] == "full" and len(h["J"]) == 21 and h["cycles"] == 20
    out = tmp_path / "t.json"
    rc, so, se = cli("train", "--rule", rule, "--cycles", 30, "--json", out)
    assert rc == 0 and se == "" and so.startswith("full and 2-1-1 seed 0:")
    d = strict_json(out)
    assert d["mode"] == "full" and d["layers"] == [2, 1, 1] and len(d["J"]) == 31


@pytest.mark.parametrize("encoding, form", [("log", None), ("log", "link"), ("raw", None)])
def test_learn_local_then_train_on_other_topology(tmp_path, cli, assets, encoding, form):
    rule = tmp_path / "local.npz"
    rc, so, se = cli("learn", "--mode", "local", "--samples", f"{assets['s231']},{assets['s211']}", "--hidden", "4",
                     "--cycles", 3, "--max-tuples", 2000, "--encoding", encoding, *(("--form", form) if form else ()),
                     "--out", rule)
    want = form or ("rule6" if encoding == "log" else "link")
    lines = so.splitlines()
    assert rc == 0 and se == "" and "R²" in so
    assert lines[-1].startswith(f"learned local ({want} form) rule {'3' if want == 'rule6' else '4'}-4-1 from")
    # AND nets show only sources of 0 or 1: the link form's log x input is constant, so frozen
    frozen = want == "link" and encoding == "log"
    assert (lines[0] == "frozen (constant in the samples, weights fixed at 0, ignored on new data): x") == frozen
    r = learner.Rule.load(rule)
    assert r.mode == "local" and r.layers is None and r.meta["encoding"] == encoding and r.form == want
    assert r.meta["frozen"] == (["x"] if frozen else [])
    rc, so, se = cli("train", "--rule", rule, "--task", "xor", "--layers", "2,3,2,1", "--cycles", 20)
    assert rc == 0 and se == ""
    assert so.startswith("local xor 2-3-2-1 seed 0:") and so.count("\n") == 1


def test_learn_refuses_a_bad_form(tmp_path, cli, assets):
    for extra in (("--form", "magic"), ("--form", "rule6", "--encoding", "raw")):
        rc, so, se = cli("learn", "--mode", "local", "--samples", assets["s211"], *extra, "--out", tmp_path / "r.npz")
        assert rc == 2 and so == "" and len(se.strip().splitlines()) == 1 and se.startswith("localrule: error:")
        assert not (tmp_path / "r.npz").exists()


def test_tuples_verb(tmp_path, cli, assets):
    out = tmp_path / "t.npz"
    rc, so, se = cli("tuples", "--samples", f"{assets['s231']},{assets['tuples']}", "--out", out)
    assert rc == 0 and se == ""
    meta, data = samples.load_tuples(out)
    n_own, n_file = 120 * 3 * (2 + 1) * 1, samples.load_tuples(assets["tuples"])[0]["rows"]
    assert meta["rows"] == n_own + n_file == data["x"].shape[0]
    assert f"wrote {n_own + n_file} link tuples" in so
    t = {k: data[k][:, 0] for k in data}
    np.testing.assert_array_equal(t["target"], t["x"] * t["fprime"] * t["w"] * t["delta"])
    rc, so, se = cli("tuples", "--samples", assets["s231"], "--out", tmp_path / "sub.npz", "--max-tuples", 50)
    assert rc == 0 and samples.load_tuples(tmp_path / "sub.npz")[0]["rows"] == 50


# ---------------------------------------------------------------------------------------------
# every bad input: exit 2, one line, nothing written


def _bad_cases():
    bp = ["backprop", "--cycles", "5"]
    return {
        "unknown task": bp + ["--task", "nand", "--layers", "2,1,1"],
        "layers 2,,1": bp + ["--layers", "2,,1"],
        "layers 0": bp + ["--layers", "0"],
        "layers letters": bp + ["--layers", "two,one"],
        "layers 2": bp + ["--layers", "2"],
        "layers negative": bp + ["--layers=2,-1,1"],
        "layers 0 input": bp + ["--layers", "0,2,1"],
        "layers inputs mismatch": bp + ["--layers", "3,2,1"],
        "layers outputs mismatch": bp + ["--layers", "2,2,2"],
        "layers square mismatch": bp + ["--task", "square", "--layers", "2,5,1"],
        "cycles 0": bp + ["--layers", "2,1,1", "--cycles", "0"],
        "cycles negative": bp + ["--layers", "2,1,1", "--cycles=-3"],
        "cycles fractional": bp + ["--layers", "2,1,1", "--cycles", "2.5"],
        "rate 0": bp + ["--layers", "2,1,1", "--rate", "0"],
        "rate negative": bp + ["--layers", "2,1,1", "--rate=-0.1"],
        "rate nan": bp + ["--layers", "2,1,1", "--rate", "nan"],
        "rate letters": bp + ["--layers", "2,1,1", "--rate", "fast"],
        "csv missing": bp + ["--task", "{d}/nope.csv", "--layers", "2,1,1"],
        "csv is a folder": bp + ["--task", "{dir.csv}", "--layers", "2,1,1"],
        "csv ragged": bp + ["--task", "{ragged.csv}", "--layers", "2,1,1"],
        "csv non-number": bp + ["--task", "{nonnum.csv}", "--layers", "2,1,1"],
        "csv nan": bp + ["--task", "{nan.csv}", "--layers", "2,1,1"],
        "csv binary": bp + ["--task", "{binary.csv}", "--layers", "2,1,1"],
        "csv header only": bp + ["--task", "{header_only.csv}", "--layers", "2,1,1"],
        "csv empty": bp + ["--task", "{empty.csv}", "--layers", "2,1,1"],
        "csv too many targets": bp + ["--task", "{good.csv}", "--targets", "3", "--layers", "2,1,1"],
        "test csv other inputs": bp + ["--task", "{good.csv}", "--test-csv", "{three_in.csv}", "--layers", "2,1,1"],
        "test csv missing": bp + ["--task", "{good.csv}", "--test-csv", "{d}/nope.csv", "--layers", "2,1,1"],
        "json is a folder": bp + ["--layers", "2,1,1", "--json", "{folder}"],
        "json in missing folder": bp + ["--layers", "2,1,1", "--json", "{d}/no/r.json"],
        "sample in missing folder": bp + ["--layers", "2,1,1", "--sample", "{d}/no/s.npz"],
        "sample is a folder": bp + ["--layers", "2,1,1", "--sample", "{folder}"],
        "every 0": bp + ["--layers", "2,1,1", "--sample", "s.npz", "--every", "0"],
        "unknown verb": ["frobnicate"],
        "unknown option": bp + ["--layers", "2,1,1", "--speed", "3"],
        "missing option value": ["backprop", "--layers"],
        "learn without arguments": ["learn"],
        "learn without --out": ["learn", "--mode", "full", "--samples", "{s211}"],
        "learn bad mode": ["learn", "--mode", "half", "--samples", "{s211}", "--out", "r.npz"],
        "learn non-sample file": ["learn", "--mode", "full", "--samples", "{good.csv}", "--out", "r.npz"],
        "learn missing sample file": ["learn", "--mode", "local", "--samples", "{d}/nope.npz", "--out", "r.npz"],
        "learn local from a rule file": ["learn", "--mode", "local", "--samples", "{full_rule}", "--out", "r.npz"],
        "learn local without hidden layer": ["learn", "--mode", "local", "--samples", "{s21}", "--out", "r.npz"],
        "learn full two topologies": ["learn", "--mode", "full", "--samples", "{s211},{s231}", "--out", "r.npz"],
        "learn full unknown feature": ["learn", "--mode", "full", "--samples", "{s211}", "--features", "w,spin",
                                       "--out", "r.npz"],
        "learn full from tuples": ["learn", "--mode", "full", "--samples", "{tuples}", "--out", "r.npz"],
        "learn bad hidden": ["learn", "--mode", "local", "--samples", "{s231}", "--hidden", "x", "--out", "r.npz"],
        "learn json in missing folder": ["learn", "--mode", "full", "--samples", "{s211}", "--out", "r.npz",
                                        "--json", "{d}/no/l.json"],
        "tuples out in missing folder": ["tuples", "--samples", "{s231}", "--out", "{d}/no/t.npz"],
        "train json is a folder": ["train", "--rule", "{full_rule}", "--cycles", "5", "--json", "{folder}"],
        "learn out is a folder": ["learn", "--mode", "full", "--samples", "{s211}", "--out", "{folder}"],
        "train without --rule": ["train", "--layers", "2,1,1"],
        "train corrupt rule": ["train", "--rule", "{corrupt}", "--layers", "2,1,1"],
        "train missing rule": ["train", "--rule", "{d}/nope.npz", "--layers", "2,1,1"],
        "train sample file as rule": ["train", "--rule", "{s211}", "--layers", "2,1,1"],
        "train full rule other topology": ["train", "--rule", "{full_rule}", "--layers", "2,3,1", "--cycles", "5"],
        "train full rule other task": ["train", "--rule", "{full_rule}", "--task", "square", "--cycles", "5"],
        "train local rule without layers": ["train", "--rule", "{local_rule}", "--cycles", "5"],
        "tuples missing file": ["tuples", "--samples", "{d}/nope.npz", "--out", "t.npz"],
        "tuples no hidden layer": ["tuples", "--samples", "{s21}", "--out", "t.npz"],
        "tuples from a rule": ["tuples", "--samples", "{local_rule}", "--out", "t.npz"],
    }


BAD = _bad_cases()


def _expand(argv, assets, extra):
    names = {k: str(v) for k, v in assets.items()}
    names["d"] = str(assets["dir"])
    return [re.sub(r"\{([^}]+)\}", lambda m: names[m.group(1)], a) for a in argv] + extra


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, cli, assets, case):
    argv = _expand(BAD[case], assets, [])
    # where the verb takes --json and the case does not already use it, point it at a new path and
    # (separately) at a pre-existing file: neither may be touched
    extra = []
    if argv[0] in ("backprop", "train") and "--json" not in argv:
        extra = ["--json", str(assets["keep"])]
    before_assets, before_here = snapshot(assets["dir"]), snapshot(tmp_path)
    rc, so, se = cli(*argv, *extra)
    assert_one_line_error(rc, se)
    assert so == ""
    assert snapshot(assets["dir"]) == before_assets and snapshot(tmp_path) == before_here
    if extra:
        new = tmp_path / "fresh.json"
        rc, so, se = cli(*argv, "--json", new)
        assert_one_line_error(rc, se)
        assert not new.exists()


def test_error_messages_name_the_culprit(cli, assets):
    checks = {
        ("backprop", "--task", "nand", "--layers", "2,1,1"): "nand",
        ("backprop", "--layers", "2,,1"): "2,,1",
        ("backprop", "--task", str(assets["ragged.csv"]), "--layers", "2,1,1"): "ragged.csv",
        ("backprop", "--task", "square", "--layers", "2,5,1"): "2-5-1",
        ("train", "--rule", str(assets["corrupt"]), "--layers", "2,1,1"): "corrupt.npz",
        ("train", "--rule", str(assets["full_rule"]), "--layers", "2,3,1"): "2-1-1",
        ("learn", "--mode", "full", "--samples", str(assets["good.csv"]), "--out", "r.npz"): "good.csv",
        ("backprop", "--layers", "2,1,1", "--sample", str(assets["dir"] / "no" / "s.npz")): "no",
    }
    for argv, text in checks.items():
        rc, so, se = cli(*argv)
        assert_one_line_error(rc, se)
        assert text in se, (argv, se)


def test_infinite_rate_is_a_usage_error(tmp_path, cli):
    js, sm = tmp_path / "r.json", tmp_path / "s.npz"
    rc, so, se = cli("backprop", "--layers", "2,1,1", "--cycles", 3, "--rate", "inf", "--json", js, "--sample", sm)
    assert_one_line_error(rc, se)
    assert not js.exists() and not sm.exists()


@pytest.mark.parametrize("verb", [("backprop", "--layers", "2,1,1", "--cycles", "3"),
                                  ("learn", "--mode", "full", "--samples", "{s211}", "--out", "r.npz")])
def test_negative_seed_is_a_usage_error(tmp_path, cli, assets, verb):
    rc, so, se = cli(*_expand(list(verb), assets, ["--seed=-1"]))
    assert_one_line_error(rc, se)
    assert not (tmp_path / "r.npz").exists()


@pytest.mark.parametrize("verb", [("tuples",), ("learn", "--mode", "full"), ("learn", "--mode", "local")])
def test_empty_sample_list_is_a_usage_error(tmp_path, cli, verb):
    rc, so, se = cli(*verb, "--samples", ",", "--out", tmp_path / "o.npz")
    assert_one_line_error(rc, se)


def test_output_under_a_regular_file_is_a_usage_error(tmp_path, cli, assets):
    rc, so, se = cli("backprop", "--layers", "2,1,1", "--cycles", 3, "--json", assets["plain"] / "r.json")
    assert_one_line_error(rc, se)
    assert so == ""


# ---------------------------------------------------------------------------------------------
# help, and true subprocess runs


@pytest.mark.parametrize("verb", VERBS)
def test_every_verb_has_help(capsys, verb):
    with pytest.raises(SystemExit) as e:
        main([verb, "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: localrule {verb}")


def test_parser_knows_every_verb():
    sub = next(a for a in build_parser()._actions if a.dest == "verb")
    assert set(sub.choices) == set(VERBS)


def _run(*argv, cwd):
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, "-m", "localrule", *map(str, argv)], capture_output=True, text=True,
                          timeout=120, cwd=cwd, env=env)


def test_subprocess_help(tmp_path):
    p = _run("--help", cwd=tmp_path)
    assert p.returncode == 0 and p.stderr == ""
    for verb in VERBS:
        assert verb in p.stdout
    p = _run("train", "--help", cwd=tmp_path)
    assert p.returncode == 0 and "--rule" in p.stdout


def test_subprocess_run_and_error(tmp_path):
    out = tmp_path / "r.json"
    p = _run("backprop", "--task", "xor", "--layers", "2,2,1", "--cycles", 10, "--json", out, cwd=tmp_path)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    assert strict_json(out)["cycles"] == 10 and "backprop xor 2-2-1" in p.stdout
    p = _run("backprop", "--task", "nand", "--json", tmp_path / "bad.json", cwd=tmp_path)
    assert_one_line_error(p.returncode, p.stderr)
    assert not (tmp_path / "bad.json").exists() and p.stdout == ""


def test_unicode_digit_in_layers_is_a_usage_error(cli):
    rc, so, se = cli("backprop", "--layers", "²,1,1", "--cycles", 3)
    assert_one_line_error(rc, se)


@pytest.mark.parametrize("which, rate, expected", [
    ("refined", None, 0.2), ("refined", "0.5", 0.5), ("refined", "0.23", 0.23),
    ("hand-set", None, 1.25), ("hand-set", "2", 2.0), ("plain", None, 0.23), ("plain", "0.7", 0.7)])
def test_train_uses_the_rules_own_rate_unless_rate_is_given(assets, cli, tmp_path, which, rate, expected):
    """A refined rule (meta "refined" rate) or a hand-set one (meta "own_rate") trains at its own
    γ, as judge and the app do; --rate, when given, wins; a rule with neither trains at 0.23."""
    rule = learner.Rule.load(assets["local_rule"])
    if which == "refined":
        rule.meta["refined"] = {"rate": 0.2}
    elif which == "hand-set":
        rule.meta["own_rate"] = 1.25
    path = tmp_path / "rule.npz"
    rule.save(path)
    out = tmp_path / "r.json"
    rc, so, se = cli("train", "--rule", path, "--task", "xor", "--layers", "2,3,1", "--cycles", 7, "--json", out,
                     *(["--rate", rate] if rate else []))
    assert rc == 0, se
    got = strict_json(out)
    ref = runs.train(tasks.load_task("xor"), (2, 3, 1), expected, 7, 0, rule=learner.Rule.load(path))
    assert got["rate"] == expected and np.array_equal(np.array(got["J"], float), ref.J)


# ---------------------------------------------------------------------------------------------
# tasks recorded as typed; options refused where they would have no effect


@pytest.mark.parametrize("task, layers", [("teacher@5", "3,4,1"), ("{good.csv}", "2,3,1"), ("moons", "2,3,1"),
                                          ("xor", "2,2,1")])
def test_train_reloads_the_task_as_typed_when_recorded(tmp_path, cli, assets, task, layers):
    """backprop --sample, learn --mode full and train without --task: the rule's task loads again."""
    task = _expand([task], assets, [])[0]
    s, r, r2 = tmp_path / "s.npz", tmp_path / "r.npz", tmp_path / "r2.npz"
    assert cli("backprop", "--task", task, "--layers", layers, "--cycles", 20, "--sample", s)[0] == 0
    assert samples.load_samples(s)[0]["task"] == task
    assert cli("learn", "--mode", "full", "--samples", s, "--out", r, "--cycles", 3)[0] == 0
    assert cli("learn", "--mode", "full", "--runs", 2, "--samples", s, "--out", r2, "--cycles", 2)[0] == 0
    for rule in (r, r2):
        rc, so, se = cli("train", "--rule", rule, "--cycles", 3, "--json", tmp_path / "t.json")
        assert rc == 0, se
        assert strict_json(tmp_path / "t.json")["task"] == tasks.load_task(task, layers=parse_layers(layers)).name


@pytest.mark.parametrize("targets", [1, 2, 3])
def test_train_reloads_a_recorded_csv_with_the_nets_targets(tmp_path, cli, targets):
    """A recorded CSV task has the rule's net's outputs as its targets (as learn --runs reruns it):
    --targets, not recorded, would otherwise fall back to 1 and the net not fit."""
    csv_path = tmp_path / "t.csv"
    cols = [f"t{k}" for k in range(targets)]
    csv_path.write_text(",".join(["a", "b", *cols]) + "\n" + "".join(
        ",".join([str(i % 2), str(i // 2 % 2), *(str((i + k) % 2) for k in range(targets))]) + "\n" for i in range(8)))
    layers = f"2,3,{targets}"
    s, r = tmp_path / "s.npz", tmp_path / "r.npz"
    assert cli("backprop", "--task", csv_path, "--targets", targets, "--layers", layers, "--cycles", 20,
               "--sample", s)[0] == 0
    assert cli("learn", "--mode", "full", "--samples", s, "--out", r, "--cycles", 2)[0] == 0
    rc, so, se = cli("train", "--rule", r, "--cycles", 3, "--json", tmp_path / "t.json")
    assert rc == 0, se
    assert strict_json(tmp_path / "t.json")["layers"] == [2, 3, targets]


def test_a_recorded_test_csv_goes_with_the_task(tmp_path, cli):
    """backprop --test-csv records the test CSV beside the task; learn --mode full keeps it in the
    rule and train without --task tests on it again (without it, no test J at all)."""
    rows = "a,b,t\n" + "".join(f"{i % 2},{i // 2 % 2},{(i % 2) ^ (i // 2 % 2)}\n" for i in range(8))
    (tmp_path / "train.csv").write_text(rows)
    (tmp_path / "test.csv").write_text(rows[:24])
    s, r = tmp_path / "s.npz", tmp_path / "r.npz"
    assert cli("backprop", "--task", tmp_path / "train.csv", "--test-csv", tmp_path / "test.csv", "--layers", "2,3,1",
               "--cycles", 20, "--sample", s)[0] == 0
    assert samples.load_samples(s)[0]["test_csv"] == str(tmp_path / "test.csv")
    assert cli("learn", "--mode", "full", "--runs", 2, "--samples", s, "--out", r, "--cycles", 2)[0] == 0
    assert learner.Rule.load(r).meta["test_csv"] == str(tmp_path / "test.csv")
    rc, so, se = cli("train", "--rule", r, "--cycles", 3, "--json", tmp_path / "t.json")
    assert rc == 0, se
    assert strict_json(tmp_path / "t.json")["J_test"] is not None
    rc, so, se = cli("train", "--rule", r, "--cycles", 3, "--json", tmp_path / "t.json", "--test-csv", s)
    assert_one_line_error(rc, se)   # an output never replaces an input, the recorded test CSV among them


def _with_task(source, recorded, path):
    """A copy of the .npz file ``source`` whose metadata records ``recorded`` as its task."""
    raw = dict(np.load(source))
    meta = json.loads(str(raw["meta"]))
    raw["meta"] = np.array(json.dumps({**meta, "task": recorded}))
    np.savez(path, **raw)
    return path


@pytest.mark.parametrize("recorded", ["ok", "mydata", "moons_test", "wine_train", "square_train", "teacher05",
                                      "teacher1234567890", "teacher-1", [1, 2], "", 3, "  "])
def test_a_recorded_task_that_does_not_load_asks_for_task(tmp_path, cli, assets, recorded):
    """Older files recorded a display name: where it is no built-in task's (a CSV file's stem), one
    line naming --task.  A recorded task that is not text at all makes the file itself malformed:
    refused on load."""
    _with_task(assets["full_rule"], recorded, tmp_path / "old.npz")
    rc, so, se = cli("train", "--rule", tmp_path / "old.npz", "--cycles", 3)
    if recorded == "":    # no name recorded: the default task, as before
        assert rc == 0, se
        return
    assert_one_line_error(rc, se)
    assert ("--task" if isinstance(recorded, str) else "task must be text") in se


@pytest.mark.parametrize("shown, spec, layers", [
    ("and", "and", "2,2,1"), ("XOR", "xor", "2,2,1"), ("square", "square", "2,2,2"), ("wine", "wine", "13,2,3"),
    ("iris", "iris", "4,2,3"), ("moons_train", "moons", "2,2,1"), ("Moons_Train", "moons", "2,2,1"),
    ("teacher0", "teacher@0", "2,2,1"), ("teacher5", "teacher@5", "3,2,2"),
    ("teacher123456789", "teacher@123456789", "2,2,1")])
def test_an_older_files_display_name_of_a_built_in_task_loads_that_task(tmp_path, cli, assets, shown, spec, layers):
    """A rule recording a built-in task's display name (teacher5, moons_train) trains that task."""
    rule = _with_task(assets["local_rule"], shown, tmp_path / "old.npz")
    rc, so, se = cli("train", "--rule", rule, "--layers", layers, "--cycles", 3, "--json", tmp_path / "t.json")
    assert rc == 0, se
    want = tasks.load_task(spec, layers=parse_layers(layers))
    assert strict_json(tmp_path / "t.json")["task"] == want.name


@pytest.mark.parametrize("shown", ["moons_train", "teacher5", "xor"])
def test_learn_runs_reruns_an_older_sample_files_built_in_task(tmp_path, cli, assets, shown):
    """learn --runs reruns the first sample file's task: from a built-in display name too."""
    s = _with_task(assets["s211"], shown, tmp_path / "old.npz")
    rc, so, se = cli("learn", "--mode", "full", "--runs", 2, "--samples", s, "--cycles", 2, "--out", tmp_path / "r.npz")
    assert rc == 0, se


@pytest.mark.parametrize("shown", ["moons_train", "teacher5", "Teacher0"])
def test_a_display_name_that_is_also_a_file_here_is_refused(tmp_path, cli, assets, shown):
    """Either the file or the built-in task: which one the old file meant cannot be told."""
    (tmp_path / shown).write_bytes(assets["good.csv"].read_bytes())
    rule = _with_task(assets["full_rule"], shown, tmp_path / "old.npz")
    rc, so, se = cli("train", "--rule", rule, "--cycles", 3, "--json", tmp_path / "t.json")
    assert_one_line_error(rc, se)
    assert "is a file here" in se and "--task" in se and not (tmp_path / "t.json").exists()


@pytest.mark.parametrize("task", ["and", "or", "xor", "square", "wine", "teacher@1"])
@pytest.mark.parametrize("option", [("--test-csv", "{good.csv}"), ("--test-csv", "{d}/missing.csv"),
                                    ("--targets", "2"), ("--targets", "1")])
@pytest.mark.parametrize("verb", ["backprop", "tune", "train"])
def test_csv_options_are_refused_for_other_tasks(tmp_path, cli, assets, task, option, verb):
    """--test-csv and --targets describe a CSV file task; elsewhere they were silently ignored."""
    layers = {"square": "2,2,2", "wine": "13,2,3"}.get(task, "2,2,1")
    rule = ["--rule", assets["local_rule"]] if verb == "train" else []
    rc, so, se = cli(verb, "--task", task, "--layers", layers, "--cycles", 2, *rule, *_expand(list(option), assets, []))
    assert_one_line_error(rc, se)
    assert option[0] in se or "takes no test CSV" in se


NO_EFFECT = {
    "learn local --features": ["learn", "--mode", "local", "--samples", "{s231}", "--features", "w", "--out", "r.npz"],
    "learn local --runs": ["learn", "--mode", "local", "--samples", "{s231}", "--runs", "2", "--out", "r.npz"],
    "learn full --form": ["learn", "--mode", "full", "--samples", "{s211}", "--form", "link", "--out", "r.npz"],
    "learn full --encoding": ["learn", "--mode", "full", "--samples", "{s211}", "--encoding", "log", "--out", "r.npz"],
    "learn full --max-tuples": ["learn", "--mode", "full", "--samples", "{s211}", "--max-tuples", "5", "--out", "r.npz"],
    "backprop --every": ["backprop", "--layers", "2,1,1", "--cycles", "2", "--every", "5"],
    "rates empty item": ["tune", "--layers", "2,1,1", "--cycles", "2", "--rates", "1,,2"],
    "rates trailing comma": ["tune", "--layers", "2,1,1", "--cycles", "2", "--rates", "1,2,"],
    "rates repeated": ["tune", "--layers", "2,1,1", "--cycles", "2", "--rates", "1,1,1"],
    "rates repeated spelled apart": ["tune", "--layers", "2,1,1", "--cycles", "2", "--rates", "0.5,5e-1"],
    "hidden scales repeated": ["tune", "--layers", "2,2,1", "--cycles", "2", "--hidden-scales", "2,2"],
    "experiments empty item": ["compare", "--experiments", "1,,2"],
    "reproduce experiments empty item": ["reproduce", "--experiments", ",1", "--out", "p"],
    "modes empty item": ["compare", "--modes", ",backprop"],
    "samples empty item": ["tuples", "--samples", "{s231},,{s211}", "--out", "t.npz"],
    "samples repeated": ["learn", "--mode", "local", "--samples", "{s231},{s231}", "--out", "r.npz"],
    "samples repeated spelled apart": ["tuples", "--samples", "{s231},{d}/./s231.npz", "--out", "t.npz"],
}


@pytest.mark.parametrize("case", sorted(NO_EFFECT))
def test_options_without_effect_empty_items_and_repeats_are_refused(tmp_path, cli, assets, case):
    before = snapshot(tmp_path)
    rc, so, se = cli(*_expand(NO_EFFECT[case], assets, []))
    assert_one_line_error(rc, se)
    assert so == "" and snapshot(tmp_path) == before


@pytest.mark.parametrize("form", ["rule6", "link"])
@pytest.mark.parametrize("modes", ["backprop", "full", "full-fixed", "full,backprop", "backprop,full,full-fixed",
                                   "local", "backprop,local", "full-fixed,local,full"])
def test_compare_form_is_refused_without_the_local_mode(tmp_path, cli, monkeypatch, modes, form):
    """--form shapes the local rule only: with no local mode to run it did nothing, now it is refused."""
    from localrule import study

    def reached(*a, **k):
        raise UsageError("the study would run")
    monkeypatch.setattr(study, "run_study", reached)
    rc, so, se = cli("compare", "--modes", modes, "--form", form, "--seeds", 1, "--json", tmp_path / "c.json")
    assert_one_line_error(rc, se)
    assert ("would run" in se) == ("local" in modes.split(",")), se
    assert "local" in modes.split(",") or ("--form" in se and "no effect" in se and modes in se)
    assert so == "" and not (tmp_path / "c.json").exists()


@pytest.mark.parametrize("flag, own", [((), True), (("--own-start",), True), (("--no-own-start",), False)])
def test_compare_records_whether_the_full_rules_also_ran_from_their_own_start(tmp_path, cli, monkeypatch, flag, own):
    """The mode@own rows are on by default: the JSON says which, so a table without them is explained."""
    from localrule import study
    seen = []
    monkeypatch.setattr(study, "run_study", lambda *a, own_start, **k: seen.append(own_start) or (None, {}, None))
    monkeypatch.setattr(study, "best_gamma_medians", lambda exps: {})
    monkeypatch.setattr(study, "stats_table", lambda *a: ("", []))
    assert cli("compare", "--experiments", "1", "--seeds", 1, *flag, "--json", tmp_path / "c.json")[0] == 0
    assert seen == [own] and strict_json(tmp_path / "c.json")["own_start"] is own


@pytest.mark.parametrize("spec", ["xor:", "xor", "xor:3", ":", "xor::", "xor:2,,1", "xor:2,1:foo", "xor:,:5",
                                  "xor:2,1:5:5", "xor:2,0:5", "a:b.csv:2"])
def test_a_bad_task_spec_never_blames_an_option_not_given(spec):
    from localrule.refine import parse_spec
    with pytest.raises(UsageError) as e:
        parse_spec(spec)
    assert "--layers" not in str(e.value) and spec[:20] in str(e.value)


@pytest.mark.parametrize("name", ["a:b.csv", "x:2,1:y.csv", "c:300.csv"])
def test_a_csv_path_may_hold_colons(tmp_path, assets, name):
    from localrule.refine import parse_spec, spec_task
    path = tmp_path / name
    path.write_bytes(assets["good.csv"].read_bytes())
    spec = parse_spec(f"{path}:2,3,1:7:shuffle")
    assert spec_task(spec.text) == str(path) and (spec.layers, spec.cycles, spec.order) == ((2, 3, 1), 7, "shuffle")
    assert np.array_equal(spec.task.X, tasks.load_task(str(path)).X)


# ---------------------------------------------------------------------------------------------
# limits checked before any work


def _no_work(monkeypatch):
    """Make the engine's batched runs and the studies' sampling fail loudly: a refusal must come first."""
    from localrule import refine, study

    def work(*a, **k):
        raise AssertionError("work started before the refusal")
    for mod, name in ((refine, "tune"), (refine, "train_seeds"), (study, "sample_run"), (runs, "train_seeds")):
        monkeypatch.setattr(mod, name, work)


@pytest.mark.parametrize("argv", [
    ["judge", "--rule", "{local_rule}", "--heldout", "xor:2,1:2500", "--seeds", "10000"],
    ["judge", "--rule", "{local_rule}", "--heldout", "and:2,1:300", "xor:2,8,1:20000", "--seeds", "1000"],
    ["judge", "--rule", "{local_rule}", "--heldout", "xor:2,8,1:1000000", "--seeds", "1"],   # the tuning grid
    ["refine", "--heldout", "xor:2,1:2500", "--final-seeds", "10000", "--out", "o"],
    ["refine", "--train", "and:2,1:5000000", "--out", "o"],
    ["compare", "--seeds", "1", "--cycles", "2000000"],                                    # the best-γ tuning
    ["transfer", "--seeds", "1", "--cycles", "2000000"],
])
def test_the_whole_commands_budget_is_checked_first(tmp_path, cli, assets, monkeypatch, argv):
    _no_work(monkeypatch)
    rc, so, se = cli(*_expand(argv, assets, []))
    assert_one_line_error(rc, se)
    assert "limit" in se and not (tmp_path / "o").exists()


OVERSIZED_LAYERS = ["2,50000,50000,1", "2,999999,999999,1", "2,7072,7072,1", "2,60,1000000,1",
                    "2,1000000,60,1", "2,5000,5000,5000,1", "2,20000,20000,1"]
OVERSIZED_RUNS = [
    *(["backprop", "--task", "and", "--layers", L, "--cycles", "2"] for L in OVERSIZED_LAYERS),
    *(["backprop", "--task", "xor", "--layers", L, "--cycles", "2", "--sample", "s.npz"] for L in OVERSIZED_LAYERS[:3]),
    *(["train", "--rule", "{local_rule}", "--task", "xor", "--layers", L, "--cycles", "2"] for L in OVERSIZED_LAYERS),
    *(["train", "--rule", "{full_rule}", "--layers", L, "--cycles", "2"] for L in OVERSIZED_LAYERS[:3]),
]


@pytest.mark.parametrize("argv", OVERSIZED_RUNS, ids=" ".join)
def test_oversized_layers_are_refused_before_the_weights_exist(tmp_path, cli, assets, monkeypatch, argv):
    """backprop and train refuse a network beyond the weight limit (each layer within its own) before
    ``init_params`` allocates it, as tune, judge and refine do: the same ``check_budget``.  A full-network
    rule's own topology is named instead, also before allocating."""
    def allocate(*a, **k):
        raise AssertionError("the initial weights were allocated before the refusal")
    monkeypatch.setattr(runs, "init_params", allocate)
    rc, so, se = cli(*_expand(argv, assets, []))
    assert_one_line_error(rc, se)
    assert so == "" and not (tmp_path / "s.npz").exists()
    if "{full_rule}" in argv:
        assert "cannot train a" in se and "was learned for a 2-1-1 network" in se
    else:
        assert "weights, more than the limit of 50,000,000" in se


@pytest.mark.parametrize("verb", ["backprop", "train"])
def test_oversized_layers_are_refused_quickly_in_little_memory(tmp_path, assets, verb):
    """A real process under a 2 GB address-space limit: a refusal, not a MemoryError (exit 1) after
    allocating gigabytes."""
    import resource
    import time

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))
    argv = ["backprop", "--task", "and"] if verb == "backprop" else ["train", "--rule", assets["local_rule"]]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    for layers in ("2,50000,50000,1", "2,999999,999999,1"):
        t0 = time.perf_counter()
        p = subprocess.run([sys.executable, "-m", "localrule", *map(str, argv), "--layers", layers, "--cycles", "2"],
                           capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env, preexec_fn=cap)
        assert_one_line_error(p.returncode, p.stderr)
        assert "more than the limit of 50,000,000" in p.stderr and time.perf_counter() - t0 < 30


LEARN_FULL = ["learn", "--mode", "full", "--samples", "{s211}", "--out", "r.npz"]
OVERSIZED_LEARNERS = [
    [*LEARN_FULL, "--fixed", "--hidden", "100000"],                        # the audit's: 23.7 GB, then the OOM killer
    [*LEARN_FULL, "--fixed", "--hidden", "100000,100000"],                 # the learner's weights alone
    [*LEARN_FULL, "--runs", "1", "--hidden", "1000000"],                   # one file's rows, one layer at the limit
    [*LEARN_FULL, "--runs", "2", "--hidden", "200000"],
    [*LEARN_FULL, "--optimizer", "sgd", "--hidden", "1000000,1000"],
    [*LEARN_FULL, "--dagger", "3", "--hidden", "5000,5000"],
    ["learn", "--mode", "full", "--samples", "{long_run}", "--runs", "10000", "--rows-per-run", "10000000",
     "--hidden", "8", "--out", "r.npz"],                                   # rows, not width
    [*LEARN_FULL, "--dagger", "1000", "--rollouts", "10000", "--rows-per-run", "10000000", "--hidden", "8"],
    [*LEARN_FULL, "--hidden", "1000000,1000"],                             # the paper's learner (online)
    ["learn", "--mode", "local", "--samples", "{s231}", "--hidden", "1000000,1000", "--out", "r.npz"],
]


@pytest.mark.parametrize("argv", OVERSIZED_LEARNERS, ids=" ".join)
def test_oversized_learners_are_refused_before_anything_is_allocated(tmp_path, cli, assets, monkeypatch, argv):
    """A learner whose weights, or weights and per-row activations, exceed the limits is refused in
    one line naming the limit, before its weights exist, before any run is sampled or labelled."""
    from localrule import fullfixed
    if "{long_run}" in argv and "long_run" not in assets:   # 20,000 recorded steps a run
        assets["long_run"] = assets["dir"] / "long_run.npz"
        assert cli("backprop", "--task", "xor", "--layers", "2,2,1", "--cycles", 5000, "--sample", assets["long_run"])[0] == 0

    def work(*a, **k):
        raise AssertionError("work started before the refusal")
    for mod, name in ((learner, "init_params"), (fullfixed, "init_params"), (fullfixed, "sample_runs"),
                      (fullfixed, "label"), (fullfixed, "rollouts"), (learner, "kernels")):
        monkeypatch.setattr(mod, name, work)
    rc, so, se = cli(*_expand(argv, assets, []))
    assert_one_line_error(rc, se)
    assert so == "" and not (tmp_path / "r.npz").exists()
    assert "more than the limit of 200,000,000" in se or "more than the limit of 50,000,000" in se, se
    assert "learning network" in se


def test_an_oversized_learner_is_refused_quickly_in_little_memory(tmp_path, assets):
    """The audit's case in a real process under a 2 GB address-space limit: refused in seconds."""
    import resource
    import time

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "localrule", "learn", "--mode", "full", "--samples", str(assets["s211"]),
                        "--fixed", "--hidden", "100000", "--out", "r.npz"], capture_output=True, text=True,
                       timeout=120, cwd=tmp_path, env={**os.environ, "PYTHONWARNINGS": "ignore"}, preexec_fn=cap)
    assert_one_line_error(p.returncode, p.stderr)
    assert "more than the limit of 200,000,000" in p.stderr and time.perf_counter() - t0 < 30
    assert not (tmp_path / "r.npz").exists()


@pytest.mark.parametrize("lsizes, rows", [((20, 300, 10), 5000), ((16, 64, 64, 12), 20000), ((13, 2000, 9), 2000),
                                          ((5, 50, 2000), 3000), ((3, 8, 1), 30000)])
def test_the_learner_budget_covers_what_an_adam_fit_allocates(lsizes, rows):
    """The estimate ``check_learner_budget`` refuses by is at least what an Adam epoch allocates
    (numpy's own accounting, tracemalloc) plus its training rows and parameters."""
    import tracemalloc
    from localrule import fullfixed, layout
    rng = np.random.default_rng(0)
    Z, Y = rng.uniform(size=(rows, lsizes[0])), rng.uniform(size=(rows, lsizes[-1]))
    n_fit = rows - rows // 10
    lw, lb = layout.init_params(lsizes, 0)
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        fullfixed.adam(lsizes, lw, lb, Z[:n_fit], Y[:n_fit], Z[n_fit:], Y[n_fit:], 1, 0)
        peak = (tracemalloc.get_traced_memory()[1] - base) // 8
    finally:
        tracemalloc.stop()
    used = peak + Z.size + Y.size + lw.size + lb.size
    with pytest.raises(UsageError, match="limit of 200,000,000"):
        layout.check_learner_budget(lsizes, 1, rows * layout.MAX_VALUES // used, full_batch=True)
    layout.check_learner_budget(lsizes, 1, rows, full_batch=True)   # and these fit


@pytest.mark.parametrize("argv", [
    ["compare", "--experiments", "1", "--seeds", "1", "--cycles", "1"],
    ["compare", "--experiments", "2,4", "--seeds", "1", "--cycles", "2"],
    ["reproduce", "--experiments", "2", "--seeds", "1", "--cycles", "2", "--no-figures", "--out", "X"],
    ["transfer", "--experiments", "3", "--seeds", "1", "--cycles", "1"],
])
def test_too_few_cycles_for_a_study_are_refused_first(tmp_path, cli, monkeypatch, argv):
    _no_work(monkeypatch)
    rc, so, se = cli(*argv)
    assert_one_line_error(rc, se)
    assert "--cycles 3 or more" in se and "--max-tuples" not in se


def test_too_few_rows_for_a_full_learner_do_not_suggest_max_tuples(tmp_path, cli):
    assert cli("backprop", "--layers", "2,1,1", "--cycles", 2, "--sample", tmp_path / "s.npz")[0] == 0
    rc, so, se = cli("learn", "--mode", "full", "--samples", tmp_path / "s.npz", "--out", tmp_path / "r.npz")
    assert_one_line_error(rc, se)
    assert "usable rows" in se and "--max-tuples" not in se


def test_the_cycle_limit_fits_the_budget():
    """The parser's --cycles limit is one the stored-values budget allows, and the budget's message
    names no option (not every verb has --seeds or --every)."""
    from localrule import layout
    layout.check_budget((2, 1, 1), layout.MAX_CYCLES)
    with pytest.raises(UsageError) as e:
        layout.check_budget((2, 1, 1), layout.MAX_CYCLES, runs=2)
    assert "--" not in str(e.value)


# ---------------------------------------------------------------------------------------------
# refine keeps a previous run's results


@pytest.mark.parametrize("name", ["checkpoint.pkl", "rule.npz", "history.json", "heldout.json", "objective.png",
                                  "heldout_xor_2-8-8-1.png"])
def test_refine_keeps_a_previous_runs_results(tmp_path, cli, name):
    out = tmp_path / "o"
    out.mkdir()
    (out / name).write_text("a previous run's\n")
    rc, so, se = cli("refine", "--out", out, "--generations", "0", "--teachers", "0")
    assert_one_line_error(rc, se)
    assert "--resume" in se and (out / name).read_text() == "a previous run's\n"
    assert [p.name for p in out.iterdir()] == [name]


# ---------------------------------------------------------------------------------------------
# numba's cache where nothing it knows is writable


def test_numba_cache_moves_to_the_temp_dir_only_where_numba_has_none(tmp_path, monkeypatch):
    """With the package's __pycache__ and the user's cache folder unwritable the cache goes to a
    folder in the temporary directory (numba would otherwise refuse every kernel); with either
    writable, or NUMBA_CACHE_DIR set, nothing changes."""
    import numba
    import localrule
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setattr(numba.config, "CACHE_DIR", "")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    real = localrule._writable
    blocked = []
    monkeypatch.setattr(localrule, "_writable", lambda f: f"{tmp_path}" in f and real(f) or blocked.append(f))
    localrule._numba_cache_fallback()
    folder = os.environ["NUMBA_CACHE_DIR"]
    assert os.path.dirname(folder) == str(tmp_path) and os.path.isdir(folder) and numba.config.CACHE_DIR == folder
    assert blocked[0].endswith(os.path.join("localrule", "__pycache__")) and blocked[1].endswith("numba")

    monkeypatch.delenv("NUMBA_CACHE_DIR")
    monkeypatch.setattr(localrule, "_writable", real)
    localrule._numba_cache_fallback()                 # this checkout's __pycache__ is writable
    assert "NUMBA_CACHE_DIR" not in os.environ
    monkeypatch.setenv("NUMBA_CACHE_DIR", "/elsewhere")
    monkeypatch.setattr(localrule, "_writable", lambda f: False)
    localrule._numba_cache_fallback()
    assert os.environ["NUMBA_CACHE_DIR"] == "/elsewhere"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or not os.path.exists("/usr/bin/unshare"),
                    reason="needs root and unshare to mount the package read-only")
def test_a_read_only_install_without_a_home_still_runs(tmp_path):
    """The package folder mounted read-only and HOME a read-only empty folder: the kernels still
    load (every verb used to end in numba's "cannot cache function ... no locator available"
    traceback as they were imported) and one compiles into the temporary folder's cache."""
    import localrule
    pkg = os.path.dirname(os.path.abspath(localrule.__file__))
    home = tmp_path / "home"
    home.mkdir()
    script = (f"mount --bind {pkg} {pkg} && mount -o remount,ro,bind {pkg} && mount --bind {home} {home} && "
              f"mount -o remount,ro,bind {home} && HOME={home} XDG_CACHE_HOME= NUMBA_CACHE_DIR= TMPDIR={tmp_path} "
              f"{sys.executable} -c 'from localrule import kernels, fullfixed; print(kernels.adapt_state_size(3, 2))'")
    p = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=300)
    if "mount" in p.stderr and p.returncode != 0 and "Traceback" not in p.stderr:
        pytest.skip(f"cannot mount here: {p.stderr.strip()}")
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr
    cache = [f for f in tmp_path.glob("localrule-numba-*/*/*.nbi")]
    assert p.stdout.strip() and [f.name.split(".")[0] for f in cache] == ["kernels"]


def test_an_interrupt_dropped_in_a_c_callback_still_stops_the_run(monkeypatch, capsys):
    """Ctrl-C or SIGTERM that lands while numba compiles (Python runs inside its C callbacks there)
    is printed and dropped by Python, and the run used to go on to its end: it stops at the next
    chunk, or, where the interrupted compilation breaks a later call, as an interrupt, not a traceback."""
    import ctypes
    from localrule import files
    monkeypatch.setattr(files, "dropped", [])
    monkeypatch.setattr(files, "_resend_dropped", lambda: None)   # not sent again here (the next test)
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)
    monkeypatch.setattr("signal.signal", lambda *a: None)    # leave pytest's own signal handlers alone
    files.install_terminate_handler()

    def drop(exc):
        def boom():
            raise exc()
        ctypes.CFUNCTYPE(None)(boom)()                        # ctypes hands it to sys.unraisablehook

    calls = []
    drop(KeyboardInterrupt)
    with pytest.raises(KeyboardInterrupt):
        runs.run_in_chunks(10, lambda done, n: calls.append(n))
    assert len(calls) == 1                                    # one chunk, not ten cycles' worth
    runs.run_in_chunks(2, lambda done, n: calls.append(n))   # raised once: a catcher may go on
    drop(files.Terminated)

    def broken(args):
        raise RuntimeError("no compiled object yet")          # what a half-built kernel says
    monkeypatch.setattr("localrule.cli.cmd_backprop", broken, raising=False)
    assert main(["backprop", "--task", "and"]) == 143
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "localrule: terminated; nothing was written" and "Traceback" not in "\n".join(err)


@pytest.mark.parametrize("exc", ["KeyboardInterrupt", "Terminated"])
def test_a_dropped_interrupt_is_sent_again_so_a_long_compilation_stops_too(exc, monkeypatch):
    """Dropped in a C callback mid-compilation, the interrupt comes back within a fraction of a
    second (a cold compile goes on for seconds, in Python between its callbacks), and only once."""
    import ctypes
    import time
    from localrule import files
    monkeypatch.setattr(files, "dropped", [])
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)
    old = signal.getsignal(signal.SIGTERM)
    try:
        files.install_terminate_handler()
        kind = getattr(files, exc) if exc == "Terminated" else KeyboardInterrupt

        def boom():
            raise kind()
        t0 = time.perf_counter()
        with pytest.raises(kind):
            ctypes.CFUNCTYPE(None)(boom)()                    # dropped: the "compilation" goes on
            while time.perf_counter() - t0 < 20:
                sum(range(1000))
        assert time.perf_counter() - t0 < 5 and files.dropped == []
        files.raise_dropped()                                 # nothing left to raise
    finally:
        signal.signal(signal.SIGTERM, old)
