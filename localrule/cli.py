"""``python -m localrule``: headless runs.  Heavy modules (numba, Qt) load only inside verbs."""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys

from .layout import (MAX_CYCLES, MAX_EVERY, MAX_NEURONS, MAX_SEEDS, MAX_TUPLES, UsageError, comma_items, format_layers,
                     is_digits, parse_count, parse_layers, to_float)

DEFAULT_OUT = "runs/paper"
MAX_DAGGER = 1000
MAX_GRID = 100             # values in a --rates or --hidden-scales grid
MAX_GENERATIONS, MAX_POPSIZE, MAX_TEACHERS, MAX_SEEDS_PER_TASK = 10**6, 1000, 1000, 100
#: refine's starting points (``refine.STARTS``, the first the default), named here so that the
#: parser does not import the engine.
REFINE_STARTS = ("rmsprop-flat-clock", "rmsprop-flat", "rmsprop", "imitation")


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line (exit 2) instead of usage + message."""

    def error(self, message):
        verb = self.prog.split(" ", 1)[1:]
        raise UsageError(f"{verb[0]}: {message}" if verb else message)

    def parse_known_args(self, args=None, namespace=None):
        # argparse drops a "--" value silently (``--cycles=--`` would leave cycles = [])
        for a in args or ():
            if a.startswith("--") and a.partition("=")[2] == "--":
                self.error(f"argument {a.partition('=')[0]}: '--' is not a value")
        return super().parse_known_args(args, namespace)


def _positive(kind):
    def conv(text):
        try:
            v = to_float(text) if kind is float else kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not (v > 0 and math.isfinite(v)):
            raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text!r}")
        return v
    return conv


def _count(limit, minimum=1):
    """A whole number in minimum..limit (named in the message), refused before anything is allocated."""
    def conv(text):
        try:
            return parse_count(text, "the value", limit, minimum)
        except UsageError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
    return conv


def _seed(text):
    if not is_digits(text) or len(text) > 20 or int(text) >= 2**63:
        raise argparse.ArgumentTypeError(f"a seed is a whole number from 0 to 2**63-1, got {text[:40]!r}")
    return int(text)


def _hidden(text):
    """``"8"`` -> (8,), ``"8,8"`` -> (8, 8), ``"0"`` or ``""`` -> () (no hidden layer)."""
    parts = [p.strip() for p in str(text).split(",") if p.strip()]
    if not all(map(is_digits, parts)):
        raise argparse.ArgumentTypeError(f"expected hidden sizes like 8 or 8,8, got {text[:40]!r}")
    try:
        sizes = [parse_count(p, "a hidden size", MAX_NEURONS, minimum=0) for p in parts]
    except UsageError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return tuple(s for s in sizes if s > 0)


def _text(what):
    """A non-empty string (an empty ``--json ""`` would otherwise be silently ignored)."""
    def conv(text):
        if not text.strip():
            raise argparse.ArgumentTypeError(f"{what} must not be empty")
        return text
    return conv


def _items(text, what):
    """``layout.comma_items`` for an option's type: an empty item is refused."""
    try:
        return comma_items(text, what)
    except UsageError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _files(text):
    """FILE[,FILE...], each once (a file given twice would count its rows twice)."""
    files = _items(text, "the file list")
    if len({os.path.realpath(f) for f in files}) < len(files):
        raise argparse.ArgumentTypeError(f"a file is given twice in {text[:60]!r}")
    return files


def _task_args(p, layers_default=None, rate_help="learning rate γ (default 0.23)", rate_default=0.23):
    p.add_argument("--task", type=_text("--task"), help="and, or, xor, square, wine, iris, moons (samples/), teacher@SEED (128 patterns "
                                   "labelled by a random net of the given --layers), or a CSV file (header row); default and "
                                   "(train: the rule's own task)")
    p.add_argument("--targets", type=_count(MAX_NEURONS), help="CSV task: number of target columns (last ones; default 1)")
    p.add_argument("--test-csv", type=_text("--test-csv"), help="CSV task: a separate testing set")
    p.add_argument("--layers", type=_text("--layers"), default=layers_default, help="layer sizes, e.g. 2,1,1 (2,0,1: no hidden layer)")
    p.add_argument("--rate", type=_positive(float), default=rate_default, help=rate_help)
    p.add_argument("--cycles", type=_count(MAX_CYCLES), default=5000,
                   help="passes over the training patterns")
    p.add_argument("--seed", type=_seed, default=0, help="seed of the initial weights")
    p.add_argument("--json", type=_text("--json"), help="write the run's result (J per cycle etc.) to this JSON file")
    _order_arg(p)


def _order_arg(p):
    p.add_argument("--order", choices=("fixed", "shuffle"), default="fixed",
                   help="pattern order per cycle: the paper's fixed order, or shuffled (seeded by --seed)")


def _form_arg(p):
    p.add_argument("--form", choices=("rule6", "link"),
                   help="local rule: rule6 = ℓ(w_hi, δ_h, f'_i) is a share of δ_i and rule (3) scales by x_j "
                        "exactly (default); link = ℓ(x_j, w_hi, δ_h, f'_i) per link (the only form of --encoding raw)")


