"""Learning networks: sigmoid MLPs, trained by the project's own backprop, that imitate updates.

Two modes share this module:

* **full** (the paper's): inputs are the whole network state (``FULL_FEATURES``), outputs every
  Δw, Δθ of one fixed topology.
* **local** (the paper's proposal, our core): one shared function ℓ for any topology (see
  ``kernels.local_updates``), in one of two forms: "rule6" (default) models rule (6) alone,
  inputs (w_hi, δ_h, f'(in_i)), output link i -> h's share of δ_i, with rule (3) kept exact;
  "link" has inputs (x_j, w_hi, δ_h, f'(in_i)) and outputs the link's contribution to Δw_ij.

Scaling.  Updates are tiny and span orders of magnitude, and a sigmoid learner outputs (0, 1),
so inputs are standardised and a target t maps to y = 0.5 + spread·(t - μ)/σ, with μ, σ stored
with the model.  Full mode: spread ``TARGET_SPREAD`` (±4σ -> [0.1, 0.9]).  Local mode, "log"
encoding (default): the learner sees log|x|, log|w|, log|δ|, log f' and predicts
log|contribution|; the sign is sign(w)·sign(δ), a symmetry of rule (6), not learned (the
rule (6) form: the same without x).  Local
mode, "raw" encoding (the ablation): standardised raw values, with the signed ones (w, δ,
target) only scaled, never shifted, so ℓ can be made exactly odd in δ.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import kernels
from .files import COUNT, COUNTS, NUMBER, REAL, TEXT, TEXTS, load_npz, save_npz
from .layout import UsageError, check_learner_budget, check_sizes, format_layers, init_params, n_biases, n_weights
from .runs import run_in_chunks
from .samples import RECIPE_META, TUPLE_FIELDS, activations, recorded_recipe, sample_sets, tuples_from_files

RULE_FORMAT, RULE_VERSION = "localrule-rule", 1
TARGET_SPREAD = 0.1
#: The local rule's log encoding keeps both ends of its learner in their near-linear range, since
#: log|contribution| is a linear function of the log inputs: inputs are divided by 2σ and targets
#: spread by 0.05 per σ.  With 0.1 and 1σ, updates of saturated late-training units came out
#: ~8% too small and the square task ended 1.4x backprop's J (README, "Two modes side by side").
LOG_INPUT_WIDTH, LOG_TARGET_SPREAD = 2.0, 0.05
#: What a rule file's metadata values must be (``files.check_meta_types``): each is trusted later
#: (a task name is loaded, a rate trains, counts are printed and compared).
RULE_META = {"task": (lambda v: v is None or isinstance(v, str), "text"), "sources": TEXTS, "encoding": TEXT,
             "form": TEXT, "frozen": TEXTS, "hidden": COUNTS, "rate": NUMBER, "cycles": COUNT, "seed": COUNT,
             "rows": COUNT, "r2_train": REAL, "runs": (lambda v: type(v) is int and v >= 1, "a whole number >= 1"),
             "dagger": COUNT, "head": TEXT, "optimizer": TEXT,
             **RECIPE_META}   # own_rate, refined: ``Rule.own_rate`` ignores nonsense
FULL_FEATURES = ("w", "theta", "x", "out", "ev")
FULL_FEATURES_HIDDEN = ("w", "theta", "x", "hidden", "out", "ev")
#: Share of the (shuffled) samples kept out of the learner's training; their error per cycle
#: is ``Rule.history_test``.
HOLDOUT = 0.1
#: Fewer rows than this leave no spread to scale by (one tuple: σ = 0) nor a held-out share.
MIN_ROWS = 10


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
            return (kernels.ORACLE6 if self.form == "rule6" else kernels.ORACLE), kernels.NO_LEARNER
        mode = {"full": kernels.FULL, "log": kernels.LOCAL_LOG, "raw": kernels.LOCAL_RAW}[
            "full" if self.mode == "full" else self.meta.get("encoding", "log")]
        if self.mode == "full" and "head" in self.meta:  # a full-fixed rule (``fullfixed.py``)
            mode = {"direct": kernels.FULL, "delta": kernels.FIXED_DELTA, "error": kernels.FIXED_ERROR}[
                self.meta["head"]]
        if self.form == "rule6":
            mode = kernels.LOCAL6_LOG
        return mode, (np.asarray(self.lsizes, np.int64), self.lw, self.lb, self.in_shift, self.in_scale,
                      self.out_shift, self.out_scale, "hidden" in self.features)

    @property
    def adapt(self) -> np.ndarray:
        """The adaptive update stage's parameters (``kernels.ADAPT_*``); empty: none (plain rule (3))."""
        a = self.meta.get("adapt")
        return np.empty(0) if a is None else adapt_params(a)

    @property
    def decay(self) -> float:
        """The share d of a run over which its step falls to 0 (0: no decay)."""
        return float((self.meta.get("adapt") or {}).get("decay", ADAPT_OPTIONAL["decay"]))

    def adapt_for(self, order: str, cycles: int, patterns: int) -> np.ndarray:
        """``adapt`` for a run of ``cycles`` over ``patterns`` patterns (its budget, cycles ×
        patterns steps, is what a ``decay`` counts down to) that come in ``order``.  A rule with
        ``fixed_momentum`` 1 keeps its momentum only in the fixed order (momentum lifts fixed-order
        tasks and costs shuffled ones: docs/beyond/scan_momentum.txt); one with ``span_momentum`` 1
        only where its memory, 1/(1 - β) steps, spans a whole cycle, so that it averages every
        pattern's pull instead of a run of one class's (momentum frees XOR's 4 patterns from their
        2/3 minimum and ruins wine's 178 class-sorted ones: docs/beyond/README.md).  The run knows
        all three as it knows its γ."""
        a = self.adapt   # a fresh array on every call
        if a.shape[0]:
            a[kernels.ADAPT_STEPS] = max(1, int(cycles) * int(patterns))
            m = self.meta["adapt"]
            if (order != "fixed" and m.get("fixed_momentum", 0)) or \
                    (m.get("span_momentum", 0) and patterns * (1.0 - a[kernels.ADAPT_MOMENTUM]) > 1.0 + 1e-9):
                a[kernels.ADAPT_MOMENTUM] = 0.0
        return a

    @property
    def own_rate(self) -> float | None:
        """The γ this rule trains networks at unless told otherwise: a refined rule's (found with its
        shape), or a hand-set one's ``meta["own_rate"]`` (its stage was picked at that γ); None: the
        caller's.  Why: at another γ it is a different rule from the one judged."""
        refined = self.meta.get("refined")
        v = refined.get("rate") if isinstance(refined, dict) else self.meta.get("own_rate")
        try:
            v = float(v)
        except (TypeError, ValueError):
            return None
        return v if np.isfinite(v) and v > 0 else None

    @property
    def form(self) -> str | None:
        """A local rule's form: "link" (ℓ of four inputs; files without ``form`` are this) or
        "rule6" (ℓ(w_hi, δ_h, f'_i), x_j only through rule (3)); None for a full-network rule."""
        return None if self.mode == "full" else self.meta.get("form", "link")

    @classmethod
    def oracle(cls, form="link") -> "Rule":
        """The local-rule path with the exact ℓ: x_j f'(in_i) w_hi δ_h ("link") or
        f'(in_i) w_hi δ_h ("rule6"); either must reproduce backprop."""
        check_form(form)
        one = np.ones(1)
        return cls("oracle", FORM_FEATURES[form], (len(FORM_FEATURES[form]), 1), one, one, one, one, one, one,
                   meta={"form": form})

    def ell(self, x, w, delta, fprime):
        """The local rule on arrays of neighbourhoods, exactly as the training kernel applies it:
        the link's contribution to Δw_ij / γ (for the rule (6) form, x_j · ℓ(w_hi, δ_h, f'_i))."""
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
            if not (isinstance(m["features"], list) and all(isinstance(f, str) for f in m["features"])):
                raise ValueError(f"features {str(m['features'])[:40]} is not a list of names")
            if m["mode"] == "full" and tuple(m["features"]) not in (FULL_FEATURES, FULL_FEATURES_HIDDEN):
                raise ValueError(f"unknown full-mode features {','.join(m['features'])[:60]}")
            if m.get("layers") is not None:
                check_sizes(m["layers"])
            form = m.get("form", "link")
            if m["mode"] == "local" and form not in FORMS:
                raise ValueError(f"unknown local-rule form {str(form)[:40]!r}")
            if m["mode"] == "local" and (m.get("encoding") not in ENCODINGS or ls[0] != len(FORM_FEATURES[form])
                                         or ls[-1] != 1 or (form == "rule6" and m.get("encoding") != "log")):
                raise ValueError(f"not a {len(FORM_FEATURES[form])}-input, 1-output {form}-form local rule "
                                 "with a known encoding")
            if m["mode"] == "local" and tuple(m["features"]) != FORM_FEATURES[form]:
                raise ValueError(f"a {form}-form local rule's features are {','.join(FORM_FEATURES[form])}")
            if m["mode"] == "full":
                base = check_sizes(m["layers"])
                if m.get("head", "direct") not in ("direct", "delta", "error"):
                    raise ValueError(f"unknown head {str(m['head'])[:40]!r}")
                gated = m.get("head", "direct") != "direct"  # fixed rules' gated heads: one g per output
                if ls[-1] != (n_weights(base) + n_biases(base)) * (base[-1] if gated else 1):
                    raise ValueError(f"{ls[-1]} outputs cannot be the updates of a {format_layers(base)} net")
                seen = sum(base[1:]) if "hidden" in m["features"] else base[-1]
                if ls[0] != n_weights(base) + n_biases(base) + base[0] + seen + base[-1]:
                    raise ValueError(f"{ls[0]} inputs do not fit a {format_layers(base)} net's state")
            elif m["mode"] != "local":
                raise ValueError(f"unknown mode {str(m['mode'])[:40]!r}")
            elif "head" in m:   # a full-fixed rule's key: it would be labelled and run as one
                raise ValueError("a local rule has no head (only a full-fixed rule has)")
            if m.get("adapt") is not None:
                adapt_params(m["adapt"])
            nw = sum(ls[k] * ls[k + 1] for k in range(len(ls) - 1))
            return {"lw": nw, "lb": sum(ls[1:]), "in_shift": ls[0], "in_scale": ls[0],
                    "out_shift": ls[-1], "out_scale": ls[-1], "history": None, "history_test": None}
        meta, a = load_npz(path, RULE_FORMAT, RULE_VERSION, widths, ndim=1, finite=("lw", "lb", "in_shift", "out_shift"),
                           positive=("in_scale", "out_scale"), types=RULE_META)
        layers = None if meta.get("layers") is None else tuple(meta["layers"])
        return cls(meta["mode"], tuple(meta["features"]), tuple(meta["lsizes"]), a["lw"], a["lb"],
                   a["in_shift"], a["in_scale"], a["out_shift"], a["out_scale"], layers,
                   a["history"], a["history_test"], {k: v for k, v in meta.items() if k not in (
                       "format", "version", "mode", "features", "lsizes", "layers")})


