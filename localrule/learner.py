"""Learning networks: sigmoid MLPs, trained by the project's own backprop, that imitate updates.

Two modes share this module:

* **full** (the paper's): inputs are the whole network state (``FULL_FEATURES``), outputs every
  Δw, Δθ of one fixed topology.
* **local** (the paper's proposal, our core): inputs are one link neighbourhood
  (x_j, w_hi, δ_h, f'(in_i)), output that link's contribution; one shared function ℓ for any
  topology (see ``kernels.local_updates``).

Scaling.  Updates are tiny and span orders of magnitude, and a sigmoid learner outputs (0, 1),
so inputs are standardised and a target t maps to y = 0.5 + spread·(t - μ)/σ, with μ, σ stored
with the model.  Full mode: spread ``TARGET_SPREAD`` (±4σ -> [0.1, 0.9]).  Local mode, "log"
encoding (default): the learner sees log|x|, log|w|, log|δ|, log f' and predicts
log|contribution|; the sign is sign(w)·sign(δ), a symmetry of rule (6), not learned.  Local
mode, "raw" encoding (the ablation): standardised raw values, with the signed ones (w, δ,
target) only scaled, never shifted, so ℓ can be made exactly odd in δ.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import kernels
from .files import load_npz, save_npz
from .layout import UsageError, check_sizes, format_layers, init_params, n_biases, n_weights
from .samples import TUPLE_FIELDS, activations, sample_sets, tuples_from_files

RULE_FORMAT, RULE_VERSION = "localrule-rule", 1
TARGET_SPREAD = 0.1
#: The local rule's log encoding keeps both ends of its learner in their near-linear range, since
#: log|contribution| is a linear function of the log inputs: inputs are divided by 2σ and targets
#: spread by 0.05 per σ.  With 0.1 and 1σ, updates of saturated late-training units came out
#: ~8% too small and the square task ended 1.4x backprop's J (README, "Two modes side by side").
LOG_INPUT_WIDTH, LOG_TARGET_SPREAD = 2.0, 0.05
FULL_FEATURES = ("w", "theta", "x", "out", "ev")
FULL_FEATURES_HIDDEN = ("w", "theta", "x", "hidden", "out", "ev")
#: Share of the (shuffled) samples kept out of the learner's training; their error per cycle
#: is ``Rule.history_test``.
HOLDOUT = 0.1


@dataclass
class Rule:
    """A trained learning network plus everything needed to apply it."""
    mode: str                     # "full", "local" or "oracle"
    features: tuple
    lsizes: tuple
    lw: np.ndarray
    lb: np.ndarray
    in_shift: np.ndarray
    in_scale: np.ndarray
    out_shift: np.ndarray
    out_scale: np.ndarray
    layers: tuple | None = None   # the base topology a full-mode rule is bound to
    history: np.ndarray = field(default_factory=lambda: np.empty(0))
    history_test: np.ndarray = field(default_factory=lambda: np.empty(0))
    meta: dict = field(default_factory=dict)

    def kernel_args(self, sizes):
        """(mode, learner arrays…) for ``kernels.train``; refuses a topology it does not fit."""
        if self.mode == "full" and sizes is not None and tuple(sizes) != tuple(self.layers):
            raise UsageError(f"this full-network rule was learned for a {format_layers(self.layers)} "
                             f"network and cannot train a {format_layers(sizes)} one (a local rule can)")
        if self.mode == "oracle":
            return kernels.ORACLE, kernels.NO_LEARNER
        if "head" in self.meta:
            raise UsageError("a full-fixed rule (gated head) runs only through `localrule train` and the study "
                             "verbs, not in the app yet")
        mode = {"full": kernels.FULL, "log": kernels.LOCAL_LOG, "raw": kernels.LOCAL_RAW}[
            "full" if self.mode == "full" else self.meta.get("encoding", "log")]
        return mode, (np.asarray(self.lsizes, np.int64), self.lw, self.lb, self.in_shift, self.in_scale,
                      self.out_shift, self.out_scale, "hidden" in self.features)

    @classmethod
    def oracle(cls) -> "Rule":
        """The local-rule path with ℓ = x_j f'(in_i) w_hi δ_h exactly: must reproduce backprop."""
        one = np.ones(1)
        return cls("oracle", TUPLE_FIELDS, (4, 1), one, one, one, one, one, one)

    def ell(self, x, w, delta, fprime):
        """The local rule on arrays of neighbourhoods, exactly as the training kernel applies it."""
        if self.mode == "full":
            raise UsageError("a full-network rule has no per-link function ℓ")
        V = np.stack(np.broadcast_arrays(x, w, delta, fprime), axis=-1).reshape(-1, 4).astype(float)
        mode, args = self.kernel_args(None)
        return kernels.ell_batch(mode, *args[:-1], V)

    def r2(self, pool) -> float:
        """Imitation quality on link tuples: R² of ℓ against the exact contributions."""
        pred = self.ell(*(pool[k] for k in TUPLE_FIELDS))
        return r_squared(pred, pool["target"])

    def save(self, path):
        meta = {**self.meta, "mode": self.mode, "features": list(self.features), "lsizes": list(self.lsizes),
                "layers": None if self.layers is None else list(self.layers)}
        arrays = {k: getattr(self, k) for k in ("lw", "lb", "in_shift", "in_scale", "out_shift", "out_scale",
                                                "history", "history_test")}
        return save_npz(path, RULE_FORMAT, RULE_VERSION, meta, arrays)

    @classmethod
    def load(cls, path) -> "Rule":
        def widths(m):
            ls = check_sizes(m["lsizes"])
            if m["mode"] == "local" and (m.get("encoding") not in ENCODINGS or ls[0] != 4 or ls[-1] != 1):
                raise ValueError("not a 4-input, 1-output local rule with a known encoding")
            if m["mode"] == "full":
                base = check_sizes(m["layers"])
                gated = m.get("head", "direct") != "direct"  # fixed rules' gated heads: one g per output
                if ls[-1] != (n_weights(base) + n_biases(base)) * (base[-1] if gated else 1):
                    raise ValueError(f"{ls[-1]} outputs cannot be the updates of a {format_layers(base)} net")
            elif m["mode"] != "local":
                raise ValueError(f"unknown mode {m['mode']!r}")
            nw = sum(ls[k] * ls[k + 1] for k in range(len(ls) - 1))
            return {"lw": nw, "lb": sum(ls[1:]), "in_shift": ls[0], "in_scale": ls[0],
                    "out_shift": ls[-1], "out_scale": ls[-1], "history": None, "history_test": None}
        meta, a = load_npz(path, RULE_FORMAT, RULE_VERSION, widths, ndim=1)
        layers = None if meta.get("layers") is None else tuple(meta["layers"])
        return cls(meta["mode"], tuple(meta["features"]), tuple(meta["lsizes"]), a["lw"], a["lb"],
                   a["in_shift"], a["in_scale"], a["out_shift"], a["out_scale"], layers,
                   a["history"], a["history_test"], {k: v for k, v in meta.items() if k not in (
                       "format", "version", "mode", "features", "lsizes", "layers")})


