#!/usr/bin/env python
"""localrule benchmark: every figure measured side by side in one run on this machine.

    python benchmarks/run.py [--quick] [--json FILE]

Prints a table and writes JSON (default ``benchmarks/results.json``).  Every time is the median
of repeated runs; numba's compile time is measured separately (in subprocesses with an empty
cache) and never counted in the other figures.  See ``benchmarks/README.md`` for what each
figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from localrule import learner, reference, runs, tasks  # noqa: E402
from localrule.experiments import EXPERIMENTS  # noqa: E402
from localrule.layout import init_params, n_weights  # noqa: E402

EXP1 = EXPERIMENTS[1]
SCALING_N = (1, 4, 16, 64, 256)

TARGETS = {  # name: (comparison, bound, unit)
    "numba_vs_numpy": (">=", 300.0, "x"),
    "numba_vs_torch": (">=", 1000.0, "x"),
    "exp1_ms": ("<=", 5.0, "ms"),
    "sampling_overhead": ("<=", 2.0, "x"),
    "full_vs_backprop": ("<=", 3.0, "x"),
    "local_vs_backprop": ("<=", 10.0, "x"),
    "throughput_all_cores_s": ("<", 60.0, "s"),
    "cold_start_s": ("<", 1.0, "s"),
}


# ---------------------------------------------------------------------------------------------
# helpers

def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def timed(fn, repeats: int, warmup: int = 1):
    """Median wall time of ``fn()`` over ``repeats`` calls (after ``warmup`` untimed ones)."""
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return float(np.median(ts)), ts


def fmt_t(s: float) -> str:
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    if s >= 1e-6:
        return f"{s * 1e6:.2f} µs"
    return f"{s * 1e9:.0f} ns"


def say(text=""):
    print(text, flush=True)


def head(title):
    say()
    say(title)
    say("-" * len(title))


def row(label, value, note=""):
    say(f"  {label:<44} {value:>14}  {note}")


def cycles_done(r) -> int:
    """Cycles a run actually trained (a diverged run stops in cycle ``diverged_at``)."""
    return r.cycles if r.diverged_at is None else r.diverged_at


# ---------------------------------------------------------------------------------------------
# sections

COMPILE_SNIPPET = textwrap.dedent("""
    import json, time
    t0 = time.perf_counter()
    from localrule import runs, tasks, learner
    t_import = time.perf_counter() - t0
    task = tasks.load_task("and")
    out = {"import": t_import}
    t0 = time.perf_counter(); runs.train(task, (2, 1, 1), 0.23, 1, 0); out["train"] = time.perf_counter() - t0
    t0 = time.perf_counter(); runs.train(task, (2, 1, 1), 0.23, 1, 0); out["train_again"] = time.perf_counter() - t0
    t0 = time.perf_counter(); runs.train_seeds(task, (2, 1, 1), 0.23, 1, [0, 1]); out["train_batch"] = time.perf_counter() - t0
    t0 = time.perf_counter(); learner.Rule.oracle().ell(1.0, 1.0, 1.0, 0.25); out["ell_batch"] = time.perf_counter() - t0
    print(json.dumps(out))
""")


def compile_times():
    """First-call times in fresh processes: with an empty numba cache (compile) and again with
    the cache it left (load from cache)."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        res = {}
        for kind in ("compile", "cached"):
            p = subprocess.run([sys.executable, "-c", COMPILE_SNIPPET], env=env, cwd=ROOT,
                               capture_output=True, text=True, check=True)
            res[kind] = json.loads(p.stdout.strip().splitlines()[-1])
    return res