ADAPT_KEYS = ("p", "beta2", "eps", "momentum")
#: Optional keys and the value their absence means (older rule files have none of them).
ADAPT_OPTIONAL = {"flat": 1.0, "anneal": 0.0, "link": 0.0, "fixed_momentum": 0.0, "decay": 0.0, "span_momentum": 0.0,
                  "fan_in": 0.0, "gain": 0.0, "hidden": 1.0, "trust": 0.0, "trust_power": 0.5,
                  "trust_cap": 0.0, "trust_layers": 0.0, "trust_delay": 0.0, "trust_gate": 0.0,
                  "trust_hidden_after": 0.0, "noise": 0.0, "noise_until": 0.0}


def adapt_params(a) -> np.ndarray:
    """[p, β2, ε, β, q, τ, k, d, N, a, μ, h, c, α, κ, o, D, g, s, σ, u] from a rule's ``meta["adapt"]``, refused
    unless each is a finite number in range: p in [0, 2], β2 and β in [0, 1), ε in [``kernels.ADAPT_EPS_MIN``, 10⁶)
    (a smaller ε² underflows to 0), q ("flat", optional: 1) in [0, 1], τ ("anneal", in steps,
    optional: 0, none) in [0, 10¹²), k ("link", optional: 0, the scale per neuron) 0 or 1 (per link),
    d ("decay", optional: 0, none) in [0, 1], a ("fan_in", optional: 0, none) in [0, 2], μ ("gain",
    optional: 0, none) in [0, 1], h ("hidden", the hidden neurons' step multiplier, optional: 1,
    none) in (0, 16], c ("trust", the weight scale above which a neuron's step grows, optional: 0,
    none) in [0, 16], α ("trust_power", optional: 0.5) in (0, 2] and κ ("trust_cap", the most the
    step may grow, optional: 0, none) 0 or in [1, 16], o ("trust_layers", optional: 0, every neuron)
    0, 1 (the output neurons only) or 2 (the hidden ones only), D ("trust_delay", the steps before any step grows, optional:
    0, none) in [0, 10¹²), g ("trust_gate", the sigmoid slope below which a hidden neuron's growth
    fades, optional: 0, none) in [0, 0.25], s ("trust_hidden_after", the share of the run before the
    hidden neurons' growth begins where o is 0, optional: 0, none) in [0, 1], σ ("noise", optional: 0,
    none) in [0, 100] and u ("noise_until", optional: 0, the whole run) in [0, 1]; and "fixed_momentum" and
    "span_momentum" (optional: 0) 0 or 1, read by ``Rule.adapt_for``, not part of the array.  N, the run's budget in steps, is 0 here:
    ``Rule.adapt_for`` sets it."""
    if not isinstance(a, dict) or set(a) - set(ADAPT_OPTIONAL) != set(ADAPT_KEYS):
        raise ValueError(f"adapt must name {', '.join(ADAPT_KEYS)} (and optionally {', '.join(ADAPT_OPTIONAL)})")
    v = [a[k] for k in ADAPT_KEYS]
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) and np.isfinite(x) for x in v):
        raise ValueError("adapt's parameters must be finite numbers")
    p, b2, eps, bm = v
    if not (0 <= p <= 2 and 0 <= b2 < 1 and 0 <= bm < 1):
        raise ValueError("adapt's parameters out of range (p in [0, 2], beta2 and momentum in [0, 1))")
    if not kernels.ADAPT_EPS_MIN <= eps < 1e6:
        raise ValueError(f"adapt's eps {eps:.3g} is not in [{kernels.ADAPT_EPS_MIN:g}, 1e6) "
                         "(a smaller eps underflows when squared)")
    opt = {}
    for key, ok, meaning in (("flat", lambda x: 0 <= x <= 1, "a number in [0, 1]"),
                             ("anneal", lambda x: 0 <= x < 1e12, "a number of steps in [0, 1e12) (0: none)"),
                             ("link", lambda x: x in (0, 1), "0 (a |δ| scale per neuron) or 1 (per link)"),
                             ("fixed_momentum", lambda x: x in (0, 1),
                              "0 (momentum in every order) or 1 (in fixed order only)"),
                             ("decay", lambda x: 0 <= x <= 1, "a share of the run in [0, 1] (0: none)"),
                             ("span_momentum", lambda x: x in (0, 1),
                              "0 (momentum for any number of patterns) or 1 (only where 1/(1 - momentum) "
                              "steps span a cycle)"),
                             ("fan_in", lambda x: 0 <= x <= 2, "a power in [0, 2] (0: none)"),
                             ("gain", lambda x: 0 <= x <= 1, "a rate in [0, 1] (0: none)"),
                             ("hidden", lambda x: 0 < x <= 16, "a step multiplier in (0, 16] (1: none)"),
                             ("trust", lambda x: 0 <= x <= 16, "a weight scale in [0, 16] (0: none)"),
                             ("trust_power", lambda x: 0 < x <= 2, "a power in (0, 2]"),
                             ("trust_cap", lambda x: x == 0 or 1 <= x <= 16, "0 (none) or a factor in [1, 16]"),
                             ("trust_layers", lambda x: x in (0, 1, 2),
                              "0 (every neuron's step grows), 1 (the output neurons' only) or 2 (the hidden "
                              "neurons' only)"),
                             ("trust_delay", lambda x: 0 <= x < 1e12, "a number of steps in [0, 1e12) (0: none)"),
                             ("trust_gate", lambda x: 0 <= x <= 0.25, "a sigmoid slope in [0, 0.25] (0: none)"),
                             ("trust_hidden_after", lambda x: 0 <= x <= 1, "a share of the run in [0, 1] (0: none)"),
                             ("noise", lambda x: 0 <= x <= 100, "a noise scale in [0, 100] (0: none)"),
                             ("noise_until", lambda x: 0 <= x <= 1, "a share of the run in [0, 1] (0: all of it)")):
        x = opt[key] = a.get(key, ADAPT_OPTIONAL[key])
        if not (isinstance(x, (int, float)) and not isinstance(x, bool) and ok(x)):
            raise ValueError(f"adapt's {key} must be {meaning}")
    return np.array(v + [opt["flat"], opt["anneal"], opt["link"], opt["decay"], 0.0, opt["fan_in"], opt["gain"],
                     opt["hidden"], opt["trust"], opt["trust_power"], opt["trust_cap"], opt["trust_layers"],
                     opt["trust_delay"], opt["trust_gate"], opt["trust_hidden_after"], opt["noise"],
                     opt["noise_until"]], float)


