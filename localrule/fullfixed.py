"""The full-network mode that works ("full-fixed"): what the paper's recipe lacked, each optional.

Measured in the README ("Full-network mode that works"); every ingredient is a switch here so
the ablation can take each one away:

* **many runs**: the learner sees the sampled trajectories of N backprop runs (seeds s…s+N-1),
  not one, so a fresh start is not off its map;
* **width**: a learner wide enough to fit them (the paper's 9-2-5 cannot);
* **Adam**: a minibatch Adam loop (numpy) that converges the fit; "sgd" is the paper's online
  backprop (``learner.fit``), on the same sigmoid learner and the same squared error;
* **a gated head**: the learner predicts the update per unit output error and the kernel
  multiplies by the gate, Δ_q = Σ_o gate_o · g_oq(state).  Gate "delta" is the output neuron's
  δ_o = (ev_o - out_o) f'(out_o) (rule 5), so g_oq is what rules (3), (6) make of a unit δ_o;
  gate "error" is (ev_o - out_o) alone (g then carries f'(out_o)).  Either way the update is
  exactly 0 where the output error is 0, and with "delta" also where the output saturates, as
  backprop's is; "direct" is the paper's head (every Δ predicted outright);
* **DAgger**: run nets trained by the learner from fresh seeds, record the states they visit,
  label them with backprop's exact update there (``label_states``), add them, refit.

A fixed rule is a ``learner.Rule`` of mode "full" whose meta has ``head``; its ``kernel_args``
name the kernels' FIXED_DELTA / FIXED_ERROR modes (the direct head is plain FULL), so
``runs.train`` and ``runs.train_seeds`` run it as they run every mode.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import njit
from threadpoolctl import threadpool_limits

from .kernels import forward, hidden_deltas, output_deltas, delta_updates, record, scratch
from .layout import offsets as layout_offsets
from .layout import (UsageError, check_learner_budget, check_sizes, format_layers, init_params, n_biases, n_weights,
                     short)
from .samples import (covering_stride, load_recorded, recorded_recipe, recorded_run, recorded_task, row_width,
                      split_rows)

HEADS = ("delta", "error", "direct")
OPTIMIZERS = ("adam", "sgd")
TARGET_SCALES = ("std", "minmax")
#: Seeds of DAgger's rollouts start here, far from the sampled runs (0…) and the fresh test seeds (1000…).
ROLLOUT_SEED0 = 500_000
#: Rows kept per sampled run and per rollout (a covering stride over the run's steps).
ROWS_PER_RUN = 1000
#: Targets to the sigmoid output as the paper's learner has them: 0.5 ± this per σ ("std").
TARGET_SPREAD = 0.1


# ---- kernels --------------------------------------------------------------------------------

@njit(cache=True, nogil=True)
def label_states(sizes, W, B, X, Y, rate, S, U):
    """Backprop at given states: row r is the net (W[r], B[r]) shown pattern (X[r], Y[r]).

    S[r] gets the sample row (``samples.field_widths``: the state and backprop's exact Δw, Δθ);
    U[r, o] gets what rules (3), (6) make of a unit output δ_o (so Δ = Σ_o δ_o U[r, o]).
    """
    aoff, boff, woff, acts, ins, deltas, dw, db = scratch(sizes)
    nl = sizes.shape[0]
    top = boff[nl - 2]
    nw = W.shape[1]
    for r in range(W.shape[0]):
        w, b = W[r], B[r]
        forward(sizes, aoff, boff, woff, w, b, X, r, acts, ins)
        output_deltas(sizes, aoff, boff, acts, Y, r, deltas)
        hidden_deltas(sizes, aoff, boff, woff, w, acts, deltas)
        delta_updates(sizes, aoff, boff, woff, acts, deltas, rate, dw, db)
        record(S, r, w, b, acts, aoff, sizes, Y, r, ins, deltas, dw, db)
        for o in range(sizes[nl - 1]):
            for q in range(sizes[nl - 1]):
                deltas[top + q] = 1.0 if q == o else 0.0
            hidden_deltas(sizes, aoff, boff, woff, w, acts, deltas)
            delta_updates(sizes, aoff, boff, woff, acts, deltas, rate, dw, db)
            for q in range(nw):
                U[r, o, q] = dw[q]
            for q in range(db.shape[0]):
                U[r, o, nw + q] = db[q]


# ---- the learner's data -------------------------------------------------------------------

def label(sizes, rate, W, B, X, Y):
    """(sample fields, unit-δ updates U) of backprop at the given states."""
    sizes = check_sizes(sizes)
    n = W.shape[0]
    S = np.empty((n, row_width(sizes)))
    U = np.empty((n, sizes[-1], n_weights(sizes) + n_biases(sizes)))
    label_states(np.asarray(sizes, np.int64), np.ascontiguousarray(W), np.ascontiguousarray(B),
                 np.ascontiguousarray(X, dtype=float), np.ascontiguousarray(Y, dtype=float), float(rate), S, U)
    return split_rows(sizes, S), U


def head_targets(head, fields, U):
    """What the learner predicts per row: Δ (direct), or g_o per output o (gated heads)."""
    if head == "direct":
        return np.hstack([fields["dw"], fields["dtheta"]])
    width = U.shape[1] * U.shape[2]                                # not -1: no rows (a round with none) is fine too
    if head == "delta":
        return U.reshape(U.shape[0], width)
    fp = fields["out"] * (1.0 - fields["out"])                    # error gate: g_o = f'(out_o) U_o
    return (U * fp[:, :, None]).reshape(U.shape[0], width)


def run_stride(cycles, patterns, rows_per_run=ROWS_PER_RUN) -> int:
    """The recording stride of a sampled run or a rollout: about ``rows_per_run`` rows of its steps."""
    return covering_stride(max(1, cycles * patterns // rows_per_run), patterns)


def sample_runs(task, sizes, rate, cycles, seeds, rows_per_run=ROWS_PER_RUN, order="fixed"):
    """Sampled backprop runs (seeds in parallel threads; the kernel releases the GIL)."""
    from .runs import train
    every = run_stride(cycles, task.X.shape[0], rows_per_run)

    def one(s):
        return train(task, sizes, rate, cycles, s, sample_every=every, order=order).samples
    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(one, seeds)), every


def rollouts(task, sizes, rate, cycles, seeds, rule, every, max_rows=ROWS_PER_RUN, order="fixed"):
    """DAgger's rollouts: runs of ``rule`` from fresh ``seeds`` (in parallel threads), recording
    the state before every ``every``-th step, at most ``max_rows`` per run.

    Returns (sample fields of the visited states, runs in order; how many runs diverged).  A
    sample row's w, theta, x, ev are exactly the state and pattern shown (its δ is NaN and its
    Δ the rule's: ``label`` replaces them with backprop's).
    """
    from .runs import train

    def one(s):
        res = train(task, sizes, rate, cycles, s, rule=rule, sample_every=every, order=order)
        return {k: v[:max_rows] for k, v in res.samples.items()}, res.diverged
    with ThreadPoolExecutor(2) as pool:
        done = list(pool.map(one, seeds))
    fields = {k: np.vstack([f[k] for f, _ in done]) for k in done[0][0]}
    return fields, sum(d for _, d in done)


# ---- the optimiser ------------------------------------------------------------------------

def mlp_loss_grad(lsizes, lw, lb, Z, Y):
    """Mean over rows of ½‖f(z) - y‖² for the sigmoid learner, and its gradient (flat layout)."""
    _, boff, woff = layout_offsets(lsizes)
    A = [Z]
    for l in range(len(lsizes) - 1):
        Wl = lw[woff[l]:woff[l + 1]].reshape(lsizes[l + 1], lsizes[l])
        A.append(1.0 / (1.0 + np.exp(-(A[-1] @ Wl.T + lb[boff[l]:boff[l + 1]]))))
    E = A[-1] - Y
    n = Z.shape[0]
    loss = 0.5 * float(np.sum(E * E)) / n
    gw, gb = np.empty_like(lw), np.empty_like(lb)
    D = E * A[-1] * (1.0 - A[-1]) / n
    for l in range(len(lsizes) - 2, -1, -1):
        Wl = lw[woff[l]:woff[l + 1]].reshape(lsizes[l + 1], lsizes[l])
        gw[woff[l]:woff[l + 1]] = (D.T @ A[l]).ravel()
        gb[boff[l]:boff[l + 1]] = D.sum(0)
        if l:
            D = (D @ Wl) * A[l] * (1.0 - A[l])
    return loss, gw, gb


def adam(lsizes, lw, lb, Z, Y, Zt, Yt, epochs, seed, lr=3e-3, batch=256, progress=None):
    """Minibatch Adam on (Z, Y), in place; the step decays linearly to lr/20.

    Returns the error (mean over rows of ½‖·‖²) on (Z, Y) and (Zt, Yt) before and after each epoch.
    BLAS runs on one thread: on these small matrices its threads only contend (10x slower under load).
    """
    rng = np.random.default_rng(seed)
    params = (lw, lb)
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    b1, b2, eps = 0.9, 0.999, 1e-8
    J, Jt = np.empty(epochs + 1), np.empty(epochs + 1)
    n, k = Z.shape[0], 0
    total = epochs * max(1, -(-n // batch))
    with threadpool_limits(1, "blas"):
        for e in range(epochs + 1):
            J[e] = mlp_loss_grad(lsizes, lw, lb, Z, Y)[0]
            Jt[e] = mlp_loss_grad(lsizes, lw, lb, Zt, Yt)[0] if Zt.shape[0] else np.nan
            if progress is not None and e:
                progress(e, J[:e + 1].copy(), Jt[:e + 1].copy())
            if e == epochs:
                break
            order = rng.permutation(n)
            for s in range(0, n, batch):
                idx = order[s:s + batch]
                _, gw, gb = mlp_loss_grad(lsizes, lw, lb, Z[idx], Y[idx])
                k += 1
                step = lr * (1.0 - 0.95 * k / total)
                for p, g, mi, vi in zip(params, (gw, gb), m, v):
                    mi *= b1
                    mi += (1 - b1) * g
                    vi *= b2
                    vi += (1 - b2) * g * g
                    p -= step * (mi / (1 - b1 ** k)) / (np.sqrt(vi / (1 - b2 ** k)) + eps)
    return J, Jt


# ---- learning a fixed rule ----------------------------------------------------------------

def _scaling(X, T, target_scale):
    in_shift, in_scale = X.mean(0), X.std(0)
    in_scale[~(in_scale > 1e-12)] = 1.0
    if target_scale == "std":                        # the paper's: ±4σ -> [0.1, 0.9]
        out_shift, out_scale = T.mean(0), T.std(0) / TARGET_SPREAD
    elif target_scale == "minmax":                   # [min, max] -> [0.1, 0.9]
        lo, hi = T.min(0), T.max(0)
        out_shift, out_scale = (lo + hi) / 2, (hi - lo) / 0.8
    else:
        raise UsageError(f"unknown target scaling {target_scale!r}: choose {' or '.join(TARGET_SCALES)}")
    out_scale[~(out_scale > 1e-15)] = 1e-15
    return in_shift, in_scale, out_shift, out_scale


class _Data:
    """The learner's growing set: inputs and head targets of labelled states."""

    def __init__(self, sizes, rate, features, head):
        self.sizes, self.rate, self.features, self.head = sizes, rate, features, head
        self.X, self.T = [], []

    def add(self, W, B, X, Y):
        from .learner import full_dataset
        keep = np.all(np.isfinite(W), 1) & np.all(np.isfinite(B), 1)
        fields, U = label(self.sizes, self.rate, W[keep], B[keep], X[keep], Y[keep])
        with np.errstate(over="ignore"):  # sigmoid of a far-off state's input: 1/(1 + inf) = 0 is right
            self.X.append(full_dataset(self.sizes, fields, self.features)[0])
        self.T.append(head_targets(self.head, fields, U))
        return int(keep.sum())

    def arrays(self):
        return np.vstack(self.X), np.vstack(self.T)