def torch_run(torch, w, b, X, Y, rate, cycles):
    """2-1-1 online SGD with torch.nn + torch.optim.SGD, one pattern at a time, float64, and the
    mean error over the training set after every cycle (the same work as the other engines)."""
    net = torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.Sigmoid(),
                              torch.nn.Linear(1, 1), torch.nn.Sigmoid()).double()
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor(w[:2].reshape(1, 2)))
        net[0].bias.copy_(torch.tensor(b[:1]))
        net[2].weight.copy_(torch.tensor(w[2:3].reshape(1, 1)))
        net[2].bias.copy_(torch.tensor(b[1:2]))
    opt = torch.optim.SGD(net.parameters(), lr=rate)
    Xt, Yt = torch.tensor(X), torch.tensor(Y)
    J = np.empty(cycles + 1)

    def mean_error():
        with torch.no_grad():
            return float((0.5 * ((Yt - net(Xt)) ** 2).sum(1)).mean())
    J[0] = mean_error()
    for t in range(cycles):
        for p in range(Xt.shape[0]):
            opt.zero_grad()
            loss = 0.5 * ((Yt[p] - net(Xt[p])) ** 2).sum()
            loss.backward()
            opt.step()
        J[t + 1] = mean_error()
    return J


def bench_exp1(R, quick, out):
    head("Experiment 1: 2-1-1 AND, γ 0.23, 5000 online cycles (20000 pattern steps), backprop")
    task = tasks.load_task("and")
    sizes, rate, cycles = EXP1.layers, EXP1.rate, EXP1.cycles
    w0, b0 = init_params(sizes, 0)
    t_nb, _ = timed(lambda: runs.train(task, sizes, rate, cycles, 0), R)
    J_nb = runs.train(task, sizes, rate, cycles, 0).J
    row("numba engine (runs.train)", fmt_t(t_nb), f"median of {R}")
    res = {"numba_s": t_nb, "repeats": R}

    ref_cycles = 500 if quick else cycles
    ref_R = 3 if quick else 5
    t_ref, _ = timed(lambda: reference.train(sizes, w0, b0, task.X, task.Y, rate, ref_cycles), ref_R, warmup=0)
    J_ref = reference.train(sizes, w0, b0, task.X, task.Y, rate, ref_cycles)[2]
    t_ref_full = t_ref * cycles / ref_cycles
    note = f"median of {ref_R}" + ("" if ref_cycles == cycles else
                                  f"; timed {ref_cycles} cycles, scaled x{cycles // ref_cycles}")
    row("numpy reference (reference.train)", fmt_t(t_ref_full), note)
    res.update(numpy_s=t_ref_full, numpy_cycles_timed=ref_cycles, numpy_repeats=ref_R,
               numpy_max_J_diff=float(np.max(np.abs(J_ref - J_nb[:ref_cycles + 1]))))
    ratio = t_ref_full / t_nb
    row("  numba speed-up over numpy", f"{ratio:.0f}x",
        f"(max |J diff| {res['numpy_max_J_diff']:.1e})")
    res["numba_vs_numpy"] = ratio

    try:
        import torch
    except ImportError:
        torch = None
        say("  PyTorch: not installed, row skipped (pip install -e \".[bench]\" to include it)")
        res["torch_s"] = None
    if torch is not None:
        torch.set_num_threads(1)
        t_cycles = 50 if quick else 500
        t_R = 3 if quick else 5
        torch_run(torch, w0, b0, task.X, task.Y, rate, 5)  # warm-up
        t_t, _ = timed(lambda: torch_run(torch, w0, b0, task.X, task.Y, rate, t_cycles), t_R, warmup=0)
        J_t = torch_run(torch, w0, b0, task.X, task.Y, rate, t_cycles)
        t_t_full = t_t * cycles / t_cycles
        res.update(torch_s=t_t_full, torch_version=torch.__version__, torch_cycles_timed=t_cycles,
                   torch_repeats=t_R, torch_max_J_diff=float(np.max(np.abs(J_t - J_nb[:t_cycles + 1]))))
        row(f"PyTorch {torch.__version__} (nn + optim.SGD, 1 thread)", fmt_t(t_t_full),
            f"median of {t_R}; timed {t_cycles} cycles, scaled x{cycles // t_cycles}")
        res["numba_vs_torch"] = t_t_full / t_nb
        row("  numba speed-up over PyTorch", f"{res['numba_vs_torch']:.0f}x",
            f"(max |J diff| {res['torch_max_J_diff']:.1e})")
    out["exp1"] = res


