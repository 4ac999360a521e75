"""The sampled learning process (the paper's "observed and stored into file").

A *sample file* holds, for every recorded backprop step, the state before the update and the
update itself, one array per variable (``field_widths``).  A *tuple file* holds the per-link
neighbourhoods (x_j, w_hi, δ_h, f'(in_i)) and their exact contributions x_j f'(in_i) w_hi δ_h,
which is all the local rule ever sees.
"""

from __future__ import annotations

import math
import os

import numpy as np

from .files import COUNT, NUMBER, TEXT, TEXTS, load_npz, peek_format, save_npz
from .layout import MAX_CYCLES, UsageError, check_sizes, format_layers, n_biases, n_weights, offsets, short
from .tasks import builtin_spec, hold_out, load_task

SAMPLES_FORMAT, SAMPLES_VERSION = "localrule-samples", 1
TUPLES_FORMAT, TUPLES_VERSION = "localrule-tuples", 1
TUPLE_FIELDS = ("x", "w", "delta", "fprime")
#: The largest size of a value a sample file may hold: a run stops when a weight passes
#: ``kernels.DIVERGENCE_BOUND`` (10⁴), so no recorded run comes near it, and products of four such
#: values (a link tuple's contribution) and their squares (R²) stay far from overflowing.
SAMPLE_BOUND = 1e30
#: A task's test set as a sample or rule file records it (``Task.recipe``).
RECIPE_META = {"test_csv": TEXT, "test_share": (lambda v: NUMBER[0](v) and 0 < v < 100, "a percent in (0, 100)")}
SAMPLE_META = {"task": TEXT, "rate": NUMBER, "seed": COUNT, "cycles": COUNT, "every": COUNT, "rows": COUNT,
               "order": TEXT, **RECIPE_META}
TUPLE_META = {"sources": TEXTS, "rows": COUNT}


def covering_stride(every: int, patterns: int) -> int:
    """The smallest stride >= ``every`` that shares no factor with the pattern count.

    Patterns are presented in a fixed order, so recording every k-th step with gcd(k, P) = g > 1
    only ever records patterns 0, g, 2g, … (every 10th step of the 40-pattern square task: 4 of
    them).  A coprime stride visits every pattern equally often, in a rotating order.
    """
    k = max(1, int(every))
    while math.gcd(k, max(1, int(patterns))) != 1:
        k += 1
    return k


#: Said in every sample file's meta, next to the stride actually used and the one asked for.
STRIDE_NOTE = "coprime to the pattern count (the smallest >= the one asked), so every pattern is recorded"


def field_widths(sizes) -> dict:
    """Column count of each sampled variable, in the order the kernel records them."""
    nw, nb = n_weights(sizes), n_biases(sizes)
    return {"w": nw, "theta": nb, "x": sizes[0], "out": sizes[-1], "ev": sizes[-1],
            "in": nb, "fprime": nb, "delta": nb, "dw": nw, "dtheta": nb}


def row_width(sizes) -> int:
    return sum(field_widths(sizes).values())


def split_rows(sizes, S) -> dict:
    out, k = {}, 0
    for name, width in field_widths(sizes).items():
        out[name] = S[:, k:k + width]
        k += width
    return out


def sample_meta(task, sizes, rate, seed, cycles, every, rows, order="fixed", **more) -> dict:
    """A sample file's record of its run, the CLI's and the app's alike: the task as ``load_task``
    was given it (``Task.spec``: teacher@5, moons, a CSV path), so that ``train --rule`` and
    ``learn --runs`` load it again; its display name only for a task made otherwise."""
    return {"layers": list(sizes), "task": task.spec or task.name, **task.recipe, "rate": rate, "seed": seed,
            "cycles": cycles, "every": every, "stride": STRIDE_NOTE, "order": order, "rows": rows, **more}


def save_samples(path, fields: dict, meta: dict):
    return save_npz(path, SAMPLES_FORMAT, SAMPLES_VERSION, meta, fields)


def recorded_task(meta: dict, source) -> str:
    """The task a sample or rule file names, as typed when it was recorded; refused in one line when
    it is not a name at all.  Older files recorded the task's display name: a built-in task's is read
    as its spec (moons_train as moons, teacher5 as teacher@5), unless a file of that name is here
    too (then it could be either); any other display name is left for ``load_task`` to refuse."""
    name = meta.get("task")
    if not isinstance(name, str) or not name.strip():
        raise UsageError(f"{source}: its recorded task {str(name)[:40]!r} is not a task name")
    spec = builtin_spec(name)
    if spec is None or spec == name.lower():
        return name
    if os.path.exists(name):
        raise UsageError(f"{source}: its recorded task {short(name, 40)!r} is a file here and also the display "
                         f"name older files recorded for the built-in task {spec}")
    return spec


def recorded_recipe(meta: dict) -> dict:
    """A sample file's record of its task's test set, for the rule learned from it to keep."""
    return {k: meta[k] for k in RECIPE_META if k in meta}


def load_recorded(meta: dict, name: str, targets: int, layers=None):
    """The task a sample or rule file recorded (``name``: ``recorded_task``'s) with the test set it
    had: its test CSV, or the same seeded share of the rows held out (``Task.recipe``); the file's
    meta was checked on load (``RECIPE_META``)."""
    return hold_out(load_task(name, targets, meta.get("test_csv"), layers), meta.get("test_share", 0))


def load_samples(path) -> tuple[dict, dict]:
    """(meta, fields) of a sample file; meta has at least layers, task, rate, seed, cycles."""
    return load_npz(path, SAMPLES_FORMAT, SAMPLES_VERSION, lambda m: field_widths(check_sizes(m["layers"])),
                    finite=tuple(field_widths((1, 1))), types=SAMPLE_META, bound=SAMPLE_BOUND)