def r_squared(pred, true) -> float:
    ss = float(np.sum((true - np.mean(true)) ** 2))
    return float(1.0 - np.sum((pred - true) ** 2) / ss) if ss > 0 else float("nan")


def full_dataset(sizes, fields, features=FULL_FEATURES):
    """(inputs, targets) for the full-network learner, in the documented feature order."""
    acts = activations(sizes, fields)
    cols = {"w": fields["w"], "theta": fields["theta"], "x": fields["x"], "out": fields["out"],
            "ev": fields["ev"], "hidden": acts[:, sizes[0]:acts.shape[1] - sizes[-1]]}
    unknown = set(features) - set(cols)
    if unknown:
        raise UsageError(f"unknown full-mode features {sorted(unknown)}; choose from {', '.join(cols)}")
    return np.hstack([cols[f] for f in features]), np.hstack([fields["dw"], fields["dtheta"]])


def fit(mode, features, inputs, targets, in_shift, in_scale, out_shift, out_scale, hidden, rate,
        cycles, seed, layers=None, meta=None, progress=None) -> Rule:
    """Train the learning network on scaled (inputs, targets) with online backprop.

    The rows are shuffled once (seeded), since consecutive samples of one run are nearly equal;
    the last ``HOLDOUT`` share is held out and its error recorded per cycle too.  With
    ``progress``, training goes in chunks of cycles and ``progress(done, J[:done+1],
    Jt[:done+1])`` is called after each (raise from it to stop); online training carries no
    state between cycles, so the result is the same bit for bit.
    """
    order = np.random.default_rng(seed).permutation(inputs.shape[0])
    Z = np.ascontiguousarray((inputs[order] - in_shift) / in_scale)
    Y = np.ascontiguousarray(np.clip(0.5 + (targets[order] - out_shift) / out_scale, 0.01, 0.99))
    n_fit = inputs.shape[0] - int(HOLDOUT * inputs.shape[0])
    lsizes = check_sizes((Z.shape[1], *hidden, Y.shape[1]))
    lw, lb = init_params(lsizes, seed)
    J, Jt = np.empty(cycles + 1), np.empty(cycles + 1)
    sz = np.asarray(lsizes, np.int64)
    chunk = cycles if progress is None else max(1, cycles // 40)
    done = 0
    while done < cycles:
        n = min(chunk, cycles - done)
        j, jt = J[done:done + n + 1], Jt[done:done + n + 1]  # views: j[0] rewrites J[done] alike
        div, _ = kernels.train(sz, lw, lb, Z[:n_fit], Y[:n_fit], Z[n_fit:], Y[n_fit:], float(rate), int(n),
                               kernels.BACKPROP, *kernels.NO_LEARNER, 0, np.empty((0, 1)), j, jt)
        if div >= 0:
            raise UsageError(f"the learning network itself diverged at cycle {done + div}; try a smaller rate")
        done += n
        if progress is not None:
            progress(done, J[:done + 1].copy(), Jt[:done + 1].copy())
    meta = {**(meta or {}), "hidden": list(hidden), "rate": rate, "cycles": cycles, "seed": seed,
            "rows": int(inputs.shape[0])}
    return Rule(mode, tuple(features), lsizes, lw, lb, in_shift, in_scale, out_shift, out_scale,
                None if layers is None else tuple(layers), J, Jt, meta)


def learn_full(sources, hidden=(2,), rate=0.198, cycles=200, seed=0, features=FULL_FEATURES,
               progress=None) -> Rule:
    """A full-network learner from sample sets (files or in memory) of one topology."""
    if tuple(features) not in (FULL_FEATURES, FULL_FEATURES_HIDDEN):
        raise UsageError(f"full-mode features are {','.join(FULL_FEATURES)} or {','.join(FULL_FEATURES_HIDDEN)}, "
                         f"in that order (the kernel assembles them so), got {','.join(features)}")
    sets = sample_sets(sources if isinstance(sources, list) else [sources])
    sizes = check_sizes(sets[0][0]["layers"])
    for meta, _ in sets:
        if check_sizes(meta["layers"]) != sizes:
            raise UsageError(f"full mode needs samples of one topology, got {format_layers(sizes)} "
                             f"and {format_layers(meta['layers'])}")
    parts = [full_dataset(sizes, fields, features) for _, fields in sets]
    X, T = np.vstack([p[0] for p in parts]), np.vstack([p[1] for p in parts])
    mu_x, sd_x = X.mean(0), X.std(0)
    mu_t, sd_t = T.mean(0), T.std(0)
    sd_x[sd_x < 1e-12] = 1.0
    sd_t[sd_t < 1e-15] = 1e-15
    return fit("full", features, X, T, mu_x, sd_x, mu_t, sd_t / TARGET_SPREAD, hidden, rate, cycles, seed,
               layers=sizes, meta={"task": sets[0][0].get("task")}, progress=progress)


ENCODINGS = ("log", "raw")


def learn_local(sample_paths, hidden=(8,), rate=0.1, cycles=20, seed=0, max_tuples=30000,
                encoding="log", progress=None) -> Rule:
    """One shared ℓ from the link tuples of any number of sample (or tuple) files.

    ``encoding`` "log": inputs log|x|, log|w|, log|δ|, log f' and target log|contribution|, each
    standardised; the sign is sign(w)·sign(δ) and zero-valued tuples are left out (ℓ is zero
    there by construction).  "raw": standardised raw values; signed ones (w, δ, target) are
    scaled by their root mean square but not shifted, and each tuple is also given mirrored
    (-δ -> -target) so the learner is trained on the odd function it is applied as.
    """
    if encoding not in ENCODINGS:
        raise UsageError(f"unknown encoding {encoding!r}: choose {' or '.join(ENCODINGS)}")
    pool, sources = tuples_from_files(sample_paths, max_tuples=max_tuples, seed=seed)
    V = np.stack([pool[k] for k in TUPLE_FIELDS], axis=1)
    t = pool["target"]
    if encoding == "log":
        keep = np.all(V != 0, axis=1)
        X, T = np.log(np.abs(V[keep])), np.log(np.abs(t[keep]))[:, None]
        shift, scale = X.mean(0), LOG_INPUT_WIDTH * X.std(0)
        out_shift, out_scale = T.mean(0), T.std(0) / LOG_TARGET_SPREAD
    else:
        rms = np.sqrt(np.mean(V ** 2, axis=0))
        shift = np.array([V[:, 0].mean(), 0.0, 0.0, V[:, 3].mean()])
        scale = np.where([True, False, False, True], V.std(0), rms)
        X = np.vstack([V, V * np.array([1.0, 1.0, -1.0, 1.0])])
        T = np.concatenate([t, -t])[:, None]
        out_shift, out_scale = np.zeros(1), np.array([max(float(np.sqrt(np.mean(t ** 2))), 1e-15)]) / TARGET_SPREAD
    scale[~(scale > 1e-12)] = 1.0
    out_scale[~(out_scale > 1e-12)] = 1.0
    rule = fit("local", TUPLE_FIELDS, X, T, shift, scale, out_shift, out_scale, hidden, rate, cycles, seed,
               meta={"sources": sources, "encoding": encoding}, progress=progress)
    rule.meta["r2_train"] = rule.r2(pool)
    return rule
