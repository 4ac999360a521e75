"""Fuzzing the command line with bad input: every case must be refused cleanly.

"Cleanly" means: exit code 2, exactly one line on stderr (``localrule: error: …``), nothing on
stdout, no traceback, no warning, and every file that existed before is byte for byte the same
(no output written, no input replaced, no temporary file left).  Most cases run ``cli.main``
in-process (the same code path, ~100x faster than a fresh interpreter); a representative subset
runs ``python -m localrule`` in real subprocesses, as do the signal tests.

The families: numbers (huge, 5000 digits, zero, negative, fractional, non-finite, unicode digits),
layer strings, sizes beyond the named limits, CSV shapes, ``.npz`` corruption, metadata fields,
paths, an output that is one of the inputs, empty options, zero-row inputs.  The number of
distinct cases is printed in pytest's summary ("fuzz: N bad inputs, all refused cleanly").
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import warnings
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

import conftest
from conftest import assert_one_line_error
from localrule import layout, learner, refine, samples
from localrule.cli import main

FUZZ = settings(max_examples=40, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
CASES = conftest.FUZZ_CASES   # every distinct bad argv tried, counted in the summary


# ---------------------------------------------------------------------------------------------
# running the CLI and judging the refusal


def run_cli(argv):
    """``cli.main`` in-process: (exit code, stdout, stderr with any warning appended as a line)."""
    out, err = io.StringIO(), io.StringIO()
    with warnings.catch_warnings(record=True) as caught, redirect_stdout(out), redirect_stderr(err):
        warnings.simplefilter("always")
        rc = main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue() + "".join(f"warning: {w.message}\n" for w in caught)


def snapshot(*folders):
    """{path: bytes} of every file (hidden ones too) under the folders; folders as entries too."""
    snap = {}
    for folder in folders:
        for p in sorted(Path(folder).rglob("*")):
            snap[str(p)] = p.read_bytes() if p.is_file() else "dir"
    return snap


def assert_refused(rc, out, err):
    assert "Traceback" not in err, err
    assert rc == 2, f"exit {rc}, stderr {err!r}, stdout {out[:200]!r}"
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("localrule: error: "), lines
    assert out == ""


def refused(argv, *watch):
    """Run a bad command in-process and check it was refused cleanly, leaving ``watch`` intact."""
    argv = [str(a) for a in argv]
    CASES.add(tuple(argv))
    before = snapshot(*watch)
    rc, out, err = run_cli(argv)
    assert_refused(rc, out, err)
    assert snapshot(*watch) == before, f"files changed by {argv}"
    return err


# ---------------------------------------------------------------------------------------------
# inputs


@pytest.fixture(scope="module")
def A(tmp_path_factory):
    """Good input files of every kind (the fuzz corrupts copies), and files that must survive."""
    d = tmp_path_factory.mktemp("fuzz")
    a = conftest.write_input_files(d, "folder")
    a["full"], a["local"] = a["full_rule"], a["local_rule"]
    a["bad"] = d / "bad"          # corrupted files go here, one per example
    a["bad"].mkdir()
    return a


@pytest.fixture(autouse=True)
def _cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def bad_file(A, suffix, data: bytes) -> Path:
    p = A["bad"] / f"f{len(list(A['bad'].iterdir()))}{suffix}"
    p.write_bytes(data)
    return p


def npz_bytes(arrays: dict) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def with_meta(path, change) -> bytes:
    """The file at ``path`` with its metadata record changed by ``change(meta)`` (may delete keys)."""
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(str(arrays["meta"]))
    change(meta)
    arrays["meta"] = np.array(json.dumps(meta))
    return npz_bytes(arrays)


# ---------------------------------------------------------------------------------------------
# the issue's cases, one by one

P_HUGE = "99999999999999999999999"


def issue_cases(A):
    d = A["dir"]
    return [
        ["backprop", "--task", "and", "--layers", "2,1,1", "--cycles", P_HUGE, "--json", d / "out.json"],
        ["learn", "--mode", "local", "--samples", A["s231"], "--cycles", P_HUGE, "--out", d / "r.npz"],
        ["backprop", "--sample", d / "s.npz", "--every", "9999999999999999999999999"],
        ["backprop", "--layers", f"2,{P_HUGE},1"],
        ["backprop", "--layers", f"2,{'7' * 5000},1"],
        ["backprop", "--cycles", "7" * 5000],
        ["backprop", "--layers", "2,1000000000,2"],
        ["learn", "--mode", "local", "--samples", A["s231"], "--hidden", "100000000000", "--out", d / "r.npz"],
        ["backprop", "--cycles", "1000000000", "--sample", d / "s.npz"],
        ["compare", "--seeds", "99999999999999999999"],
        ["compare", "--modes", "", "--json", A["keep.json"]],
        ["compare", "--json", ""],
        ["tuples", "--samples", A["s231"], "--out", A["s231"]],
        ["learn", "--mode", "local", "--samples", A["s231"], "--out", A["s231"]],
        ["train", "--rule", A["local"], "--layers", "2,3,1", "--json", A["local"]],
        ["backprop", "--task", A["good.csv"], "--layers", "2,1,1", "--json", A["good.csv"]],
        ["backprop", "--layers", "2,1,1", "--sample", d / "x.npz", "--json", d / "x.npz"],
        ["backprop", "--layers", "2,1,1", "--sample", A["keep.json"], "--json", A["keep.json"]],
        ["reproduce", "--out", A["plain"]],
        ["learn", "--mode", "local", "--samples", A["s231"], "--max-tuples", "1", "--out", d / "r.npz"],
    ]


def test_the_issues_cases(A):
    for argv in issue_cases(A):
        refused(argv, A["dir"])


def test_plain_np_save_arrays_are_refused_everywhere(A):
    buf = io.BytesIO()
    np.save(buf, np.arange(5.0))
    f = bad_file(A, ".npz", buf.getvalue())
    for argv in (["train", "--rule", f, "--layers", "2,1,1"],
                 ["learn", "--mode", "full", "--samples", f, "--out", "r.npz"],
                 ["learn", "--mode", "local", "--samples", f, "--out", "r.npz"],
                 ["tuples", "--samples", f, "--out", "t.npz"]):
        assert "np.save" in refused(argv, A["dir"], ".")


def test_broken_rule_meta_named_in_the_issue(A):
    cases = {"features missing": lambda m: m.pop("features"), "features 5": lambda m: m.update(features=5),
             "layers abc": lambda m: m.update(layers="abc"), "version '1'": lambda m: m.update(version="1")}
    for name, change in cases.items():
        f = bad_file(A, ".npz", with_meta(A["local"], change))
        err = refused(["train", "--rule", f, "--layers", "2,3,1", "--cycles", "3"], A["dir"], ".")
        if name == "version '1'":
            assert "'1'" in err and "need the number 1" in err


def zero_rows(A, path) -> Path:
    with np.load(path) as z:
        arrays = {k: (z[k] if k == "meta" else z[k][:0]) for k in z.files}
    return bad_file(A, ".npz", npz_bytes(arrays))


def test_zero_row_inputs_are_refused_before_writing(A):
    s0, t0 = zero_rows(A, A["s231"]), zero_rows(A, A["tuples"])
    for argv in (["learn", "--mode", "full", "--samples", s0, "--out", A["keep.json"]],
                 ["learn", "--mode", "local", "--samples", s0, "--out", A["keep.json"]],
                 ["learn", "--mode", "local", "--samples", t0, "--out", A["keep.json"]],
                 ["tuples", "--samples", s0, "--out", A["keep.json"]],
                 ["tuples", "--samples", t0, "--out", A["keep.json"]]):
        refused(argv, A["dir"])


@pytest.mark.parametrize("n", [1, 2, 5, 9])
def test_too_few_tuples_for_a_learner(A, n):
    refused(["learn", "--mode", "local", "--samples", A["s231"], "--max-tuples", n, "--out", A["keep.json"]],
            A["dir"])


def test_reproduce_folder_checks_come_before_the_study(A, tmp_path):
    (tmp_path / "r1" / "results.json").mkdir(parents=True)
    (tmp_path / "r2").mkdir()
    (tmp_path / "r2" / "mine.txt").write_text("the user's own file\n")
    t0 = time.perf_counter()
    for out in (tmp_path / "r1", tmp_path / "r2", A["plain"], A["plain"] / "sub", ""):
        refused(["reproduce", "--seeds", "2", "--out", out], A["dir"], tmp_path)
    assert time.perf_counter() - t0 < 5, "refused only after working"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into read-only folders")
def test_read_only_folders_are_refused(A, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    (ro / "results.json").write_text("{}\n")
    ro.chmod(0o555)
    try:
        refused(["reproduce", "--out", ro / "paper"], tmp_path)
        refused(["reproduce", "--out", ro], tmp_path)
        refused(["backprop", "--layers", "2,1,1", "--json", ro / "r.json"], tmp_path)
    finally:
        ro.chmod(0o755)


# ---------------------------------------------------------------------------------------------
# numbers

NUMBER_OPTIONS = {  # option: (verb argv before it, what is bad for it)
    "--cycles": (["backprop", "--layers", "2,1,1"], "count"),
    "--every": (["backprop", "--layers", "2,1,1", "--sample", "s.npz"], "count"),
    "--seeds": (["compare"], "count"),
    "--targets": (["backprop", "--layers", "2,1,1"], "count"),
    "--max-tuples": (["tuples", "--samples", "{s231}", "--out", "t.npz"], "count"),
    "--seed": (["backprop", "--layers", "2,1,1", "--cycles", "2"], "seed"),
    "--rate": (["backprop", "--layers", "2,1,1", "--cycles", "2"], "rate"),
    "--hidden": (["learn", "--mode", "local", "--samples", "{s231}", "--out", "r.npz"], "hidden"),
}
LIMIT = {"--cycles": layout.MAX_CYCLES, "--every": layout.MAX_EVERY, "--seeds": layout.MAX_SEEDS,
         "--targets": layout.MAX_NEURONS, "--max-tuples": layout.MAX_TUPLES, "--hidden": layout.MAX_NEURONS}

never_numbers = st.one_of(
    st.sampled_from(["", " ", "nan", "NaN", "inf", "-inf", "1e999", "0x10", "1_000", "½", "٣", "²", "1 2",
                     "--", "++1", "one", "1e", ".", "-", "∞", "1,5"]),
    st.text(alphabet="abcxyz!@#$%^&*()[]{}<>?;:'\"", min_size=1, max_size=12))
huge = st.integers(20, 6000).map(lambda n: "9" * n)


def bad_number(option):
    kind = NUMBER_OPTIONS[option][1]
    if kind == "rate":
        return st.one_of(never_numbers.filter(lambda t: t.strip() not in ("1_000",)),
                         st.sampled_from(["0", "-0.1", "0.0", "-1e-300", "1e400", "-inf"]),
                         st.floats(max_value=0, allow_nan=False).map(repr))
    if kind == "seed":
        return st.one_of(never_numbers, huge, st.integers(max_value=-1).map(str),
                         st.integers(2**63, 2**80).map(str), st.floats(0.5, 1e6).map(repr))
    if kind == "hidden":
        return st.one_of(st.sampled_from(["x", "8,,y", "-1", "8.5", "1e3", "٣"]), huge,
                         st.integers(LIMIT["--hidden"] + 1, 10**30).map(str))
    return st.one_of(never_numbers, huge, st.just("0"), st.integers(max_value=-1).map(str),
                     st.integers(LIMIT[option] + 1, 10**40).map(str),
                     st.floats(0.01, 1e9).filter(lambda f: f != int(f)).map(repr))


@pytest.mark.parametrize("option", sorted(NUMBER_OPTIONS))
@FUZZ
@given(data=st.data())
def test_bad_numbers(A, option, data):
    value = data.draw(bad_number(option))
    before, _ = NUMBER_OPTIONS[option]
    argv = [a.replace("{s231}", str(A["s231"])) for a in before] + [f"{option}={value}"]
    refused(argv, A["dir"], ".")


# ---------------------------------------------------------------------------------------------
# layer strings and sizes


@st.composite
def bad_layers(draw):
    good = draw(st.lists(st.integers(1, 9), min_size=2, max_size=5))
    parts = [str(g) for g in good]
    how = draw(st.sampled_from(["letter", "empty part", "zero end", "huge", "5000 digits", "one layer",
                                "sign", "float", "unicode", "spaces only", "mismatch"]))
    k = draw(st.integers(0, len(parts) - 1))
    if how == "letter":
        parts[k] = draw(st.text(alphabet="abxyz.+e", min_size=1, max_size=4))
    elif how == "empty part":
        parts.insert(k, "")
    elif how == "zero end":
        parts[draw(st.sampled_from([0, -1]))] = "0"
    elif how == "huge":
        parts[k] = str(draw(st.integers(layout.MAX_NEURONS + 1, 10**30)))
    elif how == "5000 digits":
        parts[k] = "1" * 5000
    elif how == "one layer":
        parts = parts[:1]
    elif how == "sign":
        parts[k] = "-" + parts[k] if k else "+" + parts[k]
    elif how == "float":
        parts[k] += ".5"
    elif how == "unicode":
        parts[k] = "٣"
    elif how == "spaces only":
        return " " * draw(st.integers(1, 3))
    else:  # fits the syntax but not the AND task (2 inputs, 1 output)
        assume(not (good[0] == 2 and good[-1] == 1))
    return ",".join(parts)


@FUZZ
@given(text=bad_layers())
def test_bad_layer_strings(A, text):
    refused(["backprop", "--task", "and", "--cycles", "2", f"--layers={text}", "--json", "r.json"], A["dir"], ".")


@pytest.mark.parametrize("argv", [
    ["backprop", "--layers", "2,5000,5000,5000,1", "--cycles", "1"],             # weights beyond MAX_WEIGHTS
    ["backprop", "--layers", "2,1000001,1"],                                     # a layer beyond MAX_NEURONS
    ["backprop", "--layers", "2,1,1", "--cycles", "50000000", "--sample", "s.npz"],   # sample rows
    ["backprop", "--task", "square", "--layers", "2,50,2", "--cycles", "200000", "--sample", "s.npz"],
    ["compare", "--seeds", "10000", "--cycles", "100000"],                       # the study's J curves
    ["transfer", "--seeds", "5000", "--cycles", "50000"],
    ["reproduce", "--seeds", "10000", "--cycles", "10000", "--out", "p"],
    ["learn", "--mode", "full", "--samples", "{s211}", "--hidden", "1000000,1000000", "--out", "r.npz"],
], ids=lambda a: " ".join(a)[:50])
def test_sizes_beyond_the_limits_are_named(A, argv):
    err = refused([a.replace("{s211}", str(A["s211"])) for a in argv], A["dir"], ".")
    assert "limit" in err


# ---------------------------------------------------------------------------------------------
# CSV shapes


@st.composite
def bad_csv(draw):
    cols = draw(st.integers(2, 5))
    rows = draw(st.integers(1, 6))
    cells = [[str(draw(st.integers(0, 1))) for _ in range(cols)] for _ in range(rows)]
    header = [f"c{k}" for k in range(cols)]
    how = draw(st.sampled_from(["ragged", "word", "non-finite", "huge cell", "header only", "empty",
                                "binary", "nul", "one column", "blank lines only"]))
    r, c = draw(st.integers(0, rows - 1)), draw(st.integers(0, cols - 1))
    if how == "ragged":
        cells[r] = cells[r][:-1] if draw(st.booleans()) else cells[r] + ["1"]
    elif how == "word":
        cells[r][c] = draw(st.sampled_from(["x", "1..2", "--1", "1e", "true", "0x1", " "]))
    elif how == "non-finite":
        cells[r][c] = draw(st.sampled_from(["nan", "inf", "-inf", "1e999", "-1e400", "9" * 400]))
    elif how == "huge cell":
        cells[r][c] = "1" * draw(st.integers(131073, 200000))
    elif how == "header only":
        cells = []
    elif how == "empty":
        return b""
    elif how == "binary":
        return bytes(draw(st.lists(st.integers(128, 255), min_size=1, max_size=40)))
    elif how == "nul":
        cells[r][c] = "1\x002"
    elif how == "one column":
        header, cells = header[:1], [row[:1] for row in cells]
    else:
        return b"\n  \n\n"
    return ("\n".join(",".join(row) for row in [header, *cells]) + "\n").encode()


@FUZZ
@given(data=bad_csv(), as_test=st.booleans())
def test_bad_csv_shapes(A, data, as_test):
    f = bad_file(A, ".csv", data)
    if as_test:
        argv = ["backprop", "--task", A["good.csv"], "--test-csv", f, "--layers", "2,1,1", "--cycles", "2"]
    else:
        argv = ["backprop", "--task", f, "--layers", "2,1,1", "--cycles", "2"]
    refused(argv + ["--json", A["keep.json"]], A["dir"], ".")


@FUZZ
@given(sep=st.sampled_from([";", "\t", "|", " "]), rows=st.integers(1, 5), cols=st.integers(2, 5),
       targets=st.integers(1, 3))
def test_a_csv_of_one_column_says_it_needs_two(A, sep, rows, cols, targets):
    """A CSV separated by something else than commas is one column: say so, not "--targets must be 1..0"."""
    lines = [sep.join(f"c{k}" for k in range(cols))] + [sep.join("01"[(r + k) % 2] for k in range(cols))
                                                         for r in range(rows)]
    f = bad_file(A, ".csv", ("\n".join(lines) + "\n").encode())
    err = refused(["backprop", "--task", f, "--targets", targets, "--layers", "2,1,1", "--cycles", "2"], A["dir"], ".")
    assert "at least 2 comma-separated columns" in err


@FUZZ
@given(values=st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=2, max_size=12),
       data=st.data())
def test_csv_cells_in_any_ascii_spelling_read_exactly(tmp_path_factory, values, data):
    """Padded, quoted, exponent, CRLF and BOM spellings of numbers all read as the same floats."""
    from localrule import tasks
    cells = [data.draw(st.sampled_from([repr(v), f"{v:.17e}", f" {v!r} ", f'"{v!r}"', f"{v:+.17g}"])) for v in values]
    cols = 2
    rows = [cells[k:k + cols] for k in range(0, len(cells) - len(cells) % cols, cols)]
    end = data.draw(st.sampled_from(["\n", "\r\n"]))
    bom = data.draw(st.sampled_from(["", "\ufeff"]))
    p = tmp_path_factory.mktemp("csv") / "t.csv"
    p.write_bytes((bom + end.join(["a,t", *(",".join(r) for r in rows)]) + end).encode())
    X, Y = tasks.read_csv(p, 1)
    want = np.array([[float(c.strip().strip('"')) for c in r] for r in rows])
    assert np.array_equal(np.hstack([X, Y]), want) and X.flags.c_contiguous and Y.flags.c_contiguous


def _read_csv_peak(path, fast):
    """(inputs, targets, peak bytes allocated) of reading a one-target CSV."""
    import tracemalloc
    from localrule import tasks
    tracemalloc.start()
    try:
        X, Y = tasks.read_csv(path, 1, fast=fast)
        return X, Y, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("row, bound", [("0,1\n", 4.5), ("0,1,1\r\n", 4.5), ("0.5,-1e-3,7\n", 2.5),
                                        ("0,1\n\n", 4.5), ("0,1,1\n" + "\n" * 9, 4.5), ("0,0\r\n\r\r\n", 4.5)])
def test_csv_memory_is_a_small_multiple_of_the_file(tmp_path, row, bound, fast):
    """Tiny rows cost ~4x the file (8 bytes a cell of >= 2 bytes), not ~80x (Python floats and lists);
    numpy's blocks add a small constant, the csv reader's rows next to nothing."""
    p = tmp_path / "tiny.csv"
    p.write_text("a,b,c\n"[:2 * row.split("\n")[0].count(",") + 1] + "\n" + row * 200_000, newline="")
    X, Y, peak = _read_csv_peak(p, fast)
    assert X.shape[0] == 200_000 and Y[-1, 0] == float(row.split(",")[-1])
    assert peak < bound * p.stat().st_size, peak / p.stat().st_size


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("width, blank", [(2, "\n"), (50, "\n"), (500, "\r\n"), (50, " \n"), (50, ",\n")])
def test_blank_lines_allocate_nothing(tmp_path, width, blank, fast):
    """A wide header and many blank lines: the arrays are sized by the cells the file can hold (a
    cell takes >= 2 bytes), not by its lines (~8 bytes a column each)."""
    p = tmp_path / "blank.csv"
    p.write_text(",".join(f"c{k}" for k in range(width)) + "\n" + ",".join(["1"] * width) + "\n" + blank * 20_000,
                 newline="")
    X, Y, peak = _read_csv_peak(p, fast)
    assert X.shape == (1, width - 1) and Y[0, 0] == 1.0
    assert peak < 4.5 * p.stat().st_size + 2**20, peak / p.stat().st_size


NUMBERS = st.one_of(st.floats(allow_nan=False, allow_infinity=False).map(repr),
                    st.floats(allow_nan=False, allow_infinity=False).map(lambda v: f"{v:.17e}"),
                    st.integers(-10**30, 10**30).map(str),
                    st.from_regex(r"[+-]?[0-9]{0,25}\.?[0-9]{0,25}([eE][+-]?[0-9]{1,4})?", fullmatch=True))
ODD_CELLS = st.sampled_from(['"1.5"', '"1,5"', '"1\n2"', "1_0", "nan", "-inf", "1e999", "", " ", "\x0c1", "1\x0b",
                             "\x1c1", "\u0663", "\xa01", "x", "1\x002", "0x10", "1 2", "--1", ".", "e5", "\ufeff1"])


def _finite(text) -> bool:
    try:
        return np.isfinite(float(text))
    except ValueError:
        return False


@st.composite
def csv_texts(draw):
    """Tables of numbers in many spellings, now and then with an odd cell, a blank or ragged line,
    any line ends: what numpy reads and what it leaves to the csv reader."""
    width = draw(st.integers(2, 4))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    lines = [",".join(f"c{k}" for k in range(width))]
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["row"] * 6 + ["odd", "blank", "ragged"]))
        if kind == "blank":
            lines.append(draw(st.sampled_from(["", "  ", "\t", ",,", " , "])))
            continue
        cells = [draw(NUMBERS).center(draw(st.integers(0, 3)) + 1, draw(st.sampled_from(" \t")))
                 for _ in range(width + (draw(st.sampled_from([-1, 1])) if kind == "ragged" else 0))]
        if kind == "odd":
            cells[draw(st.integers(0, len(cells) - 1))] = draw(ODD_CELLS)
        lines.append(",".join(cells))
    return end.join(lines) + draw(st.sampled_from([end, ""]))


def _read(path, targets, fast):
    from localrule import tasks
    try:
        X, Y = tasks.read_csv(path, targets, fast=fast)
    except layout.UsageError as e:
        return str(e)
    assert X.flags.c_contiguous and Y.flags.c_contiguous
    return X.tobytes(), Y.tobytes(), X.shape, Y.shape


@settings(FUZZ, max_examples=300)
@given(text=csv_texts(), block=st.sampled_from([1, 7, 64, 2**14]), targets=st.integers(1, 3))
def test_csv_numpy_reads_what_the_csv_reader_reads(tmp_path_factory, text, block, targets):
    """Blocks read by numpy give the csv reader's floats bit for bit, or its very message, whatever
    the block size (a block ends at a line's end)."""
    from localrule import tasks
    p = tmp_path_factory.mktemp("csv") / "t.csv"
    p.write_bytes(text.encode("utf-8", "surrogatepass"))
    old, tasks.CSV_BLOCK = tasks.CSV_BLOCK, block
    try:
        assert _read(p, targets, True) == _read(p, targets, False)
    finally:
        tasks.CSV_BLOCK = old


@FUZZ
@given(rows=st.lists(st.lists(NUMBERS.filter(_finite), min_size=3, max_size=3), min_size=1, max_size=30),
       end=st.sampled_from(["\n", "\r\n"]), pad=st.sampled_from(["", " ", "\t"]))
def test_csv_of_plain_numbers_is_read_by_numpy(tmp_path_factory, rows, end, pad):
    """Plain decimal rows never reach the per-row reader (it would be the old speed)."""
    from localrule import tasks
    p = tmp_path_factory.mktemp("csv") / "t.csv"
    p.write_text("a,b,t" + end + "".join(",".join(pad + c + pad for c in r) + end for r in rows), newline="")
    with open(p, newline="") as f:
        f.readline()
        X, Y = np.empty((len(rows), 2)), np.empty((len(rows), 1))
        assert tasks._plain_rows(f, X, Y) == len(rows)
    assert np.array_equal(np.hstack([X, Y]), np.array([[float(c) for c in r] for r in rows]))


LONG_NAMES = {  # a verb echoing a name it was given in its error
    "--task csv": lambda A, long: ["backprop", "--task", f"{long}.csv", "--layers", "2,1,1"],
    "--task name": lambda A, long: ["backprop", "--task", long, "--layers", "2,1,1"],
    "--test-csv": lambda A, long: ["backprop", "--task", A["good.csv"], "--test-csv", f"{long}.csv",
                                   "--layers", "2,1,1"],
    "--rule": lambda A, long: ["train", "--rule", f"{long}.npz", "--layers", "2,1,1"],
    "--samples": lambda A, long: ["tuples", "--samples", f"{long}.npz", "--out", "t.npz"],
    "--json": lambda A, long: ["backprop", "--layers", "2,1,1", "--json", f"{long}/x.json"],
}


@pytest.mark.parametrize("where", sorted(LONG_NAMES))
@pytest.mark.parametrize("length", [300, 5000, 100_000])
def test_long_names_are_shortened_in_errors(A, where, length):
    long = "".join("abcdefghij"[k % 10] for k in range(length))
    err = refused(LONG_NAMES[where](A, long), A["dir"], ".")
    assert len(err) < 500, len(err)


OUTPUTS = {  # every verb's output options; {out} is a path under a file
    "backprop --json": ["backprop", "--layers", "2,1,1", "--cycles", "2", "--json", "{out}.json"],
    "backprop --sample": ["backprop", "--layers", "2,1,1", "--cycles", "2", "--sample", "{out}.npz"],
    "learn --out": ["learn", "--mode", "local", "--samples", "{s231}", "--cycles", "2", "--out", "{out}.npz"],
    "learn --json": ["learn", "--mode", "local", "--samples", "{s231}", "--cycles", "2", "--out", "r.npz",
                     "--json", "{out}.json"],
    "train --json": ["train", "--rule", "{local}", "--layers", "2,3,1", "--cycles", "2", "--json", "{out}.json"],
    "tune --json": ["tune", "--layers", "2,1,1", "--cycles", "2", "--json", "{out}.json"],
    "tune --figure": ["tune", "--layers", "2,1,1", "--cycles", "2", "--figure", "{out}.png"],
    "refine --out": ["refine", "--generations", "1", "--out", "{out}"],
    "judge --json": ["judge", "--rule", "{local}", "--seeds", "1", "--json", "{out}.json"],
    "judge --figures": ["judge", "--rule", "{local}", "--seeds", "1", "--figures", "{out}"],
    "tuples --out": ["tuples", "--samples", "{s231}", "--out", "{out}.npz"],
    "compare --json": ["compare", "--seeds", "1", "--json", "{out}.json"],
    "transfer --json": ["transfer", "--seeds", "1", "--json", "{out}.json"],
    "reproduce --out": ["reproduce", "--seeds", "1", "--out", "{out}"],
}


@pytest.mark.parametrize("relative", [False, True])
@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("case", sorted(OUTPUTS))
def test_an_output_under_a_file_names_the_file(A, case, depth, relative):
    """However deep under a file an output is, the message names the file (not "does not exist")."""
    plain = Path("here.txt") if relative else A["plain"]
    plain.write_text("a file\n")
    out = str(plain.joinpath(*["a", "b"][:depth - 1], "x"))
    argv = [a.replace("{out}", out).replace("{s231}", str(A["s231"])).replace("{local}", str(A["local"]))
            for a in OUTPUTS[case]]
    err = refused(argv, A["dir"], ".")
    assert f"{plain.name} is a file, not a folder" in err, err


# ---------------------------------------------------------------------------------------------
# .npz corruption and metadata fields

NPZ_USES = {  # which verb reads which kind, as what
    "rule": lambda f: ["train", "--rule", f, "--layers", "2,3,1", "--cycles", "2", "--json", "r.json"],
    "samples": lambda f: ["learn", "--mode", "local", "--samples", f, "--cycles", "2", "--out", "r.npz"],
    "samples-full": lambda f: ["learn", "--mode", "full", "--samples", f, "--cycles", "2", "--out", "r.npz"],
    "tuples": lambda f: ["tuples", "--samples", f, "--out", "t.npz"],
}
SOURCE = {"rule": "local", "samples": "s231", "samples-full": "s211", "tuples": "tuples"}


@pytest.mark.parametrize("use", sorted(NPZ_USES))
@FUZZ
@given(frac=st.floats(0.0, 0.999))
def test_truncated_npz(A, use, frac):
    raw = A[SOURCE[use]].read_bytes()
    f = bad_file(A, ".npz", raw[: int(frac * len(raw))])
    refused(NPZ_USES[use](f), A["dir"], ".")


json_values = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False,
                           allow_infinity=False) | st.text(max_size=6),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner,
                                                                                        max_size=3), max_leaves=8)