def recorded_run(meta: dict, source) -> tuple[float, int]:
    """(rate, cycles) of the backprop run a sample file recorded, for the full-fixed learner, which
    labels its states with backprop's update at that rate and reruns its set-up (``--runs``,
    ``--dagger``) for that many cycles.  ``load_samples`` checks each field's type where present;
    this refuses, in one line naming the file, one that is missing or cannot be rerun."""
    rate, cycles = meta.get("rate"), meta.get("cycles")
    if "rate" not in meta or not NUMBER[0](rate) or not rate > 0:
        got = "it has none" if "rate" not in meta else f"got {short(repr(rate), 40)}"
        raise UsageError(f"{short(source)}: metadata field 'rate' must be the recorded run's learning rate, "
                         f"a finite number > 0 ({got})")
    if "cycles" not in meta or type(cycles) is not int or not 1 <= cycles <= MAX_CYCLES:
        got = "it has none" if "cycles" not in meta else f"got {short(repr(cycles), 40)}"
        raise UsageError(f"{short(source)}: metadata field 'cycles' must be the recorded run's cycle count, "
                         f"a whole number from 1 to {MAX_CYCLES:,} ({got})")
    return float(rate), cycles


def activations(sizes, fields) -> np.ndarray:
    """All neurons' activations per row (inputs, then sigmoid(in) of every other layer)."""
    return np.hstack([fields["x"], 1.0 / (1.0 + np.exp(-fields["in"]))])


def link_tuples(sizes, fields) -> dict:
    """Every hidden link's neighbourhood per recorded step, bias links (x_j = 1) included.

    One tuple per (step, hidden neuron i, outgoing link i -> h, source j or bias), in that order.
    """
    sizes = tuple(sizes)
    aoff, boff, woff = offsets(sizes)
    acts = activations(sizes, fields)
    rows = acts.shape[0]
    parts = {k: [] for k in (*TUPLE_FIELDS, "target")}
    for l in range(1, len(sizes) - 1):
        n, nup, ndown = sizes[l], sizes[l + 1], sizes[l - 1]
        xs = np.hstack([acts[:, aoff[l - 1]:aoff[l]], np.ones((rows, 1))])           # (r, j)
        fp = fields["fprime"][:, boff[l - 1]:boff[l]]                               # (r, i)
        W = fields["w"][:, woff[l]:woff[l + 1]].reshape(rows, nup, n)                # (r, h, i)
        d = fields["delta"][:, boff[l]:boff[l + 1]]                                  # (r, h)
        shape = (rows, n, nup, ndown + 1)                                            # (r, i, h, j)
        x4 = np.broadcast_to(xs[:, None, None, :], shape)
        w4 = np.broadcast_to(W.transpose(0, 2, 1)[:, :, :, None], shape)
        d4 = np.broadcast_to(d[:, None, :, None], shape)
        f4 = np.broadcast_to(fp[:, :, None, None], shape)
        for name, v in zip(("x", "w", "delta", "fprime"), (x4, w4, d4, f4)):
            parts[name].append(v.ravel())
        parts["target"].append((x4 * f4 * w4 * d4).ravel())
    if not parts["x"]:
        raise UsageError(f"a {format_layers(sizes)} network has no hidden links: no local tuples to sample")
    return {k: np.concatenate(v) for k, v in parts.items()}


def sample_sets(sources) -> list[tuple[dict, dict]]:
    """(meta, fields) for each source: a sample file path, or a (meta, fields) pair in memory."""
    return [src if isinstance(src, tuple) else load_samples(src) for src in sources]


def tuples_from_files(sources, max_tuples: int | None = None, seed: int = 0) -> tuple[dict, list]:
    """Pool the link tuples of sample sets (files or in memory) and tuple files, any topologies.

    With ``max_tuples``, a seeded random subset of that many is kept.
    """
    pools, names = [], []
    for src in sources:
        if not isinstance(src, tuple) and peek_format(src) == TUPLES_FORMAT:
            meta, data = load_tuples(src)
            pools.append({k: data[k][:, 0] for k in (*TUPLE_FIELDS, "target")})
            names.extend(meta.get("sources", [str(src)]))
            continue
        meta, fields = sample_sets([src])[0]
        name = f"{meta.get('task')} run" if isinstance(src, tuple) else str(src)
        try:
            pools.append(link_tuples(meta["layers"], fields))
        except UsageError as e:
            raise UsageError(f"{name}: {e}") from None
        names.append(name)
    pool = {k: np.concatenate([p[k] for p in pools]) for k in pools[0]}
    n = pool["x"].shape[0]
    if max_tuples is not None and n > max_tuples:
        keep = np.sort(np.random.default_rng(seed).choice(n, max_tuples, replace=False))
        pool = {k: v[keep] for k, v in pool.items()}
    return pool, names


def save_tuples(path, pool: dict, sources: list):
    arrays = {k: v[:, None] for k, v in pool.items()}
    return save_npz(path, TUPLES_FORMAT, TUPLES_VERSION, {"sources": sources, "rows": int(pool["x"].shape[0])}, arrays)


def load_tuples(path):
    """(meta, arrays) of a tuple file; its values bounded like a sample file's products of four."""
    names = (*TUPLE_FIELDS, "target")
    return load_npz(path, TUPLES_FORMAT, TUPLES_VERSION, lambda m: {k: 1 for k in names}, finite=names,
                    types=TUPLE_META, bound=SAMPLE_BOUND ** 4)
