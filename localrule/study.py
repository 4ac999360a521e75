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
from .learner import Rule, learn_full, learn_local
from .runs import Result, train, train_seeds
from .samples import link_tuples
from .tasks import load_task

SAMPLE_SEED, HOLDOUT_SEED, FRESH_SEED0 = 0, 1, 1000
SAMPLE_ROWS = 20000
MODES = ("backprop", "full", "local")
#: Beyond the paper: a deeper net the local rule never saw (γ 1.0, 3000 cycles: with γ 0.23 backprop
#: itself sits on XOR's J = 0.125 plateau for most seeds, which would compare nothing).
XOR_DEEP = Experiment(5, "xor", (2, 8, 8, 1), 1.0, 3000, (), 0.198, 200, (), 0, 0, "")


def progress(msg: str) -> None:
    print(f"  … {msg}", file=sys.stderr, flush=True)


def sample_run(exp: Experiment, seed: int = SAMPLE_SEED):
    """A sampled backprop run of ``exp`` as an in-memory (meta, fields) sample set."""
    task = load_task(exp.task)
    every = max(1, exp.cycles * task.X.shape[0] // SAMPLE_ROWS)
    res = train(task, exp.layers, exp.rate, exp.cycles, seed, sample_every=every)
    meta = {"layers": list(exp.layers), "task": exp.task, "rate": exp.rate, "seed": seed,
            "cycles": exp.cycles, "every": every}
    return meta, res.samples


def learn_local_rule(sets) -> Rule:
    usable = [s for s in sets if len(s[0]["layers"]) > 2]
    if not usable:
        raise UsageError("the local rule needs samples from a net with a hidden layer (not only experiment 2)")
    return learn_local(usable, seed=SAMPLE_SEED)


def learn_full_rule(exp: Experiment, sample_set) -> Rule:
    return learn_full([sample_set], hidden=exp.learner_hidden, rate=exp.learner_rate,
                      cycles=exp.learner_cycles, seed=SAMPLE_SEED, features=exp.features)


def fresh_runs(exp: Experiment, rule: Rule | None, seeds: int) -> list[Result]:
    task = load_task(exp.task)
    return train_seeds(task, exp.layers, exp.rate, exp.cycles, [FRESH_SEED0 + k for k in range(seeds)], rule)


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


def run_study(exps, modes, seeds, say=progress):
    """Sample, learn and train; returns (rules, {exp: {mode: [Result]}}, sample sets)."""
    for m in modes:
        if m not in MODES:
            raise UsageError(f"unknown mode {m!r}: choose from {', '.join(MODES)}")
    say(f"sampling backprop on {len(exps)} experiment(s)")
    sets = {e.number: sample_run(e) for e in exps}
    rules = {"full": {}, "local": None}
    if "local" in modes:
        t0 = time.perf_counter()
        others = [sample_run(e) for n, e in EXPERIMENTS.items() if n not in sets]
        rules["local"] = learn_local_rule(list(sets.values()) + others)
        say(f"learned the shared local rule in {time.perf_counter() - t0:.1f} s")
    results = {}
    for e in exps:
        if "full" in modes:
            t0 = time.perf_counter()
            rules["full"][e.number] = learn_full_rule(e, sets[e.number])
            say(f"exp {e.number}: learned the full-network rule in {time.perf_counter() - t0:.1f} s")
        results[e.number] = {}
        for m in modes:
            rule = None if m == "backprop" else rules["full"][e.number] if m == "full" else rules["local"]
            t0 = time.perf_counter()
            results[e.number][m] = fresh_runs(e, rule, seeds)
            say(f"exp {e.number}: {seeds} {m} runs in {time.perf_counter() - t0:.1f} s")
    return rules, results, sets


def stats_table(exps, modes, results, best=None) -> tuple[str, dict]:
    """``best``: exp number -> median final J of backprop at its best γ (adds a "vs best" column)."""
    lines = [f"{'exp':<4} {'task':<7} {'net':<6} {'mode':<9} {'final J median [IQR]':<31} {'vs bp':>6} "
             f"{'acc':>5} {'div':>5} {'s/run':>7}" + (f" {'vs best':>8}" if best else "")]
    table = {}
    for e in exps:
        bp = Stats.of(results[e.number]["backprop"]) if "backprop" in modes else None
        table[e.number] = {}
        for m in modes:
            s = Stats.of(results[e.number][m])
            table[e.number][m] = s.__dict__
            rel = (f"{s.median / bp.median:6.2f}" if bp and s.median is not None and bp.median else f"{'—':>6}")
            acc = f"{s.accuracy:5.2f}" if s.accuracy is not None else f"{'—':>5}"
            lines.append(f"{e.number:<4} {e.task:<7} {format_layers(e.layers):<6} {m:<9} {s.cell():<31} "
                         f"{rel} {acc} {s.diverged:>2}/{s.runs:<2} {s.seconds:7.3f}" + _vs_best(s, best, e.number))
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


def transfer_matrix(sources, targets, seeds, say=progress):
    """Rows: the local rule learned from one source's samples (or all pooled); columns: targets.

    Each cell: median final J with that rule / median final J of backprop, and diverged count.
    """
    sets = {e.number: sample_run(e) for e in sources}
    rules = {}
    for e in sources:
        if len(e.layers) > 2:
            rules[f"exp{e.number}"] = learn_local_rule([sets[e.number]])
    rules["pooled"] = learn_local_rule(list(sets.values()))
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