META_KEYS = {"rule": ("format", "version", "mode", "features", "lsizes", "layers", "encoding"),
             "samples": ("format", "version", "layers"), "samples-full": ("format", "version", "layers"),
             "tuples": ("format", "version")}


@pytest.mark.parametrize("use", sorted(NPZ_USES))
@FUZZ
@given(data=st.data())
def test_bad_meta_fields(A, use, data):
    key = data.draw(st.sampled_from(META_KEYS[use]))
    with np.load(A[SOURCE[use]]) as z:
        meta = json.loads(str(z["meta"]))
    delete = data.draw(st.booleans()) and key != "layers"   # a local rule needs no layers
    value = None if delete else data.draw(json_values)
    # keep only values that are really wrong for the field
    assume(delete or value != meta.get(key))
    if key == "version":
        assume(not (type(value) is int and value == 1))
    if key == "layers" and use == "rule":
        assume(value is not None)
    if key == "encoding":
        assume(value not in ("log", "raw"))
    if key == "mode":
        assume(value != "full")   # a "full" label on a local rule's arrays fails too, but later on

    def change(m):
        if delete:
            m.pop(key, None)
        else:
            m[key] = value
    f = bad_file(A, ".npz", with_meta(A[SOURCE[use]], change))
    refused(NPZ_USES[use](f), A["dir"], ".")