def bench_sampling(R, out):
    head("Sampling overhead (experiment 1, a sample row every step)")
    task = tasks.load_task("and")
    sizes, rate, cycles = EXP1.layers, EXP1.rate, EXP1.cycles
    t_plain, _ = timed(lambda: runs.train(task, sizes, rate, cycles, 0), R)
    t_samp, _ = timed(lambda: runs.train(task, sizes, rate, cycles, 0, sample_every=1), R)
    row("plain run", fmt_t(t_plain), f"median of {R}")
    row("sample_every=1 (20000 rows)", fmt_t(t_samp))
    row("  overhead ratio", f"{t_samp / t_plain:.2f}x")
    out["sampling"] = {"plain_s": t_plain, "sampled_s": t_samp, "ratio": t_samp / t_plain}


def learn_rules(quick):
    """Per experiment: a full-network learner on its own backprop samples; one local rule from
    experiment 1's samples (it trains any shape).  Not timed."""
    full, samples = {}, {}
    for n, e in EXPERIMENTS.items():
        task = tasks.load_task(e.task)
        base_cycles = 1000 if quick else e.cycles
        steps = base_cycles * task.X.shape[0]
        every = max(1, steps // 20000)
        r = runs.train(task, e.layers, e.rate, base_cycles, 0, sample_every=every)
        samples[n] = [({"layers": list(e.layers), "task": e.task}, r.samples)]
        full[n] = learner.learn_full(samples[n], hidden=e.learner_hidden, rate=e.learner_rate,
                                     cycles=20 if quick else e.learner_cycles, features=e.features)
    # the link form: the one the published figures measure (README, Performance)
    local = learner.learn_local(samples[1], hidden=(8,), rate=0.1, cycles=5 if quick else 20, form="link")
    return full, local


def bench_rules(R, full, local, out):
    head("Learned rules vs backprop, same engine, 5000 cycles, seed 0 (ratio per trained cycle)")
    say(f"  {'experiment':<26}{'backprop':>11}{'full':>11}{'ratio':>8}{'local':>11}{'ratio':>8}")
    res = {}
    for n, e in EXPERIMENTS.items():
        task = tasks.load_task(e.task)
        reps = R if n == 1 else max(3, R // 4)
        rec = {}
        for mode, rule in (("backprop", None), ("full", full[n]), ("local", local)):
            r = runs.train(task, e.layers, e.rate, e.cycles, 0, rule=rule)
            t, _ = timed(lambda: runs.train(task, e.layers, e.rate, e.cycles, 0, rule=rule), reps, warmup=0)
            rec[mode] = {"s": t, "cycles": cycles_done(r), "diverged_at": r.diverged_at,
                         "per_cycle_s": t / cycles_done(r)}
        for mode in ("full", "local"):
            rec[mode]["ratio"] = rec[mode]["per_cycle_s"] / rec["backprop"]["per_cycle_s"]

        def cell(m):
            d = rec[m]["diverged_at"]
            return fmt_t(rec[m]["s"]) + ("" if d is None else "*")
        label = f"exp{n} {e.task} {'-'.join(map(str, e.layers))}"
        say(f"  {label:<26}{cell('backprop'):>11}{cell('full'):>11}{rec['full']['ratio']:>7.2f}x"
            f"{cell('local'):>11}{rec['local']['ratio']:>7.2f}x")
        res[f"exp{n}"] = rec
    notes = [f"exp{n} {m} diverged at cycle {res[f'exp{n}'][m]['diverged_at']}"
             for n in EXPERIMENTS for m in ("backprop", "full", "local")
             if res[f"exp{n}"][m]["diverged_at"] is not None]
    if notes:
        say("  * diverged (the run stops there; ratios are per trained cycle): " + "; ".join(notes))
    say("  exp2 has no hidden layer: there the local rule is rules (5)+(3) only, no learner runs.")
    out["rules"] = res


#: The hand-set local rules of docs/beyond (the best judged ones), raced against backprop.
HANDSET = ("rule_link_trust_output", "rule_link_noise", "rule_link_noise_until")
HANDSET_TASKS = (("square", (2, 5, 2), 200), ("moons", (2, 8, 8, 1), 80), ("wine", (13, 10, 3), 80))


def bench_handset(R, quick, out):
    """The cost of the adaptive stage (running scales, clock, trust, noise) per trained cycle."""
    from localrule.learner import Rule
    head("Hand-set rules vs backprop, same engine, seed 0 (ratio per trained cycle)")
    say(f"  {'task':<22}{'backprop':>11}" + "".join(f"{n[10:]:>16}{'ratio':>8}" for n in HANDSET))
    rules = {n: Rule.load(ROOT / "docs/beyond" / f"{n}.npz") for n in HANDSET}
    res = {}
    for name, layers, cycles in HANDSET_TASKS:
        task = tasks.load_task(name)
        cycles = max(1, cycles // 4) if quick else cycles
        rec = {}
        for mode, rule in (("backprop", None), *rules.items()):
            rate = 0.23 if rule is None else rule.own_rate
            r = runs.train(task, layers, rate, cycles, 0, rule=rule)
            t, _ = timed(lambda: runs.train(task, layers, rate, cycles, 0, rule=rule), max(3, R // 4), warmup=0)
            rec[mode] = {"s": t, "per_cycle_s": t / cycles_done(r), "diverged_at": r.diverged_at}
        for n in HANDSET:
            rec[n]["ratio"] = rec[n]["per_cycle_s"] / rec["backprop"]["per_cycle_s"]
        rec["noise_vs_trust_output"] = rec[HANDSET[1]]["per_cycle_s"] / rec[HANDSET[0]]["per_cycle_s"]
        label = f"{name} {'-'.join(map(str, layers))} ({cycles})"
        say(f"  {label:<22}{fmt_t(rec['backprop']['s']):>11}"
            + "".join(f"{fmt_t(rec[n]['s']):>16}{rec[n]['ratio']:>7.2f}x" for n in HANDSET))
        res[label] = rec
    worst = max(r["noise_vs_trust_output"] for r in res.values())
    say(f"  the noise's own cost: at most {worst:.2f}x the same rule without it")
    ended = [r[HANDSET[2]]["per_cycle_s"] / r[HANDSET[1]]["per_cycle_s"] for r in res.values()]
    say(f"  the noise ended at 0.7 of the run: {min(ended):.2f}-{max(ended):.2f}x the noise to the end")
    out["handset"] = res


def bench_scaling(local, quick, out):
    head("Scaling: 2-N-2 on the square task's 40 training points, time per pattern step")
    X, Y = tasks.square_points(tasks.SQUARE_SIZES["train"], tasks.SQUARE_SEEDS["train"])
    task = tasks.Task("square-train", X, Y)   # no test set: only the training error per cycle
    budget = 0.02 if quick else 0.1
    res = {}
    say(f"  {'N':>5}{'links':>7}{'backprop':>12}{'local':>12}{'local/bp':>10}")
    for N in SCALING_N:
        sizes = (2, N, 2)
        rec = {"links": n_weights(sizes)}
        for mode, rule in (("backprop", None), ("local", local)):
            t1 = runs.train(task, sizes, 0.23, 2, 0, rule=rule).seconds
            cycles = int(np.clip(budget / max(t1 / 2, 1e-9), 2, 20000))
            r = runs.train(task, sizes, 0.23, cycles, 0, rule=rule)
            t, _ = timed(lambda: runs.train(task, sizes, 0.23, cycles, 0, rule=rule), 3, warmup=0)
            rec[mode] = {"cycles": cycles, "s": t, "diverged_at": r.diverged_at,
                         "per_step_s": t / (cycles_done(r) * X.shape[0])}
        rec["ratio"] = rec["local"]["per_step_s"] / rec["backprop"]["per_step_s"]
        say(f"  {N:>5}{rec['links']:>7}{fmt_t(rec['backprop']['per_step_s']):>12}"
            f"{fmt_t(rec['local']['per_step_s']):>12}{rec['ratio']:>9.1f}x")
        res[N] = rec
    links = np.log([res[N]["links"] for N in SCALING_N])
    for mode in ("backprop", "local"):
        t = np.log([res[N][mode]["per_step_s"] for N in SCALING_N])
        slope_all = float(np.polyfit(links, t, 1)[0])
        slope_big = float(np.polyfit(links[2:], t[2:], 1)[0])
        res[f"slope_{mode}"] = slope_all
        res[f"slope_{mode}_N16up"] = slope_big
        row(f"{mode}: slope of log(time) vs log(links)", f"{slope_all:.2f}",
            f"(N >= 16 only: {slope_big:.2f}; 1.0 = linear)")
    out["scaling"] = {str(k): v for k, v in res.items()}


def bench_throughput(full, local, quick, out):
    import numba
    seeds = list(range(20 if quick else 100))
    head(f"Throughput: {len(seeds)} seeds x 4 experiments x 3 modes, 5000 cycles "
         f"(runs.train_seeds, prange over seeds)")
    cores = numba.config.NUMBA_NUM_THREADS
    jobs = []
    for n, e in EXPERIMENTS.items():
        for mode, rule in (("backprop", None), ("full", full[n]), ("local", local)):
            jobs.append((n, e, mode, rule))
    for n, e, mode, rule in jobs:   # warm-up: load the batch kernel
        runs.train_seeds(tasks.load_task(e.task), e.layers, e.rate, 1, [0, 1], rule=rule)
    res = {"seeds": len(seeds), "cores": cores}
    for threads in sorted({1, cores}):
        numba.set_num_threads(threads)
        parts, diverged = {}, {}
        t0 = time.perf_counter()
        for n, e, mode, rule in jobs:
            t1 = time.perf_counter()
            rs = runs.train_seeds(tasks.load_task(e.task), e.layers, e.rate, e.cycles, seeds, rule=rule)
            parts[f"exp{n}-{mode}"] = time.perf_counter() - t1
            diverged[f"exp{n}-{mode}"] = sum(r.diverged for r in rs)
        wall = time.perf_counter() - t0
        res[f"threads_{threads}"] = {"wall_s": wall, "parts_s": parts, "diverged": diverged}
        row(f"{threads} thread(s): wall time", fmt_t(wall))
    numba.set_num_threads(cores)
    one, alln = res["threads_1"], res[f"threads_{cores}"]
    say(f"  {'part':<20}{'1 thread':>12}{f'{cores} threads':>12}   diverged runs")
    for k in one["parts_s"]:
        say(f"  {k:<20}{fmt_t(one['parts_s'][k]):>12}{fmt_t(alln['parts_s'][k]):>12}   {one['diverged'][k]}")
    res["speedup"] = one["wall_s"] / alln["wall_s"]
    row("parallel speed-up", f"{res['speedup']:.2f}x", f"on {cores} threads")
    if quick:
        res["projected_100_seeds_all_cores_s"] = alln["wall_s"] * 100 / len(seeds)
        row("projected for 100 seeds, all cores", fmt_t(res["projected_100_seeds_all_cores_s"]), "(--quick)")
    out["throughput"] = res


def bench_cold_start(quick, out):
    head("Cold start: python -m localrule --help in a fresh process")
    reps = 3 if quick else 7
    ts = []
    for _ in range(reps + 1):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "localrule", "--help"], cwd=ROOT, check=True,
                       capture_output=True)
        ts.append(time.perf_counter() - t0)
    t = float(np.median(ts[1:]))
    row("wall time", fmt_t(t), f"median of {reps}")
    out["cold_start"] = {"s": t, "runs": ts[1:]}


RSS_SNIPPET = textwrap.dedent("""
    import resource, subprocess, sys
    p = subprocess.run([sys.executable, "-m", "localrule", *sys.argv[1:]], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)   # KiB on Linux
""")


def peak_rss_mib(*argv) -> float:
    """Peak resident memory of one ``python -m localrule ...`` process (its own child's maxrss,
    so nothing of this benchmark process is counted)."""
    p = subprocess.run([sys.executable, "-c", RSS_SNIPPET, *map(str, argv)], cwd=ROOT, check=True,
                       capture_output=True, text=True)
    return int(p.stdout.split()[-1]) / 1024


def bench_memory(out):
    head("Memory: peak RSS of one process (plain backprop needs O(weights + patterns))")
    res = {}
    for n in (20, 20000):
        res[n] = peak_rss_mib("backprop", "--task", "square", "--layers", f"2,{n},2", "--cycles", 1)
        row(f"backprop --layers 2,{n},2 --cycles 1", f"{res[n]:.0f} MiB")
    row("difference (80,000 weights more)", f"{res[20000] - res[20]:.1f} MiB")
    out["memory"] = {"peak_rss_mib": {str(k): v for k, v in res.items()}}


def bench_startup(quick, out):
    head("Process start-up: python -m localrule backprop (exp. 1) in a fresh process")
    reps = 3 if quick else 7
    cmd = [sys.executable, "-m", "localrule", "backprop", "--task", "and", "--layers", "2,1,1", "--cycles", "5000"]
    ts, imp = [], []
    for _ in range(reps + 1):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
        ts.append(time.perf_counter() - t0)
        p = subprocess.run([sys.executable, "-c", "import time; t = time.perf_counter(); import numba; "
                            "print(time.perf_counter() - t)"], cwd=ROOT, check=True, capture_output=True, text=True)
        imp.append(float(p.stdout))
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(cmd + ["--json", f"{d}/r.json"], cwd=ROOT, check=True, capture_output=True)
        r = json.loads(Path(f"{d}/r.json").read_text())
    res = {"wall_s": float(np.median(ts[1:])), "import_numba_s": float(np.median(imp[1:])),
           "load_seconds": r["load_seconds"], "seconds": r["seconds"]}
    row("whole process", fmt_t(res["wall_s"]), f"median of {reps}")
    row("… of which importing numba", fmt_t(res["import_numba_s"]))
    row("… loading the kernels (JSON load_seconds)", fmt_t(res["load_seconds"]))
    row("… training (JSON seconds)", fmt_t(res["seconds"]))
    out["startup"] = res


CSV_ROWS = 300_000


def bench_csv(quick, out):
    """The task CSV reader: numpy's blocks against the csv module's rows (the reader before them,
    still what decides any other file), on the same generated file, in this one process."""
    head(f"Task CSV reading: {CSV_ROWS:,} rows of 3 inputs and a 0/1 target (tasks.read_csv)")
    reps = 1 if quick else 3
    rng = np.random.default_rng(0)
    X, y = rng.uniform(-10, 10, (CSV_ROWS, 3)), rng.integers(0, 2, CSV_ROWS)
    res = {"rows": CSV_ROWS, "repeats": reps}
    with tempfile.TemporaryDirectory() as d:
        for kind, cell in (("4 decimals", "{:.4f}".format), ("17 digits", repr)):
            p = Path(d) / "t.csv"
            p.write_text("a,b,c,t\n" + "".join(f"{cell(a)},{cell(b)},{cell(c)},{t}\n"
                                                 for (a, b, c), t in zip(X.tolist(), y.tolist())))
            per_row, _ = timed(lambda: tasks.read_csv(p, 1, fast=False), reps, warmup=0)
            blocks, _ = timed(lambda: tasks.read_csv(p, 1), reps, warmup=0)
            same = all(np.array_equal(a.view(np.int64), b.view(np.int64))
                       for a, b in zip(tasks.read_csv(p, 1, fast=False), tasks.read_csv(p, 1)))
            mib = p.stat().st_size / 2**20
            row(f"{kind} ({mib:.1f} MiB): csv module, row by row", fmt_t(per_row), f"median of {reps}")
            row("  numpy, a block at a time", fmt_t(blocks), "bit for bit the same" if same else "DIFFERENT VALUES")
            row("  speed-up", f"{per_row / blocks:.1f}x")
            res[kind] = {"mib": mib, "per_row_s": per_row, "blocks_s": blocks, "ratio": per_row / blocks,
                         "identical": same}
    out["csv"] = res


def bench_compile(out):
    head("numba compile time (fresh process, empty cache) and cache load (same, cache filled)")
    c = compile_times()
    for key, label in (("train", "kernels.train (every mode), first call"),
                       ("train_batch", "kernels.train_batch (parallel), first call"),
                       ("ell_batch", "kernels.ell_batch, first call")):
        row(label, fmt_t(c["compile"][key]), f"from cache: {fmt_t(c['cached'][key])}")
    row("import localrule.runs (numpy + numba)", fmt_t(c["cached"]["import"]))
    out["compile"] = c


def check_targets(out):
    head("Targets")
    got = {
        "numba_vs_numpy": out["exp1"]["numba_vs_numpy"],
        "numba_vs_torch": out["exp1"].get("numba_vs_torch"),
        "exp1_ms": out["exp1"]["numba_s"] * 1e3,
        "sampling_overhead": out["sampling"]["ratio"],
        "full_vs_backprop": out["rules"]["exp1"]["full"]["ratio"],
        "local_vs_backprop": out["rules"]["exp1"]["local"]["ratio"],
        "throughput_all_cores_s": out["throughput"].get(
            "projected_100_seeds_all_cores_s",
            out["throughput"][f"threads_{out['throughput']['cores']}"]["wall_s"]),
        "cold_start_s": out["cold_start"]["s"],
    }
    res = {}
    for k, (op, bound, unit) in TARGETS.items():
        v = got[k]
        if v is None:
            row(k, "skipped", f"target {op} {bound:g}{unit}")
            res[k] = {"value": None, "target": f"{op} {bound:g}{unit}", "met": None}
            continue
        met = {"<=": v <= bound, ">=": v >= bound, "<": v < bound}[op]
        row(k, f"{v:.3g}{unit}", f"target {op} {bound:g}{unit}: {'met' if met else 'MISSED'}")
        res[k] = {"value": v, "target": f"{op} {bound:g}{unit}", "met": bool(met)}
    out["targets"] = res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats, cycles and seeds (about 1 min)")
    ap.add_argument("--json", default=str(HERE / "results.json"), help="where to write the results")
    ap.add_argument("--only", choices=("startup", "memory", "csv", "handset"),
                    help="measure only this (a few seconds) and print it; writes no file")
    args = ap.parse_args(argv)
    if args.only:
        part = {}
        {"startup": lambda: bench_startup(True, part), "memory": lambda: bench_memory(part),
         "csv": lambda: bench_csv(args.quick, part),
         "handset": lambda: bench_handset(7 if args.quick else 31, args.quick, part)}[args.only]()
        return
    R = 7 if args.quick else 31
    import numba
    out = {"machine": {"cpu": cpu_model(), "cores": os.cpu_count(), "python": platform.python_version(),
                       "numpy": np.__version__, "numba": numba.__version__, "platform": platform.platform(),
                       "load_before": os.getloadavg()},
           "quick": args.quick, "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    say(f"localrule benchmark{' (--quick)' if args.quick else ''}: {out['machine']['cpu']}, "
        f"{out['machine']['cores']} cores; Python {out['machine']['python']}, numpy {np.__version__}, "
        f"numba {numba.__version__}; load average {out['machine']['load_before'][0]:.2f}")
    t_all = time.perf_counter()
    bench_compile(out)
    runs.train(tasks.load_task("and"), EXP1.layers, EXP1.rate, 2, 0)   # load kernels in-process
    bench_exp1(R, args.quick, out)
    bench_sampling(R, out)
    full, local = learn_rules(args.quick)
    bench_rules(R, full, local, out)
    bench_handset(R, args.quick, out)
    bench_scaling(local, args.quick, out)
    bench_throughput(full, local, args.quick, out)
    bench_cold_start(args.quick, out)
    bench_startup(args.quick, out)
    bench_memory(out)
    bench_csv(args.quick, out)
    check_targets(out)
    out["machine"]["load_after"] = os.getloadavg()
    out["total_s"] = time.perf_counter() - t_all
    say()
    say(f"benchmark took {out['total_s']:.0f} s; load average now {out['machine']['load_after'][0]:.2f} "
        f"(other processes on the machine make figures noisier)")
    Path(args.json).write_text(json.dumps(out, indent=1, default=float) + "\n")
    say(f"results written to {args.json}")


if __name__ == "__main__":
    main()
