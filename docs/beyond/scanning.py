"""What the hand scans share: 16 scan seeds (5000 on: not the judge's seeds), backprop's median
J(t) at the judge's best γ for 4x the cycles, and a rule setting's median final J and its
speed-up against that curve.  A diverged run counts as J = +inf, as in the judge."""

import json
from pathlib import Path

import numpy as np

from localrule.learner import Rule
from localrule.runs import train_seeds
from localrule.tuning import cycles_to_reach, median_curve

HERE = Path(__file__).resolve().parent
SEEDS = [5000 + k for k in range(16)]
#: The 100-seed judge files of rounds 1-9 that hold the searched link rule (backprop's best γ per task).
ROUNDS_1_9 = ("link_search100.json", "confirm5_link_search100.json", "confirm6_link_search100.json",
              "confirm7_link_search100.json", "confirm8_link_search100.json", "confirm9_100.json")


def judged(files, rule):
    """Every task dict the judge wrote for ``rule`` in the given JSON files, in order."""
    return [t for name in files for r in json.loads((HERE / name).read_text())["rules"] if r["name"] == rule
            for t in r["tasks"]]


def bp_curve(spec, rate, seeds=SEEDS):
    """Backprop's per-cycle median J on the scan seeds, for 4x the task's cycles."""
    return median_curve(train_seeds(spec.task, spec.layers, rate, 4 * spec.cycles, list(seeds), order=spec.order))


def with_adapt(name, **adapt):
    """The rule file ``name`` with some of its update stage's parameters replaced."""
    rule = Rule.load(HERE / f"{name}.npz")
    rule.meta["adapt"] = {**rule.meta["adapt"], **adapt}
    return rule


def final_and_speedup(spec, bp, rule, rate, seeds=SEEDS):
    """(median final J, speed-up) of ``rule`` at γ ``rate``: the cycles backprop's curve ``bp``
    needs to reach that J ÷ the task's cycles (4.0: not within 4x)."""
    runs = train_seeds(spec.task, spec.layers, rate, spec.cycles, list(seeds), rule, order=spec.order)
    final = float(np.median([r.J[-1] if np.isfinite(r.J[-1]) else np.inf for r in runs]))
    reach = cycles_to_reach(bp, final)
    return final, (4.0 if reach is None else reach / spec.cycles)


def tasks_and_curves(files, rule):
    """(spec, backprop's best γ) of every task the judge wrote for ``rule`` in ``files``, and
    backprop's ``bp_curve`` on each."""
    from localrule.refine import parse_spec
    tasks = [(parse_spec(t["task"]), t["bp_best"]["rate"]) for t in judged(files, rule)]
    return tasks, [bp_curve(s, rate) for s, rate in tasks]


def one_setting(tasks, curves, rule, rate):
    """(ratios ÷ backprop's J at the budget, speed-ups) of one rule at γ ``rate`` on every task:
    ``tasks`` are (spec, backprop's best γ) pairs and ``curves`` their ``bp_curve``s."""
    out = [final_and_speedup(s, bp, rule, rate) for (s, _), bp in zip(tasks, curves)]
    ratios = np.array([f / bp[s.cycles] for (f, _), (s, _), bp in zip(out, tasks, curves)])
    return ratios, np.array([v for _, v in out])


def scan_settings(settings, base, files=ROUNDS_1_9, bp_rule="rule_link_search"):
    """Settings (name, γ, adapt keys) of the rule file ``base`` on every task of ``files`` (backprop
    at the best γ judged there for ``bp_rule``): a table row per setting as it finishes, then every
    task's ratio ÷ bp@best γ / speed-up per setting.  Returns {name: (ratios, speed-ups)}."""
    tasks, curves = tasks_and_curves(files, bp_rule)
    fixed = np.array([s.order == "fixed" for s, _ in tasks])
    print("| setting | no worse (median) | worst ÷ | speed-up ≥ 2x (fixed, shuffled) | geometric mean speed-up |")
    print("|---|---|---|---|---|")
    allres = {}
    for name, rate, ad in settings:
        ratios, sp = one_setting(tasks, curves, with_adapt(base, **ad), rate)
        allres[name] = (ratios, sp)
        print(f"| {name} | {(ratios <= 1).sum()}/{len(ratios)} | {ratios.max():.3g} | {(sp >= 2).sum()}/{len(sp)} "
              f"({(sp[fixed] >= 2).sum()}, {(sp[~fixed] >= 2).sum()}) | {np.exp(np.log(sp).mean()):.3g} |", flush=True)
    print()
    print("per task, ÷ bp@best γ / speed-up, one column per setting:")
    for k, (s, _) in enumerate(tasks):
        print(s.text, " ".join(f"{allres[n][0][k]:.3g}/{allres[n][1][k]:.2f}" for n, _, _ in settings))
    return allres