def _adapt(text):
    from .refine import ingredients
    try:
        ingredients(text)
    except UsageError as e:
        raise argparse.ArgumentTypeError(str(e).removeprefix("--adapt: ")) from None
    return text


def _budget(text):
    try:
        v = to_float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected minutes, got {text[:40]!r}") from None
    if not (v >= 0 and math.isfinite(v)):
        raise argparse.ArgumentTypeError(f"minutes must be >= 0, got {text[:40]!r}")
    return v


def _grid(text):
    """Distinct positive numbers (a repeated one would only repeat its runs)."""
    try:
        vals = [to_float(t) for t in _items(text, "the grid")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers like 0.25,1,4, got {text[:40]!r}") from None
    if not vals or not all(v > 0 and math.isfinite(v) for v in vals):
        raise argparse.ArgumentTypeError(f"expected positive finite numbers like 0.25,1,4, got {text[:40]!r}")
    if len(set(vals)) < len(vals):
        raise argparse.ArgumentTypeError(f"a value is given twice in {text[:40]!r}")
    if len(vals) > MAX_GRID:
        raise argparse.ArgumentTypeError(f"a grid of {len(vals)} values is more than the limit of {MAX_GRID}")
    return tuple(vals)


def build_parser() -> Parser:
    top = Parser(prog="localrule", description=(
        "Teach a network to imitate backpropagation, then train networks with it. "
        f"With no arguments: reproduce the paper's experiments in every mode into {DEFAULT_OUT}/."))
    sub = top.add_subparsers(dest="verb", metavar="VERB", parser_class=Parser)

    p = sub.add_parser("backprop", help="train with error backpropagation, optionally sampling the learning")
    _task_args(p, "2,1,1")
    p.add_argument("--sample", type=_text("--sample"), help="record the learning process into this .npz sample file")
    p.add_argument("--every", type=_count(MAX_EVERY),
                   help="with --sample: record every K-th step (default 1) (raised to the nearest stride coprime to the "
                        "pattern count, so every pattern is recorded)")

    p = sub.add_parser("learn", help="train a learning network on sample files, save it as a rule")
    p.add_argument("--mode", choices=("full", "local"), required=True)
    p.add_argument("--samples", type=_files, required=True,
                   help="sample file(s) FILE[,FILE...] (full: one topology; local: any, or tuple files)")
    p.add_argument("--hidden", type=_hidden, help="learner hidden sizes (full: 2, full-fixed: 64,64, local: 8)")
    p.add_argument("--rate", type=_positive(float), help="learner rate (full: 0.198, local: 0.5 rule6, 0.1 link)")
    p.add_argument("--cycles", type=_count(MAX_CYCLES), help="learner cycles (full: 200, local: 200 rule6, 20 link)")
    p.add_argument("--seed", type=_seed, default=0)
    p.add_argument("--features", type=_text("--features"), help="full mode: comma list of w,theta,x,hidden,out,ev (default w,theta,x,out,ev)")
    p.add_argument("--encoding", choices=("log", "raw"), help="local mode: how ℓ sees values (default log)")
    _form_arg(p)
    p.add_argument("--max-tuples", type=_count(MAX_TUPLES),
                   help="local mode: tuples kept, a seeded subset (30000)")
    g = p.add_argument_group("full mode beyond the paper (README, \"Full-network mode that works\"); "
                             "any of these makes a full-fixed rule")
    g.add_argument("--fixed", action="store_true",
                   help="the full-fixed recipe (32 runs, hidden 64,64, adam, delta head, 4 DAgger rounds of 8 rollouts); "
                        "the flags below change it")
    g.add_argument("--runs", type=_count(MAX_SEEDS),
                   help="also sample backprop runs seeds s+1..s+N-1 of the first file's set-up (s: its seed)")
    g.add_argument("--optimizer", choices=("sgd", "adam"),
                   help="sgd: online backprop as the paper (--cycles, --rate 0.198); adam: minibatch "
                        "Adam (--cycles = epochs, default 30; --rate = step, 0.003)")
    g.add_argument("--head", choices=("direct", "delta", "error"),
                   help="direct: predict every Δ (paper); delta: Δ = Σ_o δ_o g_o, δ_o the output error "
                        "times f'(out); error: Δ = Σ_o (ev_o - out_o) g_o")
    g.add_argument("--target-scale", choices=("std", "minmax"),
                   help="targets to the sigmoid output: std 0.5 ± 0.1 per σ (paper), minmax [min, max] -> [0.1, 0.9]")
    g.add_argument("--dagger", type=_count(MAX_DAGGER, minimum=0), help="DAgger rounds: run the rule from fresh seeds, "
                   "label the states visited with backprop's update, refit")
    g.add_argument("--rollouts", type=_count(MAX_SEEDS), help="fresh-seed runs per DAgger round (8)")
    g.add_argument("--rows-per-run", type=_count(MAX_TUPLES),
                   help="rows kept per added run and per rollout, a covering stride (1000)")
    g.add_argument("--batch", type=_count(MAX_TUPLES), help="Adam's minibatch rows (256)")
    p.add_argument("--out", type=_text("--out"), required=True, help="rule file to write (.npz)")
    p.add_argument("--json", type=_text("--json"), help="write the learner's training error per cycle to this JSON file")

    p = sub.add_parser("train", help="train a fresh network with a learned rule")
    p.add_argument("--rule", type=_text("--rule"), required=True, help="rule file from `learn`")
    _task_args(p, rate_help="learning rate γ (default: the rule's own γ, a refined rule's or a hand-set "
                            "one's, as judge and the app use; else 0.23)", rate_default=None)

    p = sub.add_parser("tune", help="backprop (or a rule) over a grid of γ and hidden-layer scales: the best setting")
    p.add_argument("--task", type=_text("--task"), default="and", help="and, or, xor, square, wine, iris, moons (samples/), teacher@SEED "
                   "(128 patterns labelled by a random net of the given --layers), or a CSV file (header row)")
    p.add_argument("--targets", type=_count(MAX_NEURONS), help="CSV task: number of target columns (last ones; default 1)")
    p.add_argument("--test-csv", type=_text("--test-csv"), help="CSV task: a separate testing set")
    p.add_argument("--layers", type=_text("--layers"), help="layer sizes, e.g. 2,8,8,1")
    p.add_argument("--cycles", type=_count(MAX_CYCLES), default=5000, help="passes over the training patterns")
    p.add_argument("--rates", type=_grid, help="γ grid (default 0.0625,0.125,0.23,0.25,...,64)")
    p.add_argument("--hidden-scales", type=_grid, default=(1.0,),
                   help="two-rate backprop: hidden-layer γ = scale × output γ (default 1)")
    p.add_argument("--seeds", type=_count(MAX_SEEDS), default=5, help="seeds per setting (seeds 2000, 2001, ...)")
    p.add_argument("--rule", type=_text("--rule"), help="tune this rule file's γ instead of backprop's")
    p.add_argument("--json", type=_text("--json"), help="write every setting's numbers to this JSON file")
    p.add_argument("--figure", type=_text("--figure"), help="write the J-vs-γ figure to this PNG file")
    _order_arg(p)

    p = sub.add_parser("refine", help="improve a local rule by CMA-ES against backprop at its best γ")
    p.add_argument("--rule", type=_text("--rule"), help="starting rule file (default: learn the pooled imitation rule)")
    p.add_argument("--train", nargs="+", metavar="TASK:LAYERS[:CYCLES][:shuffle]",
                   help="meta-training tasks (default: AND, OR, square, two random-teacher tasks); "
                        "TASK may be a CSV file, wine, iris, moons (samples/), or teacher@SEED")
    p.add_argument("--heldout", nargs="+", metavar="TASK:LAYERS[:CYCLES][:shuffle]",
                   help="held-out tasks, never trained on (default xor:2,8,8,1:3000 wine:13,10,3:300)")
    p.add_argument("--teachers", type=_count(MAX_TEACHERS, minimum=0),
                   help="also meta-train on a pool of N random-teacher tasks of random shape, budget and "
                        "order (seeds 1000+), two of them per generation (default 24; 0: none)")
    p.add_argument("--generations", type=_count(MAX_GENERATIONS, minimum=0),
                   help="CMA-ES generations (default 150)")
    p.add_argument("--minutes", type=_budget, default=8.0,
                   help="time budget of the meta-training in minutes (default 8; 0: none, so a run "
                        "repeats bit for bit whatever the machine's speed)")
    p.add_argument("--popsize", type=_count(MAX_POPSIZE), default=16, help="CMA-ES population (>= 2)")
    p.add_argument("--seeds-per-task", type=_count(MAX_SEEDS_PER_TASK), default=2,
                   help="fresh seeds each member trains every task on, per generation (default 2)")
    p.add_argument("--fixed-step", action="store_true", help="do not learn a step multiplier (γ stays 0.23)")
    p.add_argument("--start", choices=REFINE_STARTS,
                   help="without --rule: start from the imitation rule with its adaptive stage set to a "
                        "textbook per-neuron RMSprop, rule (5) flattened and a clock at γ 0.2 (rmsprop-flat-clock, "
                        "the default), the same without the clock (rmsprop-flat), the RMSprop stage alone "
                        "(rmsprop), or the imitation rule as it is")
    p.add_argument("--objective", choices=("final", "half", "robust", "worst", "accuracy"),
                   help="final: score each run by its final J vs bp@best γ's; half: also by its J at half the "
                        "cycles against the same (rewards reaching tuned backprop's J early); robust (the "
                        "default): as final, but a task won by more than 4x counts as won by 4x (no task's "
                        "huge win pays for another's loss); worst: robust averaged with the generation's worst task; "
                        "accuracy: robust, plus each run's error rate vs bp@best γ's (log ratio)")
    p.add_argument("--adapt", type=_adapt,
                   help="ingredients of the adaptive update stage the search may change, joined by +: scale "
                        "(a running |δ| scale per neuron), momentum (the link's previous update), "
                        "flat (rule (5)'s f' raised to q), anneal (every step × (1 + t/τ)^-1/2, τ searched), "
                        "decay (the step falls to 0 over the run's last share d, d searched); none; "
                        "both = scale+momentum (default: scale, and anneal and decay where the start has them)")
    p.add_argument("--seed", type=_seed, default=0, help="CMA-ES seed")
    p.add_argument("--scheduler", type=_text("--scheduler"), help="Dask scheduler ADDRESS: evaluate members on a cluster")
    p.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.pkl")
    p.add_argument("--final-seeds", type=_count(MAX_SEEDS, minimum=0), default=5, help="held-out seeds for the final table (0: skip)")
    p.add_argument("--out", type=_text("--out"), default="runs/refine", help="results folder (default runs/refine)")
    p.add_argument("--no-figures", action="store_true")

    p = sub.add_parser("judge", help="rules against bp@0.23, bp@best γ and two-rate bp on held-out tasks")
    p.add_argument("--rule", type=_text("--rule"), required=True, nargs="+",
                   help="rule file(s); several are judged on the same seeds against one set of baselines")
    p.add_argument("--rate", type=_positive(float), help="the rule's γ (default: the refined rule's own, else 0.23)")
    p.add_argument("--heldout", nargs="+", metavar="TASK:LAYERS[:CYCLES][:shuffle]",
                   help="tasks (default xor:2,8,8,1:3000 wine:13,10,3:300)")
    p.add_argument("--seeds", type=_count(MAX_SEEDS), default=20)
    p.add_argument("--json", type=_text("--json"), help="write the table's numbers to this JSON file")
    p.add_argument("--figures", type=_text("--figures"), help="folder for J(t) figures (the first rule vs backprop)")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted judge from JSON.partial (the finished tasks it kept)")

    p = sub.add_parser("tuples", help="extract per-link tuples (x_j, w_hi, δ_h, f'_i) from sample files")
    p.add_argument("--samples", type=_files, required=True, help="sample file(s) of any topologies")
    p.add_argument("--max-tuples", type=_count(MAX_TUPLES),
                   help="keep a seeded random subset of this many")
    p.add_argument("--seed", type=_seed, default=0)
    p.add_argument("--out", type=_text("--out"), required=True, help="tuple file to write (.npz)")

    for name, helptext in (("compare", "train every mode from the same initial weights, per experiment"),
                           ("reproduce", "the paper's experiments in every mode, with figures"),
                           ("transfer", "a local rule learned on one experiment trains all the others")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--experiments", default="1,2,3,4", help="comma list of 1..4 (default all)")
        p.add_argument("--seeds", type=_count(MAX_SEEDS), default=20,
                       help="fresh networks per experiment and mode")
        p.add_argument("--cycles", type=_count(MAX_CYCLES),
                       help="override every experiment's base-net cycles (default: the paper's 5000)")
        if name == "compare":
            p.add_argument("--modes", default="backprop,full,full-fixed,local",
                           help="comma list of backprop,full,full-fixed,local")
        if name != "transfer":
            _form_arg(p)
        if name in ("compare", "reproduce"):
            p.add_argument("--own-start", action=argparse.BooleanOptionalAction, default=True,
                           help="exps. 1-3: also run the full-mode rules from the sampled runs' own initial "
                                "weights (rows mode@own; default on)")
        if name == "transfer":
            p.add_argument("--xor-deep", action=argparse.BooleanOptionalAction, default=True,
                           help="also train XOR 2-8-8-1 (default on)")
            p.add_argument("--moons", action=argparse.BooleanOptionalAction, default=True,
                           help="also train the two-moons CSV task 2-8-1 (samples/moons_*.csv; default on)")
        if name == "reproduce":
            p.add_argument("--out", type=_text("--out"), default=DEFAULT_OUT, help=f"results folder (default {DEFAULT_OUT})")
            p.add_argument("--no-figures", action="store_true", help="skip the PNG figures")
        else:
            p.add_argument("--json", type=_text("--json"), help="write the table's numbers to this JSON file")
    return top


def _layers(args):
    if args.layers is None:
        raise UsageError("--layers is required (e.g. --layers 2,4,1)")
    return parse_layers(args.layers)


def _task_files(name, test_csv=None):
    """The files a task reads (a CSV task, a shipped set's CSVs, a test CSV): no output may replace them."""
    from .tasks import task_files
    return [*task_files(name), test_csv]


def _spec_files(texts):
    """The files the tasks of refine's and judge's TASK:LAYERS specs read."""
    from .refine import spec_task
    return [f for t in texts for f in _task_files(spec_task(t))]


def _load_task(args, name, sizes, targets=1):
    """backprop's, train's or tune's task; --targets and --test-csv describe a CSV file task only, and
    are refused elsewhere rather than ignored.  ``targets``: a CSV's target columns without --targets."""
    from .tasks import SAMPLE_SETS, TRUTH_TABLES, load_task, teacher_seed
    if str(name).lower() in (*TRUTH_TABLES, "square", *SAMPLE_SETS) or teacher_seed(name) is not None:
        if args.test_csv is not None:
            raise UsageError(f"{name} is not a CSV file task: it takes no test CSV")
        if args.targets is not None:
            raise UsageError(f"{name} is not a CSV file task: it knows its targets (--targets is for a CSV file)")
    return load_task(name, args.targets or targets, args.test_csv, sizes)


def cmd_backprop(args):
    from .files import check_outputs, finish_first, write_json
    from .runs import train
    from .samples import covering_stride, sample_meta, save_samples
    name = args.task or "and"
    check_outputs([args.json, args.sample], _task_files(name, args.test_csv))
    if args.every is not None and not args.sample:
        raise UsageError("--every is the stride of --sample's recording; without --sample it has no effect")
    sizes = _layers(args)
    task = _load_task(args, name, sizes)
    every = covering_stride(args.every or 1, task.X.shape[0])
    res = train(task, sizes, args.rate, args.cycles, args.seed, sample_every=every if args.sample else 0,
                order=args.order)
    rows = int(res.samples["w"].shape[0]) if args.sample else None
    with finish_first():
        if rows:
            save_samples(args.sample, res.samples, sample_meta(task, sizes, args.rate, args.seed, args.cycles, every,
                                                               rows, args.order, every_asked=args.every or 1))
        if args.json:
            write_json(args.json, res.to_json())
        print(res.summary())
    if rows == 0:   # the run is a result; a sample file of no rows is not (learn and tuples refuse it)
        print(f"localrule: error: the run diverged at cycle {res.diverged_at} before a step was recorded; "
              f"{args.sample} not written", file=sys.stderr)
        return 1
    return 0


def cmd_learn(args):
    from .files import check_outputs, finish_first, write_json
    from . import learner
    check_outputs([args.out, args.json], args.samples)
    given = {k: getattr(args, k) for k in ("hidden", "rate", "cycles") if getattr(args, k) is not None}
    fixed = {k: v for k, v in (("runs", args.runs), ("optimizer", args.optimizer), ("head", args.head),
                               ("target_scale", args.target_scale), ("dagger", args.dagger),
                               ("rollouts_per_round", args.rollouts), ("rows_per_run", args.rows_per_run),
                               ("batch", args.batch))
             if v is not None}
    _only_in_its_mode(args)
    if args.mode == "full" and args.features is not None:
        given["features"] = tuple(f.strip() for f in args.features.split(","))
    if args.mode == "full" and (fixed or args.fixed):
        from .fullfixed import learn_fixed
        from .study import FIXED_RECIPE, progress
        recipe = {**(FIXED_RECIPE if args.fixed else {}), **fixed}
        if "batch" in fixed and recipe.get("optimizer", "adam") != "adam":
            raise UsageError("--batch is Adam's minibatch: no effect with --optimizer sgd")
        if "cycles" in given:
            recipe["epochs"] = given.pop("cycles")
        recipe.update(given)
        rule = learn_fixed(args.samples, seed=args.seed, say=progress, **recipe)
    elif args.mode == "full":
        rule = learner.learn_full(args.samples, seed=args.seed, **given)
    else:
        if args.max_tuples:
            given["max_tuples"] = args.max_tuples
        rule = learner.learn_local(args.samples, seed=args.seed, encoding=args.encoding or "log", form=args.form,
                                   **given)
    J = rule.history
    with finish_first():
        rule.save(args.out)
        if args.json:
            write_json(args.json, {"mode": rule.mode, "learner": list(rule.lsizes), "rate": rule.meta["rate"],
                                   "cycles": rule.meta["cycles"], "J": J.tolist(),
                                   "J_holdout": rule.history_test.tolist(),
                                   **{k: rule.meta[k] for k in ("r2_train",) if k in rule.meta}})
        r2 = f", R² on its tuples {rule.meta['r2_train']:.4f}" if "r2_train" in rule.meta else ""
        if rule.meta.get("frozen"):
            print(f"frozen (constant in the samples, weights fixed at 0, ignored on new data): "
                  f"{', '.join(rule.meta['frozen'])}")
        form = f" ({rule.form} form)" if rule.form else ""
        print(f"learned {rule.mode}{form} rule {format_layers(rule.lsizes)} from {rule.meta['rows']} rows: "
              f"learner J {J[0]:.3g} -> {J[-1]:.3g} in {len(J) - 1} cycles{r2}; wrote {args.out}")
    return 0


FULL_ONLY = ("features", "fixed", "runs", "optimizer", "head", "target_scale", "dagger", "rollouts", "rows_per_run",
             "batch")
LOCAL_ONLY = ("encoding", "form", "max_tuples")


def _only_in_its_mode(args):
    """learn's options of the other mode would be ignored: refuse them instead."""
    other = LOCAL_ONLY if args.mode == "full" else FULL_ONLY
    given = ["--" + k.replace("_", "-") for k in other if getattr(args, k) not in (None, False)]
    if given:
        raise UsageError(f"{', '.join(given)}: {'local' if args.mode == 'full' else 'full'}-mode "
                         f"option{'s' if len(given) > 1 else ''}, no effect with --mode {args.mode}")


def cmd_train(args):
    from .files import check_outputs, finish_first, write_json
    from .learner import Rule
    from .runs import train
    from .samples import load_recorded, recorded_task
    from .tuning import PAPER_RATE
    rule = Rule.load(args.rule)
    recorded = args.task is None and bool(rule.meta.get("task"))   # none recorded: and, as always
    try:
        name = recorded_task(rule.meta, args.rule) if recorded else args.task or "and"
    except UsageError as e:
        raise UsageError(f"{e}; --task chooses one") from None
    as_recorded = recorded and args.test_csv is None and args.targets is None   # its test set as recorded too
    check_outputs([args.json], [args.rule, *_task_files(name, rule.meta.get("test_csv") if as_recorded
                                                        else args.test_csv)])
    if args.layers is None and rule.layers is not None:
        sizes = tuple(rule.layers)
    else:
        sizes = _layers(args)
    try:   # a recorded CSV: the net's outputs are its targets
        task = load_recorded(rule.meta, name, sizes[-1], sizes) if as_recorded else \
            _load_task(args, name, sizes, sizes[-1] if recorded else 1)
    except UsageError as e:
        raise UsageError(f"{e} ({args.rule} names it as its task; --task chooses another)") if recorded else e
    rate = args.rate if args.rate is not None else rule.own_rate or PAPER_RATE
    res = train(task, sizes, rate, args.cycles, args.seed, rule=rule, order=args.order)
    with finish_first():
        if args.json:
            write_json(args.json, res.to_json())
        print(res.summary())
    return 0


def cmd_tune(args):
    from .files import check_outputs, check_png, finish_first, write_json
    from .layout import check_budget
    from .learner import Rule
    from .study import progress
    from .tuning import DEFAULT_RATES, figure, tune
    check_outputs([args.json, args.figure], [args.rule, *_task_files(args.task, args.test_csv)])
    check_png(args.figure, "--figure")
    sizes = _layers(args)
    task = _load_task(args, args.task, sizes)
    rates = args.rates or DEFAULT_RATES
    check_budget(sizes, args.cycles, runs=args.seeds, batches=len(rates) * len(args.hidden_scales))
    rule = Rule.load(args.rule) if args.rule else None
    t = tune(task, sizes, args.cycles, rates, args.hidden_scales, args.seeds, args.order, rule, say=progress)
    with finish_first():
        print(t.table())
        b = t.best
        print(f"best: γ {b.rate:g}" + ("" if b.hidden_scale == 1.0 else f", hidden × {b.hidden_scale:g}")
              + (f", median final J {b.median:.4g}" if math.isfinite(b.median) else ", every run diverged"))
        if args.json:
            write_json(args.json, t.to_json())
        if args.figure:
            figure([t], args.figure)
    return 0


def cmd_refine(args):
    from .learner import Rule
    from .refine import (DEFAULT_GENERATIONS, DEFAULT_HELDOUT, DEFAULT_OBJECTIVE, DEFAULT_TEACHERS, DEFAULT_TRAIN,
                         STARTS, check_judge_budget, check_refine_out, default_adapt, imitation_rule, parse_spec,
                         refine)
    texts = [*(args.train or DEFAULT_TRAIN), *(args.heldout or DEFAULT_HELDOUT)]
    train_specs = [parse_spec(t) for t in (args.train or DEFAULT_TRAIN)]
    held = [parse_spec(t) for t in (args.heldout or DEFAULT_HELDOUT)]
    check_refine_out(args.out, held if args.final_seeds and not args.no_figures else (), args.resume,
                     [args.rule, *_spec_files(texts)])
    check_judge_budget(train_specs + held)
    check_judge_budget(held, args.final_seeds)   # the final table
    if args.popsize < 2:
        raise UsageError("--popsize must be at least 2 (CMA-ES ranks its members)")
    if args.rule and args.start:
        raise UsageError("--start chooses the starting point when no --rule is given; not both")
    rule = Rule.load(args.rule) if args.rule else imitation_rule()
    stage, own_rate = (None, None) if args.rule else STARTS[args.start or next(iter(STARTS))]
    if stage is not None:
        from dataclasses import replace
        rule = replace(rule, meta={**rule.meta, "adapt": dict(stage), **({"own_rate": own_rate} if own_rate else {})})
    if rule.mode != "local":
        raise UsageError("refine needs a local rule (a full-network rule fits one topology only)")
    adapt = args.adapt or default_adapt(rule)
    generations = DEFAULT_GENERATIONS if args.generations is None else args.generations
    teachers = DEFAULT_TEACHERS if args.teachers is None else args.teachers
    refine(rule, train_specs, held, args.out, generations, args.minutes, args.popsize,
           learn_step=not args.fixed_step, seed=args.seed, scheduler=args.scheduler, resume=args.resume,
           final_seeds=args.final_seeds, figures=not args.no_figures, adapt=adapt,
           objective=args.objective or DEFAULT_OBJECTIVE, teachers=teachers, seeds_per_task=args.seeds_per_task)
    return 0


def cmd_judge(args):
    from pathlib import Path
    from .files import KeptInterrupt, check_outputs, finish_first, finite_json, write_json
    from .learner import Rule
    from .refine import (DEFAULT_HELDOUT, check_judge_budget, judge, judge_checkpoint, judge_setup, judge_table,
                         keep_judged, parse_spec)
    from .tuning import PAPER_RATE
    if args.rate and len(args.rule) > 1:
        raise UsageError("--rate sets one rule's γ; with several rules each trains at its own")
    if args.resume and not args.json:
        raise UsageError("--resume continues the judge that writes --json F from F.partial: give its --json")
    rules = []
    for path in args.rule:
        rule = Rule.load(path)
        if rule.mode != "local":
            raise UsageError(f"{path}: judge needs a local rule (a full-network rule fits one topology only)")
        rules.append((Path(path).stem, rule, args.rate or rule.own_rate or PAPER_RATE))
    texts = args.heldout or DEFAULT_HELDOUT
    specs = [parse_spec(t) for t in texts]
    # a judge writing --json keeps each finished task in JSON.partial: Ctrl-C loses at most one task
    ckpt = args.json + ".partial" if args.json else None
    check_outputs([args.json, ckpt], [*args.rule, *_spec_files(texts)])
    check_judge_budget(specs, args.seeds)
    setup = judge_setup(args.rule, [r for _, _, r in rules], args.seeds, texts, args.figures) if ckpt else None
    done = judge_checkpoint(ckpt, setup, args.resume) if ckpt else {}

    def keep(i, task_rows):
        done[i] = finite_json(task_rows)
        keep_judged(ckpt, setup, done)
    try:
        rows = judge(rules, specs, args.seeds, figures_dir=args.figures, done=done, on_task=keep if ckpt else None)
    except KeyboardInterrupt as e:
        if not done:
            raise
        raise KeptInterrupt.after(e, f"{len(done)} of {len(specs)} tasks are kept in {ckpt}: the same command "
                                     "with --resume finishes the rest") from None
    rows = finite_json(rows)   # a resumed task's rows come from JSON: print every task alike
    with finish_first():
        for (name, _, rate), r in zip(rules, rows):
            print(f"{name} (γ {rate:.4g}):")
            print(judge_table(r))
        if args.json:
            write_json(args.json, {"seeds": args.seeds, "rules": [
                {"rule": path, "name": name, "rate": rate, "tasks": r}
                for path, (name, _, rate), r in zip(args.rule, rules, rows)]})
            Path(ckpt).unlink(missing_ok=True)
    return 0


def cmd_tuples(args):
    from .files import check_outputs, finish_first
    from .samples import save_tuples, tuples_from_files
    check_outputs([args.out], args.samples)
    pool, sources = tuples_from_files(args.samples, max_tuples=args.max_tuples, seed=args.seed)
    if pool["x"].shape[0] == 0:
        raise UsageError(f"no link tuples in {', '.join(args.samples)}; nothing written")
    with finish_first():
        save_tuples(args.out, pool, sources)
        print(f"wrote {pool['x'].shape[0]} link tuples from {len(sources)} sample file(s) to {args.out}")
    return 0


def _check_study(exps, n_modes, seeds, tuned=False):
    """Refuse, before sampling anything, a study beyond the limits (its runs all stay in memory, and
    backprop's tuning for the "best γ" columns runs beside them) or one whose --cycles record too
    few steps for the learning networks."""
    from .layout import check_budget
    from .learner import MIN_ROWS
    from .tasks import load_task
    from .tuning import DEFAULT_RATES, TUNE_SEEDS
    for e in exps:
        check_budget(e.layers, e.cycles, runs=seeds, batches=n_modes * len(exps))
        if tuned:
            check_budget(e.layers, e.cycles, runs=TUNE_SEEDS, batches=len(DEFAULT_RATES))
        patterns = load_task(e.task).X.shape[0]
        if e.cycles * patterns < MIN_ROWS:
            raise UsageError(f"--cycles {e.cycles} records {e.cycles * patterns} steps of experiment {e.number} "
                             f"({patterns} patterns); its learning networks need {MIN_ROWS}: "
                             f"--cycles {-(-MIN_ROWS // patterns)} or more")


def _modes(text):
    from .study import MODES
    modes = comma_items(text, "--modes")
    if not modes or any(m not in MODES for m in modes) or len(set(modes)) != len(modes):
        raise UsageError(f"--modes must list some of {','.join(MODES)} once each, got {text[:60]!r}")
    return modes


def cmd_compare(args):
    from .files import check_outputs, finish_first, write_json
    from .study import best_gamma_medians, chosen_experiments, run_study, stats_table
    exps = chosen_experiments(args)
    modes = _modes(args.modes)
    if args.form is not None and "local" not in modes:   # the local rule's form: refused, not ignored
        raise UsageError(f"--form: local-mode option, no effect with --modes {','.join(modes)}")
    check_outputs([args.json])
    _check_study(exps, len(modes), args.seeds, tuned=True)
    _, results, _ = run_study(exps, modes, args.seeds, form=args.form, own_start=args.own_start)
    best = best_gamma_medians(exps)
    text, table = stats_table(exps, modes, results, {k: v[1] for k, v in best.items()})
    with finish_first():
        print(text)
        print("vs best: median final J / backprop's at its best γ (" +
              ", ".join(f"exp {k}: γ {v[0]:g}" for k, v in best.items()) + "; 5 tuning seeds)")
        if args.json:
            write_json(args.json, {"seeds": args.seeds, "modes": modes, "own_start": args.own_start,
                                   "experiments": table,
                                   "best_gamma": {str(k): {"rate": v[0], "median": v[1]} for k, v in best.items()}})
    return 0


def _ratio_cell(c) -> str:
    ratio = "—" if c["ratio"] is None else f"{c['ratio']:.3f}"
    return ratio + (f" [{c['diverged']}]" if c["diverged"] else "")


def cmd_transfer(args):
    from dataclasses import replace
    from .files import check_outputs, finish_first
    from .study import MOONS, XOR_DEEP, best_gamma_medians, chosen_experiments, transfer_matrix
    exps = chosen_experiments(args)
    check_outputs([args.json])
    extra = [t for t, on in ((XOR_DEEP, args.xor_deep), (MOONS, args.moons)) if on]
    targets = exps + [replace(t, cycles=args.cycles) if args.cycles else t for t in extra]
    _check_study(targets, 2 * (len(exps) + 1) + 1, args.seeds, tuned=True)  # both forms' rules and backprop
    rules, bp, cells = transfer_matrix(exps, targets, args.seeds)
    best = best_gamma_medians(targets)  # the same rules against backprop at its best γ
    with finish_first():
        _print_transfer(args, targets, bp, cells, best)
    return 0


def _print_transfer(args, targets, bp, cells, best):
    from pathlib import Path
    from .files import write_json
    names = [f"{Path(t.task).stem.removesuffix('_train')} {format_layers(t.layers)}" for t in targets]
    print("final J with the local rule / final J with backprop (median over seeds; diverged runs in brackets)")
    print(f"{'rule learned from':<18}" + "".join(f"{n:>16}" for n in names))
    for name, row in cells.items():
        print(f"{name:<18}" + "".join(f"{_ratio_cell(c):>16}" for c in row.values()))
    print(f"{'backprop final J':<18}" + "".join(f"{bp[t.number].median:>16.5f}" for t in targets))
    print("final J with the local rule / final J with backprop at its best γ")
    for name, row in cells.items():
        print(f"{name:<18}" + "".join(f"{_ratio_cell({**c, 'ratio': c['median'] / best[t.number][1] if c['median'] is not None else None}):>16}"
                                      for t, c in zip(targets, row.values())))
    print(f"{'bp@best γ final J':<18}" + "".join(f"{best[t.number][1]:>10.3g} @{best[t.number][0]:<4g}" for t in targets))
    if args.json:
        write_json(args.json, {"seeds": args.seeds, "targets": names, "backprop": {n: bp[t.number].__dict__ for n, t in zip(names, targets)},
                               "rules": {k: {n: c for n, c in zip(names, row.values())} for k, row in cells.items()},
                               "best_gamma": {n: {"rate": best[t.number][0], "median": best[t.number][1]} for n, t in zip(names, targets)}})


def cmd_reproduce(args):
    from .reproduce import reproduce
    from .study import MODES, chosen_experiments
    exps = chosen_experiments(args)
    _check_study(exps, len(MODES), args.seeds)
    return reproduce(exps, args.seeds, args.out, figures=not args.no_figures, form=args.form,
                     own_start=args.own_start)


def _run(argv) -> int:
    args = build_parser().parse_args(argv or ["reproduce"])
    if args.verb is None:
        raise UsageError("choose a verb (see --help)")
    return globals()[f"cmd_{args.verb}"](args)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    from .files import KeptInterrupt, LateInterrupt, Terminated, install_terminate_handler, raise_dropped
    install_terminate_handler()
    try:
        try:
            return _run(argv)
        except Exception:
            raise_dropped()    # an interrupt dropped mid-compilation can leave numba half-built
            raise
    except UsageError as e:
        print(f"localrule: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"localrule: error: {e.strerror or e}: {e.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except MemoryError:
        print("localrule: error: not enough memory for this run (a smaller network, fewer cycles, seeds or "
              "sampled steps)", file=sys.stderr)
        return 1
    except KeptInterrupt as e:
        print(f"localrule: interrupted; {e.args[0]}", file=sys.stderr)
        return 143 if e.args[1] == signal.SIGTERM else 130
    except LateInterrupt as e:
        print("localrule: interrupted after the run had finished; its outputs were written", file=sys.stderr)
        return 143 if e.args and e.args[0] == signal.SIGTERM else 130
    except Terminated:
        print("localrule: terminated; nothing was written", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("localrule: interrupted; nothing was written", file=sys.stderr)
        return 130
