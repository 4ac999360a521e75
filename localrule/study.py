"""Multi-seed studies behind ``compare``, ``transfer`` and ``reproduce`` (the default job).

Protocol, the same in every verb:
1. sample one backprop run per experiment (seed ``SAMPLE_SEED``; every k-th step so that about
   ``SAMPLE_ROWS`` rows are kept);
2. learn a full-network rule per experiment from its own samples (the paper's set-up), and ONE
   local rule from the pooled samples of all four experiments, whichever are compared
   (experiment 2 has no hidden links and adds none);
3. train fresh networks for seeds ``FRESH_SEED0 + k`` (never the sampled run's seed) with every
   mode from the same initial weights, batched over cores.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, replace

import numpy as np

from .experiments import EXPERIMENTS, Experiment, parse_experiments
from .layout import UsageError, format_layers
from .learner import FORMS, Rule, learn_full, learn_local
from .runs import Result, train, train_seeds
from .samples import covering_stride, link_tuples, sample_meta
from .tasks import SAMPLES_DIR, load_task

SAMPLE_SEED, HOLDOUT_SEED, FRESH_SEED0 = 0, 1, 1000
SAMPLE_ROWS = 20000
MODES = ("backprop", "full", "full-fixed", "local")
#: Rows also reported for exps. 1-3: the learned rules started from the sampled runs' own initial
#: weights (seeds 0…: the paper's one run for "full", the first ``seeds`` of the N runs for
#: "full-fixed"), next to backprop from the same starts.
OWN_START = "@own"
#: The full-fixed recipe (README, "Full-network mode that works"): ``fullfixed.learn_fixed``'s
#: arguments per experiment; the ablation takes them away one at a time.
FIXED_RECIPE = {"runs": 32, "hidden": (64, 64), "optimizer": "adam", "head": "delta", "dagger": 4,
                "rollouts_per_round": 8, "epochs": 30, "rows_per_run": 1000, "batch": 256}
#: Per experiment, kept cheap where that costs nothing measurable (exp. 1: one hidden layer of 32
#: fits as well as 64-64; exp. 2's 2-1 net: g = γ x_j).  Exp. 4 needs the opposite: its hidden
#: layer's g (products f'(in_i) w_oi x_j) must be fit about 4x closer than the old recipe (32 runs,
#: 32 units, 2 DAgger rounds) did, or the run stalls (``docs/paper/exp4_oracle.py``: its exact
#: hidden g alone 1.25x backprop, its error halved 2x, quartered 0.95x); that takes 128 runs
#: (coverage) and 100 epochs (underfit at 40), and then DAgger is not needed.
FIXED_CHANGES = {1: {"hidden": (32,), "epochs": 60}, 2: {"hidden": (8,), "dagger": 1},
                 4: {"runs": 128, "hidden": (64, 64), "epochs": 100, "batch": 512, "dagger": 0}}
#: Beyond the paper: a deeper net the local rule never saw (γ 1.0, 3000 cycles: with γ 0.23 backprop
#: itself sits on XOR's J = 0.125 plateau for most seeds, which would compare nothing).
XOR_DEEP = Experiment(5, "xor", (2, 8, 8, 1), 1.0, 3000, (), 0.198, 200, (), 0, 0, "")
#: Beyond the paper: a CSV task with real-valued, signed inputs (``samples/make_moons.py``), with
#: its testing set; a local rule that only saw binary inputs must still scale updates with x_j.
MOONS = Experiment(6, str(SAMPLES_DIR / "moons_train.csv"), (2, 8, 1), 0.23, 2000, (), 0.198, 200, (), 0, 0, "")
CSV_TEST = {MOONS.task: str(SAMPLES_DIR / "moons_test.csv")}


def progress(msg: str) -> None:
    print(f"  … {msg}", file=sys.stderr, flush=True)


def sample_run(exp: Experiment, seed: int = SAMPLE_SEED):
    """A sampled backprop run of ``exp`` as an in-memory (meta, fields) sample set."""
    task = load_task(exp.task)
    asked = max(1, exp.cycles * task.X.shape[0] // SAMPLE_ROWS)
    every = covering_stride(asked, task.X.shape[0])
    res = train(task, exp.layers, exp.rate, exp.cycles, seed, sample_every=every)
    return sample_meta(task, exp.layers, exp.rate, seed, exp.cycles, every, int(res.samples["w"].shape[0]),
                       every_asked=asked), res.samples


def learn_local_rule(sets, form=None) -> Rule:
    usable = [s for s in sets if len(s[0]["layers"]) > 2]
    if not usable:
        raise UsageError("the local rule needs samples from a net with a hidden layer (not only experiment 2)")
    return learn_local(usable, seed=SAMPLE_SEED, form=form)


def learn_full_rule(exp: Experiment, sample_set) -> Rule:
    return learn_full([sample_set], hidden=exp.learner_hidden, rate=exp.learner_rate,
                      cycles=exp.learner_cycles, seed=SAMPLE_SEED, features=exp.features)


def learn_fixed_rule(exp: Experiment, say=progress, **changes) -> Rule:
    """The full-fixed rule of ``exp``: ``FIXED_RECIPE`` with ``changes`` (the ablation's)."""
    from .fullfixed import learn_fixed, sample_runs
    recipe = {**FIXED_RECIPE, **FIXED_CHANGES.get(exp.number, {}), **changes}
    task = load_task(exp.task)
    (first,), every = sample_runs(task, exp.layers, exp.rate, exp.cycles, [SAMPLE_SEED], recipe["rows_per_run"])
    meta = sample_meta(task, exp.layers, exp.rate, SAMPLE_SEED, exp.cycles, every, int(first["w"].shape[0]))
    return learn_fixed([(meta, first)], features=exp.features, seed=SAMPLE_SEED,
                       say=lambda m: say(f"exp {exp.number} full-fixed: {m}"), **recipe)


def fresh_runs(exp: Experiment, rule: Rule | None, seeds: int) -> list[Result]:
    task = load_task(exp.task, 1, CSV_TEST.get(exp.task))
    return train_seeds(task, exp.layers, exp.rate, exp.cycles, [FRESH_SEED0 + k for k in range(seeds)], rule)


def own_start_runs(exp: Experiment, rule: Rule | None, seeds: int) -> list[Result]:
    """Runs from the sampled runs' own initial weights: seeds 0…n-1, n = the rule's sampled runs (≤ ``seeds``)."""
    n = seeds if rule is None else min(seeds, int(rule.meta.get("runs", 1)))
    return train_seeds(load_task(exp.task), exp.layers, exp.rate, exp.cycles,
                       [SAMPLE_SEED + k for k in range(n)], rule)


@dataclass
class Stats:
    """Final-J statistics of one mode on one experiment over seeds (diverged runs left out)."""
    median: float | None
    q25: float | None
    q75: float | None
    accuracy: float | None
    diverged: int
    runs: int
    seconds: float

    @classmethod
    def of(cls, results: list[Result]) -> "Stats":
        finals = [r.final_J for r in results if not r.diverged]
        accs = [r.accuracy for r in results if r.accuracy is not None]
        q = np.percentile(finals, [50, 25, 75]).tolist() if finals else [None] * 3
        return cls(*q, float(np.median(accs)) if accs else None, sum(r.diverged for r in results),
                   len(results), float(np.mean([r.seconds for r in results])))

    def cell(self) -> str:
        if self.median is None:
            return f"diverged {self.diverged}/{self.runs}"
        return f"{self.median:.5f} [{self.q25:.5f}, {self.q75:.5f}]"


def run_study(exps, modes, seeds, say=progress, form=None, own_start=False):
    """Sample, learn and train; returns (rules, {exp: {mode: [Result]}}, sample sets).

    With ``own_start``, exps. 1-3 also get rows "full@own", "full-fixed@own" (the modes asked
    for) and "backprop@own": runs from the sampled runs' own initial weights (``own_start_runs``).
    """
    for m in modes:
        if m not in MODES:
            raise UsageError(f"unknown mode {m!r}: choose from {', '.join(MODES)}")
    say(f"sampling backprop on {len(exps)} experiment(s)")
    sets = {e.number: sample_run(e) for e in exps}
    rules = {"full": {}, "full-fixed": {}, "local": None}
    if "local" in modes:
        t0 = time.perf_counter()
        others = [sample_run(e) for n, e in EXPERIMENTS.items() if n not in sets]
        rules["local"] = learn_local_rule(list(sets.values()) + others, form)
        say(f"learned the shared local rule in {time.perf_counter() - t0:.1f} s")
    results = {}
    for e in exps:
        if "full" in modes:
            t0 = time.perf_counter()
            rules["full"][e.number] = learn_full_rule(e, sets[e.number])
            say(f"exp {e.number}: learned the full-network rule in {time.perf_counter() - t0:.1f} s")
        if "full-fixed" in modes:
            t0 = time.perf_counter()
            rules["full-fixed"][e.number] = learn_fixed_rule(e, say)
            say(f"exp {e.number}: learned the full-fixed rule in {time.perf_counter() - t0:.1f} s")
        results[e.number] = {}
        for m in modes:
            rule = None if m == "backprop" else rules["local"] if m == "local" else rules[m][e.number]
            t0 = time.perf_counter()
            results[e.number][m] = fresh_runs(e, rule, seeds)
            say(f"exp {e.number}: {seeds} {m} runs in {time.perf_counter() - t0:.1f} s")
        own = [m for m in modes if m in ("full", "full-fixed")]
        if own_start and own and e.number in (1, 2, 3):
            for m in ("backprop", *own):
                rule = None if m == "backprop" else rules[m][e.number]
                results[e.number][m + OWN_START] = own_start_runs(e, rule, seeds)
            say(f"exp {e.number}: runs from the sampled runs' own starts")
    return rules, results, sets


def rows_of(results_e: dict, modes) -> list[str]:
    """The table's rows for one experiment: the modes, then any own-start rows."""
    return [m for m in modes if m in results_e] + [m + OWN_START for m in ("full", "full-fixed")
                                                    if m + OWN_START in results_e]


def median_curve(results: list[Result]) -> np.ndarray:
    """Median J(t) over runs; a diverged run counts as +inf from where it diverged."""
    return np.median(np.array([np.where(np.isnan(r.J), np.inf, r.J) for r in results]), axis=0)


def below_backprop(results: list[Result], bp: list[Result], until: int = 1200) -> int:
    """Cycles t ≤ ``until`` (t ≥ 1) at which the median J(t) is below backprop's from the same starts."""
    seeds = {r.seed for r in results}
    base = [r for r in bp if r.seed in seeds]
    if not base or len(base) != len(results):
        return 0
    a, b = median_curve(results)[1:until + 1], median_curve(base)[1:until + 1]
    return int(np.sum(a < b))


def stats_table(exps, modes, results, best=None) -> tuple[str, dict]:
    """Rows per experiment and mode; "vs bp" and "<bp" against backprop from the same starts
    ("<bp": cycles 1-1200 at which the median J(t) is below backprop's; "—" without backprop).
    ``best``: exp number -> median final J of backprop at its best γ (adds a "vs best" column)."""
    lines = [f"{'exp':<4} {'task':<7} {'net':<6} {'mode':<15} {'final J median [IQR]':<31} {'vs bp':>6} "
             f"{'acc':>5} {'div':>5} {'<bp':>5} {'s/run':>7}" + (f" {'vs best':>8}" if best else "")]
    table = {}
    for e in exps:
        res = results[e.number]
        table[e.number] = {}
        for m in rows_of(res, modes):
            bp_runs = res.get("backprop" + (OWN_START if m.endswith(OWN_START) else ""))
            s = Stats.of(res[m])
            bp = None
            if bp_runs is not None:
                seeds = {r.seed for r in res[m]}
                bp = Stats.of([r for r in bp_runs if r.seed in seeds])
            below = below_backprop(res[m], bp_runs) if bp_runs is not None else None
            table[e.number][m] = {**s.__dict__, "below_backprop_cycles": below}
            rel = (f"{s.median / bp.median:6.2f}" if bp and s.median is not None and bp.median else f"{'—':>6}")
            acc = f"{s.accuracy:5.2f}" if s.accuracy is not None else f"{'—':>5}"
            low = f"{'—':>5}" if below is None else f"{below:>5}"
            lines.append(f"{e.number:<4} {e.task:<7} {format_layers(e.layers):<6} {m:<15} {s.cell():<31} "
                         f"{rel} {acc} {s.diverged:>2}/{s.runs:<2} {low} {s.seconds:7.3f}" + _vs_best(s, best, e.number))
            if best:
                table[e.number][m]["vs_best"] = s.median / best[e.number] if s.median is not None and best[e.number] else None
    return "\n".join(lines), table


def _vs_best(s: Stats, best, number) -> str:
    if not best:
        return ""
    return f" {s.median / best[number]:8.2f}" if s.median is not None and best[number] else f" {'—':>8}"


def best_gamma_medians(exps, say=progress) -> dict:
    """Backprop at its best γ per experiment (5 tuning seeds, same cycles): exp -> (γ, median J)."""
    from .tuning import best_backprop
    out = {}
    for e in exps:
        b = best_backprop(load_task(e.task), e.layers, e.cycles)
        out[e.number] = (b.rate, b.median)
        say(f"exp {e.number}: backprop's best γ {b.rate:g}, median final J {b.median:.3g}")
    return out


def chosen_experiments(args) -> list[Experiment]:
    exps = parse_experiments(args.experiments)
    return [replace(e, cycles=args.cycles) for e in exps] if args.cycles else exps


def transfer_matrix(sources, targets, seeds, say=progress, forms=FORMS):
    """Rows: the local rule of each form learned from one source's samples (or all pooled);
    columns: targets.

    Each cell: median final J with that rule / median final J of backprop, and diverged count.
    """
    sets = {e.number: sample_run(e) for e in sources}
    rules = {}
    for form in forms:
        for e in sources:
            if len(e.layers) > 2:
                rules[f"exp{e.number} {form}"] = learn_local_rule([sets[e.number]], form)
        rules[f"pooled {form}"] = learn_local_rule(list(sets.values()), form)
    say(f"learned {len(rules)} local rules")
    bp = {t.number: Stats.of(fresh_runs(t, None, seeds)) for t in targets}
    cells = {}
    for name, rule in rules.items():
        cells[name] = {}
        for t in targets:
            s = Stats.of(fresh_runs(t, rule, seeds))
            ratio = s.median / bp[t.number].median if s.median is not None and bp[t.number].median else None
            cells[name][t.number] = {"ratio": ratio, "diverged": s.diverged, "median": s.median}
        say(f"rule from {name}: trained every target")
    return rules, bp, cells


def heldout_r2(rule: Rule, exps) -> dict:
    """The local rule's R² on link tuples of fresh sampled runs (seed ``HOLDOUT_SEED``) it never saw."""
    out = {}
    for e in exps:
        if len(e.layers) > 2:
            meta, fields = sample_run(e, HOLDOUT_SEED)
            out[e.number] = rule.r2(link_tuples(e.layers, fields))
    return out
