"""Why the cheap full-fixed recipe failed on exp. 4 (square 2-5-2), and what the fit must reach.

The oracle check per parameter group: nets trained with the learner's g (the update per unit
output δ, ``fullfixed``'s gated head) where backprop's exact g is plugged in for some groups
(hidden weights and biases, output weights and biases), and with the learner's error scaled by λ
(g = exact + λ·(learned − exact)).  For the old recipe (32 runs, one hidden layer of 32, 30
epochs, 2 DAgger rounds of 4 rollouts) and the new one (``study.FIXED_CHANGES[4]``).  Median
final J [IQR] over fresh seeds 1000-1019 at γ 0.23 for 5000 cycles; backprop: all groups exact.
Run from the repository root: ``python docs/paper/exp4_oracle.py`` (~10 min on 2 cores; its output is ``exp4_oracle.txt``)."""
import numpy as np
from numba import njit, prange

from localrule import kernels as K
from localrule.experiments import EXPERIMENTS
from localrule.layout import init_params
from localrule.study import learn_fixed_rule
from localrule.tasks import load_task

E = EXPERIMENTS[4]
SEEDS = range(1000, 1020)
OLD = {"runs": 32, "hidden": (32,), "epochs": 30, "batch": 256, "dagger": 2, "rollouts_per_round": 4}


@njit(cache=True, nogil=True)
def run(sizes, w, b, X, Y, rate, cycles, lsizes, lw, lb, i_s, i_c, o_s, o_c, exact, lam, J):
    """One net: each step backprop's update where ``exact``, elsewhere exact + λ·(learned − exact)."""
    aoff, boff, woff = K.offsets(sizes)
    acts, ins, deltas = np.empty(aoff[-1]), np.empty(boff[-1]), np.empty(boff[-1])
    nw, nb = w.shape[0], b.shape[0]
    dw, db, ldw, ldb = np.empty(nw), np.empty(nb), np.empty(nw), np.empty(nb)
    laoff, lboff, lwoff = K.offsets(lsizes)
    lacts, lins, feats = np.empty(laoff[-1]), np.empty(lboff[-1]), np.empty((1, lsizes[0]))
    gate = np.empty(sizes[-1])
    J[0] = K.mean_error(sizes, aoff, boff, woff, w, b, X, Y, acts, ins)
    for t in range(1, cycles + 1):
        for p in range(X.shape[0]):
            K.forward(sizes, aoff, boff, woff, w, b, X, p, acts, ins)
            K.fixed_updates(sizes, aoff, w, b, acts, Y, p, True, K.FIXED_DELTA, lsizes, laoff, lboff, lwoff, lw, lb,
                            i_s, i_c, o_s, o_c, feats, lacts, lins, gate, ldw, ldb)
            K.output_deltas(sizes, aoff, boff, acts, Y, p, deltas)
            K.hidden_deltas(sizes, aoff, boff, woff, w, acts, deltas)
            K.delta_updates(sizes, aoff, boff, woff, acts, deltas, rate, dw, db)
            for q in range(nw):
                w[q] += dw[q] if exact[q] else dw[q] + lam * (ldw[q] - dw[q])
            for q in range(nb):
                b[q] += db[q] if exact[nw + q] else db[q] + lam * (ldb[q] - db[q])
        J[t] = K.mean_error(sizes, aoff, boff, woff, w, b, X, Y, acts, ins)
        if not np.isfinite(J[t]):
            J[t:] = np.nan
            return


@njit(parallel=True, cache=True)
def runs(sizes, W, B, X, Y, rate, cycles, lsizes, lw, lb, i_s, i_c, o_s, o_c, exact, lam, JJ):
    for k in prange(W.shape[0]):
        run(sizes, W[k], B[k], X, Y, rate, cycles, lsizes, lw, lb, i_s, i_c, o_s, o_c, exact, lam, JJ[k])


#: Parameter groups of the 2-5-2 net: weights (hidden layer's, then output's), then biases.
GROUPS = {"hidden weights": range(0, 10), "output weights": range(10, 20), "hidden biases": range(20, 25),
          "output biases": range(25, 27)}


def final_J(rule, exact_groups=(), lam=1.0):
    task, sizes = load_task(E.task), np.array(E.layers, np.int64)
    exact = np.zeros(27, np.bool_)
    for g in exact_groups:
        exact[list(GROUPS[g])] = True
    inits = [init_params(E.layers, s) for s in SEEDS]
    W, B = np.array([i[0] for i in inits]), np.array([i[1] for i in inits])
    JJ = np.empty((len(W), E.cycles + 1))
    runs(sizes, W, B, task.X, task.Y, E.rate, E.cycles, np.asarray(rule.lsizes, np.int64), rule.lw, rule.lb,
         rule.in_shift, rule.in_scale, rule.out_shift, rule.out_scale, exact, lam, JJ)
    f = JJ[:, -1]
    return f"{np.nanmedian(f):.5f} [{np.nanpercentile(f, 25):.5f}, {np.nanpercentile(f, 75):.5f}]"


ROWS = [("learned g everywhere", (), 1.0), ("exact hidden weights", ("hidden weights",), 1.0),
        ("exact hidden biases", ("hidden biases",), 1.0), ("exact output weights", ("output weights",), 1.0),
        ("exact hidden weights and biases", ("hidden weights", "hidden biases"), 1.0),
        ("learned error × 0.5", (), 0.5), ("learned error × 0.25", (), 0.25), ("exact everywhere (backprop)", tuple(GROUPS), 1.0)]

rules = {"old recipe": learn_fixed_rule(E, say=lambda m: None, **OLD), "new recipe": learn_fixed_rule(E, say=lambda m: None)}
print("| g | " + " | ".join(rules) + " |")
print("|---" * (len(rules) + 1) + "|")
for name, groups, lam in ROWS:
    print(f"| {name} | " + " | ".join(final_J(r, groups, lam) for r in rules.values()) + " |", flush=True)