@pytest.mark.parametrize("use", sorted(NPZ_USES))
@pytest.mark.parametrize("how", ["no meta", "meta not JSON", "meta a list", "meta numeric", "array missing",
                                 "ints", "wrong width", "one dimension", "object pickle"])
def test_bad_arrays(A, use, how):
    with np.load(A[SOURCE[use]]) as z:
        arrays = {k: z[k] for k in z.files}
    name = next(k for k in arrays if k != "meta")
    if how == "no meta":
        del arrays["meta"]
    elif how == "meta not JSON":
        arrays["meta"] = np.array("{format: rule")
    elif how == "meta a list":
        arrays["meta"] = np.array("[1, 2]")
    elif how == "meta numeric":
        arrays["meta"] = np.arange(3)
    elif how == "array missing":
        del arrays[name]
    elif how == "ints":
        arrays[name] = arrays[name].astype(np.int64)
    elif how == "wrong width":
        arrays[name] = np.concatenate([arrays[name], arrays[name][..., :1]], axis=-1)
    elif how == "one dimension" and arrays[name].ndim > 1:
        arrays[name] = arrays[name].ravel()
    elif how == "one dimension":
        arrays[name] = arrays[name][None, :]
    if how == "object pickle":
        buf = io.BytesIO()
        np.savez(buf, **{**arrays, name: np.array([{"a": 1}], dtype=object)})
        data = buf.getvalue()
    else:
        data = npz_bytes(arrays)
    refused(NPZ_USES[use](bad_file(A, ".npz", data)), A["dir"], ".")


