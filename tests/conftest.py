"""Shared helpers for the engine, sample and CLI tests.

The maths helpers here are written straight from the paper (eqs. 1-2) and deliberately do not
use ``localrule.layout`` or ``localrule.reference``, so that they can serve as an independent
check of both.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import strategies as st

from localrule import learner, runs, samples, tasks


# ---------------------------------------------------------------------------------------------
# independent plain-numpy network maths


def sizes_from(n_in, hidden, n_out):
    """Topology with the width-0 hidden layers dropped (the paper's 2-0-1 is a 2-1 net)."""
    return (int(n_in), *(int(h) for h in hidden if h), int(n_out))


def unflatten(sizes, w, b):
    """Weight matrices W_l[i, j] (link j -> i, row-major) and bias vectors, by explicit offsets."""
    Ws, bs, kw, kb = [], [], 0, 0
    for l in range(len(sizes) - 1):
        n_from, n_to = sizes[l], sizes[l + 1]
        Ws.append(np.array(w[kw:kw + n_to * n_from]).reshape(n_to, n_from))
        bs.append(np.array(b[kb:kb + n_to]))
        kw += n_to * n_from
        kb += n_to
    assert kw == len(w) and kb == len(b), "flat arrays do not match the topology"
    return Ws, bs


def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def net_output(sizes, w, b, x):
    """Rule (1) layer by layer."""
    a = np.asarray(x, float)
    for W, th in zip(*unflatten(sizes, w, b)):
        a = sig(W @ a + th)
    return a


def J_p(sizes, w, b, x, ev):
    """Eq. (2): 1/2 Σ_i (ev_i - x_i)² over the output neurons."""
    return 0.5 * float(np.sum((np.asarray(ev, float) - net_output(sizes, w, b, x)) ** 2))


def J_mean(sizes, w, b, X, Y):
    return float(np.mean([J_p(sizes, w, b, x, y) for x, y in zip(X, Y)]))


def n_params(sizes):
    return (sum(sizes[k] * sizes[k + 1] for k in range(len(sizes) - 1)), sum(sizes[1:]))


def random_params(rng, sizes, scale=1.0):
    nw, nb = n_params(sizes)
    return rng.uniform(-scale, scale, nw), rng.uniform(-scale, scale, nb)


def random_task(rng, n_in, n_out, n_pat, name="random"):
    X = np.ascontiguousarray(rng.uniform(0, 1, (n_pat, n_in)))
    Y = np.ascontiguousarray(rng.uniform(0.05, 0.95, (n_pat, n_out)))
    return tasks.Task(name, X, Y)


# ---------------------------------------------------------------------------------------------
# hypothesis strategies


@st.composite
def topologies(draw, min_width=0, max_width=8, max_in=3, max_out=3):
    """(n_in, hidden widths (1-3 layers, width 0 = layer absent), n_out)."""
    n_in = draw(st.integers(1, max_in))
    n_out = draw(st.integers(1, max_out))
    hidden = draw(st.lists(st.integers(min_width, max_width), min_size=1, max_size=3))
    return n_in, tuple(hidden), n_out


# ---------------------------------------------------------------------------------------------
# CLI


def write_sample_files(d) -> dict:
    """Sample files s211, s231, s21 (AND, 30 cycles, every step) in folder ``d``: the CLI suites'
    good inputs, as ``backprop --sample`` writes them."""
    out = {}
    for name, sizes in (("s211", (2, 1, 1)), ("s231", (2, 3, 1)), ("s21", (2, 1))):
        r = runs.train(tasks.load_task("and"), sizes, 0.5, 30, 0, sample_every=1)
        out[name] = d / f"{name}.npz"
        samples.save_samples(out[name], r.samples, {"layers": list(sizes), "task": "and", "rate": 0.5, "seed": 0,
                                                    "cycles": 30, "every": 1, "rows": int(r.samples["w"].shape[0])})
    return out


def write_input_files(d, folder: str) -> dict:
    """The CLI suites' good inputs of every kind in folder ``d``: the sample files, a full and a
    local rule, a tuple file, a good CSV; and what must survive every run: ``keep.json``, a folder
    ``folder``, a plain file."""
    a = {"dir": d, **write_sample_files(d)}
    a["full_rule"] = d / "full_rule.npz"
    learner.learn_full([a["s211"]], hidden=(2,), cycles=5).save(a["full_rule"])
    a["local_rule"] = d / "local_rule.npz"
    learner.learn_local([a["s231"]], hidden=(3,), cycles=2, max_tuples=1000).save(a["local_rule"])
    a["tuples"] = d / "tuples.npz"
    samples.save_tuples(a["tuples"], *samples.tuples_from_files([a["s231"]], max_tuples=200))
    a["good.csv"] = d / "good.csv"
    a["good.csv"].write_text("a,b,t\n0,0,0\n0,1,1\n1,0,1\n1,1,1\n")
    a["keep.json"] = d / "keep.json"
    a["keep.json"].write_text('{"keep": true}\n')
    a["folder"] = d / folder
    a["folder"].mkdir()
    a["plain"] = d / "plain.txt"
    a["plain"].write_text("a file, not a folder\n")
    return a


@pytest.fixture
def cli(capsys):
    """Run ``localrule.cli.main`` in-process: returns (exit code, stdout, stderr)."""
    from localrule.cli import main

    def run(*argv):
        rc = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return rc, out, err
    return run


def assert_one_line_error(rc, err, *, code=2):
    assert rc == code, f"exit code {rc}, stderr: {err!r}"
    lines = err.splitlines()
    assert len(lines) == 1, f"expected exactly one stderr line, got {lines!r}"
    assert lines[0].startswith("localrule: error:"), lines[0]
    assert "Traceback" not in err


def snapshot(folder):
    """{relative path: bytes} of every file under ``folder`` (to prove nothing was written)."""
    from pathlib import Path
    folder = Path(folder)
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def spellings(path, here):
    """Other names of the same file: relative, with ./ and .., a symlink, a hard link."""
    import os
    from pathlib import Path
    path, here = Path(path), Path(here)
    rel = os.path.relpath(path, here)
    link, hard = here / f"link_{path.name}", here / f"hard_{path.name}"
    if not link.exists():
        link.symlink_to(path)
    if not hard.exists():
        os.link(path, hard)
    return [str(path), rel, f"./{rel}", str(path.parent / ".." / path.parent.name / path.name), str(link), str(hard)]


# ---------------------------------------------------------------------------------------------
# fuzzing the CLI (tests/test_fuzz_cli.py): the distinct bad inputs tried, counted in the summary

FUZZ_CASES: set = set()


@st.composite
def foreign_digits(draw):
    """A whole number with one digit replaced by another script's digit ('٣', '３') or a
    superscript or fraction ('²', '½'): int() and float() take the former, isdigit() both."""
    good = str(draw(st.integers(1, 9999)))
    k = draw(st.integers(0, len(good) - 1))
    ch = draw(st.characters(categories=["Nd", "No"], exclude_characters="0123456789"))
    return good[:k] + ch + good[k + 1:]


def pytest_terminal_summary(terminalreporter):
    if FUZZ_CASES:
        terminalreporter.write_line(f"fuzz: {len(FUZZ_CASES)} bad inputs, all refused cleanly "
                                    f"(unless a test above failed)")
