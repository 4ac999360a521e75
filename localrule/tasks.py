"""Training tasks: the paper's truth tables, the square classification, and users' CSV files.

The square task (paper, experiment 4, Fig. 12): points (x, y) in the unit square; the target
is one-hot (inner, outer) for "inside the centred inner square [0.25, 0.75]^2" or not.  The
training set has 40 points and the testing set 100, each half inside and half outside, drawn
uniformly by rejection from fixed seeds (``SQUARE_SEEDS``), coordinates rounded to 4 decimals;
the same points ship as CSV in ``samples/`` for other tools (a test keeps them identical).
"""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .layout import (UsageError, check_budget, check_sizes, format_layers, init_params, is_digits, short,
                     to_float)

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "samples"
INNER = (0.25, 0.75)
SQUARE_SIZES = {"train": 40, "test": 100}
SQUARE_SEEDS = {"train": 12, "test": 13}


@dataclass(frozen=True)
class Task:
    name: str
    X: np.ndarray
    Y: np.ndarray
    X_test: np.ndarray | None = None
    Y_test: np.ndarray | None = None
    #: What ``load_task`` was given, as typed (teacher@5, moons, a CSV path): what a file records so
    #: that the task loads again; ``name`` is for display only (teacher5, moons_train).
    spec: str | None = None
    #: Its test set's source, recorded beside ``spec`` so that the task loads again as it was: the
    #: test CSV as given, or the percent of the rows ``hold_out`` moved to a test set.
    test_csv: str | None = None
    test_share: float = 0

    @property
    def recipe(self) -> dict:
        """What a file records beside ``spec`` to load this task again: only what was given."""
        return {**({"test_csv": self.test_csv} if self.test_csv else {}),
                **({"test_share": self.test_share} if self.test_share else {})}

    @property
    def n_in(self) -> int:
        return self.X.shape[1]

    @property
    def n_out(self) -> int:
        return self.Y.shape[1]

    @property
    def plateau(self) -> float:
        """J of the constant output, each output unit at its mean target over the training
        patterns: where a net that has learned only its output biases sits (``judge`` and the app
        mark it, so that a curve flat on it reads as nothing learned)."""
        return float(0.5 * self.Y.var(axis=0).sum())

    @property
    def scored(self) -> tuple[np.ndarray, np.ndarray]:
        """The patterns accuracy is measured on: the test set where there is one."""
        return (self.X, self.Y) if self.X_test is None else (self.X_test, self.Y_test)


_BITS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
TRUTH_TABLES = {
    "and": np.array([[0], [0], [0], [1]], float),
    "or": np.array([[0], [1], [1], [1]], float),
    "xor": np.array([[0], [1], [1], [0]], float),
}
#: Data sets shipped in ``samples/``, usable by name wherever a task is: (training CSV, test CSV
#: or None, target columns).  A name, not a path, so that a command reads the same from anywhere.
SAMPLE_SETS = {"wine": ("wine.csv", None, 3), "iris": ("iris.csv", None, 3),
               "moons": ("moons_train.csv", "moons_test.csv", 1)}
TASK_NAMES = (*TRUTH_TABLES, "square", *SAMPLE_SETS, "teacher@SEED")
#: Patterns of a ``teacher@SEED`` task.
TEACHER_PATTERNS = 128


def teacher_seed(name) -> int | None:
    """The seed of a ``teacher@SEED`` task name ("teacher" alone: 0); None for any other name."""
    head, at, seed = str(name).lower().partition("@")
    if head != "teacher":
        return None
    if at and not (is_digits(seed) and len(seed) <= 9):
        raise UsageError(f"a teacher task is teacher@SEED, SEED a whole number below 10⁹; got {str(name)[:40]!r}")
    return int(seed) if at else 0