def _is_count(v):
    return type(v) is int and v >= 0


def _is_number(v):
    return type(v) in (int, float) and abs(v) < float("inf")


#: Metadata values a reader trusts, and what each must be (the test's own statement of the format).
TYPED_META = {
    "rule": {"task": lambda v: v is None or type(v) is str, "rate": _is_number, "cycles": _is_count,
             "seed": _is_count, "rows": _is_count, "frozen": lambda v: type(v) is list and all(type(x) is str for x in v),
             "sources": lambda v: type(v) is list and all(type(x) is str for x in v),
             "hidden": lambda v: type(v) is list and all(_is_count(x) for x in v), "runs": lambda v: _is_count(v) and v > 0,
             "head": lambda v: False},   # a local rule has none
    "samples": {"task": lambda v: type(v) is str, "rate": _is_number, "seed": _is_count, "cycles": _is_count,
                "every": _is_count, "rows": _is_count},
    "tuples": {"sources": lambda v: type(v) is list and all(type(x) is str for x in v), "rows": _is_count},
}
TYPED_META["samples-full"] = TYPED_META["samples"]


@pytest.mark.parametrize("use", sorted(NPZ_USES))
@FUZZ
@given(data=st.data())
def test_meta_values_of_the_wrong_kind_are_refused(A, use, data):
    """A wrong kind of value (a task that is a list, a rate that is text) is refused on loading,
    before anything trusts it: not a traceback later, not silently used or ignored."""
    key = data.draw(st.sampled_from(sorted(TYPED_META[use])))
    value = data.draw(json_values | st.sampled_from([float("nan"), float("inf"), -1, "delta", [1, 2]]))
    assume(not TYPED_META[use][key](value))
    f = bad_file(A, ".npz", with_meta(A[SOURCE[use]], lambda m: m.update({key: value})))
    err = refused(NPZ_USES[use](f), A["dir"], ".")
    assert key in err


#: The full-fixed learner's ways of using a sample file's run: relabel its states at its rate
#: (always), rerun its set-up for its cycles (--runs, --dagger, and --fixed's recipe holds both).
RERUNS = {"fixed": ["--fixed"], "runs": ["--runs", "2", "--cycles", "1"], "dagger": ["--dagger", "1", "--cycles", "1"],
          "adam": ["--optimizer", "adam", "--cycles", "1"], "sgd": ["--optimizer", "sgd", "--cycles", "1"]}
RUN_FIELDS = {"rate": lambda v: type(v) in (int, float) and 0 < v < float("inf"),
              "cycles": lambda v: type(v) is int and 1 <= v <= layout.MAX_CYCLES}


def _rerun_refused(A, how, key, change):
    f = bad_file(A, ".npz", with_meta(A["s211"], change))
    err = refused(["learn", "--mode", "full", "--samples", f, *RERUNS[how], "--out", "r.npz"], A["dir"], ".")
    assert f.name in err and (f"'{key}'" in err or f"{key} must be" in err), err


@pytest.mark.parametrize("how", sorted(RERUNS))
@pytest.mark.parametrize("key, value", [("rate", None), ("cycles", None),          # None: the field deleted
                                        ("rate", 0), ("rate", -0.23), ("rate", 0.0), ("rate", -1e-300),
                                        ("cycles", 0), ("cycles", -5), ("cycles", 10**9), ("cycles", 2.5),
                                        ("cycles", 200.0), ("cycles", "200"), ("rate", "0.23"), ("rate", True),
                                        ("cycles", True), ("rate", [0.23]), ("cycles", {"n": 1})])
def test_full_fixed_learning_refuses_a_run_it_cannot_relabel_or_rerun(A, how, key, value):
    """A sample file whose recorded rate or cycles are missing, zero, negative or not numbers: one
    line naming the file and the field (plain ``learn --mode full`` needs neither, and takes it)."""
    def change(m):
        if value is None:
            m.pop(key)
        else:
            m[key] = value
    _rerun_refused(A, how, key, change)


@pytest.mark.parametrize("how", ["fixed", "runs", "dagger"])
@FUZZ
@given(data=st.data())
def test_full_fixed_learning_refuses_any_bad_run_record(A, how, data):
    key = data.draw(st.sampled_from(sorted(RUN_FIELDS)))
    value = data.draw(json_values | st.integers() | st.floats(allow_nan=False, allow_infinity=False))
    assume(value is not None and not RUN_FIELDS[key](value))
    _rerun_refused(A, how, key, lambda m: m.update({key: value}))


def test_plain_full_learning_still_takes_a_file_without_its_run(A, tmp_path):
    f = bad_file(A, ".npz", with_meta(A["s211"], lambda m: [m.pop("rate"), m.update(cycles=0)]))
    rc, out, err = run_cli(["learn", "--mode", "full", "--samples", f, "--cycles", "2", "--out", tmp_path / "r.npz"])
    assert rc == 0 and err == "" and (tmp_path / "r.npz").exists()


