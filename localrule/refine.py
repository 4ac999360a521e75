"""Trial-and-error refinement of a local rule: CMA-ES on the learner's parameters, judged
against backprop at its *best* γ.

Search space: the rule learner's weights and biases (``lw``, ``lb``, flattened whatever the
learner's shape) and the log of its input scales (see ``flatten``), plus optionally log of a step multiplier m (the rule trains at γ = 0.23·m).
Coordinates are rescaled so that a unit step of any coordinate moves log|ℓ| by about 1 RMS on
backprop's link tuples; CMA-ES then starts at the imitation rule with σ ``SIGMA0``.

Objective (lower is better), per meta-training task, averaged over tasks:
    eff(run) = log(max(J_final, FLOOR)) + log(t_solve / T) if J_final <= FLOOR
(below the floor a task counts as solved and time-to-solve counts), minus the same for backprop's
median curve at its best γ, plus half the log ratio of test J where the task has a test set; a
diverged run scores ``DIVERGED`` (bounded: worse than any finished run).  Every generation draws
fresh seeds (shared by its members, so they are ranked on the same networks); held-out tasks
are evaluated on seeds meta-training never sees.

A member's evaluation is a pure function of (parameters, problem, seeds): run locally (numba's
parallel batch over seeds) or on a Dask cluster (``scheduler``) with identical results.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import pickle
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from . import kernels
from .files import KeptInterrupt, check_output_folder, check_outputs, distinct_names, write_bytes, write_json
from .layout import MAX_CYCLES, UsageError, check_budget, format_layers, is_digits, parse_count, parse_layers
from .learner import ADAPT_OPTIONAL, Rule
from .runs import train_seeds
from .tasks import Task, check_fits, load_task
from .tuning import PAPER_RATE, TUNE_SEEDS, median_curve, tune

FLOOR = 1e-5
TEST_FLOOR = 1e-3
#: Added to the largest possible log J (log(n_out/2)) for a diverged run: bounded, and worse than
#: any run that finished, however badly.
DIVERGED = 1.0
SIGMA0 = 0.1
POPSIZE = 16
SEEDS_PER_TASK = 2
TRAIN_SEED0, HELDOUT_SEED0 = 10_000, 50_000
BASELINE_RATES = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0)
DEFAULT_TRAIN = ("and:2,1,1:300", "or:2,4,1:300", "square:2,5,2:300:shuffle",
                 "teacher@1:5,8,3:60", "teacher@2:4,6,6,2:60:shuffle")
DEFAULT_HELDOUT = ("xor:2,8,8,1:3000", "wine:13,10,3:300")
#: The stage starts as the identity (p = β = 0: the starting rule unchanged), with ε near the
#: typical |δ| of backprop's links and a running scale over ~100 steps (β2 0.99).
EPS0, BETA2_0 = 1e-2, 0.99


@dataclass(frozen=True)
class Spec:
    """One task set-up: TASK:LAYERS[:CYCLES][:shuffle]."""
    text: str
    task: Task
    layers: tuple
    cycles: int
    order: str

    @property
    def label(self) -> str:
        return f"{self.task.name} {format_layers(self.layers)}"


#: Random teachers for meta-training (``--teachers``) take seeds from here on: far from the
#: teacher seeds of the default tasks, the held-out tasks and the confirmation rounds (below 100).
POOL_SEED0 = 1000
#: How many of the pool's teachers each generation meta-trains on (beside the fixed tasks).
POOL_PER_GENERATION = 2


def random_teacher_specs(n: int, seed0: int = POOL_SEED0) -> list[Spec]:
    """``n`` random-teacher tasks of random shape (2-10 inputs, 1-3 hidden layers of 2-12, 1-4
    outputs), budget (40-100 cycles) and order, each written as its own spec so that its text
    alone rebuilds it."""
    specs = []
    for k in range(n):
        rng = np.random.default_rng([seed0, k])
        hidden = [int(v) for v in rng.integers(2, 13, int(rng.integers(1, 4)))]
        layers = [int(rng.integers(2, 11)), *hidden, int(rng.integers(1, 5))]
        cycles = int(rng.choice([40, 60, 100]))
        order = ":shuffle" if rng.random() < 0.5 else ""
        specs.append(parse_spec(f"teacher@{seed0 + k}:{','.join(map(str, layers))}:{cycles}{order}"))
    return specs


def pool_pick(gen: int, n: int, k: int = POOL_PER_GENERATION) -> list[int]:
    """The pool's teachers generation ``gen`` meta-trains on: every teacher once before any twice."""
    k = min(k, n)
    out = []
    for j in range(gen * k, gen * k + k):
        perm = np.random.default_rng([POOL_SEED0, j // n]).permutation(n)
        out.append(int(perm[j % n]))
    return out


def generation_tasks(gen: int, specs, baselines, pool, pool_base) -> tuple[list, list]:
    """What generation ``gen`` meta-trains on: the fixed tasks, then its teachers of the pool (and
    the baselines of both, in the same order)."""
    picks = pool_pick(gen, len(pool)) if pool else []
    return list(specs) + [pool[i] for i in picks], list(baselines) + [pool_base[i] for i in picks]


#: A spec's LAYERS part: digits, commas, hyphens (never a cycle count, an order, nor a file name).
_LAYERS_PART = re.compile(r"[0-9 ]*[,-][0-9 ,-]*")


def split_spec(text: str) -> tuple[str, str, list[str]]:
    """(TASK, LAYERS, [CYCLES and ORDER]) of TASK:LAYERS[:CYCLES][:ORDER]: LAYERS is the last part that
    looks like layers, so that a CSV path may hold ':' itself."""
    parts = str(text).split(":")
    at = max((k for k, p in enumerate(parts) if k and _LAYERS_PART.fullmatch(p)), default=None)
    if at is None or len(parts) - at > 3:
        shown = repr(text[:60]) + ("…" if len(text) > 60 else "")
        raise UsageError(f"expected TASK:LAYERS[:CYCLES][:shuffle] (LAYERS like 2,8,1), got {shown}")
    return ":".join(parts[:at]), parts[at], parts[at + 1:]


def spec_task(text: str) -> str:
    """The TASK of a TASK:LAYERS[:CYCLES][:ORDER] spec, as typed."""
    return split_spec(text)[0]


def parse_spec(text: str) -> Spec:
    """TASK:LAYERS[:CYCLES][:ORDER] (CYCLES 300 and ORDER fixed unless given, each at most once)."""
    name, layers_text, rest = split_spec(text)
    shown = repr(text[:60]) + ("…" if len(text) > 60 else "")
    try:
        layers = parse_layers(layers_text)
    except UsageError as e:
        raise UsageError(f"{shown}: {str(e).replace('--layers', 'LAYERS')}") from None
    cycles = order = None
    for p in rest:
        kind = "order" if p in ("shuffle", "fixed") else "cycles" if is_digits(p) else None
        if kind is None:
            raise UsageError(f"{shown}: {p[:40]!r} is neither a positive cycle count nor shuffle/fixed")
        if (order if kind == "order" else cycles) is not None:
            raise UsageError(f"{shown}: the {'order' if kind == 'order' else 'cycle count'} is given twice")
        if kind == "order":
            order = p
        else:
            try:
                cycles = parse_count(p, "the cycle count", MAX_CYCLES)
            except UsageError as e:
                raise UsageError(f"{shown}: {e}") from None
    cycles, order = cycles or 300, order or "fixed"
    targets = layers[-1] if name.lower().endswith(".csv") else 1
    task = load_task(name, targets, layers=layers)
    check_fits(task, layers)
    return Spec(text, task, layers, cycles, order)


# --- the search space --------------------------------------------------------------------------

def flatten(rule: Rule) -> np.ndarray:
    """The learner's weights, biases and log input scales, whatever its shape and inputs.

    The input scales are searched too because the learner is near-linear in log space: dividing
    an input's scale by a raises the update's power of that input (|δ|, f', |w|, x) by about a,
    which weight changes reach only through many coordinates at once."""
    return np.concatenate([rule.lw, rule.lb, np.log(rule.in_scale)])


def unflatten(rule: Rule, theta: np.ndarray) -> Rule:
    n, m = rule.lw.shape[0], rule.lb.shape[0]
    return replace(rule, lw=np.ascontiguousarray(theta[:n]), lb=np.ascontiguousarray(theta[n:n + m]),
                   in_scale=np.ascontiguousarray(np.exp(theta[n + m:])))


def backprop_tuples(rows: int = 3000, seed: int = 0) -> dict:
    """Link tuples of sampled backprop runs (OR 2-4-1 and the square task 2-5-2)."""
    from .experiments import EXPERIMENTS
    from .samples import link_tuples
    from .study import sample_run
    pools = [link_tuples(EXPERIMENTS[n].layers, sample_run(EXPERIMENTS[n])[1]) for n in (3, 4)]
    pool = {k: np.concatenate([p[k] for p in pools]) for k in pools[0]}
    keep = np.all([pool[k] != 0 for k in ("x", "w", "delta", "fprime")], axis=0)
    idx = np.random.default_rng(seed).choice(np.nonzero(keep)[0], rows, replace=False)
    return {k: v[idx] for k, v in pool.items()}


def sensitivities(rule: Rule, pool: dict, h: float = 1e-4) -> np.ndarray:
    """RMS over tuples of ∂log|ℓ|/∂θ_k for every learner parameter θ_k (central differences)."""
    theta = flatten(rule)
    args = [pool[k] for k in ("x", "w", "delta", "fprime")]
    out = np.empty(theta.shape[0])
    for k in range(theta.shape[0]):
        up, dn = theta.copy(), theta.copy()
        up[k] += h
        dn[k] -= h
        d = (np.log(np.abs(unflatten(rule, up).ell(*args))) - np.log(np.abs(unflatten(rule, dn).ell(*args)))) / (2 * h)
        out[k] = float(np.sqrt(np.mean(d[np.isfinite(d)] ** 2)))
    floor = 1e-3 * float(np.median(out[out > 0])) if np.any(out > 0) else 1.0
    return np.maximum(out, floor)


#: ``--adapt``: the ingredients of the adaptive stage the search may change, joined by "+"
#: ("both" is scale+momentum), and how many coordinates each adds to the search.
INGREDIENT_DIMS = {"scale": 3, "momentum": 1, "flat": 1, "anneal": 1, "decay": 1}
INGREDIENTS = tuple(INGREDIENT_DIMS)
#: Where a search of the clock (``anneal``) starts when its start has none: τ in steps.
ANNEAL0 = 3000.0


def ingredients(adapt: str) -> tuple[str, ...]:
    parts = {"none": (), "both": ("scale", "momentum")}.get(adapt, tuple(adapt.split("+")))
    if any(p not in INGREDIENTS for p in parts) or len(set(parts)) != len(parts):
        raise UsageError(f"--adapt: expected none, both or a +-joined subset of {', '.join(INGREDIENTS)}, "
                         f"got {adapt[:40]!r}")
    return tuple(p for p in INGREDIENTS if p in parts)


@dataclass
class Space:
    """Maps CMA-ES coordinates z to a rule and its rate: θ = θ0 + z / s, γ = 0.23·exp(log m0 + z_step),
    then the adaptive stage's coordinates (``adapt``, see ``ingredients``): p = |p0 + z_p| (at most
    2), log ε and log(1 - β2) shifted by theirs; β = |β0 + z_β / 2| (at most 0.95); 1 - q =
    |1 - q0 + z_q| (at most 1); log τ shifted by log τ0 (``ANNEAL0`` where the start has no clock);
    the decay d = |d0 + z_d| (at most 1).

    The rate is multiplied by ε^p, so that γ·(v̂ + ε²)^(-p/2) = γ_0·(1 + v̂/ε²)^(-p/2): changing p
    leaves a neuron whose |δ| scale is ε alone, instead of rescaling every step (a curved valley)."""
    base: Rule
    theta0: np.ndarray
    scale: np.ndarray
    learn_step: bool
    log_step0: float
    adapt: str = "none"
    objective: str = "final"      # or "half", "accuracy" (``task_score``), "robust", "worst" (``evaluate_member``)

    @property
    def adapt_dims(self) -> int:
        return sum(INGREDIENT_DIMS[k] for k in ingredients(self.adapt))

    @property
    def dim(self) -> int:
        return self.theta0.shape[0] + (1 if self.learn_step else 0) + self.adapt_dims

    def decode(self, z) -> tuple[Rule, float]:
        z = np.asarray(z, float)
        n = self.theta0.shape[0]
        rule = unflatten(self.base, self.theta0 + z[:n] / self.scale)
        log_step = self.log_step0 + (z[n] if self.learn_step else 0.0)
        rate = PAPER_RATE * math.exp(log_step)
        use = ingredients(self.adapt)
        if not use:
            return rule, rate
        za = list(z[n + (1 if self.learn_step else 0):])
        a = {**ADAPT_OPTIONAL, **(self.base.meta.get("adapt") or {"p": 0.0, "beta2": BETA2_0, "eps": EPS0, "momentum": 0.0})}
        p, eps, b2, bm, q, tau, d = a["p"], a["eps"], a["beta2"], a["momentum"], a["flat"], a["anneal"], a["decay"]
        if "scale" in use:
            dp, de, db2 = za.pop(0), za.pop(0), za.pop(0)
            p = min(2.0, abs(p + dp))
            eps = min(1e3, max(kernels.ADAPT_EPS_MIN, eps * math.exp(de)))
            b2 = min(0.9999, 1.0 - (1.0 - b2) * math.exp(db2))
            rate *= eps ** p / (a["eps"] ** a["p"])
        if "momentum" in use:
            bm = min(0.95, abs(bm + 0.5 * za.pop(0)))
        if "flat" in use:
            q = 1.0 - min(1.0, abs(1.0 - q + za.pop(0)))
        if "anneal" in use:
            tau = min(1e11, (tau or ANNEAL0) * math.exp(za.pop(0)))
        if "decay" in use:
            d = min(1.0, abs(d + za.pop(0)))
        # a rule without a clock, link scales, a momentum gate, a fan-in step, a gain, a hidden-layer
        # step, a trust scale or a decay writes the bytes it always did; every optional key not
        # searched here is kept as the start had it
        kept = [k for k in ADAPT_OPTIONAL if k not in ("flat", "anneal", "decay")]
        extra = {**({"anneal": tau} if tau else {}), **{k: a[k] for k in kept if a[k] != ADAPT_OPTIONAL[k]},
                 **({"decay": d} if d else {})}
        rule.meta = {**rule.meta, "adapt": {"p": p, "beta2": max(0.0, b2), "eps": eps, "momentum": bm, "flat": q, **extra}}
        return rule, rate


# --- the objective -------------------------------------------------------------------------------

def effective(J: np.ndarray, n_out: int = 1) -> float:
    """log of the final J floored at FLOOR, minus how early J got below the floor."""
    if not np.all(np.isfinite(J)):
        return math.log(0.5 * n_out) + DIVERGED
    T = J.shape[0] - 1
    val = math.log(max(float(J[-1]), FLOOR))
    if J[-1] <= FLOOR:
        t = int(np.nonzero(J <= FLOOR)[0][0])
        val += math.log(max(t, 1) / T)
    return val


@dataclass
class Baseline:
    """Backprop at its best γ on one spec: the γ, its median curve's effective score, its median
    test J, and its median error rate (share misclassified; None where targets are not classes)."""
    rate: float
    eff: float
    test: float | None
    err: float | None = None   # older checkpoints have none (read as this default): no accuracy term
    patterns: int = 1          # how many patterns the error rate is over


def baseline(spec: Spec, seeds=3) -> Baseline:
    t = tune(spec.task, spec.layers, spec.cycles, BASELINE_RATES, seeds=seeds, order=spec.order)
    b = t.best
    tests = [r.J_test[-1] for r in b.results if r.J_test is not None and not r.diverged]
    errs = [1.0 - r.accuracy for r in b.results if r.accuracy is not None]
    return Baseline(b.rate, effective(median_curve(b.results), spec.task.n_out),
                    float(np.median(tests)) if tests else None, float(np.median(errs)) if errs else None,
                    spec.task.scored[0].shape[0])


def error_term(accuracy, base_err, patterns: int) -> float:
    """log of the run's error rate over bp@best γ's, each plus one pattern's share (so that 0
    errors against 0 scores 0, and one pattern more or less is a bounded step)."""
    s = 1.0 / patterns
    return math.log((1.0 - accuracy + s) / (base_err + s))


def task_score(results, base: Baseline, objective: str = "final") -> float:
    """Mean over runs of the effective score minus bp@best γ's (see the module's docstring).  The
    "half" objective averages it with the same score at half the cycles, still against backprop's
    at all of them: it rewards reaching tuned backprop's final J early (the speed-up), not only
    ending lower.  The "accuracy" objective adds the log ratio of error rates (``error_term``): a
    rule that drives J down on most patterns while giving up a few more than backprop does loses
    what it won in J."""
    s = []
    for r in results:
        v = effective(r.J, r.layers[-1]) - base.eff
        if objective == "half":
            v = 0.5 * v + 0.5 * (effective(r.J[:(r.J.shape[0] - 1) // 2 + 1], r.layers[-1]) - base.eff)
        if base.test is not None and r.J_test is not None and not r.diverged:
            v += 0.5 * (math.log(max(float(r.J_test[-1]), TEST_FLOOR)) - math.log(max(base.test, TEST_FLOOR)))
        if objective == "accuracy" and base.err is not None and r.accuracy is not None:  # None: diverged
            v += error_term(r.accuracy, base.err, base.patterns)
        s.append(v)
    return float(np.mean(s))


#: The "robust" objective counts a task won by more than this factor (e^ROBUST_WIN) as won by it:
#: a huge win on one task (XOR: 10⁻⁵ of backprop's J) cannot pay for losses on others.
ROBUST_WIN = math.log(4.0)
#: The objectives that floor each task's score at -ROBUST_WIN.
FLOORED = ("robust", "worst", "accuracy")


def evaluate_member(space: Space, z, specs, baselines, seeds) -> tuple[float, list]:
    """Objective of one member: mean over specs of its score on ``seeds`` (the same for all),
    each floored at -ROBUST_WIN for the "robust", "worst" and "accuracy" objectives, "worst" averaging that
    mean with the generation's worst task (a loss anywhere weighs as much as all the tasks
    together); and the unfloored scores."""
    rule, rate = space.decode(z)
    per = []
    for spec, base in zip(specs, baselines):
        res = train_seeds(spec.task, spec.layers, rate, spec.cycles, seeds, rule, order=spec.order)
        per.append(task_score(res, base, space.objective))
    floored = [max(v, -ROBUST_WIN if space.objective in FLOORED else -math.inf) for v in per]
    total = float(np.mean(floored))
    return (0.5 * total + 0.5 * max(floored) if space.objective == "worst" else total), per


def evaluate_population(space, pop, specs, baselines, seeds, client=None) -> list:
    """Every member's (objective, per-task scores): locally in order, or on a Dask cluster."""
    if client is None:
        return [evaluate_member(space, z, specs, baselines, seeds) for z in pop]
    futures = client.map(evaluate_member, [space] * len(pop), list(pop), [specs] * len(pop),
                         [baselines] * len(pop), [list(seeds)] * len(pop), pure=False)
    return client.gather(futures)


def generation_seeds(gen: int, k: int = SEEDS_PER_TASK) -> list[int]:
    return [TRAIN_SEED0 + gen * k + i for i in range(k)]


# --- the loop ------------------------------------------------------------------------------------

def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


#: ``--start rmsprop``: the imitation rule with the adaptive stage set to a textbook per-neuron
#: RMSprop (every neuron's update divided by its running RMS of δ) as a second teacher.
RMSPROP = {"p": 1.0, "beta2": 0.99, "eps": 1e-3, "momentum": 0.0, "flat": 1.0}
#: ``--start rmsprop-flat`` (the default until round 7): the same with rule (5) flattened to the
#: cross-entropy δ (q 0), the most robust start of the ablation (no worse than bp@best γ on 18 of
#: the 23 judged tasks).
RMSPROP_FLAT = {**RMSPROP, "flat": 0.0}
#: ``--start rmsprop-flat-clock`` (the default): that with a clock, every step × (1 + t/1000)^(-1/2),
#: at γ 0.2 (the hand scan ``docs/beyond/scan_clock.py``; no worse than bp@best γ beyond the seeds'
#: spread on any of 43 held-out tasks).  It is ``docs/beyond/rule_rmsprop_flat0_anneal.npz``.
RMSPROP_FLAT_CLOCK = {**RMSPROP_FLAT, "anneal": 1000.0}
#: The starting stages and γ (None: found by ``start_rate``) by ``--start`` name, the first the
#: default (stage None: the imitation rule as it is).
STARTS = {"rmsprop-flat-clock": (RMSPROP_FLAT_CLOCK, 0.2), "rmsprop-flat": (RMSPROP_FLAT, None),
          "rmsprop": (RMSPROP, None), "imitation": (None, None)}
#: The shipped recipe's meta-training: the teacher pool and the robust objective.
DEFAULT_TEACHERS, DEFAULT_OBJECTIVE, DEFAULT_GENERATIONS = 24, "robust", 150
START_RATES = (0.01, 0.03, 0.1, 0.3, 1.0)
#: Generations averaged by the objective figure's trend line.
TREND_WINDOW = 10


def default_adapt(rule: Rule) -> str:
    """What the search changes unless told: the |δ| scale, and the clock and the decay where the
    start has them."""
    a = rule.adapt
    return "+".join(["scale"] + [k for k, i in (("anneal", kernels.ADAPT_ANNEAL), ("decay", kernels.ADAPT_DECAY))
                                 if a.shape[0] and a[i] > 0])


def start_rate(rule: Rule, specs, baselines, learn_step: bool, seeds_per_task: int = SEEDS_PER_TASK) -> float:
    """log(γ/0.23) to start the search at: the rule's own γ (a refined rule's, or a hand-set
    one's ``own_rate``); the median best γ of backprop on the meta-training tasks for a plain
    imitation rule; for a rule with an adaptive stage (whose steps are on another scale) the best
    of ``START_RATES`` on generation 0's seeds."""
    if not learn_step:
        return 0.0
    if rule.own_rate is not None:
        return math.log(rule.own_rate / PAPER_RATE)
    if rule.adapt.shape[0] == 0:
        return float(np.median([math.log(b.rate / PAPER_RATE) for b in baselines]))
    seeds = generation_seeds(0, seeds_per_task)
    scores = [float(np.mean([task_score(train_seeds(s.task, s.layers, r, s.cycles, seeds, rule, order=s.order), b)
                             for s, b in zip(specs, baselines)])) for r in START_RATES]
    best = START_RATES[int(np.argmin(scores))]
    say(f"  start: γ {best:g} (objective on generation 0's seeds: "
        + ", ".join(f"γ {r:g} {v:+.2f}" for r, v in zip(START_RATES, scores)) + ")")
    return math.log(best / PAPER_RATE)


def imitation_rule() -> Rule:
    """The starting point when no rule is given: the pooled local rule of ``compare``/``reproduce``."""
    from .experiments import EXPERIMENTS
    from .study import learn_local_rule, sample_run
    return learn_local_rule([sample_run(EXPERIMENTS[n]) for n in (1, 3, 4)])


#: What refine writes into its --out folder (beside the held-out figures, ``figure_names``).
OUT_FILES = ("checkpoint.pkl", "rule.npz", "history.json", "heldout.json", "objective.png",
             "update_vs_delta.png", "update_vs_fprime.png", "update_vs_w.png", "update_vs_scale.png")


def check_refine_out(out, heldout_specs=(), resume=False, inputs=()) -> Path:
    """Refuse, before any work, an --out refine cannot write into (``files.check_output_folder``),
    one where a file it writes is one of its ``inputs`` or a previous run's result (kept unless
    --resume continues that run), and --resume where it holds no checkpoint to resume from."""
    names = [*OUT_FILES, *figure_names(heldout_specs)]
    out = check_output_folder(out, "--out folder", names)
    if out.is_dir():
        check_outputs([out / n for n in names], inputs)
    if resume and not (out / "checkpoint.pkl").is_file():
        raise UsageError(f"--resume: {out / 'checkpoint.pkl'} does not exist (nothing to resume); "
                         "drop --resume to start afresh")
    previous = [n for n in names if (out / n).exists()]
    if previous and not resume:
        raise UsageError(f"--out {out} holds a previous run's results ({', '.join(previous[:3])}"
                         f"{', …' if len(previous) > 3 else ''}); --resume continues it, or choose a new --out")
    return out


def refine(rule: Rule, train_specs, heldout_specs, out, generations=DEFAULT_GENERATIONS, minutes=8.0,
           popsize=POPSIZE, learn_step=True, seed=0, scheduler=None, resume=False, heldout_every=10,
           final_seeds=5, figures=True, adapt="scale", objective=DEFAULT_OBJECTIVE,
           teachers=DEFAULT_TEACHERS, seeds_per_task=SEEDS_PER_TASK) -> dict:
    import warnings
    with warnings.catch_warnings():  # cma warns that matplotlib (its plotting) is missing: unused here
        warnings.simplefilter("ignore")
        import cma
    out = check_refine_out(out, heldout_specs if figures and final_seeds else (), resume)
    out.mkdir(parents=True, exist_ok=True)
    ckpt = out / "checkpoint.pkl"
    client = None
    if scheduler:
        try:
            from dask.distributed import Client
        except ImportError:
            raise UsageError("--scheduler needs dask.distributed: pip install -e '.[cluster]'") from None
        client = scheduler if not isinstance(scheduler, str) else Client(scheduler)
    t_start = time.perf_counter()
    pool = random_teacher_specs(teachers)

    setup = {"train": [s.text for s in train_specs], "heldout": [s.text for s in heldout_specs], "popsize": popsize,
             "adapt": adapt, "learn_step": learn_step, "seed": seed, "objective": objective, "teachers": teachers,
             "seeds_per_task": seeds_per_task}
    if resume:
        try:
            state = pickle.loads(ckpt.read_bytes())
            es, space, history, baselines, held_base, pool_base = (
                state[k] for k in ("es", "space", "history", "baselines", "held_base", "pool_base"))
        except Exception:
            raise UsageError(f"{ckpt} is not a refine checkpoint this version can read") from None
        made = {"seeds_per_task": SEEDS_PER_TASK, **state.get("setup", {})}   # older checkpoints: the default
        if made != setup:
            changed = [k for k in setup if made.get(k) != setup[k]]
            raise UsageError(f"--resume: {ckpt} was made with other settings ({', '.join(changed)}); "
                             "repeat them, or start a new --out")
        say(f"resumed at generation {len(history)} from {ckpt}")
    else:
        say(f"tuning backprop on {len(train_specs)} meta-training task(s), {teachers} random teacher(s) "
            f"and {len(heldout_specs)} held-out task(s)")
        baselines = [baseline(s) for s in train_specs]
        pool_base = [baseline(s) for s in pool]
        held_base = [baseline(s) for s in heldout_specs]
        for s, b in zip(train_specs + pool + heldout_specs, baselines + pool_base + held_base):
            say(f"  bp@best γ on {s.label} ({s.cycles} cycles, {s.order}): γ {b.rate:g}")
        step0 = start_rate(rule, *generation_tasks(0, train_specs, baselines, pool, pool_base), learn_step,
                           seeds_per_task)
        space = Space(rule, flatten(rule), sensitivities(rule, backprop_tuples()), learn_step, step0, adapt, objective)
        es = cma.CMAEvolutionStrategy(np.zeros(space.dim), SIGMA0,
                                      {"popsize": popsize, "seed": seed + 1, "verbose": -9})
        history = []
    best = min(history, key=lambda h: h["best"]) if history else None
    best_z = np.array(best["z"]) if best else np.zeros(space.dim)
    held_seeds = [HELDOUT_SEED0 + k for k in range(2)]
    interrupted = None   # the interrupt that stopped the search, if one did
    try:
        while len(history) < generations:
            g = len(history)
            elapsed = time.perf_counter() - t_start
            if history and minutes and elapsed + np.mean([h["seconds"] for h in history[-5:]]) > 60 * minutes:
                say(f"stopping after {g} generations: the next would exceed the {minutes:g}-minute budget")
                break
            t0 = time.perf_counter()
            pop = es.ask()
            specs_g, base_g = generation_tasks(g, train_specs, baselines, pool, pool_base)
            scores = evaluate_population(space, pop, specs_g, base_g, generation_seeds(g, seeds_per_task), client)
            es.tell(pop, [s[0] for s in scores])
            k = int(np.argmin([s[0] for s in scores]))
            entry = {"generation": g, "best": scores[k][0], "mean": float(np.mean([s[0] for s in scores])),
                     "tasks": [s.text for s in specs_g], "per_task": scores[k][1], "sigma": float(es.sigma), "z": list(map(float, pop[k])),
                     "rate": space.decode(pop[k])[1], "seconds": time.perf_counter() - t0}
            if best is None or entry["best"] < best["best"]:
                best, best_z = entry, np.array(pop[k])
            if heldout_specs and (g % heldout_every == 0 or g == generations - 1):
                mean_z = es.mean
                entry["heldout"] = evaluate_member(space, mean_z, heldout_specs, held_base, held_seeds)[1]
            history.append(entry)
            left = (generations - g - 1) * float(np.mean([h["seconds"] for h in history]))
            if minutes:
                left = min(left, max(0.0, 60 * minutes - (time.perf_counter() - t_start)))
            held = ("" if "heldout" not in entry else
                    "  held-out " + " ".join(f"{v:+.2f}" for v in entry["heldout"]))
            say(f"gen {g + 1}/{generations}: best {entry['best']:+.3f} mean {entry['mean']:+.3f} "
                f"σ {es.sigma:.3g} γ {entry['rate']:.3g}{held}  ({entry['seconds']:.1f} s, ~{left / 60:.1f} min left)")
            write_bytes(ckpt, pickle.dumps({"es": es, "space": space, "history": history, "baselines": baselines,
                                            "held_base": held_base, "pool_base": pool_base, "setup": setup}))
    except KeyboardInterrupt as e:
        interrupted = e
        say("interrupted: keeping the best rule so far")
    # the refined rule: CMA's mean (its best estimate, less noisy than the best single draw)
    final_z = es.mean if history else best_z
    refined, rate = space.decode(final_z)
    refined.meta = {**{k: v for k, v in refined.meta.items() if k != "own_rate"}, "refined": {
        "from": rule.meta.get("sources"), "rate": rate, "generations": len(history), "popsize": popsize,
        "train": [s.text for s in train_specs], "teachers": [s.text for s in pool],
        "heldout": [s.text for s in heldout_specs],
        "objective": "mean over tasks of log(max(J,1e-5)) + log(t_solve/T) minus bp@best γ's",
        "sigma0": SIGMA0, "seed": seed, "learn_step": space.learn_step, "adapt_search": space.adapt,
        "objective_variant": space.objective,
        # recorded when not the default, so that older recipes still write the same bytes
        **({"seeds_per_task": seeds_per_task} if seeds_per_task != SEEDS_PER_TASK else {}),
        "interrupted": interrupted is not None}}
    refined.save(out / "rule.npz")
    write_json(out / "history.json", {"history": history, "rate": rate,
                                      "baselines": {s.text: b.__dict__ for s, b in zip(train_specs + pool,
                                                                                      baselines + pool_base)}})
    say(f"wrote {out / 'rule.npz'} (train it at γ {rate:.4g}) and {out / 'history.json'}")
    summary = {"rate": rate, "generations": len(history)}
    if interrupted is None and heldout_specs and final_seeds:
        rows = judge([("refined rule", refined, rate)], heldout_specs, final_seeds,
                     figures_dir=out if figures else None, say=say)[0]
        summary["heldout"] = rows
        write_json(out / "heldout.json", {"seeds": final_seeds, "rate": rate, "tasks": rows})
        print(judge_table(rows))
    if figures and history:
        from .render import metric_vs_x
        gens = np.arange(1, len(history) + 1)
        means = np.array([h["mean"] for h in history])
        curves = {"best member": (gens, [h["best"] for h in history]), "population mean": (gens, means)}
        if len(history) >= TREND_WINDOW:  # the pool's teachers change every generation: show the trend
            curves[f"population mean, running mean of {TREND_WINDOW}"] = (
                gens[TREND_WINDOW - 1:], np.convolve(means, np.ones(TREND_WINDOW) / TREND_WINDOW, "valid"))
        metric_vs_x(out / "objective.png", "refine: objective per generation (lower is better; 0 = bp@best γ)",
                    "generation", "objective", curves, logx=False, logy=False)
    if figures:
        update_figures(refined, rate, out)
    if client is not None and isinstance(scheduler, str):
        client.close()
    if interrupted is not None:
        raise KeptInterrupt.after(interrupted, f"the best rule so far is in {out / 'rule.npz'}"
                                  + (f"; --resume continues from {ckpt}" if ckpt.is_file() else ""))
    return summary


def update_figures(rule: Rule, rate: float, out, pool=None) -> list:
    """The refined update γ_rule·ℓ divided by backprop's γ·(exact product) at γ 0.23, on backprop's link
    tuples: median (and IQR) per bin of |δ|, f' and |w| (one figure each)."""
    from .render import metric_vs_x
    pool = backprop_tuples(4000) if pool is None else pool
    args = [pool[k] for k in ("x", "w", "delta", "fprime")]
    ratio = rate * rule.ell(*args) / (PAPER_RATE * pool["target"])
    paths = []
    for key, label, logx in (("delta", "|δ_h|", True), ("fprime", "f'(in_i)", False), ("w", "|w_hi|", True)):
        v = np.abs(pool[key])
        edges = np.quantile(v, np.linspace(0, 1, 13))
        mid, med, lo, hi = [], [], [], []
        for a, b in zip(edges[:-1], edges[1:]):
            sel = (v >= a) & (v <= b) & np.isfinite(ratio)
            if sel.sum() < 5:
                continue
            mid.append(float(np.median(v[sel])))
            q = np.percentile(ratio[sel], [50, 25, 75])
            med.append(q[0]), lo.append(q[1]), hi.append(q[2])
        paths.append(metric_vs_x(Path(out) / f"update_vs_{key}.png",
                                 f"refined update ÷ backprop's at γ {PAPER_RATE} vs {label}"
                                 + (" (before the adaptive stage)" if rule.adapt.shape[0] else ""), label,
                                 "update ratio (median, IQR)", {"refined ÷ bp@0.23": (mid, med, lo, hi)},
                                 logx=logx, logy=True))
    if rule.adapt.shape[0]:  # the stage's factor on a neuron's update vs its running |δ| scale
        p, eps = rule.adapt[kernels.ADAPT_P], rule.adapt[kernels.ADAPT_EPS]
        scale = np.logspace(-8, 0, 81)
        whose, what = ("link", "|δ·x|") if rule.adapt[kernels.ADAPT_LINK] else ("neuron", "|δ|")
        paths.append(metric_vs_x(Path(out) / "update_vs_scale.png",
                                 f"adaptive stage: the step γ·(s² + ε²)^(-p/2) ÷ {PAPER_RATE} vs the {whose}'s running "
                                 f"{what} scale s (p {p:.2f}, ε {eps:.2g})", f"running {what} scale s (RMS)",
                                 "step ÷ backprop's at γ 0.23",
                                 {"refined": (scale, rate * (scale ** 2 + eps ** 2) ** (-p / 2) / PAPER_RATE)},
                                 logx=True, logy=True))
    return paths


# --- honest measurement on held-out tasks --------------------------------------------------------

#: Two-rate backprop's hidden-layer scales that ``judge`` tunes besides one rate.
JUDGE_SCALES = (0.5, 2.0, 4.0)


def check_judge_budget(specs, seeds: int = 0) -> None:
    """Refuse, before any work, tasks whose runs would exceed the size limits (``check_budget``):
    tuning backprop keeps every setting's runs; judging one task on ``seeds`` seeds keeps about 12
    curves of its cycles per seed (bp@0.23, bp@best γ and at 4x the cycles, two-rate and flattened
    bp, the rule judged, the figure's copies).  ``seeds`` 0: the tuning alone (refine's baselines)."""
    for s in specs:
        scales = 1 + len(JUDGE_SCALES) if len(s.layers) > 2 else 1
        check_budget(s.layers, s.cycles, runs=TUNE_SEEDS, batches=len(BASELINE_RATES) * scales)
        if seeds:
            check_budget(s.layers, 12 * s.cycles, runs=seeds)


def judge(rules, specs, seeds: int = 20, hidden_scales=JUDGE_SCALES, figures_dir=None, say=say, done=None,
          on_task=None) -> list[list[dict]]:
    """Rules, each a (name, Rule, γ), against bp@0.23, bp@best γ and two-rate bp on fresh seeds
    (``HELDOUT_SEED0`` on): one list of rows per rule, the baselines run once for all.

    Backprop is tuned on other seeds (``tuning.TUNE_SEED0``; past the grid's edge where its best γ
    lies there), then run on the judged seeds at its best γ for 4x the cycles, for the speed-up:
    cycles tuned backprop needs to reach the rule's median final J, divided by the rule's cycles
    (a lower bound where it never does).  And ``reach_share``: the share of the cycles the rule's
    median curve needs to first reach bp@best γ's median final J (None: never).  Where J(t) is not monotone (shuffled orders, online noise)
    the two readings differ.  If a rule flattens rule (5) or decays its step, backprop with that
    flattening and decay alone, tuned the same way, is a baseline too ("flat_bp").

    Tasks are independent: ``done`` ({task index: [row per rule]}) skips the ones an interrupted
    run finished, and ``on_task(index, [row per rule])`` is called as each new one finishes.
    """
    from .runs import hidden_scaled
    from .tuning import cycles_to_reach
    seed_list = [HELDOUT_SEED0 + 100 + k for k in range(seeds)]
    specs = list(specs)
    fnames = figure_names(specs)
    if figures_dir is not None:
        check_output_folder(figures_dir, "figures folder", fnames)
        Path(figures_dir).mkdir(parents=True, exist_ok=True)
    rows = [[] for _ in rules]
    flat_bp = flat_backprop(rules)
    for i, (spec, fname) in enumerate(zip(specs, fnames)):
        if done and i in done:
            for k, row in enumerate(done[i]):
                rows[k].append(row)
            continue
        t = tune(spec.task, spec.layers, spec.cycles, BASELINE_RATES, hidden_scales=(1.0, *hidden_scales)
                 if len(spec.layers) > 2 else (1.0,), seeds=TUNE_SEEDS, order=spec.order, widen=True)
        one, two = t.best_one_rate(), t.best

        def run(r, rr, c=spec.cycles, lr=None):
            return train_seeds(spec.task, spec.layers, rr, c, seed_list, r, order=spec.order, layer_rate=lr)

        def stat(res):
            f = [r.J[spec.cycles] for r in res if np.isfinite(r.J[spec.cycles])]
            tests = [r.J_test[spec.cycles] for r in res if r.J_test is not None and np.isfinite(r.J_test[spec.cycles])]
            accs = [r.accuracy for r in res if r.accuracy is not None]
            return {"median": float(np.median(f)) if f else None,
                    "q25": float(np.percentile(f, 25)) if f else None, "q75": float(np.percentile(f, 75)) if f else None,
                    "diverged": int(sum(not np.isfinite(r.J[spec.cycles]) for r in res)),
                    "test_median": float(np.median(tests)) if tests else None,
                    "accuracy": float(np.median(accs)) if accs else None}

        bp23 = run(None, PAPER_RATE)
        # run again for the budget itself: the long run's J(t) starts the same, but its weights,
        # and so its accuracy, are those after 4x the cycles
        bpbest, bpbest_long = run(None, one.rate), run(None, one.rate, 4 * spec.cycles)
        two_rate = run(None, two.rate, spec.cycles, None if two.hidden_scale == 1.0 else hidden_scaled(spec.layers, two.hidden_scale))
        s_best, s_bp23 = stat(bpbest), stat(bp23)
        s_two = {**stat(two_rate), "rate": two.rate, "hidden_scale": two.hidden_scale}
        s_flat = None
        if flat_bp is not None:
            f_rate = tune(spec.task, spec.layers, spec.cycles, BASELINE_RATES, seeds=TUNE_SEEDS, order=spec.order,
                          rule=flat_bp, widen=True).best.rate
            s_flat = {**stat(run(flat_bp, f_rate)), "rate": f_rate, "flat": flat_bp.meta["adapt"]["flat"],
                      "decay": flat_bp.meta["adapt"].get("decay", 0.0)}
        plateau = spec.task.plateau
        curves = {"backprop γ 0.23": np.array([r.J for r in bp23]),
                  f"backprop γ {one.rate:g} (best)": np.array([r.J for r in bpbest])}
        for k, (name, rule, rate) in enumerate(rules):
            mine = run(rule, rate)
            s_rule = stat(mine)
            reach = None if s_rule["median"] is None else cycles_to_reach(median_curve(bpbest_long), s_rule["median"])
            speedup = (reach / spec.cycles) if reach is not None else 4.0
            # the goal's other reading: when the rule's median curve first reaches bp@best γ's final J
            first = None if s_best["median"] is None else cycles_to_reach(median_curve(mine), s_best["median"])
            wins, ci = seed_comparison([r.J[spec.cycles] for r in mine], [r.J[spec.cycles] for r in bpbest])
            row = {
                "task": spec.text, "label": spec.label, "cycles": spec.cycles, "order": spec.order, "seeds": seeds,
                "rule_rate": rate, "rule": s_rule, "bp023": s_bp23, "bp_best": {**s_best, "rate": one.rate},
                "two_rate": s_two, "flat_bp": s_flat,
                "ratio_vs_best": (s_rule["median"] / s_best["median"]) if s_rule["median"] and s_best["median"] else None,
                "speedup": speedup, "speedup_lower_bound": reach is None, "seed_wins": wins, "ratio_ci": ci,
                "reach_share": None if first is None else first / spec.cycles, "plateau": plateau}
            rows[k].append({**row, "nothing_learns": nothing_learns(row)})
            say(f"judged {name} on {spec.label}: rule {_g(s_rule['median'])}, bp@best γ {one.rate:g} "
                f"{_g(s_best['median'])}, speed-up {'>= ' if reach is None else ''}{speedup:.2f}")
            if k == 0:  # the figure shows the first rule (more would hide the baselines)
                curves[f"{name} (γ {rate:.3g})"] = np.array([r.J for r in mine])
        if figures_dir is not None:
            from .render import error_curves
            error_curves(Path(figures_dir) / fname,
                         f"held-out {spec.label} ({spec.order} order): J(t) over {seeds} seeds", curves,
                         plateau=plateau)
        if on_task is not None:
            on_task(i, [r[-1] for r in rows])
    return rows


def judge_setup(rule_paths, rates, seeds: int, texts, figures=None) -> dict:
    """What a judge checkpoint must match to be resumed: the rules (path and content), their γ, the
    seeds, the tasks and the figures folder (the finished tasks' figures are in it already)."""
    return {"rules": [[str(p), hashlib.sha256(Path(p).read_bytes()).hexdigest()] for p in rule_paths],
            "rates": [float(r) for r in rates], "seeds": int(seeds), "tasks": [str(t) for t in texts],
            "figures": None if figures is None else str(figures)}


def judge_checkpoint(ckpt, setup: dict, resume: bool) -> dict:
    """The tasks an interrupted judge finished ({task index: [row per rule]}), read from ``ckpt``
    with --resume (refused if made with other settings); without --resume, a checkpoint there is
    an interrupted run's work, which starting afresh would lose: refused too."""
    ckpt = Path(ckpt)
    if not resume:
        if ckpt.exists():
            raise UsageError(f"{ckpt} holds an interrupted judge's finished tasks; --resume continues it, "
                             "or delete it to start afresh")
        return {}
    if not ckpt.is_file():
        raise UsageError(f"--resume: {ckpt} does not exist (nothing to resume); drop --resume to start afresh")
    try:
        state = json.loads(ckpt.read_text())
        made, done = state["setup"], {int(k): list(v) for k, v in state["done"].items()}
        assert state["format"] == JUDGE_CHECKPOINT and isinstance(made, dict)
        if made == setup:
            assert all(0 <= i < len(setup["tasks"]) and len(v) == len(setup["rules"]) for i, v in done.items())
    except Exception:
        raise UsageError(f"{ckpt} is not a judge checkpoint this version can read; delete it to start afresh") from None
    if made != setup:
        changed = [k for k in setup if made.get(k) != setup[k]]
        raise UsageError(f"--resume: {ckpt} was made with other settings ({', '.join(changed) or 'another layout'}); "
                         "give the command that made it, or delete it to start afresh")
    return done


#: The ``format`` of a judge checkpoint (``judge_checkpoint``).
JUDGE_CHECKPOINT = "localrule judge checkpoint 1"


def keep_judged(ckpt, setup: dict, done: dict) -> None:
    """Write the finished tasks to the checkpoint (whole, or not at all)."""
    from .files import finish_first
    with finish_first():
        write_json(ckpt, {"format": JUDGE_CHECKPOINT, "setup": setup, "done": {str(k): v for k, v in done.items()}})


def figure_names(specs) -> list[str]:
    """The judge's J(t) figure per spec, heldout_TASK_LAYERS[_ORDER].png, distinct even where two
    specs share them (another cycle budget, two CSV files of one name: _2, _3, …)."""
    names = [f"heldout_{spec.task.name[:80]}_{format_layers(spec.layers)[:80]}"
             f"{'' if spec.order == 'fixed' else '_' + spec.order}.png" for spec in specs]
    return distinct_names(names)


#: How close to the constant output's J a median final J counts as on its plateau.
PLATEAU_TOL = 1e-3


def on_plateau(median, plateau) -> bool:
    return median is not None and median >= (1.0 - PLATEAU_TOL) * plateau


def nothing_learns(row) -> bool:
    """Whether bp@best γ and the rule both end on the constant output's plateau (median final J no
    lower than it, within 0.1%): where no method learns in the budget, ratios near 1 and speed-ups
    tell nothing apart, so the judge names such tasks (they still count in every verdict)."""
    return on_plateau(row["bp_best"]["median"], row["plateau"]) and on_plateau(row["rule"]["median"], row["plateau"])


#: Resamples of the bootstrap interval of ``ratio_vs_best`` (fixed generator: same runs, same interval).
BOOTSTRAP = 2000


def seed_comparison(rule_final, bp_final) -> tuple[int, list]:
    """How far the seeds' spread carries a median ratio: the seeds on which the rule ends below
    bp@best γ (both start from the seed's same weights; a diverged run loses), and a 95% bootstrap
    interval of the ratio of medians.  Why: on tasks whose final J spans decades from seed to
    seed, a median ratio of 2 can be noise."""
    r = np.nan_to_num(np.asarray(rule_final, float), nan=np.inf)
    b = np.nan_to_num(np.asarray(bp_final, float), nan=np.inf)
    rng = np.random.default_rng(0)
    ir, ib = rng.integers(0, r.size, (BOOTSTRAP, r.size)), rng.integers(0, b.size, (BOOTSTRAP, b.size))
    with np.errstate(invalid="ignore", divide="ignore"):
        ratios = np.median(r[ir], axis=1) / np.median(b[ib], axis=1)
    lo = np.nanpercentile(ratios, 2.5, method="lower")   # no interpolation: ratios may be inf
    hi = np.nanpercentile(ratios, 97.5, method="higher")
    return int(np.sum(r < b)), [float(lo), float(hi)]


def flat_backprop(rules) -> Rule | None:
    """Backprop with the first judged rule's flattened rule (5) (q < 1) and its decay (d > 0),
    nothing else of the rule: the baseline that says what those ingredients alone buy, since
    backprop can take them as they are.  None if no rule has either."""
    for _, rule, _ in rules:
        a = rule.adapt
        if a.shape[0] and (a[kernels.ADAPT_FLAT] < 1.0 or a[kernels.ADAPT_DECAY] > 0.0):
            bp = Rule.oracle("rule6")
            bp.meta["adapt"] = {"p": 0.0, "beta2": 0.0, "eps": 1.0, "momentum": 0.0,
                                "flat": float(a[kernels.ADAPT_FLAT]),
                                **({"decay": float(a[kernels.ADAPT_DECAY])} if a[kernels.ADAPT_DECAY] else {})}
            return bp
    return None


def _g(v):
    return "—" if v is None else f"{v:.3g}"


def _acc(v):
    return "—" if v is None else f"{v:.3f}"


def judge_table(rows) -> str:
    """The judge's text table; "accuracy/bp": the rule's median accuracy (test set where there is
    one) over bp@best γ's, since a lower J is not always fewer patterns misclassified."""
    flat = any(r.get("flat_bp") for r in rows)
    flat_name = "flat+decay bp" if any((r.get("flat_bp") or {}).get("decay") for r in rows) else "flat bp"
    lines = [f"{'task':<22} {'bp@0.23':>9} {'bp@best γ':>16} {'two-rate bp':>22} {'refined rule':>28} "
             f"{'÷ best':>7} {'95% CI':>17} {'wins':>5} {'speed-up':>9} {'reach':>7} {'div':>4} {'accuracy/bp':>11}"
             + (f" {flat_name:>16}" if flat else "")]
    for r in rows:
        b, t, m, f = r["bp_best"], r["two_rate"], r["rule"], r.get("flat_bp")
        lines.append(f"{r['label'] + ' ' + str(r['cycles']):<22} {_g(r['bp023']['median']):>9} "
                     f"{_g(b['median']) + ' @' + format(b['rate'], 'g'):>16} "
                     f"{_g(t['median']) + ' @' + format(t['rate'], 'g') + '×' + format(t['hidden_scale'], 'g'):>22} "
                     f"{_g(m['median']) + ' [' + _g(m['q25']) + ', ' + _g(m['q75']) + ']':>28} "
                     f"{_g(r['ratio_vs_best']):>7} {'[' + _g(r['ratio_ci'][0]) + ', ' + _g(r['ratio_ci'][1]) + ']':>17} "
                     f"{str(r['seed_wins']) + '/' + str(r['seeds']):>5} "
                     f"{('>=' if r['speedup_lower_bound'] else '') + format(r['speedup'], '.2f'):>9} "
                     f"{'never' if r['reach_share'] is None else format(r['reach_share'], '.0%'):>7} "
                     f"{m['diverged']:>2}/{r['seeds']} {_acc(m['accuracy']) + '/' + _acc(b['accuracy']):>11}"
                     + (f" {_g(f['median']) + ' @' + format(f['rate'], 'g'):>16}" if f else ""))
    def named(keep):
        return ", ".join(f"{r['label']} {r['cycles']}" for r in rows if keep(r))
    if stuck := named(nothing_learns):
        lines.append(f"nothing learns on {stuck}: bp@best γ and the rule both end on the constant output's J "
                     "(each output its mean target), so no verdict there tells rules apart")
    if left := named(lambda r: on_plateau(r["bp_best"]["median"], r["plateau"]) and not nothing_learns(r)):
        lines.append(f"the rule leaves the constant output's plateau where bp@best γ stays on it: {left}")
    return "\n".join(lines)
