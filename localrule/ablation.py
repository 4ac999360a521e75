"""What each ingredient of the full-fixed recipe buys: take one away at a time and measure.

    python -m localrule.ablation [--experiments 1,3] [--seeds 20] [--out FILE.md]

Prints (and with ``--out`` writes) the README's ablation table: per variant and experiment, the
median final J over fresh seeds divided by backprop's (same seeds, same γ), how many runs stuck at
J ≥ 0.1 (exps. 1-3: the 0.125 plateau) and how many diverged.
"""

from __future__ import annotations

import argparse
import sys
import time

from .experiments import parse_experiments
from .files import write_bytes
from .layout import UsageError
from .study import FIXED_RECIPE, Stats, fresh_runs, learn_fixed_rule, learn_full_rule, progress, sample_run


def variants(exp):
    """(name, how to learn the rule): the paper, the recipe, and the recipe minus one ingredient.

    Names do not depend on the experiment, so that each is one row of the table.
    """
    from .study import FIXED_CHANGES
    recipe = {**FIXED_RECIPE, **FIXED_CHANGES.get(exp.number, {})}
    hidden, epochs, dagger = recipe["hidden"], recipe["epochs"], recipe["dagger"]
    same_epochs = epochs + dagger * max(1, epochs // 4)   # what the DAgger rounds' refits add up to
    one = [("- depth (one hidden layer, as wide)", lambda: learn_fixed_rule(exp, quiet, hidden=hidden[:1]))
           ] if len(hidden) > 1 else []
    return [
        ("paper (1 run, paper's learner, online SGD, direct head)", lambda: learn_full_rule(exp, sample_run(exp))),
        ("full-fixed recipe", lambda: learn_fixed_rule(exp, quiet)),
        ("- many runs (1 run)", lambda: learn_fixed_rule(exp, quiet, runs=1)),
        ("- width (the paper's hidden layer)", lambda: learn_fixed_rule(exp, quiet, hidden=exp.learner_hidden or ())),
        *one,
        ("- DAgger (Adam, no DAgger)", lambda: learn_fixed_rule(exp, quiet, dagger=0)),
        ("- DAgger, as many epochs", lambda: learn_fixed_rule(exp, quiet, dagger=0, epochs=same_epochs)),
        ("- Adam (online SGD, 200 cycles, no DAgger)", lambda: learn_fixed_rule(exp, quiet, optimizer="sgd", dagger=0,
                                                                              epochs=200, rate=0.198)),
        ("- gated head (direct head)", lambda: learn_fixed_rule(exp, quiet, head="direct")),
        ("error gate (ev - out) instead of δ_out", lambda: learn_fixed_rule(exp, quiet, head="error")),
    ]


def quiet(msg):
    pass


def cell(s: Stats, bp: Stats, finals, cpu: float) -> str:
    stuck = sum(1 for f in finals if f is not None and f >= 0.1)
    if s.median is None:
        return f"all {s.runs} diverged"
    extra = "".join([f", {stuck} stuck" if stuck else "", f", {s.diverged} div." if s.diverged else ""])
    return f"{s.median / bp.median:.2f}x{extra} ({cpu:.0f} s)"


def ablation(exps, seeds, say=progress):
    rows = {}
    bp = {e.number: Stats.of(fresh_runs(e, None, seeds)) for e in exps}
    for e in exps:
        for name, learn in variants(e):
            t0, c0 = time.perf_counter(), time.process_time()
            rule = learn()
            cpu = time.process_time() - c0
            res = fresh_runs(e, rule, seeds)
            rows.setdefault(name, {})[e.number] = cell(Stats.of(res), bp[e.number], [r.final_J for r in res], cpu)
            say(f"exp {e.number}: {name}: {rows[name][e.number]} ({time.perf_counter() - t0:.0f} s)")
    head = "| variant | " + " | ".join(f"exp {e.number} ({e.task} {'-'.join(map(str, e.layers))})" for e in exps) + " |"
    lines = [head, "|---" * (len(exps) + 1) + "|"]
    for name, cells in rows.items():
        lines.append(f"| {name} | " + " | ".join(cells.get(e.number, "—") for e in exps) + " |")
    lines.append("| backprop's final J | " + " | ".join(f"{bp[e.number].median:.5f}" for e in exps) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m localrule.ablation", description=__doc__.split("\n\n")[0])
    p.add_argument("--experiments", default="1,3")
    p.add_argument("--seeds", type=int, default=20)
    p.add_argument("--out", help="also write the table (markdown) to this file")
    args = p.parse_args(argv)
    try:
        exps = parse_experiments(args.experiments)
        if args.seeds < 1:
            raise UsageError("--seeds must be >= 1")
        from .study import FIXED_CHANGES
        recipe = ", ".join(f"{k}={v}" for k, v in FIXED_RECIPE.items())
        changes = "; ".join(f"exp. {n}: " + ", ".join(f"{k}={v}" for k, v in c.items())
                            for n, c in FIXED_CHANGES.items() if n in {e.number for e in exps})
        table = ablation(exps, args.seeds)
        text = (f"final J / backprop's final J, median over {args.seeds} fresh seeds (1000…), and the CPU "
                f"seconds the learning took; recipe: {recipe}; per experiment: {changes}\n\n{table}\n")
        print(text)
        if args.out:
            write_bytes(args.out, text.encode())
        return 0
    except UsageError as e:
        print(f"localrule.ablation: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("localrule.ablation: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
