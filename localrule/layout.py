"""Flat-array layout of a layered sigmoid MLP.

Every network (base nets and learning networks alike) is three float64 arrays so that
numba kernels can take any depth without Python objects:

* ``w``: weight matrices concatenated, matrix ``l`` (layer ``l`` -> ``l+1``) row-major with
  shape ``(sizes[l+1], sizes[l])``, i.e. ``W_l[i, j]`` is the link j -> i.
* ``b``: biases θ of every non-input neuron, layer by layer.
* activations ``x`` of every neuron including the inputs (layer 0 first).
"""

from __future__ import annotations

import numpy as np

#: Weights and biases start uniform in [-INIT_RANGE, INIT_RANGE] (the paper gives no range).
INIT_RANGE = 0.5


class UsageError(ValueError):
    """Bad user input; the CLI prints it as one line and exits 2."""


#: What one command may ask for, checked before anything is allocated (a request beyond these
#: would exhaust memory, or run for days, and fail late instead of being refused at once).
MAX_NEURONS = 10**6          # per layer
MAX_WEIGHTS = 5 * 10**7      # links of one network (400 MB per weight array)
MAX_CYCLES = 5 * 10**7       # cycles of one run (its J curves, 2 values a cycle, fit in MAX_VALUES)
MAX_SEEDS = 10**4            # fresh networks per experiment and mode
MAX_EVERY = 10**12           # --every
MAX_TUPLES = 10**7           # --max-tuples
MAX_VALUES = 2 * 10**8       # floats in the J(t) curves or sample rows of one command (1.6 GB)


def short(text, n: int = 200) -> str:
    """``text`` cut to about ``n`` characters, its start and end kept (a path typed by a user, or a
    task name, can be any length; an error line should stay one short line)."""
    t = str(text)
    return t if len(t) <= n else f"{t[:n // 2]}…{t[-(n // 2):]}"


def is_digits(text) -> bool:
    """ASCII digits only: ``str.isdigit`` (and ``int``, ``float``) also take other scripts' digits
    ('٣', '３') and ``isdigit`` superscripts ('²'), which ``int`` then refuses."""
    t = str(text)
    return t.isascii() and t.isdigit()


def to_float(text) -> float:
    """``float(text)`` for ASCII text without digit separators only (``float('٣')`` is 3.0,
    ``float('0_0')`` 0.0); ValueError otherwise.  Options and CSV cells alike."""
    t = str(text)
    if not t.isascii() or "_" in t:
        raise ValueError(f"not an ASCII number: {t[:40]!r}")
    return float(t)


def parse_count(text, what: str, limit: int, minimum: int = 1) -> int:
    """A whole number in [minimum, limit] from user text; refuses digit strings of any length
    before converting them (Python refuses ints over 4300 digits with a ValueError of its own)."""
    t = str(text).strip()
    if not is_digits(t):
        raise UsageError(f"{what} must be a whole number >= {minimum}, got {str(text)[:40]!r}")
    if len(t.lstrip("0")) > len(str(limit)) or int(t) > limit:
        raise UsageError(f"{what} {t[:40]}{'…' if len(t) > 40 else ''} is more than the limit of {limit:,}")
    if int(t) < minimum:
        raise UsageError(f"{what} must be >= {minimum}, got {t}")
    return int(t)


def check_budget(sizes, cycles: int = 0, runs: int = 1, sample_rows: int = 0, row_width: int = 0,
                 batches: int = 1) -> None:
    """Refuse a run whose arrays would exceed the named limits, before allocating them.

    ``runs`` networks train together; a study keeps ``batches`` such batches in memory."""
    sizes = check_sizes(sizes)
    if max(sizes) > MAX_NEURONS:
        raise UsageError(f"a layer of {max(sizes):,} neurons is more than the limit of {MAX_NEURONS:,}")
    if n_weights(sizes) > MAX_WEIGHTS:
        raise UsageError(f"a {format_layers(sizes)} network has {n_weights(sizes):,} weights, "
                         f"more than the limit of {MAX_WEIGHTS:,}")
    if cycles > MAX_CYCLES:
        raise UsageError(f"{cycles:,} cycles is more than the limit of {MAX_CYCLES:,}")
    if runs > MAX_SEEDS:
        raise UsageError(f"{runs:,} runs is more than the limit of {MAX_SEEDS:,} seeds")
    values = (batches * runs * (2 * (cycles + 1) + n_weights(sizes) + n_biases(sizes))
              + sample_rows * row_width)
    if values > MAX_VALUES:
        raise UsageError(f"this run needs {values:,} stored values (J curves, weights, samples), more than "
                         f"the limit of {MAX_VALUES:,} (fewer cycles, seeds or sampled steps)")


#: Copies of a learning network's parameters a minibatch Adam fit holds at once: the parameters,
#: Adam's two moments, the gradient and the update's temporaries.
ADAM_COPIES = 8


