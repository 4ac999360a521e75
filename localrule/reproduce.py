"""``reproduce`` (the default job): the paper's experiments in every mode, results and figures.

Writes into the output folder: ``results.json``; the learned rules (``exp{n}_full_rule.npz``, ``exp{n}_full_fixed_rule.npz``,
``local_rule.npz``); and figures: ``exp{n}_learner.png`` (the full-network learner's training
error, the paper's Figs. 4/6/8/10), ``exp{n}_fixed_learner.png`` (the full-fixed learner's), ``exp{n}_J.png`` (J(t) of backprop, full, full-fixed and local modes,
median and interquartile band over seeds, Figs. 5/7/9/11), ``local_learner.png`` and
``square_sets.png`` (Fig. 12).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from .files import fresh_folder, write_json
from .layout import format_layers
from .study import MODES, OWN_START, Stats, heldout_r2, progress, run_study, stats_table
from .tasks import load_task


def verdict(stats: dict) -> str:
    """What we measured, in the words of the paper's claims: each learned mode against backprop."""
    bp = stats["backprop"]
    parts = []
    for m in ("full", "full-fixed", "local"):
        s = stats[m]
        if s.median is None:
            parts.append(f"{m}: all {s.runs} diverged")
            continue
        ratio = s.median / bp.median if bp.median else float("nan")
        word = "better" if ratio < 0.95 else "worse" if ratio > 1.05 else "on par"
        div = f", {s.diverged}/{s.runs} diverged" if s.diverged else ""
        parts.append(f"{m}: {word} ({ratio:.2f}x backprop's J{div})")
    return "; ".join(parts)


def reproduce(exps, seeds: int, out, figures: bool = True, form=None, own_start: bool = True) -> int:
    """Every output goes to a fresh folder that replaces ``out`` only once all are written."""
    with fresh_folder(out) as work:
        summary, text, r2 = _reproduce(exps, seeds, Path(out), work, figures, form, own_start)
    print(text)
    print("\nthe paper's claims against what we measured:")
    for e in exps:
        print(f"  exp {e.number} ({e.task} {format_layers(e.layers)}): paper: {e.paper_claim}\n"
              f"      measured: {summary['experiments'][str(e.number)]['measured']}")
    if r2:
        print("local rule imitation R² on tuples of runs it never saw: "
              + ", ".join(f"exp {k}: {v:.4f}" for k, v in r2.items()))
    print(f"wrote {out}/results.json{' and figures' if figures else ''} in {summary['seconds']:.0f} s")
    return 0


def _reproduce(exps, seeds: int, shown: Path, out: Path, figures: bool, form=None, own_start: bool = True):
    t0 = time.perf_counter()
    print(f"reproducing experiments {','.join(str(e.number) for e in exps)} with {seeds} seeds per mode into {shown}/")
    rules, results, _ = run_study(exps, MODES, seeds, form=form, own_start=own_start)
    r2 = heldout_r2(rules["local"], exps)
    rules["local"].save(out / "local_rule.npz")
    summary = {"seeds": seeds, "modes": list(MODES), "local_rule": {
        "learner": list(rules["local"].lsizes), "encoding": rules["local"].meta.get("encoding"),
        "form": rules["local"].form, "frozen": rules["local"].meta.get("frozen"),
        "r2_train": rules["local"].meta.get("r2_train"), "r2_heldout": {str(k): v for k, v in r2.items()}},
        "experiments": {}}
    for e in exps:
        full = rules["full"][e.number]
        full.save(out / f"exp{e.number}_full_rule.npz")
        fixed = rules["full-fixed"][e.number]
        fixed.save(out / f"exp{e.number}_full_fixed_rule.npz")
        stats = {m: Stats.of(results[e.number][m]) for m in MODES}
        own = {m: {"seeds": [r.seed for r in rs], "final_J": [r.final_J for r in rs]}
               for m, rs in results[e.number].items() if m.endswith(OWN_START)}
        summary["experiments"][str(e.number)] = {
            "task": e.task, "layers": list(e.layers), "rate": e.rate, "cycles": e.cycles,
            "full_learner": {"layers": list(full.lsizes), "J": full.history.tolist(),
                             "J_holdout": full.history_test.tolist()},
            "full_fixed_learner": {"layers": list(fixed.lsizes), "J": fixed.history.tolist(),
                                   "J_holdout": fixed.history_test.tolist(),
                                   **{k: fixed.meta[k] for k in ("head", "optimizer", "runs", "dagger",
                                                                 "rollouts", "dagger_diverged", "rows")}},
            "own_start": own,
            "paper_claim": e.paper_claim, "measured": verdict(stats),
            "modes": {m: {**stats[m].__dict__, "final_J": [r.final_J for r in results[e.number][m]],
                          "diverged_at": [r.diverged_at for r in results[e.number][m]]} for m in MODES}}
    if figures:
        progress("drawing figures")
        from . import render
        for e in exps:
            full = rules["full"][e.number]
            render.learner_error(out / f"exp{e.number}_learner.png",
                                 f"Exp. {e.number}: full-network learner {format_layers(full.lsizes)} training error",
                                 full.history, full.history_test)
            fixed = rules["full-fixed"][e.number]
            render.learner_error(out / f"exp{e.number}_fixed_learner.png",
                                 f"Exp. {e.number}: full-fixed learner {format_layers(fixed.lsizes)} training error "
                                 f"(Adam epochs, then {fixed.meta['dagger']} DAgger rounds)",
                                 fixed.history, fixed.history_test)
            render.error_curves(out / f"exp{e.number}_J.png",
                                f"Exp. {e.number}: {e.task.upper()} {format_layers(e.layers)}, J(t) over {seeds} seeds",
                                {m: np.array([r.J for r in results[e.number][m]]) for m in MODES})
        loc = rules["local"]
        render.learner_error(out / "local_learner.png", f"Local rule ℓ {format_layers(loc.lsizes)} training error",
                             loc.history, loc.history_test)
        if any(e.task == "square" for e in exps):
            render.square_sets(out / "square_sets.png", load_task("square"))
    text, table = stats_table(exps, MODES, results)
    summary["table"] = {str(k): v for k, v in table.items()}
    summary["seconds"] = time.perf_counter() - t0
    write_json(out / "results.json", summary)
    return summary, text, r2