def _zip_with_header_only(path, name, shape) -> bytes:
    """The file at ``path`` with array ``name`` replaced by a bare .npy header declaring ``shape``
    (a few bytes that would decompress, or allocate, to any size)."""
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.namelist():
            if item != f"{name}.npy":
                out.writestr(item, src.read(item))
                continue
            head = io.BytesIO()
            np.lib.format.write_array_header_2_0(head, {"descr": "<f8", "fortran_order": False, "shape": shape})
            out.writestr(item, head.getvalue())
    return buf.getvalue()


@pytest.mark.parametrize("use", sorted(NPZ_USES))
@FUZZ
@given(data=st.data())
def test_huge_declared_arrays_are_refused_from_their_headers(A, use, data, monkeypatch):
    """An array whose header declares more values than the limit (or another shape) is refused
    before any array but the metadata record is read."""
    with np.load(A[SOURCE[use]]) as z:
        shapes = {k: z[k].shape for k in z.files if k != "meta"}
    name = data.draw(st.sampled_from(sorted(shapes)))
    big = data.draw(st.integers(layout.MAX_VALUES + 1, 10**15))
    shape = (big,) if len(shapes[name]) == 1 else (big // shapes[name][1] + 1, shapes[name][1])
    f = bad_file(A, ".npz", _zip_with_header_only(A[SOURCE[use]], name, shape))
    read = []
    real = np.lib.format.read_array
    monkeypatch.setattr(np.lib.format, "read_array", lambda fp, **k: read.append(fp.name) or real(fp, **k))
    err = refused(NPZ_USES[use](f), A["dir"], ".")
    assert set(read) == {"meta.npy"} and ("limit" in err or "shape" in err), (read, err)


@FUZZ
@given(use=st.sampled_from(["samples", "samples-full", "tuples"]), k=st.integers(0, 10**6), data=st.data())
def test_sample_and_tuple_files_with_non_finite_or_absurd_values_are_refused(A, use, k, data):
    """nan, inf or a value no run records (|v| > 1e30 in a sample file) is refused naming the array,
    not turned into nan tuples, a nan R² or numpy warnings."""
    src = A[SOURCE[use]]
    with np.load(src) as z:
        name = data.draw(st.sampled_from(sorted(n for n in z.files if n != "meta")))
    bound = samples.SAMPLE_BOUND ** (4 if use == "tuples" else 1)
    value = data.draw(st.sampled_from([np.nan, np.inf, -np.inf, 1e308, -1e308]) |
                      st.floats(bound * 1.01, 1e308).map(lambda v: v * data.draw(st.sampled_from([1, -1]))))
    err = refused(NPZ_USES[use](bad_file(A, ".npz", with_array(src, name, k, value))), A["dir"], ".")
    assert repr(name) in err


# ---------------------------------------------------------------------------------------------
# paths, and an output that is one of the inputs


spellings = conftest.spellings


def io_pairs(A):
    """(argv builder taking the output path, the input file it must not replace)."""
    return [
        (lambda o: ["tuples", "--samples", A["s231"], "--out", o], A["s231"]),
        (lambda o: ["tuples", "--samples", f"{A['tuples']},{A['s231']}", "--out", o], A["tuples"]),
        (lambda o: ["learn", "--mode", "local", "--samples", A["s231"], "--out", o], A["s231"]),
        (lambda o: ["learn", "--mode", "full", "--samples", A["s211"], "--out", "r.npz", "--json", o], A["s211"]),
        (lambda o: ["train", "--rule", A["local"], "--layers", "2,3,1", "--json", o], A["local"]),
        (lambda o: ["train", "--rule", A["full"], "--task", A["good.csv"], "--json", o], A["good.csv"]),
        (lambda o: ["backprop", "--task", A["good.csv"], "--layers", "2,1,1", "--json", o], A["good.csv"]),
        (lambda o: ["backprop", "--task", A["good.csv"], "--layers", "2,1,1", "--sample", o], A["good.csv"]),
        (lambda o: ["backprop", "--task", "and", "--test-csv", A["good.csv"], "--layers", "2,1,1", "--json", o],
         A["good.csv"]),
        (lambda o: ["tune", "--task", A["good.csv"], "--layers", "2,1,1", "--json", o], A["good.csv"]),
        (lambda o: ["judge", "--rule", A["local"], "--heldout", f"{A['good.csv']}:2,1:5", "--json", o], A["good.csv"]),
        (lambda o: ["train", "--rule", rule_naming(A, A["good.csv"]), "--layers", "2,2,1", "--json", o],
         A["good.csv"]),   # the CSV a rule names as its task, read when no --task is given
    ]


def rule_naming(A, task) -> Path:
    """A full rule whose metadata names ``task`` as its task."""
    return bad_file(A, ".npz", with_meta(A["full"], lambda m: m.update(task=str(task))))


@pytest.mark.parametrize("option", ["--train", "--heldout"])
def test_refine_outputs_never_replace_its_task_files(A, tmp_path, option):
    """A CSV task of refine's specs in its --out folder, under a name refine writes there."""
    out = tmp_path / "out"
    out.mkdir()
    for name in refine.OUT_FILES:
        (out / name).write_bytes(A["good.csv"].read_bytes())
        err = refused(["refine", option, f"{out / name}:2,1:5", "--out", out, "--generations", "0"], out)
        assert "also an input" in err
        (out / name).unlink()


def test_output_equal_to_an_input_is_refused(A, tmp_path):
    for build, inp in io_pairs(A):
        for name in spellings(Path(inp), tmp_path):
            refused(build(name), A["dir"])


@FUZZ
@given(k=st.integers(0, 5), pair=st.integers(0, 8), sample_json=st.booleans())
def test_two_outputs_on_one_file(A, k, pair, sample_json):
    here = Path.cwd()
    target = here / "out.x"
    name = [str(target), "out.x", "./out.x", f"../{here.name}/out.x", str(here / "." / "out.x"),
            str(here / "sub" / ".." / "out.x")][k]
    (here / "sub").mkdir(exist_ok=True)
    argv = (["backprop", "--layers", "2,1,1", "--cycles", "2", "--sample", "out.x", "--json", name] if sample_json
            else ["learn", "--mode", "full", "--samples", A["s211"], "--out", "out.x", "--json", name])
    refused(argv, A["dir"], here)


@pytest.mark.parametrize("option", ["--json", "--sample"])
@pytest.mark.parametrize("where", ["folder", "missing folder", "under a file", "empty", "blank", "long name",
                                   "input folder", "fifo"])
def test_bad_output_paths(A, option, where, tmp_path):
    fifo = tmp_path / "fifo"     # like /dev/null: renaming a file over it would replace the device
    os.mkfifo(fifo)
    path = {"folder": A["folder"], "missing folder": A["dir"] / "nope" / "r.out",
            "under a file": A["plain"] / "r.out", "empty": "", "blank": "  ", "long name": "x" * 300,
            "input folder": A["dir"], "fifo": fifo}[where]
    refused(["backprop", "--layers", "2,1,1", "--cycles", "2", option, path], A["dir"])
    assert fifo.is_fifo()


def test_special_files_as_outputs_of_every_verb(A, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for argv in (["learn", "--mode", "local", "--samples", A["s231"], "--out", fifo],
                 ["tuples", "--samples", A["s231"], "--out", fifo],
                 ["train", "--rule", A["local"], "--layers", "2,3,1", "--json", fifo],
                 ["compare", "--json", fifo], ["transfer", "--json", fifo], ["reproduce", "--out", fifo]):
        refused(argv, A["dir"])
        assert fifo.is_fifo()


@pytest.mark.parametrize("argv", [
    ["compare", "--modes", ","], ["compare", "--modes", "backprop,backprop"], ["compare", "--modes", "bp"],
    ["compare", "--experiments", ""], ["compare", "--experiments", "5"], ["compare", "--experiments", "1,1"],
    ["reproduce", "--experiments", "4,2,4"], ["compare", "--experiments", "9" * 5000],
    ["transfer", "--json", ""], ["reproduce", "--out", ""], ["backprop", "--task", ""],
    ["backprop", "--sample", ""], ["train", "--rule", ""], ["learn", "--mode", "full", "--samples", "{s211}",
                                                             "--features", "", "--out", "r.npz"],
    ["tuples", "--samples", "{s231}", "--out", ""], ["backprop", "--layers", ""],
    ["backprop", "--test-csv", ""],
], ids=lambda a: " ".join(a)[:40])
def test_empty_and_unknown_option_values(A, argv):
    refused([a.replace("{s211}", str(A["s211"])).replace("{s231}", str(A["s231"])) for a in argv], A["dir"], ".")


# ---------------------------------------------------------------------------------------------
# the same refusals from a real process (a representative subset, started together)


def _subprocess_cases(A):
    d = A["dir"]
    return [
        ["backprop", "--cycles", "7" * 5000],
        ["backprop", "--layers", f"2,{'7' * 5000},1"],
        ["backprop", "--layers", "2,1000000000,2"],
        ["compare", "--seeds", "99999999999999999999"],
        ["compare", "--modes", "", "--json", A["keep.json"]],
        ["train", "--rule", A["s231"], "--layers", "2,3,1"],
        ["tuples", "--samples", A["s231"], "--out", A["s231"]],
        ["learn", "--mode", "local", "--samples", A["s231"], "--max-tuples", "1", "--out", d / "r.npz"],
        ["backprop", "--task", A["good.csv"], "--layers", "2,1,1", "--json", A["good.csv"]],
        ["reproduce", "--out", A["plain"]],
    ]


def _default_sigint():
    """A shell's background job inherits SIGINT ignored (and Python then keeps it so); a user's
    foreground command does not.  Tests start commands as the latter."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(argv, cwd):
    env = {**os.environ, "PYTHONWARNINGS": "default"}
    return subprocess.Popen([sys.executable, "-m", "localrule", *map(str, argv)], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_sigint)


def _wait_busy(p, cpu_seconds=1.0, wall_seconds=1.5, timeout=60.0):
    """Wait until the child has worked ``cpu_seconds`` (its imports are done, its run under way)
    and ``wall_seconds`` have passed: on a busy machine a fixed sleep can land in Python's start."""
    t0 = time.perf_counter()
    stat = f"/proc/{p.pid}/stat"
    while time.perf_counter() - t0 < timeout and p.poll() is None:
        if time.perf_counter() - t0 >= wall_seconds:
            if not os.path.exists(stat):
                return
            fields = open(stat).read().rsplit(")", 1)[1].split()
            if (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") >= cpu_seconds:
                return
        time.sleep(0.05)


def test_refusals_in_real_processes(A, tmp_path):
    csv = bad_file(A, ".csv", b"a,t\n" + b"1" * 200000 + b",1\n")
    fifo = tmp_path.parent / f"{tmp_path.name}.fifo"   # reading it would wait for a writer forever
    os.mkfifo(fifo)
    cases = _subprocess_cases(A) + [["backprop", "--task", csv, "--layers", "1,1,1"],
                                    ["backprop", "--task", "/dev/zero", "--layers", "1,1,1"],
                                    ["backprop", "--task", fifo, "--layers", "1,1,1"]]
    before = snapshot(A["dir"])
    procs = [(argv, _start(argv, tmp_path)) for argv in cases]
    for argv, p in procs:
        out, err = p.communicate(timeout=120)
        CASES.add(tuple(map(str, argv)))
        assert_refused(p.returncode, out, err)
    assert snapshot(A["dir"]) == before and list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# not bad input: overflowing error and divergence are results, and JSON never holds inf


def test_infinite_error_is_a_diverged_result(A, tmp_path):
    csv = tmp_path / "big.csv"
    csv.write_text("a,t\n1,1e200\n2,1e200\n")
    rc, out, err = run_cli(["backprop", "--task", csv, "--layers", "1,1,1", "--rate", "1e-300", "--cycles", "5",
                            "--json", tmp_path / "r.json"])
    assert rc == 0 and err == "" and "diverged at cycle 0" in out
    # asked to sample it too: the result is still reported, but no sample file of 0 rows is written
    (tmp_path / "r.json").unlink()
    rc, out, err = run_cli(["backprop", "--task", csv, "--layers", "1,1,1", "--rate", "1e-300", "--cycles", "5",
                            "--json", tmp_path / "r.json", "--sample", tmp_path / "s.npz"])
    assert_one_line_error(rc, err, code=1)
    assert "diverged at cycle 0" in out and "not written" in err
    assert (tmp_path / "r.json").exists() and not (tmp_path / "s.npz").exists()

    def no_constants(c):
        raise ValueError(c)
    d = json.loads((tmp_path / "r.json").read_text(), parse_constant=no_constants)
    assert d["diverged"] is True and d["diverged_at"] == 0 and d["final_J"] is None



# ---------------------------------------------------------------------------------------------
# interrupts: Ctrl-C and SIGTERM stop a long run within a second and leave earlier files intact


#: A real signal sent by the process to itself just as it starts importing the engine (numpy,
#: numba: seconds on a busy machine), where a timed signal from outside would race Python's own start.
SIGNAL_MID_IMPORT = """
import importlib.abc, os, signal, sys
class SignalOnImport(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "localrule.cli":
            os.kill(os.getpid(), getattr(signal, sys.argv[1]))
        return None
sys.meta_path.insert(0, SignalOnImport())
from localrule.__main__ import run
sys.exit(run())
"""


@pytest.mark.parametrize("sig, code", [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_signal_while_the_engine_loads_is_one_line_too(tmp_path, sig, code):
    p = subprocess.run([sys.executable, "-c", SIGNAL_MID_IMPORT, sig], cwd=tmp_path, capture_output=True, text=True,
                       timeout=60, preexec_fn=_default_sigint)
    assert p.returncode == code and p.stdout == "", (p.returncode, p.stderr)
    assert len(p.stderr.splitlines()) == 1 and p.stderr.startswith("localrule: "), p.stderr
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_a_long_run(tmp_path, sig, code):
    old_json, old_sample = tmp_path / "r.json", tmp_path / "s.npz"
    old_json.write_text('{"old": true}\n')
    old_sample.write_bytes(b"an earlier sample file")
    before = snapshot(tmp_path)
    # about a minute of work on 2 cores; the signal comes once the run is under way (numba loads in ~0.5 s)
    p = _start(["backprop", "--task", "square", "--layers", "2,50,2", "--cycles", "200000", "--json", old_json,
                "--sample", old_sample, "--every", "1000"], tmp_path)
    _wait_busy(p)
    assert p.poll() is None, p.communicate()
    t0 = time.perf_counter()
    p.send_signal(sig)
    out, err = p.communicate(timeout=30)
    took = time.perf_counter() - t0
    assert p.returncode == code and took < 2.0, (p.returncode, took, err)
    assert len(err.splitlines()) == 1 and "Traceback" not in err and out == ""
    assert snapshot(tmp_path) == before          # old outputs intact, no temporary file left


def test_an_interrupt_while_writing_keeps_the_finished_run(tmp_path, monkeypatch):
    """Ctrl-C after training has ended waits for the outputs, then reports (exit 130)."""
    from localrule import files
    real = files.write_json

    def interrupted_write(path, obj):
        os.kill(os.getpid(), signal.SIGINT)
        return real(path, obj)
    monkeypatch.setattr(files, "write_json", interrupted_write)
    out = tmp_path / "r.json"
    rc, so, se = run_cli(["backprop", "--layers", "2,1,1", "--cycles", "20", "--json", out, "--sample",
                          tmp_path / "s.npz"])
    assert rc == 130 and len(se.splitlines()) == 1 and "outputs were written" in se
    assert json.loads(out.read_text())["cycles"] == 20 and (tmp_path / "s.npz").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "s.npz"]


def test_sigterm_during_a_save(tmp_path, monkeypatch):
    """In the CLI a finished run's save completes (exit 143); elsewhere (the API, with the handler
    installed) the save is abandoned, its temporary file removed and the old file kept."""
    from localrule import files
    real = np.savez_compressed

    def killed_save(f, **arrays):
        os.kill(os.getpid(), signal.SIGTERM)   # the handler acts here, mid-write
        f.write(b"half a file")
        return real(f, **arrays)
    monkeypatch.setattr(files.np, "savez_compressed", killed_save)
    old = tmp_path / "s.npz"
    old.write_bytes(b"an earlier sample file")
    try:
        rc, so, se = run_cli(["backprop", "--layers", "2,1,1", "--cycles", "5", "--sample", old])
        assert rc == 143 and len(se.splitlines()) == 1 and "outputs were written" in se
        assert [p.name for p in tmp_path.iterdir()] == ["s.npz"] and old.read_bytes() != b"an earlier sample file"
        old.write_bytes(b"an earlier sample file")
        files.install_terminate_handler()
        with pytest.raises(files.Terminated):
            files.save_npz(old, "localrule-samples", 1, {}, {"x": np.zeros(3)})
        assert [p.name for p in tmp_path.iterdir()] == ["s.npz"] and old.read_bytes() == b"an earlier sample file"
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def test_reproduce_swaps_its_folder_in_whole_or_not_at_all(tmp_path, monkeypatch):
    from dataclasses import replace
    from localrule import reproduce as rep
    from localrule.experiments import EXPERIMENTS
    exps = [replace(EXPERIMENTS[1], cycles=20)]
    out = tmp_path / "paper"
    assert rep.reproduce(exps, 2, out, figures=False) == 0
    first = snapshot(out)
    assert {Path(p).name for p in first} == {"results.json", "local_rule.npz", "exp1_full_rule.npz",
                                             "exp1_full_fixed_rule.npz"}
    # a second run interrupted while writing its results: the first run's folder stays as it was
    monkeypatch.setattr(rep, "write_json", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        rep.reproduce(exps, 3, out, figures=False)
    assert snapshot(out) == first and sorted(p.name for p in tmp_path.iterdir()) == ["paper"]
    monkeypatch.undo()
    # a completed second run replaces it as a whole
    (out / "stale.png").write_bytes(b"from an older run")
    assert rep.reproduce(exps, 3, out, figures=False) == 0
    assert not (out / "stale.png").exists() and json.loads((out / "results.json").read_text())["seeds"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["paper"]


def test_unwritable_folders_are_refused_before_any_work(A, tmp_path, monkeypatch):
    """Root ignores permissions, so the check itself (os.access) is denied here for ``ro``."""
    from localrule import files
    ro = tmp_path / "ro"
    (ro / "old").mkdir(parents=True)
    (ro / "old" / "results.json").write_text("{}\n")
    real = os.access
    monkeypatch.setattr(files.os, "access", lambda p, mode: False if Path(p).name in ("ro", "old") else real(p, mode))
    t0 = time.perf_counter()
    for argv in (["reproduce", "--out", ro / "paper"], ["reproduce", "--out", ro / "old"],
                 ["reproduce", "--out", ro / "new" / "deeper"], ["backprop", "--layers", "2,1,1", "--json", ro / "r.json"],
                 ["learn", "--mode", "local", "--samples", A["s231"], "--out", ro / "r.npz"]):
        refused(argv, A["dir"], tmp_path)
    assert time.perf_counter() - t0 < 5


# ---------------------------------------------------------------------------------------------
# the verbs beyond the paper: tune, refine, judge, and learn's full-fixed options

@pytest.mark.parametrize("argv", [
    ["tune", "--layers", "2,1,1", "--seeds", "99999999999"], ["tune", "--layers", "2,1,1", "--cycles", "9" * 5000],
    ["tune", "--layers", "2,1,1", "--rates", "0,1"], ["tune", "--layers", "2,1,1", "--rates", "nan"],
    ["tune", "--layers", "2,1,1", "--rates", ",".join(["1"] * 101)], ["tune", "--layers", "2,1,1", "--json", ""],
    ["tune", "--layers", "2,1,1", "--hidden-scales", "-1"], ["tune", "--layers", "2,1,1", "--order", "random"],
    ["tune"], ["tune", "--layers", "2,1,1", "--rule", "{s231}"], ["tune", "--layers", "2,1,1", "--task", ""],
    ["tune", "--task", "{good.csv}", "--layers", "2,1,1", "--json", "{good.csv}"],
    ["tune", "--layers", "2,1,1", "--rule", "{local}", "--figure", "{local}"],
    ["refine", "--popsize", "1"], ["refine", "--popsize", "100000"], ["refine", "--generations", "-1"],
    ["refine", "--generations", "9" * 30], ["refine", "--final-seeds", "-1"], ["refine", "--minutes", "-1"],
    ["refine", "--minutes", "inf"], ["refine", "--rule", "{s231}"], ["refine", "--rule", "{full}"],
    ["refine", "--out", ""], ["refine", "--train", "nonsense"], ["refine", "--heldout", "xor:2,x,1"],
    ["judge", "--rule", "{local}", "--json", "{local}"], ["judge", "--rule", "{local}", "--seeds", "0"],
    ["judge", "--rule", "{tuples}"], ["judge", "--rule", "{local}", "--figures", "{keep.json}"],
    ["refine", "--start", "teacher"], ["refine", "--adapt", "all"], ["refine", "--objective", "best"], ["refine", "--adapt", "flat+"], ["refine", "--adapt", "none+flat"], ["refine", "--teachers", "-2"], ["refine", "--teachers", "1e3"], ["refine", "--teachers", "5000"], ["refine", "--seeds-per-task", "0"], ["refine", "--seeds-per-task", "101"], ["refine", "--seeds-per-task", "x"], ["refine", "--rule", "{local}", "--start", "rmsprop"],
    ["judge", "--rule", "{local}", "{local}", "--rate", "2"], ["judge", "--rule", "{local}", "{full}"],
    ["judge", "--rule", "{local}", "--heldout", "iris:4,8"], ["judge", "--rule", "{local}", "--json", "{local}", "--rule", "{full}"],
    ["learn", "--mode", "local", "--samples", "{s231}", "--fixed", "--out", "r.npz"],
    ["learn", "--mode", "full", "--samples", "{s211}", "--dagger", "9" * 40, "--out", "r.npz"],
    ["learn", "--mode", "full", "--samples", "{s211}", "--runs", "0", "--out", "r.npz"],
    ["learn", "--mode", "full", "--samples", "{s211}", "--batch", "0", "--out", "r.npz"],
    ["learn", "--mode", "full", "--samples", "{s211}", "--batch", "x", "--out", "r.npz"],
    ["learn", "--mode", "full", "--samples", "{s211}", "--batch", "1e999", "--out", "r.npz"],
], ids=lambda a: " ".join(a)[:40])
def test_new_verbs_refuse_bad_input(A, argv):
    def fill(a):
        for k in ("s211", "s231", "local", "full", "tuples", "good.csv", "keep.json"):
            a = a.replace("{" + k + "}", str(A[k]))
        return a
    refused([fill(a) for a in argv], A["dir"], ".")


# ---------------------------------------------------------------------------------------------
# hardening: digits of other scripts, task specs, sizes of random teachers, rule arrays


#: Where a user types a whole number, with ``u`` in it (``A``: the module's files).
FOREIGN_PLACES = {
    "--layers": lambda u, A: ["backprop", "--task", "and", "--cycles", "2", "--layers", f"2,{u},1"],
    "teacher@SEED": lambda u, A: ["backprop", "--task", f"teacher@{u}", "--layers", "2,3,1", "--cycles", "2"],
    "train teacher@SEED": lambda u, A: ["train", "--rule", A["local"], "--task", f"teacher@{u}", "--layers", "2,3,1",
                                        "--cycles", "2"],
    "spec layers": lambda u, A: ["judge", "--rule", A["local"], "--heldout", f"xor:2,{u},1:5", "--seeds", "1"],
    "spec cycles": lambda u, A: ["judge", "--rule", A["local"], "--heldout", f"xor:2,2,1:{u}", "--seeds", "1"],
    "spec teacher": lambda u, A: ["judge", "--rule", A["local"], "--heldout", f"teacher@{u}:3,3,1:60", "--seeds", "1"],
    "refine --train": lambda u, A: ["refine", "--rule", A["local"], "--train", f"and:2,1,1:{u}", "--out", "r"],
    "--rate": lambda u, A: ["backprop", "--layers", "2,1,1", "--cycles", "2", "--rate", u],
    "--rates": lambda u, A: ["tune", "--layers", "2,1,1", "--cycles", "2", "--seeds", "1", "--rates", f"1,{u}"],
    "--minutes": lambda u, A: ["refine", "--rule", A["local"], "--minutes", u, "--out", "r"],
    "--experiments": lambda u, A: ["compare", "--experiments", u, "--seeds", "1", "--cycles", "2"],
    "--seed": lambda u, A: ["backprop", "--layers", "2,1,1", "--cycles", "2", "--seed", u],
    "CSV cell": lambda u, A: ["backprop", "--task", bad_file(A, ".csv", f"a,b,t\n0,{u},1\n1,1,0\n".encode()),
                              "--layers", "2,1,1", "--cycles", "2"],
}


@pytest.mark.parametrize("place", sorted(FOREIGN_PLACES))
@FUZZ
@given(u=conftest.foreign_digits())
def test_digits_of_other_scripts_are_refused(A, place, u):
    refused(FOREIGN_PLACES[place](u, A), A["dir"], ".")


@pytest.mark.parametrize("place", sorted(FOREIGN_PLACES))
@FUZZ
@given(n=st.integers(10, 99999), data=st.data())
def test_digit_separators_are_refused(A, place, n, data):
    """'1_0' is 10.0 to float(): neither an option nor a CSV cell takes it (the same syntax)."""
    k = data.draw(st.integers(1, len(str(n)) - 1))
    refused(FOREIGN_PLACES[place](f"{str(n)[:k]}_{str(n)[k:]}", A), A["dir"], ".")


@st.composite
def twice_given(draw):
    """A TASK:LAYERS[:CYCLES][:ORDER] spec with its cycle count or its order given twice."""
    cycles = st.integers(1, 500).map(str)
    orders = st.sampled_from(["shuffle", "fixed"])
    twice = draw(st.sampled_from(["cycles", "order"]))
    parts = [draw(cycles if twice == "cycles" else orders) for _ in range(2)]
    if draw(st.booleans()):
        parts.insert(draw(st.integers(0, 2)), draw(orders if twice == "cycles" else cycles))
    return draw(st.sampled_from(["xor:2,5,1", "and:2,1,1", "teacher@3:3,4,2"])) + ":" + ":".join(parts)


@FUZZ
@given(spec=twice_given(), verb=st.sampled_from(["judge", "refine"]))
def test_a_spec_part_given_twice_is_refused(A, spec, verb):
    option = "--heldout" if verb == "judge" else "--train"
    refused([verb, "--rule", A["local"], option, spec, "--out" if verb == "refine" else "--seeds",
             "r" if verb == "refine" else "1"], A["dir"], ".")


def test_spec_parts_in_either_order_once_each():
    from localrule.refine import parse_spec
    for text in ("xor:2,5,1:100:shuffle", "xor:2,5,1:shuffle:100"):
        s = parse_spec(text)
        assert (s.cycles, s.order) == (100, "shuffle")
    s = parse_spec("xor:2,5,1")
    assert (s.cycles, s.order) == (300, "fixed")
    with pytest.raises(layout.UsageError, match="given twice"):
        parse_spec("xor:2,5,1:100:200")
    with pytest.raises(layout.UsageError, match="limit"):
        parse_spec(f"xor:2,5,1:{layout.MAX_CYCLES + 1}")


@st.composite
def huge_teacher_layers(draw):
    sizes = draw(st.lists(st.integers(1, layout.MAX_NEURONS), min_size=2, max_size=4))
    assume(layout.n_weights(sizes) > layout.MAX_WEIGHTS)
    return ",".join(map(str, sizes))


@FUZZ
@given(layers=huge_teacher_layers(), seed=st.integers(0, 99), where=st.sampled_from(["backprop", "tune", "judge",
                                                                                      "refine"]))
def test_huge_random_teachers_are_refused_before_allocating(A, monkeypatch, layers, seed, where):
    from localrule import tasks

    def never(*a, **k):
        raise AssertionError("allocated a teacher beyond the limits")
    monkeypatch.setattr(tasks, "init_params", never)
    spec = f"teacher@{seed}:{layers}:5"
    argv = {"backprop": ["backprop", "--task", f"teacher@{seed}", "--layers", layers, "--cycles", "2"],
            "tune": ["tune", "--task", f"teacher@{seed}", "--layers", layers, "--cycles", "2", "--seeds", "1"],
            "judge": ["judge", "--rule", A["local"], "--heldout", spec, "--seeds", "1"],
            "refine": ["refine", "--rule", A["local"], "--train", spec, "--out", "r"]}[where]
    assert "limit" in refused(argv, A["dir"], ".")


@pytest.mark.parametrize("patterns", [0, -3, 2.5, "128", 10**9])
def test_teacher_pattern_counts_are_checked_first(patterns):
    from localrule import tasks
    with pytest.raises(layout.UsageError):
        tasks.teacher_task((3, 4, 2), 1, patterns)
    assert tasks.teacher_task((3, 4, 2), 1, 7).X.shape == (7, 3)


def with_array(path, name, k, value) -> bytes:
    """The file at ``path`` with entry ``k`` (modulo its size) of array ``name`` set to ``value``."""
    with np.load(path) as z:
        arrays = {a: z[a].copy() for a in z.files}
    arrays[name].flat[k % arrays[name].size] = value
    return npz_bytes(arrays)


RULE_READERS = {
    "train": lambda f: ["train", "--rule", f, "--layers", "2,3,1", "--cycles", "2"],
    "tune": lambda f: ["tune", "--rule", f, "--layers", "2,3,1", "--cycles", "2", "--seeds", "1", "--rates", "1"],
    "judge": lambda f: ["judge", "--rule", f, "--heldout", "and:2,3,1:5", "--seeds", "1"],
    "refine": lambda f: ["refine", "--rule", f, "--generations", "0", "--out", "r"],
}


@FUZZ
@given(which=st.sampled_from(["local", "full"]), name=st.sampled_from(["lw", "lb", "in_shift", "in_scale",
                                                                        "out_shift", "out_scale"]),
       k=st.integers(0, 10**6), data=st.data())
def test_rule_files_with_non_finite_or_non_positive_values_are_refused(A, which, name, k, data):
    bad = [np.nan, np.inf, -np.inf] + ([0.0, -0.0, -1e-300, -1.0, -1e300] if name.endswith("scale") else [])
    f = bad_file(A, ".npz", with_array(A[which], name, k, data.draw(st.sampled_from(bad))))
    verbs = ["train", "tune"] if which == "full" else sorted(RULE_READERS)
    err = refused(RULE_READERS[data.draw(st.sampled_from(verbs))](f), A["dir"], ".")
    assert str(f) in err and repr(name) in err


#: Small runs (a check that were missed would cost seconds, not minutes).
SMALL_REFINE = ["--train", "and:2,1,1:5", "--heldout", "xor:2,2,1:5", "--generations", "0", "--teachers", "0",
                "--final-seeds", "1"]
FOLDER_USERS = {  # a verb writing files into a folder it is given
    "judge --figures": lambda A, d: ["judge", "--rule", A["local"], "--heldout", "xor:2,2,1:5", "--seeds", "1",
                                     "--figures", d],
    "refine --out": lambda A, d: ["refine", "--rule", A["local"], *SMALL_REFINE, "--out", d],
    "refine --out (imitation start)": lambda A, d: ["refine", *SMALL_REFINE, "--out", d],
    "refine --resume": lambda A, d: ["refine", "--rule", A["local"], *SMALL_REFINE, "--resume", "--out", d],
}


@pytest.mark.parametrize("user", sorted(FOLDER_USERS))
@pytest.mark.parametrize("where", ["a file", "under a file", "read-only", "under a read-only folder", "NUL",
                                   "blank", "a figure is a folder", "rule.npz is a folder", "fifo inside"])
def test_output_folders_are_checked_before_any_work(A, tmp_path, monkeypatch, user, where):
    """judge --figures and refine --out go through files.check_output_folder: refused at once."""
    from localrule import files
    ro = tmp_path / "ro"
    ro.mkdir()
    real = os.access
    monkeypatch.setattr(files.os, "access", lambda p, mode: False if Path(p).name == "ro" else real(p, mode))
    inside = tmp_path / "out"
    inside.mkdir()
    if where == "a figure is a folder":
        (inside / "heldout_xor_2-2-1.png").mkdir()
    elif where == "rule.npz is a folder":
        (inside / "rule.npz").mkdir()
    elif where == "fifo inside":
        os.mkfifo(inside / ("heldout_xor_2-2-1.png" if user.startswith("judge") else "history.json"))
    folder = {"a file": A["plain"], "under a file": A["plain"] / "sub", "read-only": ro, "under a read-only folder":
              ro / "new", "NUL": "x\0y", "blank": "  "}.get(where, inside)
    if user == "refine --resume" and where not in ("a file", "under a file", "NUL", "blank"):
        (inside / "checkpoint.pkl").write_bytes(b"not read: refused before")
    if user == "judge --figures" and where == "rule.npz is a folder":
        pytest.skip("judge writes no rule.npz")
    t0 = time.perf_counter()
    refused(FOLDER_USERS[user](A, folder), A["dir"], tmp_path)
    assert time.perf_counter() - t0 < 5, "refused only after working"


@pytest.mark.parametrize("out", ["missing", "empty", "other files", "checkpoint is a folder"])
def test_refine_resume_without_a_checkpoint_is_a_usage_error(A, tmp_path, out):
    from localrule import refine
    d = tmp_path / "out"
    if out != "missing":
        d.mkdir()
    if out == "other files":
        (d / "history.json").write_text("{}\n")
    if out == "checkpoint is a folder":
        (d / "checkpoint.pkl").mkdir()
    err = refused(["refine", "--rule", A["local"], "--resume", "--out", d], A["dir"], tmp_path)
    assert "checkpoint.pkl" in err
    with pytest.raises(layout.UsageError, match="checkpoint.pkl"):
        refine.refine(learner.Rule.load(A["local"]), [], [], d, resume=True, teachers=0)
    assert (d.exists() and d.is_dir()) == (out != "missing")


@FUZZ
@given(names=st.lists(st.text(alphabet="aAbB.", min_size=1, max_size=4), max_size=12))
def test_distinct_names_never_clash(names):
    from localrule.files import distinct_names
    out = distinct_names(names)
    assert len(out) == len(names) and len({n.lower() for n in out}) == len(out)
    import re
    for k, (n, o) in enumerate(zip(names, out)):
        stem, dot, ext = n.rpartition(".") if "." in n else (n, "", "")
        # unchanged unless an earlier name took it; else the same name with _2, _3, ... before its extension
        assert o == n if n.lower() not in {m.lower() for m in out[:k]} else re.fullmatch(
            re.escape(stem) + r"_\d+" + re.escape(dot + ext), o)


def test_judge_figures_of_clashing_tasks_get_distinct_names(A, tmp_path, monkeypatch):
    from localrule import files, render
    from localrule.refine import figure_names, parse_spec
    # the names are under test, not the pictures: no Qt in this process (its tests come later)
    monkeypatch.setattr(render, "error_curves", lambda path, title, curves, **k: files.write_bytes(path, title.encode()))
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    for sub in ("a", "b"):
        (tmp_path / sub / "t.csv").write_text("x,y\n0,0\n1,1\n")
    specs = [parse_spec(t) for t in ("xor:2,2,1:5", "xor:2,2,1:6", "XOR:2,2,1:7:shuffle", "xor:2,2,1:8:shuffle",
                                     f"{tmp_path / 'a' / 't.csv'}:1,1", f"{tmp_path / 'b' / 't.csv'}:1,1")]
    assert figure_names(specs) == ["heldout_xor_2-2-1.png", "heldout_xor_2-2-1_2.png", "heldout_xor_2-2-1_shuffle.png",
                                   "heldout_xor_2-2-1_shuffle_2.png", "heldout_t_1-1.png", "heldout_t_1-1_2.png"]
    figs = tmp_path / "figs"
    rc, out, err = run_cli(["judge", "--rule", A["local"], "--heldout", "xor:2,2,1:5", "xor:2,2,1:6",
                            "--seeds", "1", "--figures", figs])
    assert rc == 0, err
    assert sorted(p.name for p in figs.iterdir()) == ["heldout_xor_2-2-1.png", "heldout_xor_2-2-1_2.png"]


#: Names a PNG option is refused: any suffix but .png (in any case), none, or .png not last.
not_png = st.builds(lambda stem, suffix: stem + suffix, st.sampled_from(["fig", "a.b", "j"]),
                    st.sampled_from(["", ".", ".csv", ".json", ".npz", ".pn", ".pngx", ".png.csv", ".jpg", ".PNG~"]))


@FUZZ
@given(name=not_png)
def test_figures_must_be_named_png(A, name):
    """tune --figure writes a PNG: a name with another suffix (a typo for a data file) is refused
    before any work, and nothing is written under it."""
    refused(["tune", "--layers", "2,1,1", "--cycles", "2", "--seeds", "1", "--figure", name], A["dir"], ".")
    assert not Path(name).exists()


def test_png_names_pass_in_any_case():
    from localrule.files import check_png
    for name in ("f.png", "f.PNG", "a.b.Png", None):
        check_png(name, "--figure")