def check_learner_budget(lsizes, cycles: int, rows: int, full_batch: bool, fewer: str = "fewer rows") -> None:
    """Refuse a learning network whose fit would exceed the limits, before allocating it: its sizes
    and weights (``check_budget``), and the values of its fit: the J curves, the parameters (with
    ``full_batch``, Adam's copies of them too, ``ADAM_COPIES``), and per training row its scaled
    inputs and targets and, with ``full_batch`` (the full-fixed learner's Adam, which evaluates every
    row at once), every layer's activations and three of the widest layer's temporaries; online backprop
    (``full_batch`` False) holds one row's activations at a time.  ``fewer``: how to ask for fewer rows."""
    lsizes = check_sizes(lsizes)
    try:
        check_budget(lsizes, cycles)
    except UsageError as e:
        raise UsageError(f"the learning network: {e}") from None
    params = n_weights(lsizes) + n_biases(lsizes)
    per_row = lsizes[0] + lsizes[-1]
    if full_batch:
        per_row += sum(lsizes[1:]) + 3 * max(lsizes[1:])
    values = 2 * (cycles + 1) + (ADAM_COPIES if full_batch else 1) * params + rows * per_row
    if values > MAX_VALUES:
        raise UsageError(f"a {format_layers(lsizes)} learning network fitted on {rows:,} rows needs about "
                         f"{values:,} stored values (its weights{', Adam state' if full_batch else ''} and each "
                         f"row's {'activations' if full_batch else 'inputs and targets'}), more than the limit "
                         f"of {MAX_VALUES:,} (a smaller --hidden, or {fewer})")


def comma_items(text, what: str) -> list[str]:
    """The stripped items of a comma list; an empty one (``1,,2``, a stray comma) is refused, not skipped."""
    items = [t.strip() for t in str(text).split(",")]
    if "" in items:
        raise UsageError(f"{what} has an empty item: {str(text)[:60]!r}")
    return items


def parse_layers(text: str) -> tuple[int, ...]:
    """``"2,5,2"`` -> ``(2, 5, 2)``; a ``0`` hidden layer means "none" (paper's 2-0-1)."""
    parts = [p.strip() for p in str(text).replace("-", ",").split(",")]
    if len(parts) < 2 or not all(map(is_digits, parts)):
        raise UsageError(f"--layers must be comma-separated whole numbers like 2,5,2, got {str(text)[:60]!r}")
    sizes = [parse_count(p, "a layer size", MAX_NEURONS, minimum=0) for p in parts]
    if sizes[0] == 0 or sizes[-1] == 0:
        raise UsageError(f"--layers needs at least one input and one output neuron, got {text!r}")
    return check_sizes([s for s in sizes if s != 0])


def check_sizes(sizes) -> tuple[int, ...]:
    if isinstance(sizes, (str, bytes)) or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool)
                                                  for s in sizes):
        raise UsageError(f"layer sizes must be whole numbers, got {str(sizes)[:60]}")
    sizes = tuple(int(s) for s in sizes)
    if len(sizes) < 2 or min(sizes) < 1:
        raise UsageError(f"a network needs >= 2 layers of >= 1 neuron, got {sizes}")
    return sizes


def n_weights(sizes) -> int:
    return int(sum(sizes[k] * sizes[k + 1] for k in range(len(sizes) - 1)))


def n_biases(sizes) -> int:
    return int(sum(sizes[1:]))


def offsets(sizes):
    """Start indices: activations per layer, biases per weight layer, weights per weight layer."""
    s = np.asarray(sizes, dtype=np.int64)
    aoff = np.concatenate(([0], np.cumsum(s))).astype(np.int64)
    boff = np.concatenate(([0], np.cumsum(s[1:]))).astype(np.int64)
    woff = np.concatenate(([0], np.cumsum(s[1:] * s[:-1]))).astype(np.int64)
    return aoff, boff, woff


def init_params(sizes, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Uniform initial weights and biases, reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    w = rng.uniform(-INIT_RANGE, INIT_RANGE, n_weights(sizes))
    b = rng.uniform(-INIT_RANGE, INIT_RANGE, n_biases(sizes))
    return w, b


def weight_matrices(sizes, w):
    """Views ``W_l`` of shape (sizes[l+1], sizes[l]) into the flat weight array."""
    _, _, woff = offsets(sizes)
    return [w[woff[l]:woff[l + 1]].reshape(sizes[l + 1], sizes[l]) for l in range(len(sizes) - 1)]


def bias_vectors(sizes, b):
    _, boff, _ = offsets(sizes)
    return [b[boff[l]:boff[l + 1]] for l in range(len(sizes) - 1)]


def format_layers(sizes) -> str:
    return "-".join(str(s) for s in sizes)