def _recorded_task(meta, sizes):
    """The first sample file's task, for more runs of its set-up (a CSV's targets: the net's
    outputs; its test set or held-out rows as recorded), refused unless its recorded pattern
    order is one those runs can take."""
    name = recorded_task(meta, "the first sample file")
    if meta.get("order", "fixed") not in ("fixed", "shuffle"):
        raise UsageError(f"the first sample file: its recorded order {short(str(meta['order']), 40)!r} is "
                         f"neither fixed nor shuffle")
    try:
        return load_recorded(meta, name, sizes[-1], sizes)
    except UsageError as e:
        raise UsageError(f"{e} (the first sample file's task; --runs and --dagger rerun it: record the "
                         f"samples again with this version, which records the task as typed)") from None


def _check_learner(sizes, features, head, hidden, optimizer, epochs, sets, task, cycles, runs, dagger, rollouts,
                   rows_per_run):
    """Refuse, before any run is sampled or any state labelled, a learner whose fit would exceed the
    limits (``check_learner_budget``): its widths are the features' and the head's, its rows at most
    the files' rows, the extra runs' and every DAgger round's rollouts'."""
    from .learner import full_dataset
    from .samples import field_widths
    empty = {k: np.empty((0, w)) for k, w in field_widths(sizes).items()}
    width_in = full_dataset(sizes, empty, features)[0].shape[1]
    width_out = head_targets(head, empty, np.empty((0, sizes[-1], n_weights(sizes) + n_biases(sizes)))).shape[1]
    rows = sum(int(f["w"].shape[0]) for _, f in sets)
    if task is not None:
        steps = cycles * task.X.shape[0]
        per_run = -(-steps // run_stride(cycles, task.X.shape[0], rows_per_run))
        rows += (runs - 1) * per_run + dagger * rollouts * min(per_run, rows_per_run)
    check_learner_budget((width_in, *hidden, width_out), epochs + dagger * max(1, epochs // 4), rows,
                         full_batch=optimizer == "adam", fewer="fewer --runs, --dagger, --rollouts or --rows-per-run")


def learn_fixed(sources, runs=1, hidden=(32,), optimizer="adam", head="delta", target_scale="std",
                dagger=0, rollouts_per_round=8, epochs=None, rate=None, seed=0, features=None,
                rows_per_run=ROWS_PER_RUN, batch=256, say=None, progress=None):
    """A full-network rule from sample sets of one topology, with the ingredients switched on.

    ``runs`` > 1 adds backprop runs of the first set's set-up with seeds s+1…s+N-1 (s: its seed),
    ``rows_per_run`` rows each (also the states kept per DAgger rollout).  ``epochs``: Adam's
    epochs (default 30, and a quarter of that per DAgger round) or, with "sgd", the online cycles
    (default 200); ``rate``: Adam's step (3e-3) or SGD's γ (0.198); ``batch``: Adam's minibatch.
    """
    from .learner import FULL_FEATURES, FULL_FEATURES_HIDDEN, HOLDOUT, Rule, fit
    from .samples import sample_sets
    for name, v, ok in (("head", head, HEADS), ("optimizer", optimizer, OPTIMIZERS),
                        ("target scaling", target_scale, TARGET_SCALES)):
        if v not in ok:
            raise UsageError(f"unknown {name} {v!r}: choose from {', '.join(ok)}")
    if dagger and optimizer == "sgd":
        raise UsageError("--dagger refits warm, which needs --optimizer adam")
    say = say or (lambda msg: None)
    sources = sources if isinstance(sources, list) else [sources]
    sets = sample_sets(sources)
    meta0 = sets[0][0]
    sizes = check_sizes(meta0["layers"])
    for meta, _ in sets:
        if check_sizes(meta["layers"]) != sizes:
            raise UsageError(f"full mode needs samples of one topology, got {format_layers(sizes)} "
                             f"and {format_layers(meta['layers'])}")
    features = tuple(features or FULL_FEATURES)
    if features not in (FULL_FEATURES, FULL_FEATURES_HIDDEN):
        raise UsageError(f"full-mode features are {','.join(FULL_FEATURES)} or {','.join(FULL_FEATURES_HIDDEN)}")
    base_rate, cycles = recorded_run(meta0, "the first sample set" if isinstance(sources[0], tuple) else sources[0])
    needs_task = runs > 1 or dagger > 0
    task = _recorded_task(meta0, sizes) if needs_task else None
    order = meta0.get("order", "fixed")   # files from before orders were recorded ran in fixed order
    if optimizer == "sgd":
        rate = 0.198 if rate is None else rate
        epochs = 200 if epochs is None else epochs
    else:
        rate = 3e-3 if rate is None else rate
        epochs = 30 if epochs is None else epochs
    _check_learner(sizes, features, head, hidden, optimizer, epochs, sets, task, cycles, runs, dagger,
                   rollouts_per_round, rows_per_run)
    data = _Data(sizes, base_rate, features, head)
    for meta, f in sets:
        data.add(f["w"], f["theta"], f["x"], f["ev"])
    if runs > 1:
        s0 = int(meta0.get("seed", 0))
        t0 = time.perf_counter()
        extra, _ = sample_runs(task, sizes, base_rate, cycles, range(s0 + 1, s0 + runs), rows_per_run,
                               order)
        for f in extra:
            data.add(f["w"], f["theta"], f["x"], f["ev"])
        say(f"sampled {runs - 1} more backprop runs in {time.perf_counter() - t0:.1f} s")
    X, T = data.arrays()
    in_shift, in_scale, out_shift, out_scale = _scaling(X, T, target_scale)
    lmeta = {"task": meta0.get("task"), **recorded_recipe(meta0), "head": head, "optimizer": optimizer,
             "target_scale": target_scale, "runs": runs, "dagger": dagger,
             "rollouts": rollouts_per_round if dagger else 0, "batch": batch, "base_rate": base_rate,
             "base_cycles": cycles,
             "order": order}
    lsizes = check_sizes((X.shape[1], *hidden, T.shape[1]))
    lw, lb = init_params(lsizes, seed)
    history, history_test = [], []

    def refit(X, T, n_epochs, round_):
        order = np.random.default_rng(seed + round_).permutation(X.shape[0])
        Z = np.ascontiguousarray((X[order] - in_shift) / in_scale)
        Y = np.ascontiguousarray(np.clip(0.5 + (T[order] - out_shift) / out_scale, 0.01, 0.99))
        n_fit = X.shape[0] - int(HOLDOUT * X.shape[0])
        if optimizer == "sgd":
            r = fit("full", features, X, T, in_shift, in_scale, out_shift, out_scale, hidden, rate, n_epochs,
                    seed, layers=sizes, progress=progress)
            lw[:], lb[:] = r.lw, r.lb
            J, Jt = r.history, r.history_test
        else:
            J, Jt = adam(lsizes, lw, lb, Z[:n_fit], Y[:n_fit], Z[n_fit:], Y[n_fit:], n_epochs, seed + round_,
                         lr=rate, batch=batch, progress=progress)
        history.extend(J if not history else J[1:])
        history_test.extend(Jt if not history_test else Jt[1:])

    def rule():
        return Rule("full", features, lsizes, lw.copy(), lb.copy(), in_shift, in_scale, out_shift, out_scale,
                    sizes, np.array(history), np.array(history_test),
                    {**lmeta, "hidden": list(hidden), "rate": rate, "cycles": len(history) - 1, "seed": seed,
                     "rows": int(sum(x.shape[0] for x in data.X))})
    t0 = time.perf_counter()
    refit(X, T, epochs, 0)
    say(f"fit {format_layers(lsizes)} on {X.shape[0]} rows in {time.perf_counter() - t0:.1f} s")
    every = run_stride(cycles, task.X.shape[0], rows_per_run) if dagger else 0
    diverged_per_round = []
    for r in range(dagger):
        t0 = time.perf_counter()
        seeds = [ROLLOUT_SEED0 + r * rollouts_per_round + k for k in range(rollouts_per_round)]
        visited, diverged = rollouts(task, sizes, base_rate, cycles, seeds, rule(), every, rows_per_run, order)
        n = data.add(*(visited[k] for k in ("w", "theta", "x", "ev")))
        diverged_per_round.append(diverged)
        X, T = data.arrays()
        refit(X, T, max(1, epochs // 4), r + 1)
        say(f"DAgger round {r + 1}/{dagger}: {n} visited states ({diverged_per_round[-1]}/{len(seeds)} rollouts "
            f"diverged), refit on {X.shape[0]} rows in {time.perf_counter() - t0:.1f} s")
    lmeta["dagger_diverged"] = diverged_per_round
    return rule()
