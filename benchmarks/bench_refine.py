#!/usr/bin/env python
"""Seconds per CMA-ES generation of ``localrule refine`` (issue 12).

    python benchmarks/bench_refine.py [--json FILE]

One generation = every member of the population trains every meta-training task on 2 seeds.
Measured on the default stage (``--start rmsprop-flat-clock --adapt scale+anneal``): population 8
and 16 on the default meta-training set, and the default recipe's generations (that set plus two teachers of the
24-teacher pool, which differ from generation to generation); one task of growing net size; numba
on 1 and 2 threads; and members sent to a 2-worker Dask LocalCluster (if installed).
Each figure is the median of 2 generations (the pool's: of its first 6) after an untimed warm-up.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import numba  # noqa: E402

from localrule import refine  # noqa: E402


def problem(train_texts, popsize, rule, rate):
    specs = [refine.parse_spec(t) for t in train_texts]
    bases = [refine.Baseline(1.0, 0.0, None) for _ in specs]  # the baseline does not change the cost
    theta = refine.flatten(rule)
    space = refine.Space(rule, theta, np.ones_like(theta), True, math.log(rate / refine.PAPER_RATE), adapt=refine.default_adapt(rule))
    rng = np.random.default_rng(0)
    pop = [0.05 * rng.standard_normal(space.dim) for _ in range(popsize)]
    return space, pop, specs, bases


def per_generation(space, pop, specs, bases, client=None, reps=2, pool=()):
    """Median seconds per generation; with a ``pool``, generation g adds its two teachers."""
    def tasks(g):  # the pool's baselines are stand-ins too
        return refine.generation_tasks(g, specs, bases, pool, [refine.Baseline(1.0, 0.0, None)] * len(pool))
    refine.evaluate_population(space, pop[:1], *tasks(0), [1, 2], client)  # warm-up (compile, ship)
    times = []
    for g in range(reps):
        t0 = time.perf_counter()
        refine.evaluate_population(space, pop, *tasks(g), refine.generation_seeds(g), client)
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", default=str(HERE / "refine_results.json"))
    args = ap.parse_args()
    rule = refine.imitation_rule()
    stage, rate = next(iter(refine.STARTS.values()))   # the default start
    rule.meta["adapt"] = dict(stage)
    pool = refine.random_teacher_specs(refine.DEFAULT_TEACHERS)
    out = {"load_before": os.getloadavg()}
    rows = []
    for threads, pops in ((1, (8, 16)), (2, (8, 16))):
        numba.set_num_threads(threads)
        for pop in pops:
            s = per_generation(*problem(refine.DEFAULT_TRAIN, pop, rule, rate))
            rows.append(("default meta-training set", pop, threads, "numba", s))
            print(f"default set, population {pop}, {threads} thread(s): {s:.2f} s/generation", flush=True)
        s = per_generation(*problem(refine.DEFAULT_TRAIN, 16, rule, rate), reps=6, pool=pool)
        rows.append(("default set + 2 pool teachers (default recipe)", 16, threads, "numba", s))
        print(f"default recipe (default set + 2 pool teachers), population 16, {threads} thread(s): "
              f"{s:.2f} s/generation", flush=True)
    numba.set_num_threads(2)
    for net in ("teacher@1:4,4,2:30", "teacher@1:4,16,2:30", "teacher@1:8,16,16,4:30"):
        s = per_generation(*problem([net], 8, rule, rate))
        rows.append((net, 8, 2, "numba", s))
        print(f"{net}, population 8, 2 threads: {s:.2f} s/generation", flush=True)
    try:
        from distributed import Client, LocalCluster
        numba.set_num_threads(1)
        with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cl, Client(cl) as client:
            s = per_generation(*problem(refine.DEFAULT_TRAIN, 16, rule, rate), client=client)
        rows.append(("default meta-training set", 16, 2, "dask LocalCluster, 2 workers", s))
        print(f"default set, population 16, Dask LocalCluster 2 workers x 1 thread: {s:.2f} s/generation")
    except ImportError:
        print("distributed is not installed: Dask row skipped")
    out["rows"] = [dict(zip(("tasks", "popsize", "threads", "engine", "seconds_per_generation"), r)) for r in rows]
    out["load_after"] = os.getloadavg()
    Path(args.json).write_text(json.dumps(out, indent=1))
    print(f"load average before {out['load_before'][0]:.1f}, after {out['load_after'][0]:.1f}; wrote {args.json}")


if __name__ == "__main__":
    main()