def _enough_rows(n: int, hint: str = "more samples") -> None:
    if n < MIN_ROWS:
        raise UsageError(f"the learning network needs at least {MIN_ROWS} usable rows, got {n} ({hint})")


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
        cycles, seed, layers=None, meta=None, progress=None, frozen=()) -> Rule:
    """Train the learning network on scaled (inputs, targets) with online backprop.

    The rows are shuffled once (seeded), since consecutive samples of one run are nearly equal;
    the last ``HOLDOUT`` share is held out and its error recorded per cycle too.  With
    ``progress``, ``progress(done, J[:done+1], Jt[:done+1])`` is called after each chunk of
    cycles (``runs.run_in_chunks``; raise from it to stop); online training carries no state
    between cycles, so the result is the same bit for bit.  A cycle longer than ``BLOCK_WORK``
    goes in blocks of rows (``_cycles_in_blocks``), the same bit for bit too, so that a signal
    stops even a large learner within a block's time.  Input columns in ``frozen`` (constant
    in the samples) are set to 0 and their weights start at 0: they never get a gradient, so the
    weights stay exactly 0 and the learner ignores that input on new data too.
    """
    _enough_rows(inputs.shape[0])
    if not (np.all(np.isfinite(inputs)) and np.all(np.isfinite(targets))):
        raise UsageError("the samples hold non-finite values (a diverged run, or a full-mode run's undefined δ)")
    lsizes = check_sizes((inputs.shape[1], *hidden, targets.shape[1]))
    check_learner_budget(lsizes, cycles, inputs.shape[0], full_batch=False,
                         fewer="fewer rows" + (", a smaller --max-tuples" if mode == "local" else ""))
    order = np.random.default_rng(seed).permutation(inputs.shape[0])
    Z = np.ascontiguousarray((inputs[order] - in_shift) / in_scale)
    Z[:, list(frozen)] = 0.0
    Y = np.ascontiguousarray(np.clip(0.5 + (targets[order] - out_shift) / out_scale, 0.01, 0.99))
    n_fit = inputs.shape[0] - int(HOLDOUT * inputs.shape[0])
    lw, lb = init_params(lsizes, seed)
    for k in frozen:
        lw[k:lsizes[1] * lsizes[0]:lsizes[0]] = 0.0
    J, Jt = np.empty(cycles + 1), np.empty(cycles + 1)
    sz = np.asarray(lsizes, np.int64)

    params = n_weights(lsizes) + n_biases(lsizes)
    block = max(1, int(BLOCK_WORK // params))   # rows per kernel call where a cycle is cut up

    def run(done, n):  # views: j[0] rewrites J[done] alike
        j, jt = J[done:done + n + 1], Jt[done:done + n + 1]
        if n_fit * params > BLOCK_WORK:
            div = _cycles_in_blocks(sz, lw, lb, Z[:n_fit], Y[:n_fit], Z[n_fit:], Y[n_fit:], float(rate), int(n),
                                    block, j, jt, done == 0)
        else:
            div, _ = kernels.train(sz, lw, lb, Z[:n_fit], Y[:n_fit], Z[n_fit:], Y[n_fit:], float(rate), int(n),
                                   kernels.BACKPROP, *kernels.NO_LEARNER, 0, np.empty((0, 1)), j, jt)
        if div >= 0:
            raise UsageError(f"the learning network itself diverged at cycle {done + div}; try a smaller rate")
        if progress is not None:
            progress(done + n, J[:done + n + 1].copy(), Jt[:done + n + 1].copy())
        return False

    run_in_chunks(cycles, run, largest=None if progress is None else max(1, cycles // 40))
    meta = {**(meta or {}), "hidden": list(hidden), "rate": rate, "cycles": cycles, "seed": seed,
            "rows": int(inputs.shape[0])}
    return Rule(mode, tuple(features), lsizes, lw, lb, in_shift, in_scale, out_shift, out_scale,
                None if layers is None else tuple(layers), J, Jt, meta)


#: Where a cycle of ``fit`` would take more than about this many row × parameter steps (~0.2 s;
#: a 3-1000-1000-1 learner on 27,000 rows: minutes), it goes to the kernels in blocks of rows of
#: this much work, so that a Ctrl-C or SIGTERM (handled between kernel calls) stops it promptly.
BLOCK_WORK = 40_000_000


def _error_in_blocks(sz, w, b, X, Y, block):
    """``kernels.mean_error`` over (X, Y) in blocks of rows, bit for bit."""
    total = 0.0
    for lo in range(0, X.shape[0], block):
        total = kernels.error_rows(sz, w, b, X, Y, lo, min(lo + block, X.shape[0]), total)
    return total / max(X.shape[0], 1)


def _cycles_in_blocks(sz, w, b, X, Y, Xt, Yt, rate, cycles, block, J, Jt, first):
    """``kernels.train`` (plain backprop, fixed order, no sample rows) with every pass over the rows
    cut into blocks of ``block`` rows, one kernel call each, so that signals are handled between
    them; the same weights, J, Jt and divergence, bit for bit.  ``first`` False: J[0], Jt[0] are
    already the current errors (the previous chunk's last)."""
    has_test = Xt.shape[0] > 0
    if first:
        J[0] = _error_in_blocks(sz, w, b, X, Y, block)
        if has_test:
            Jt[0] = _error_in_blocks(sz, w, b, Xt, Yt, block)
        if not np.isfinite(J[0]):
            J[:] = np.nan
            if has_test:
                Jt[:] = np.nan
            return 0
    for t in range(1, cycles + 1):
        for lo in range(0, X.shape[0], block):
            if kernels.train_rows(sz, w, b, X, Y, rate, lo, min(lo + block, X.shape[0])) >= 0:
                J[t:] = np.nan
                if has_test:
                    Jt[t:] = np.nan
                return t
        J[t] = _error_in_blocks(sz, w, b, X, Y, block)
        if has_test:
            Jt[t] = _error_in_blocks(sz, w, b, Xt, Yt, block)
        if not np.isfinite(J[t]):
            J[t:] = np.nan
            if has_test:
                Jt[t:] = np.nan
            return t
    return -1


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
    _enough_rows(X.shape[0])
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(T))):
        raise UsageError("the samples hold non-finite values (a diverged run, or a full-mode run's undefined δ)")
    mu_x, sd_x = X.mean(0), X.std(0)
    mu_t, sd_t = T.mean(0), T.std(0)
    sd_x[sd_x < 1e-12] = 1.0
    sd_t[sd_t < 1e-15] = 1e-15
    return fit("full", features, X, T, mu_x, sd_x, mu_t, sd_t / TARGET_SPREAD, hidden, rate, cycles, seed,
               layers=sizes, meta={"task": sets[0][0].get("task"), **recorded_recipe(sets[0][0])}, progress=progress)


ENCODINGS = ("log", "raw")
#: Local-rule forms and the neighbourhood each one's ℓ sees (README, "Two modes side by side").
FORM_FEATURES = {"link": TUPLE_FIELDS, "rule6": ("w", "delta", "fprime")}
FORMS = tuple(FORM_FEATURES)
DEFAULT_FORM = "rule6"
#: Per form: log-encoding input width and target spread, learner rate and cycles.  The rule (6)
#: form's ℓ is linear in log space (log|f' w δ| = log f' + log|w| + log|δ|) and must extrapolate
#: to nets whose w, δ and f' range far beyond its samples' (experiment 1's |w| barely varies), so
#: its learner is kept deep in its linear range (inputs / 16σ, 0.00625 per target σ) and, its
#: gradients being that much smaller, trained harder; the link form keeps today's settings.
FORM_SETTINGS = {"link": {"width": LOG_INPUT_WIDTH, "spread": LOG_TARGET_SPREAD, "rate": 0.1, "cycles": 20},
                 "rule6": {"width": 16.0, "spread": 0.00625, "rate": 0.5, "cycles": 200}}
#: An input whose standardised spread in the samples is below this is constant there: frozen.
CONSTANT_SPREAD = 1e-12


def check_form(form):
    if form not in FORMS:
        raise UsageError(f"unknown local-rule form {form!r}: choose {' or '.join(FORMS)}")


def constant_features(X) -> list[int]:
    """Columns of ``X`` that never vary (e.g. log x_j = 0 when every source is 0 or 1)."""
    return [k for k in range(X.shape[1]) if not (X[:, k].std() > CONSTANT_SPREAD * max(1.0, abs(X[:, k].mean())))]


def learn_local(sample_paths, hidden=(8,), rate=None, cycles=None, seed=0, max_tuples=30000,
                encoding="log", progress=None, form=None) -> Rule:
    """One shared ℓ from the link tuples of any number of sample (or tuple) files.

    ``encoding`` "log": inputs log|x|, log|w|, log|δ|, log f' and target log|contribution|, each
    standardised; the sign is sign(w)·sign(δ) and zero-valued tuples are left out (ℓ is zero
    there by construction).  "raw": standardised raw values; signed ones (w, δ, target) are
    scaled by their root mean square but not shifted, and each tuple is also given mirrored
    (-δ -> -target) so the learner is trained on the odd function it is applied as.

    ``rate`` and ``cycles`` None: the form's own (``FORM_SETTINGS``).

    ``form`` (None: ``DEFAULT_FORM``, or "link" for the raw encoding) "link": ℓ(x_j, w_hi, δ_h, f'_i) is the link's contribution to Δw_ij / γ.  "rule6"
    (log encoding only): ℓ(w_hi, δ_h, f'_i) is link i -> h's share of δ_i (target f' w δ from the
    same tuples), and rule (3) multiplies by x_j exactly.  An input constant over the samples is
    frozen (zero weights, listed in meta ``frozen``) so that it cannot act at random on new data.
    """
    if encoding not in ENCODINGS:
        raise UsageError(f"unknown encoding {encoding!r}: choose {' or '.join(ENCODINGS)}")
    form = form or (DEFAULT_FORM if encoding == "log" else "link")
    check_form(form)
    if form == "rule6" and encoding != "log":
        raise UsageError("the rule6 form has the log encoding only (--encoding raw is the link form's ablation)")
    cfg = FORM_SETTINGS[form]
    rate = cfg["rate"] if rate is None else rate
    cycles = cfg["cycles"] if cycles is None else cycles
    pool, sources = tuples_from_files(sample_paths, max_tuples=max_tuples, seed=seed)
    V = np.stack([pool[k] for k in TUPLE_FIELDS], axis=1)
    t = pool["target"]
    hint = "more samples" + (", or a larger --max-tuples" if t.shape[0] >= max_tuples else "")
    if form == "rule6":
        V, t = V[:, 1:], pool["fprime"] * pool["w"] * pool["delta"]
    if encoding == "log":
        keep = np.all(V != 0, axis=1)
        _enough_rows(int(keep.sum()), hint)
        X, T = np.log(np.abs(V[keep])), np.log(np.abs(t[keep]))[:, None]
        shift, scale = X.mean(0), cfg["width"] * X.std(0)
        out_shift, out_scale = T.mean(0), T.std(0) / cfg["spread"]
    else:
        _enough_rows(V.shape[0], hint)
        rms = np.sqrt(np.mean(V ** 2, axis=0))
        shift = np.array([V[:, 0].mean(), 0.0, 0.0, V[:, 3].mean()])
        scale = np.where([True, False, False, True], V.std(0), rms)
        X = np.vstack([V, V * np.array([1.0, 1.0, -1.0, 1.0])])
        T = np.concatenate([t, -t])[:, None]
        out_shift, out_scale = np.zeros(1), np.array([max(float(np.sqrt(np.mean(t ** 2))), 1e-15)]) / TARGET_SPREAD
    frozen = constant_features(X)
    scale[~(scale > 1e-12)] = 1.0
    scale[frozen] = 1.0
    out_scale[~(out_scale > 1e-12)] = 1.0
    features = FORM_FEATURES[form]
    rule = fit("local", features, X, T, shift, scale, out_shift, out_scale, hidden, rate, cycles, seed,
               meta={"sources": sources, "encoding": encoding, "form": form,
                     "frozen": [features[k] for k in frozen]}, progress=progress, frozen=frozen)
    rule.meta["r2_train"] = rule.r2(pool)
    return rule