def teacher_task(layers, seed: int, patterns: int = TEACHER_PATTERNS) -> Task:
    """Many patterns labelled by a random teacher net of the given shape (the student's): inputs
    uniform in [0, 1], targets one-hot by the teacher's largest output (0/1 by its output for one).
    Refused beyond the limits (``check_budget``) before any array is allocated."""
    from .kernels import predict
    layers = check_sizes(layers)
    if not (isinstance(patterns, (int, np.integer)) and patterns >= 1):
        raise UsageError(f"a teacher task needs a whole number >= 1 of patterns, got {str(patterns)[:40]}")
    check_budget(layers, sample_rows=int(patterns), row_width=sum(layers))   # X, Y and the teacher's activations
    rng = np.random.default_rng(seed)
    w, b = init_params(layers, seed)
    w, b = 6 * w, 6 * b  # a sharper teacher than the students' start: uniform in [-3, 3]
    X = rng.uniform(0, 1, (patterns, layers[0]))
    out = predict(np.asarray(layers, np.int64), w, b, X)
    if layers[-1] == 1:
        Y = (out > np.median(out)).astype(float)
    else:  # centred and scaled per output, so that every class occurs
        Y = np.eye(layers[-1])[((out - out.mean(0)) / (out.std(0) + 1e-12)).argmax(axis=1)]
    return Task(f"teacher{seed}", np.ascontiguousarray(X), Y)


def builtin_spec(name) -> str | None:
    """The spec of the built-in task whose display name (``Task.name``) is ``name``: what older files
    recorded (moons_train for moons, teacher5 for teacher@5); None where no built-in task has it."""
    key = str(name).lower()
    seed = key.removeprefix("teacher")
    if key != seed and is_digits(seed) and len(seed) <= 9 and seed == str(int(seed)):
        return f"teacher@{seed}"
    shown = {Path(train).stem: k for k, (train, _, _) in SAMPLE_SETS.items()}
    return shown.get(key, key if key in TRUTH_TABLES or key == "square" else None)


def task_files(name) -> list[str]:
    """The files a task name reads (none for a built-in task): what no output may replace."""
    key = str(name).lower()
    if key in SAMPLE_SETS:
        return [str(SAMPLES_DIR / f) for f in SAMPLE_SETS[key][:2] if f]
    return [] if key in TASK_NAMES or teacher_seed(key) is not None else [str(name)]


def inside(points) -> np.ndarray:
    lo, hi = INNER
    return np.all((points >= lo) & (points <= hi), axis=1)