def print_pick(res, start: str) -> str:
    """The setting with the most tasks no worse, then the most speed-ups ≥ 2x, then the highest
    geometric mean (the first of a tie: the settings' order); ``start`` names the first setting,
    the rule scanned from, which a pick must beat."""
    score = {n: ((r <= 1).sum(), (sp >= 2).sum(), np.exp(np.log(sp).mean())) for n, (r, sp) in res.items()}
    pick = max(score, key=score.get)
    print(f"\npicked: {pick}" + (f" ({start} itself: nothing beats it)" if pick == next(iter(res)) else ""))
    return pick


def stall_table(specs, settings, base, seeds=range(5000, 5048)):
    """A look's table: per task (spec text) and setting (name, adapt keys of the rule file
    ``base``, or a function of the task's spec giving them, at γ 0.4), the median final J and the
    share of seeds ending above 10⁻³ (48 seeds by default: 16 are too few where a third of the
    seeds stall)."""
    from localrule.refine import parse_spec
    print("| task | " + " | ".join(n for n, _ in settings) + " |")
    print("|---" * (len(settings) + 1) + "|")
    for text in specs:
        s = parse_spec(text)
        cells = []
        for _, ad in settings:
            ad = ad(s) if callable(ad) else ad
            rs = train_seeds(s.task, s.layers, 0.4, s.cycles, list(seeds), with_adapt(base, **ad), order=s.order)
            J = np.array([r.J[-1] for r in rs])
            cells.append(f"{np.median(J):.3g} ({np.mean(J > 1e-3):.2f})")
        print(f"| {text} | " + " | ".join(cells) + " |", flush=True)


#: Output-only trust's slow misses (judged tasks of rounds 15-27 where it ends lower than bp@best γ
#: yet under 2x) and four where it is fast (round 27), each with backprop's judged best γ.
SLOW_TASKS = [("teacher@15001:2,2,7,7,1:100", 4), ("teacher@15002:2,3,3:100:shuffle", 8),
              ("teacher@15008:9,5,3:40", 2), ("teacher@20007:3,9,8,3:100", 2),
              ("teacher@22008:8,7,6,8,2:100:shuffle", 2), ("teacher@24008:9,5,2:60:shuffle", 4),
              ("teacher@27001:9,2,6,4:40:shuffle", 1), ("teacher@27004:5,12,3:40", 2),
              ("wine:13,5,8,3:200:shuffle", 4), ("iris:4,7,3:300", 4), ("moons:2,3,9,1:400", 8),
              ("xor:2,7,1:2000:shuffle", 16)]


def speed_table(tasks, settings, base, seeds=range(5000, 5048)):
    """A look's table: per task ((spec text, backprop's judged best γ)) and setting (name, γ, adapt
    keys of the rule file ``base``), the median final J ÷ backprop's at the budget and the speed-up
    against backprop's median curve at its best γ for 4x the cycles on the same seeds (48 by
    default); then how many tasks reach 2x per setting."""
    from localrule.refine import parse_spec
    print("| task | " + " | ".join(n for n, _, _ in settings) + " |")
    print("|---" * (len(settings) + 1) + "|")
    counts = np.zeros(len(settings), int)
    for text, best in tasks:
        s = parse_spec(text)
        bp = bp_curve(s, best, seeds)
        cells = []
        for k, (_, rate, ad) in enumerate(settings):
            final, sp = final_and_speedup(s, bp, with_adapt(base, **ad), rate, seeds)
            counts[k] += sp >= 2
            cells.append(f"{final / bp[s.cycles]:.3g} / {sp:.2f}")
        print(f"| {text} | " + " | ".join(cells) + " |", flush=True)
    print("| speed-up ≥ 2x | " + " | ".join(f"{c}/{len(tasks)}" for c in counts) + " |")