def square_points(n: int, seed: int):
    """``n`` points, half inside the inner square and half outside, and their one-hot targets."""
    rng = np.random.default_rng(seed)
    want = {True: n // 2, False: n - n // 2}
    pts = []
    while want[True] or want[False]:
        p = rng.uniform(0, 1, 2)
        k = bool(inside(p[None])[0])
        if want[k]:
            want[k] -= 1
            pts.append(p)
    X = np.round(np.array(pts), 4)
    inn = inside(X).astype(float)
    return X, np.stack([inn, 1 - inn], axis=1)


def write_csv(path, X, Y, header):
    tmp = f"{path}.tmp"
    with open(tmp, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows(np.hstack([X, Y]).tolist())
    os.replace(tmp, path)


#: A task's CSV is parsed straight into float arrays sized by its line count and its size: 8 bytes
#: a cell, and a cell takes at least 2 bytes of the file (with its comma or newline), so at most
#: ~4x its size, blank lines or not;
#: numpy reads it a block of about ``CSV_BLOCK`` characters at a time, so the blocks add little.
MAX_CSV_BYTES = 100 * 2**20
CSV_BLOCK = 2**14
#: The characters of a plain block: decimal numbers, commas, blanks, line breaks.  numpy parses their
#: numbers with the function ``float`` uses (bit for bit); any other character (quotes, words,
#: NUL, non-ASCII, digit separators, other blanks) is left to the csv reader's rules and messages.
_PLAIN = b"0123456789+-.eE, \t\r\n"


def _max_rows(path) -> int:
    """An upper bound on the rows of a file (its line breaks + 1), read in chunks: what to allocate."""
    n = 1
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(2**20), b""):
            n += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
    return n


def _filled(row) -> bool:
    return any(c.strip() for c in row)


def _cell(text: str, shown: str, line: int, col: int) -> float:
    """A cell as the command line reads a number (``to_float``), finite."""
    try:
        v = to_float(text)
    except ValueError:
        raise UsageError(f"CSV {shown} line {line} column {col}: {short(text, 40)!r} is not a number") from None
    if not math.isfinite(v):
        raise UsageError(f"CSV {shown} line {line} column {col}: {short(text, 40)!r} is not finite")
    return v


def _plain_block(text: str, width: int) -> np.ndarray | None:
    """The rows of ``text`` (whole lines) as one array by numpy, or None unless every line is blank or
    ``width`` plain finite numbers: what the csv reader would read, the same floats."""
    if not text.isascii() or len(text) > csv.field_size_limit():   # a long line: the reader's cell limit
        return None
    raw = text.encode()
    if raw.translate(None, _PLAIN):
        return None
    if not raw.strip():
        return np.empty((0, width))
    try:
        block = np.loadtxt(io.StringIO(text), delimiter=",", comments=None, ndmin=2)
    except ValueError:   # a blank or malformed cell, a ragged row, a lone \r
        return None
    return block if block.shape[1] == width and np.isfinite(block).all() else None


def _plain_rows(f, X, Y) -> int | None:
    """Read the rest of ``f`` into ``X`` and ``Y`` a block at a time (``_plain_block``): the rows read,
    or None at the first block that is not plain (the csv reader then reads the file again)."""
    n, t = 0, Y.shape[1]
    try:
        while text := f.read(CSV_BLOCK):
            block = _plain_block(text + f.readline(), X.shape[1] + t)
            if block is None:
                return None
            X[n:n + len(block)], Y[n:n + len(block)] = block[:, :-t], block[:, -t:]
            n += len(block)
    except UnicodeDecodeError:   # the reader says where, in its own words
        return None
    return n


def _header_width(rows) -> int:
    return len(next((r for r in rows if _filled(r)), []))


def _parse_csv(f, shown: str, n_targets: int, max_rows: int, fast: bool = True):
    """(inputs, targets) of an open CSV file: a header, then rows of numbers.  Plain rows are read by
    numpy (``_plain_rows``); a file with any other row is read again, row by row, by the csv reader,
    whose quoting rules and messages (line and column) decide it."""
    width = _header_width(csv.reader(f))
    if width == 0:
        raise UsageError(f"CSV {shown} needs a header row and at least one data row")
    if width == 1:
        raise UsageError(f"CSV {shown} has 1 column; a task needs at least 2 comma-separated columns "
                         f"(inputs, then targets)")
    if not 1 <= n_targets < width:
        raise UsageError(f"CSV {shown} has {width} columns; --targets must be 1..{width - 1}, got {n_targets}")
    # a row takes >= 2 bytes a cell (a cell is never empty): blank lines allocate nothing
    max_rows = min(max_rows, (os.fstat(f.fileno()).st_size + 1) // (2 * width))
    X, Y = np.empty((max_rows, width - n_targets)), np.empty((max_rows, n_targets))
    n = _plain_rows(f, X, Y) if fast else None
    if n is None:
        f.seek(0)
        rows = csv.reader(f)
        _header_width(rows)
        n = 0
        for r in rows:
            if not _filled(r):
                continue
            if len(r) != width:
                raise UsageError(f"CSV {shown} line {rows.line_num} has {len(r)} columns, the header has {width}")
            v = [_cell(c, shown, rows.line_num, k) for k, c in enumerate(r, start=1)]
            X[n], Y[n] = v[:-n_targets], v[-n_targets:]
            n += 1
    if n == 0:
        raise UsageError(f"CSV {shown} needs a header row and at least one data row")
    X.resize((n, X.shape[1]), refcheck=False)   # in place: no second copy
    Y.resize((n, n_targets), refcheck=False)
    return X, Y


def read_csv(path, n_targets: int, fast: bool = True):
    """A CSV with a header row; the last ``n_targets`` columns are the targets.  ``fast=False``: the
    csv reader alone, row by row (what tests and the benchmark compare numpy's reading with)."""
    shown = short(path)
    if os.path.exists(path) and not os.path.isfile(path):  # a folder, /dev/zero, a FIFO: never ends
        raise UsageError(f"CSV {shown} is not a regular file")
    if os.path.isfile(path) and os.path.getsize(path) > MAX_CSV_BYTES:
        raise UsageError(f"CSV {shown} is {os.path.getsize(path):,} bytes, more than the limit of {MAX_CSV_BYTES:,}")
    try:
        with open(path, newline="") as f:
            return _parse_csv(f, shown, n_targets, _max_rows(path), fast)
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read CSV {shown}: {getattr(e, 'strerror', None) or e}") from None
    except csv.Error as e:  # e.g. a cell beyond csv.field_size_limit(), or a NUL byte
        raise UsageError(f"CSV {shown} is not a table of numbers ({e}; the limit is "
                         f"{csv.field_size_limit():,} characters a cell)") from None


def load_task(name: str, targets: int = 1, test_csv: str | None = None, layers=None) -> Task:
    """A built-in task or shipped data set by name (which knows its targets), a random teacher of
    the net's ``layers`` (``teacher@SEED``), or a CSV file path (with ``targets`` target columns);
    its ``spec`` is ``name`` as given."""
    return replace(_load(name, targets, test_csv, layers), spec=str(name), test_csv=test_csv or None)


def hold_out(task: Task, percent: float, seed: int = 0) -> Task:
    """``task`` with a seeded ``percent`` of its rows moved to a test set (a CSV without one).

    Why: with no test rows J_test and the accuracy say nothing about generalisation.  The
    split depends on ``seed`` only (not on the weights' seed), so changing the seed compares
    initial weights on the same split."""
    if percent <= 0 or task.X_test is not None:
        return task
    n = task.X.shape[0]
    n_test = int(round(n * percent / 100))
    if n_test < 1 or n - n_test < 1:
        raise UsageError(f"test %: holding out {percent:g}% of {n} rows leaves "
                         f"{'no test row' if n_test < 1 else 'no training row'}")
    order = np.random.default_rng(seed).permutation(n)
    test, train = np.sort(order[:n_test]), np.sort(order[n_test:])
    return replace(task, X=task.X[train], Y=task.Y[train], X_test=task.X[test], Y_test=task.Y[test],
                   test_share=percent)


def _load(name: str, targets: int, test_csv: str | None, layers) -> Task:
    key = str(name).lower()
    seed = teacher_seed(key)
    if seed is not None:
        if test_csv:
            raise UsageError(f"{name} is a random-teacher task: it takes no test CSV")
        if layers is None:
            raise UsageError(f"{name} needs the net's layers: the teacher has its shape (e.g. --layers 7,9,2)")
        return teacher_task(tuple(layers), seed)
    if key in SAMPLE_SETS:
        if test_csv:
            raise UsageError(f"{key} is a shipped data set: it takes no test CSV (moons has its own)")
        train, test, n = SAMPLE_SETS[key]
        return _load(str(SAMPLES_DIR / train), n, None if test is None else str(SAMPLES_DIR / test), None)
    if key in TRUTH_TABLES:
        return Task(key, _BITS.copy(), TRUTH_TABLES[key].copy())
    if key == "square":
        return Task("square", *square_points(SQUARE_SIZES["train"], SQUARE_SEEDS["train"]),
                    *square_points(SQUARE_SIZES["test"], SQUARE_SEEDS["test"]))
    if not (key.endswith(".csv") or os.path.sep in key or os.path.exists(name)):
        raise UsageError(f"unknown task {short(name, 60)!r}: choose one of {', '.join(TASK_NAMES)} or a CSV file")
    X, Y = read_csv(name, targets)
    Xt = Yt = None
    if test_csv:
        Xt, Yt = read_csv(test_csv, targets)
        if Xt.shape[1] != X.shape[1]:
            raise UsageError(f"test CSV {short(test_csv)} has {Xt.shape[1]} inputs, training CSV has {X.shape[1]}")
    return Task(Path(name).stem, X, Y, Xt, Yt)


def check_fits(task: Task, sizes) -> None:
    if sizes[0] != task.n_in or sizes[-1] != task.n_out:
        raise UsageError(
            f"layers {format_layers(sizes)} do not fit task {task.name!r}, "
            f"which has {_count(task.n_in, 'input')} and {_count(task.n_out, 'output')}")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def accuracy(outputs: np.ndarray, Y: np.ndarray) -> float | None:
    """Share of patterns classified right: argmax for one-hot targets, 0.5 threshold for 0/1."""
    if Y.shape[1] > 1 and np.all(Y.sum(axis=1) == 1) and np.all((Y == 0) | (Y == 1)):
        return float(np.mean(outputs.argmax(axis=1) == Y.argmax(axis=1)))
    if Y.shape[1] == 1 and np.all((Y == 0) | (Y == 1)):
        return float(np.mean((outputs[:, 0] > 0.5) == (Y[:, 0] > 0.5)))
    return None


def regenerate_square_csv(folder=SAMPLES_DIR) -> None:
    """Write ``square_train.csv`` and ``square_test.csv`` (what ships in ``samples/``)."""
    for part in ("train", "test"):
        X, Y = square_points(SQUARE_SIZES[part], SQUARE_SEEDS[part])
        write_csv(Path(folder) / f"square_{part}.csv", X, Y, ["x", "y", "inner", "outer"])
