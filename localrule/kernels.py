"""Numba kernels: the hot loops, as plain functions over float64 arrays (layout in ``layout.py``).

One training loop serves every learning rule so that the modes differ only in how a step's
(Δw, Δθ) is produced: exact backprop (rules 3, 5, 6), the full-network learner (its outputs
replace 3, 5, 6, outright or gated by each output's error: the full-fixed heads), or the local rule ℓ (replaces 6 and its use in 3, or, in the rule (6) form,
6 only; the oracle variants plug in the exact products).
Kernels release the GIL (``nogil``) so that the app's worker thread never starves its window.
The per-step functions allocate nothing and are compiled without numba's reference counting
(``_nrt=False``): passing a dozen arrays per pattern step otherwise costs ~0.3 µs of atomic
increments, more than a whole backprop step of a small net.
"""

import numpy as np
from numba import njit, prange

BACKPROP, FULL, LOCAL_RAW, LOCAL_LOG, ORACLE = 0, 1, 2, 3, 4
#: Rule (6) form of the local rule: ℓ(w_hi, δ_h, f'_i) is link i -> h's share of δ_i, and rule (3)
#: Δw_ij = γ δ_i x_j stays exact; its oracle plugs in f'_i w_hi δ_h.
LOCAL6_LOG, ORACLE6 = 5, 6
#: Full-network rules with a gated head (``fullfixed.py``): the learner predicts g_o per output o
#: and the step is Δ = Σ_o gate_o g_o, gate_o = δ_o = (ev_o - out_o) f'(out_o) or (ev_o - out_o).
#: The "direct" head predicts every Δ outright: that is FULL.
FIXED_DELTA, FIXED_ERROR = 7, 8

#: The update stage of an adaptive rule (``adapt`` = [p, β2, ε, β, q, τ, k, d, N, a, μ, h, c, α, κ, o,
#: D]): each neuron's (Δw, Δθ) is divided by (v̂ + ε²)^(p/2), v̂ a running mean of its (Δθ/γ)² (decay
#: β2, bias-corrected); with k = 1 ("link") each link's Δw by its own: v̂ a running mean of its
#: (Δw/γ)², the scale of δ_i·x_j;
#: for a > 0 multiplied by (its fan-in + 1)^-a (so that its input moves by ~γ·fan-in^(1-a), not γ·fan-in);
#: and, for τ > 0, multiplied by (1 + t/τ)^(-1/2), t the neuron's count of its own updates (a
#: clock every neuron keeps: large steps early, small ones late, where online steps make J(t)
#: jump); for d > 0, over the run's last fraction d of its N steps, multiplied by a factor falling
#: linearly to 0 (the run knows its budget as it knows its γ: backprop's best γ is tuned for it too);
#: then every link's update is a running mean of its own (decay β: the link's previous update).
#: With h ≠ 1 the hidden neurons' updates are multiplied by h, the output neurons' kept: an output
#: neuron knows it is one (its δ is the error), so this stays local; two-rate backprop's scale.
#: With c > 0 ("trust") a neuron whose incoming weights and bias have a root mean square r above c
#: takes steps × (r/c)^α (α "trust_power"): LAMB's trust ratio, per neuron and one-sided, so a
#: neuron's step grows with its weights' scale once they outgrow c and nothing changes below it;
#: with a cap κ ≥ 1 ("trust_cap"; 0: none) the factor stops at κ; with o = 1 ("trust_layers") only
#: the output neurons' steps grow, with o = 2 only the hidden neurons' (a neuron knows whether it is
#: an output neuron, as with h); with D > 0
#: ("trust_delay") no step grows before the run's step D (the clock it keeps for τ); with g > 0
#: ("trust_gate") a hidden neuron's growth f becomes 1 + (f - 1)·min(1, f'(in)/g), f'(in) its
#: sigmoid's slope at the pattern: a saturated neuron's step stops growing; with s > 0
#: ("trust_hidden_after", o = 0) the hidden neurons' growth waits for the run's step s·N, the output
#: neurons' does not.
#: With σ > 0 ("noise") every final Δw and Δθ gets Gaussian noise of standard deviation σ times
#: the step's nominal size, γ × h (hidden) × (fan-in + 1)^-a × the clock's × the decay's factors:
#: the size a normalised update (|u| ~ 1) would have before its sign, so the noise anneals with the
#: rule's own schedule and is gone at the budget's end; with u > 0 ("noise_until") only over the
#: run's first u·N steps.  The draws are a hash of (the run's key, step, link): the key is a hash
#: of the run's initial weights and biases (state's last slot), so a run is reproducible bit for
#: bit, chunked or not, and touches no generator the pattern order uses.
#: p = β = 0 is the identity; state is [t, v (per neuron), m_w (per link), m_θ (per neuron),
#: v (per link)].  Before it, q < 1 flattens rule (5)'s f' (``flat_output_deltas``); q = 1 leaves
#: rule (5) exact.
ADAPT_P, ADAPT_BETA2, ADAPT_EPS, ADAPT_MOMENTUM, ADAPT_FLAT, ADAPT_ANNEAL, ADAPT_LINK = 0, 1, 2, 3, 4, 5, 6
ADAPT_DECAY, ADAPT_STEPS = 7, 8   # d (a rule's) and N (the run's: cycles × patterns)
ADAPT_FANIN = 9                   # a (a rule's)
ADAPT_GAIN = 10                   # μ (a rule's)
ADAPT_HIDDEN = 11                 # h (a rule's; 1: none)
ADAPT_TRUST, ADAPT_TRUST_POWER = 12, 13   # c (a rule's; 0: none) and α
ADAPT_TRUST_CAP = 14                      # κ (a rule's; 0: none)
ADAPT_TRUST_LAYERS = 15                   # o (a rule's; 0: every neuron, 1: the output neurons, 2: the hidden ones)
ADAPT_TRUST_DELAY = 16                    # D (a rule's; 0: none): no trust before step D
ADAPT_TRUST_GATE = 17                     # g (a rule's; 0: none): hidden growth × min(1, f'/g)
ADAPT_TRUST_HIDDEN_AFTER = 18             # s (a rule's; 0: none): no hidden growth before step s·N
ADAPT_NOISE = 19                          # σ (a rule's; 0: none): Gaussian noise × the step's nominal size
ADAPT_NOISE_UNTIL = 20                    # u (a rule's; 0: the whole run): noise only up to step u·N
ADAPT_SIZE = 21
#: A link's learned gain stays within e^±this (×1/16 to ×16): a gain that only grows cannot blow up.
GAIN_LOG_MAX = np.log(16.0)
#: The smallest ε a rule may have: ε² must not underflow to 0 (1e-300 is still a normal double),
#: or a neuron whose running scale is 0 would take an infinite step.
ADAPT_EPS_MIN = 1e-150


@njit(cache=True)
def adapt_state_size(n_weights, n_biases):
    """The adaptive stage's state: the step count; v and m_θ per neuron, m_w and v per link; then a
    log-gain and a running update per weight and bias (``gain_steps``); last the noise's key."""
    return 2 + 4 * n_biases + 4 * n_weights


@njit(cache=True, nogil=True, _nrt=False)
def mix64(z):
    """SplitMix64's finaliser: a 64-bit hash with every input bit reaching every output bit."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True, nogil=True)
def noise_key(w, b):
    """A run's noise key: a hash of its initial weights' and biases' bits, 43 bits (exact as a
    float64 in the adaptive state)."""
    wb = np.empty(w.shape[0] + b.shape[0])
    wb[:w.shape[0]] = w
    wb[w.shape[0]:] = b
    h = np.uint64(0x243F6A8885A308D3)
    for x in wb.view(np.uint64):
        h = mix64(h ^ x)
    return float(h >> np.uint64(21))


@njit(cache=True, nogil=True, _nrt=False)
def noise_normal(key, t, q):
    """A standard normal draw for link (or bias) q at step t of the run keyed ``key`` (Box-Muller
    on two hashed uniforms)."""
    gold = np.uint64(0x9E3779B97F4A7C15)
    h1 = mix64(mix64(key + np.uint64(t) * gold) + np.uint64(2 * q + 1) * gold)
    h2 = mix64(h1 + gold)
    u1 = ((h1 >> np.uint64(11)) + np.uint64(1)) * (1.0 / 9007199254740992.0)   # (0, 1]
    u2 = (h2 >> np.uint64(11)) * (1.0 / 9007199254740992.0)                    # [0, 1)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


#: A run has diverged once any weight or bias is non-finite or larger than this in magnitude.
DIVERGENCE_BOUND = 1e4

#: Learner arguments for plain backprop: the kernel takes arrays, so pass stand-ins.
NO_LEARNER = (np.array([1, 1], np.int64), np.zeros(1), np.zeros(1), np.zeros(1), np.ones(1),
              np.zeros(1), np.ones(1), False)


@njit(cache=True, nogil=True)
def offsets(sizes):
    nl = sizes.shape[0]
    aoff = np.zeros(nl + 1, np.int64)
    boff = np.zeros(nl, np.int64)
    woff = np.zeros(nl, np.int64)
    for l in range(nl):
        aoff[l + 1] = aoff[l] + sizes[l]
    for l in range(nl - 1):
        boff[l + 1] = boff[l] + sizes[l + 1]
        woff[l + 1] = woff[l] + sizes[l + 1] * sizes[l]
    return aoff, boff, woff


@njit(cache=True, nogil=True, _nrt=False)
def forward(sizes, aoff, boff, woff, w, b, X, p, acts, ins):
    """Rule (1) with the logistic sigmoid, layer by layer; fills ``acts`` and ``ins``."""
    for j in range(sizes[0]):
        acts[j] = X[p, j]
    for l in range(sizes.shape[0] - 1):
        nin = sizes[l]
        for i in range(sizes[l + 1]):
            s = b[boff[l] + i]
            row = woff[l] + i * nin
            for j in range(nin):
                s += w[row + j] * acts[aoff[l] + j]
            ins[boff[l] + i] = s
            acts[aoff[l + 1] + i] = 1.0 / (1.0 + np.exp(-s))


@njit(cache=True, nogil=True, _nrt=False)
def output_deltas(sizes, aoff, boff, acts, Y, p, deltas):
    """Rule (5); returns the pattern's error J_p (eq. 2)."""
    nl = sizes.shape[0]
    jp = 0.0
    for i in range(sizes[nl - 1]):
        x = acts[aoff[nl - 1] + i]
        e = Y[p, i] - x
        deltas[boff[nl - 2] + i] = e * x * (1.0 - x)
        jp += 0.5 * e * e
    return jp


@njit(cache=True, nogil=True, _nrt=False)
def flat_output_deltas(sizes, aoff, boff, acts, Y, p, q, deltas):
    """Rule (5) with f' raised to q, scaled to agree at f' = 1/4: e·f'^q·4^(q-1).  q < 1 keeps a
    saturated output that is wrong learning (q = 0: the cross-entropy error's δ, scaled)."""
    nl = sizes.shape[0]
    for i in range(sizes[nl - 1]):
        x = acts[aoff[nl - 1] + i]
        deltas[boff[nl - 2] + i] = (Y[p, i] - x) * (4.0 * x * (1.0 - x)) ** q * 0.25


@njit(cache=True, nogil=True, _nrt=False)
def hidden_deltas(sizes, aoff, boff, woff, w, acts, deltas):
    """Rule (6), from the top hidden layer down."""
    for l in range(sizes.shape[0] - 2, 0, -1):
        n, nup = sizes[l], sizes[l + 1]
        for i in range(n):
            s = 0.0
            for h in range(nup):
                s += deltas[boff[l] + h] * w[woff[l] + h * n + i]
            x = acts[aoff[l] + i]
            deltas[boff[l - 1] + i] = x * (1.0 - x) * s


@njit(cache=True, nogil=True, _nrt=False)
def delta_updates(sizes, aoff, boff, woff, acts, deltas, rate, dw, db):
    """Rule (3): Δw_ij = γ δ_i x_j and Δθ_i = γ δ_i."""
    for l in range(sizes.shape[0] - 1):
        nin = sizes[l]
        for i in range(sizes[l + 1]):
            d = rate * deltas[boff[l] + i]
            db[boff[l] + i] = d
            row = woff[l] + i * nin
            for j in range(nin):
                dw[row + j] = d * acts[aoff[l] + j]


@njit(cache=True, nogil=True, _nrt=False)
def mean_error(sizes, aoff, boff, woff, w, b, X, Y, acts, ins):
    """Mean over patterns of J_p (eq. 2)."""
    return error_sum(sizes, aoff, boff, woff, w, b, X, Y, acts, ins, 0, X.shape[0], 0.0) / max(X.shape[0], 1)


@njit(cache=True, nogil=True, _nrt=False)
def error_sum(sizes, aoff, boff, woff, w, b, X, Y, acts, ins, lo, hi, total):
    """``total`` plus J_p of patterns [lo, hi), added one by one: blocks in order, divided by the
    pattern count at the end, give ``mean_error`` bit for bit."""
    top = aoff[sizes.shape[0] - 1]
    for p in range(lo, hi):
        forward(sizes, aoff, boff, woff, w, b, X, p, acts, ins)
        jp = 0.0
        for i in range(Y.shape[1]):
            e = Y[p, i] - acts[top + i]
            jp += 0.5 * e * e
        total += jp
    return total


@njit(cache=True, nogil=True)
def predict(sizes, w, b, X):
    aoff, boff, woff = offsets(sizes)
    acts = np.empty(aoff[-1])
    ins = np.empty(boff[-1])
    out = np.empty((X.shape[0], sizes[-1]))
    for p in range(X.shape[0]):
        forward(sizes, aoff, boff, woff, w, b, X, p, acts, ins)
        out[p] = acts[aoff[-2]:aoff[-1]]
    return out


@njit(cache=True, nogil=True, _nrt=False)
def full_features(sizes, aoff, w, b, acts, Y, p, feat_hidden, feats):
    """The full-network learner's input (row 0 of ``feats``): w, θ, x, [hidden activations],
    outputs, ev."""
    nl = sizes.shape[0]
    k = 0
    for q in range(w.shape[0]):
        feats[0, k] = w[q]
        k += 1
    for q in range(b.shape[0]):
        feats[0, k] = b[q]
        k += 1
    for q in range(sizes[0]):
        feats[0, k] = acts[q]
        k += 1
    for q in range(sizes[0] if feat_hidden else aoff[nl - 1], aoff[nl]):
        feats[0, k] = acts[q]
        k += 1
    for q in range(sizes[nl - 1]):
        feats[0, k] = Y[p, q]
        k += 1


@njit(cache=True, nogil=True, _nrt=False)
def full_updates(sizes, aoff, w, b, acts, Y, p, feat_hidden, lsizes, laoff, lboff, lwoff, lw, lb,
                 in_shift, in_scale, out_shift, out_scale, feats, lacts, lins, dw, db):
    """Full-network mode: the learner maps the whole state to every Δw, Δθ at once."""
    full_features(sizes, aoff, w, b, acts, Y, p, feat_hidden, feats)
    for k in range(feats.shape[1]):
        feats[0, k] = (feats[0, k] - in_shift[k]) / in_scale[k]
    forward(lsizes, laoff, lboff, lwoff, lw, lb, feats, 0, lacts, lins)
    y0 = laoff[lsizes.shape[0] - 1]
    nw = w.shape[0]
    for q in range(nw):
        dw[q] = out_shift[q] + out_scale[q] * (lacts[y0 + q] - 0.5)
    for q in range(b.shape[0]):
        db[q] = out_shift[nw + q] + out_scale[nw + q] * (lacts[y0 + nw + q] - 0.5)


@njit(cache=True, nogil=True, _nrt=False)
def fixed_updates(sizes, aoff, w, b, acts, Y, p, feat_hidden, mode, lsizes, laoff, lboff, lwoff, lw,
                  lb, in_shift, in_scale, out_shift, out_scale, feats, lacts, lins, gate, dw, db):
    """Gated full-network mode: Δ_q = Σ_o gate_o g_oq(state), so the step is exactly 0 where the
    output error is (and, gate δ_o, where the output saturates), as backprop's is."""
    full_features(sizes, aoff, w, b, acts, Y, p, feat_hidden, feats)
    for k in range(feats.shape[1]):
        feats[0, k] = (feats[0, k] - in_shift[k]) / in_scale[k]
    forward(lsizes, laoff, lboff, lwoff, lw, lb, feats, 0, lacts, lins)
    nl = sizes.shape[0]
    nout = sizes[nl - 1]
    top = aoff[nl - 1]
    y0 = laoff[lsizes.shape[0] - 1]
    nw, npar = w.shape[0], w.shape[0] + b.shape[0]
    for o in range(nout):
        out = acts[top + o]
        e = Y[p, o] - out
        gate[o] = e * out * (1.0 - out) if mode == FIXED_DELTA else e
    for q in range(npar):
        v = 0.0
        for o in range(nout):
            k = o * npar + q
            v += gate[o] * (out_shift[k] + out_scale[k] * (lacts[y0 + k] - 0.5))
        if q < nw:
            dw[q] = v
        else:
            db[q - nw] = v


@njit(cache=True, nogil=True, _nrt=False)
def ell_parts(mode, wv, d, fp, lw, lb, in_shift, in_scale, H, part):
    """The share of ℓ's first-layer pre-activations that depends on the link i -> h only:
    part[0, u] = θ_u + w_u1·z(w_hi) + w_u2·z(δ_h) + w_u3·z(f'_i), formed once for every source
    j; part[1, u] is the same with -δ_h (used by the raw encoding).  The rule (6) form has no x
    input: its columns 0, 1, 2 are w, δ, f' and part[0] is its whole pre-activation."""
    nin = 3 if mode == LOCAL6_LOG else 4
    c = nin - 3
    if mode == LOCAL_LOG or mode == LOCAL6_LOG:
        z1 = (np.log(abs(wv)) - in_shift[c]) / in_scale[c]
        z2 = (np.log(abs(d)) - in_shift[c + 1]) / in_scale[c + 1]
        z3 = (np.log(max(fp, 1e-300)) - in_shift[c + 2]) / in_scale[c + 2]
        z2m = z2
    else:
        z1 = (wv - in_shift[1]) / in_scale[1]
        z2 = (d - in_shift[2]) / in_scale[2]
        z3 = (fp - in_shift[3]) / in_scale[3]
        z2m = (-d - in_shift[2]) / in_scale[2]
    for u in range(H):
        k = nin * u + c
        part[0, u] = lb[u] + lw[k] * z1 + lw[k + 1] * z2 + lw[k + 2] * z3
        part[1, u] = lb[u] + lw[k] * z1 + lw[k + 1] * z2m + lw[k + 2] * z3


@njit(cache=True, nogil=True, _nrt=False)
def ell_source(mode, x, lw, in_shift, in_scale, H, shares, j):
    """The source's share of the first-layer pre-activations, shares[j, u] = w_u0·z(x_j)."""
    z0 = ((np.log(abs(x)) if x != 0.0 else 0.0) if mode == LOCAL_LOG else x) - in_shift[0]
    for u in range(H):
        shares[j, u] = lw[4 * u] * (z0 / in_scale[0])


@njit(cache=True, nogil=True, _nrt=False)
def learner_rows(lsizes, laoff, lboff, lwoff, lw, lb, pre, nr, T, sums, y):
    """The learner's output y[r] for rows r < nr given their first hidden layer's
    pre-activations ``pre[r]``.  Rows go innermost, so their independent sums and exps overlap
    in the CPU; each row gets exactly the operations ``forward`` would do."""
    nls = lsizes.shape[0]
    for r in range(nr):
        for u in range(lsizes[1]):
            T[r, u] = 1.0 / (1.0 + np.exp(-pre[r, u]))
    for l in range(1, nls - 1):
        src, dst, nin = laoff[l] - laoff[1], laoff[l + 1] - laoff[1], lsizes[l]
        for k in range(lsizes[l + 1]):
            for r in range(nr):
                sums[r] = lb[lboff[l] + k]
            for jj in range(nin):
                wv = lw[lwoff[l] + k * nin + jj]
                for r in range(nr):
                    sums[r] += wv * T[r, src + jj]
            for r in range(nr):
                T[r, dst + k] = 1.0 / (1.0 + np.exp(-sums[r]))
    last = laoff[nls - 1] - laoff[1]
    for r in range(nr):
        y[r] = T[r, last]


@njit(cache=True, nogil=True, _nrt=False)
def ell_values(mode, y, r, sign, out_shift, out_scale):
    """ℓ from the learner's output(s) at row r.  LOCAL_LOG: the output is log|ℓ| and the sign
    sign(x_j)·sign(w_hi)·sign(δ_h) is given.  LOCAL_RAW: rows r, r+1 hold the outputs for δ and
    -δ, and ℓ is their odd part (ℓ(δ) - ℓ(-δ)) / 2."""
    if mode == LOCAL_LOG:
        return sign * np.exp(out_shift[0] + out_scale[0] * (y[r] - 0.5))
    return out_scale[0] * 0.5 * (y[r] - y[r + 1])


@njit(cache=True, nogil=True, _nrt=False)
def rule6_layer(sizes, aoff, boff, woff, w, acts, deltas, rate, mode, l, lsizes, laoff, lboff,
                lwoff, lw, lb, in_shift, in_scale, out_shift, out_scale, part, pre, T, sums, y,
                row_sign, dw, db):
    """Rule (6) form on hidden layer l: δ_i = Σ_h ℓ(w_hi, δ_h, f'_i), then rule (3) exactly,
    Δw_ij = γ δ_i x_j and Δθ_i = γ δ_i.  x_j never enters ℓ, so ℓ needs no idea of how an
    update scales with it.  A zero w_hi or δ_h gives no share (log encoding's structural zero)."""
    n, nup, ndown = sizes[l], sizes[l + 1], sizes[l - 1]
    H = lsizes[1]
    for i in range(n):
        a = acts[aoff[l] + i]
        fp = a * (1.0 - a)
        s = 0.0
        nr = 0
        for h in range(nup):
            wv = w[woff[l] + h * n + i]
            d = deltas[boff[l] + h]
            if mode == ORACLE6:
                s += fp * wv * d
                continue
            if wv == 0.0 or d == 0.0:
                continue
            ell_parts(mode, wv, d, fp, lw, lb, in_shift, in_scale, H, part)
            for u in range(H):
                pre[nr, u] = part[0, u]
            row_sign[nr] = 1.0 if (wv > 0.0) == (d > 0.0) else -1.0
            nr += 1
        if nr:
            learner_rows(lsizes, laoff, lboff, lwoff, lw, lb, pre, nr, T, sums, y)
        for r in range(nr):
            s += ell_values(LOCAL_LOG, y, r, row_sign[r], out_shift, out_scale)
        deltas[boff[l - 1] + i] = s
        d = rate * s
        db[boff[l - 1] + i] = d
        row = woff[l - 1] + i * ndown
        for j in range(ndown):
            dw[row + j] = d * acts[aoff[l - 1] + j]


@njit(cache=True, nogil=True, _nrt=False)
def local_updates(sizes, aoff, boff, woff, w, acts, deltas, rate, mode, lsizes, laoff, lboff,
                  lwoff, lw, lb, in_shift, in_scale, out_shift, out_scale, part, shares, pre, T,
                  sums, y, row_j, row_sign, acc, dw, db):
    """Local-rule mode: output layer by rules (5)+(3); every hidden link by the shared ℓ.

    Δw_ij = γ Σ_h ℓ(x_j, w_hi, δ_h, f'_i); the bias is a link from a unit fixed at 1, and its sum
    is the δ_i handed to the layer below, so the rule runs down any depth.  A silent source
    (x_j = 0) or a settled error (δ_h = 0) moves nothing: built into the log encoding; in the raw
    one ℓ at x_j = 0 is subtracted.  ℓ's first-layer work is split into the part shared by every
    source j (``ell_parts``, per link i -> h) and each source's own (``ell_source``, per j); all
    of neuron i's learner runs then go through ``learner_rows`` together.
    """
    nl = sizes.shape[0]
    H = lsizes[1]
    raw = mode == LOCAL_RAW
    six = mode == LOCAL6_LOG or mode == ORACLE6
    for l in range(nl - 2, 0, -1):
        n, nup, ndown = sizes[l], sizes[l + 1], sizes[l - 1]
        if six:
            rule6_layer(sizes, aoff, boff, woff, w, acts, deltas, rate, mode, l, lsizes, laoff,
                        lboff, lwoff, lw, lb, in_shift, in_scale, out_shift, out_scale, part, pre,
                        T, sums, y, row_sign, dw, db)
            continue
        if mode != ORACLE:  # sources j, the bias unit (x = 1) at ndown, a silent one at ndown + 1
            for j in range(ndown + 2):
                x = acts[aoff[l - 1] + j] if j < ndown else (1.0 if j == ndown else 0.0)
                ell_source(mode, x, lw, in_shift, in_scale, H, shares, j)
        for i in range(n):
            a = acts[aoff[l] + i]
            fp = a * (1.0 - a)
            for j in range(ndown + 1):
                acc[j] = 0.0
            nr = 0
            for h in range(nup):
                wv = w[woff[l] + h * n + i]
                d = deltas[boff[l] + h]
                if mode == ORACLE:
                    for j in range(ndown + 1):
                        acc[j] += (acts[aoff[l - 1] + j] if j < ndown else 1.0) * fp * wv * d
                    continue
                if not raw and (wv == 0.0 or d == 0.0):
                    continue
                ell_parts(mode, wv, d, fp, lw, lb, in_shift, in_scale, H, part)
                # raw: the silent source first, then every source; each with +δ and -δ rows
                for jj in range(ndown + 2 if raw else ndown + 1):
                    j = (ndown + 1 if jj == 0 else jj - 1) if raw else jj
                    x = acts[aoff[l - 1] + j] if j < ndown else (1.0 if j == ndown else 0.0)
                    if not raw and x == 0.0:
                        continue
                    for half in range(2 if raw else 1):
                        for u in range(H):
                            pre[nr, u] = part[half, u] + shares[j, u]
                        row_j[nr] = j
                        row_sign[nr] = 1.0 if ((wv > 0.0) == (d > 0.0)) == (x > 0.0) else -1.0
                        nr += 1
            if nr:
                learner_rows(lsizes, laoff, lboff, lwoff, lw, lb, pre, nr, T, sums, y)
            silent = 0.0
            for r in range(0, nr, 2 if raw else 1):
                e = ell_values(mode, y, r, row_sign[r], out_shift, out_scale)
                if row_j[r] == ndown + 1:
                    silent = e
                else:
                    acc[row_j[r]] += e - silent
            deltas[boff[l - 1] + i] = acc[ndown]
            db[boff[l - 1] + i] = rate * acc[ndown]
            row = woff[l - 1] + i * ndown
            for j in range(ndown):
                dw[row + j] = rate * acc[j]
    # output layer: rule (3) with the rule-(5) deltas
    lo = nl - 2
    nin = sizes[lo]
    for i in range(sizes[lo + 1]):
        d = rate * deltas[boff[lo] + i]
        db[boff[lo] + i] = d
        row = woff[lo] + i * nin
        for j in range(nin):
            dw[row + j] = d * acts[aoff[lo] + j]


@njit(cache=True, nogil=True, _nrt=False)
def record(S, r, w, b, acts, aoff, sizes, Y, p, ins, deltas, dw, db):
    """One sample row: w, θ, x, outputs, ev, in, f'(in), δ, Δw, Δθ (see ``samples.field_widths``)."""
    nl = sizes.shape[0]
    k = 0
    for q in range(w.shape[0]):
        S[r, k] = w[q]
        k += 1
    for q in range(b.shape[0]):
        S[r, k] = b[q]
        k += 1
    for q in range(sizes[0]):
        S[r, k] = acts[q]
        k += 1
    for q in range(aoff[nl - 1], aoff[nl]):
        S[r, k] = acts[q]
        k += 1
    for q in range(sizes[nl - 1]):
        S[r, k] = Y[p, q]
        k += 1
    for q in range(b.shape[0]):
        S[r, k] = ins[q]
        k += 1
    for q in range(b.shape[0]):
        a = acts[sizes[0] + q]
        S[r, k] = a * (1.0 - a)
        k += 1
    for q in range(b.shape[0]):
        S[r, k] = deltas[q]
        k += 1
    for q in range(w.shape[0]):
        S[r, k] = dw[q]
        k += 1
    for q in range(b.shape[0]):
        S[r, k] = db[q]
        k += 1


@njit(cache=True, nogil=True, _nrt=False)
def scale_layer(sizes, boff, woff, l, f, dw, db):
    """Multiply weight layer l's (Δw, Δθ) by f."""
    for q in range(woff[l], woff[l] + sizes[l + 1] * sizes[l]):
        dw[q] *= f
    for q in range(boff[l], boff[l] + sizes[l + 1]):
        db[q] *= f


@njit(cache=True, nogil=True, _nrt=False)
def scale_layers(sizes, boff, woff, layer_rate, dw, db):
    """Multiply weight layer l's (Δw, Δθ) by ``layer_rate[l]``: two-rate backprop and friends."""
    for l in range(sizes.shape[0] - 1):
        scale_layer(sizes, boff, woff, l, layer_rate[l], dw, db)


@njit(cache=True, nogil=True, _nrt=False)
def gain_steps(nb, nw, rate, mu, b2, state, dw, db):
    """Delta-bar-delta (Jacobs 1988) as hypergradient descent on each update's log-gain s (Baydin
    et al. 2018): s grows by μ·u·h where this step's normalised update u (÷ γ) agrees with h, the
    running mean (β2) of the earlier ones, and shrinks where they disagree, so a link that keeps
    going one way over a cycle speeds up and one that overshoots slows down; comparing with a
    running mean, not the last update, because in online learning the next pattern's update
    points elsewhere whatever the step.  |s| ≤ GAIN_LOG_MAX.  state holds s then h after the
    stage's other slots, weights first."""
    gs = 1 + 2 * nb + 2 * nw
    gu = gs + nw + nb
    for q in range(nw + nb):
        u = (dw[q] if q < nw else db[q - nw]) / rate
        s = min(GAIN_LOG_MAX, max(-GAIN_LOG_MAX, state[gs + q] + mu * u * state[gu + q]))
        state[gs + q] = s
        state[gu + q] = b2 * state[gu + q] + (1.0 - b2) * u
        if q < nw:
            dw[q] *= np.exp(s)
        else:
            db[q - nw] *= np.exp(s)


@njit(cache=True, nogil=True, _nrt=False)
def trust_steps(sizes, boff, woff, c, a, cap, first, gate, aoff, acts, w, b, dw, db):
    """A neuron's (Δw, Δθ) × (r/c)^a where r, the root mean square of its incoming weights and
    bias, exceeds c: a step in proportion to the scale the neuron has grown to, as multiplicative
    rules take, where a normalised step alone moves every weight by ~γ whatever its size; at most
    × ``cap`` where it is > 0; for the neurons of layers ``first`` (0: the first hidden layer) on.
    With ``gate`` g > 0 a hidden neuron's growth is scaled by min(1, f'(in)/g): a neuron grown into
    saturation (f' near 0) stops growing its step, which otherwise feeds the growth."""
    last = aoff.shape[0] - 3   # the output layer's weights (aoff has a layer count + 1 entries)
    for l in range(first, sizes.shape[0] - 1):
        nin = sizes[l]
        for i in range(sizes[l + 1]):
            q = boff[l] + i
            row = woff[l] + i * nin
            ss = b[q] * b[q]
            for j in range(nin):
                ss += w[row + j] * w[row + j]
            r = np.sqrt(ss / (nin + 1.0))
            if r > c:
                f = (r / c) ** a
                if cap > 0.0 and f > cap:
                    f = cap
                if gate > 0.0 and l < last:
                    x = acts[aoff[l + 1] + i]
                    f = 1.0 + (f - 1.0) * min(1.0, x * (1.0 - x) / gate)
                db[q] *= f
                for j in range(nin):
                    dw[row + j] *= f


@njit(cache=True, nogil=True, _nrt=False)
def adapt_updates(sizes, boff, woff, rate, adapt, state, aoff, acts, w, b, dw, db):
    """The adaptive update stage (``ADAPT_*``): a running |δ| scale per neuron and the link's
    previous update, local to the neuron and the link, carried across steps in ``state``."""
    t = state[0] + 1.0
    state[0] = t
    nb, nw = db.shape[0], dw.shape[0]
    p, b2, eps, bm = adapt[ADAPT_P], adapt[ADAPT_BETA2], adapt[ADAPT_EPS], adapt[ADAPT_MOMENTUM]
    tau = adapt[ADAPT_ANNEAL]
    link = adapt[ADAPT_LINK] != 0.0
    lv = 1 + 2 * nb + nw   # where the per-link scales start in state
    if p != 0.0:
        corr = 1.0 - b2 ** t
        for l in range(sizes.shape[0] - 1):
            nin = sizes[l]
            for i in range(sizes[l + 1]):
                q = boff[l] + i
                g = db[q] / rate if rate != 0.0 else 0.0
                v = b2 * state[1 + q] + (1.0 - b2) * g * g
                state[1 + q] = v
                f = (v / corr + eps * eps) ** (-0.5 * p)
                db[q] *= f
                row = woff[l] + i * nin
                for j in range(nin):
                    if link:
                        g = dw[row + j] / rate if rate != 0.0 else 0.0
                        v = b2 * state[lv + row + j] + (1.0 - b2) * g * g
                        state[lv + row + j] = v
                        f = (v / corr + eps * eps) ** (-0.5 * p)
                    dw[row + j] *= f
    mu = adapt[ADAPT_GAIN]
    if mu != 0.0 and rate != 0.0:  # a gain per weight and bias, learned as the run goes
        gain_steps(nb, nw, rate, mu, b2, state, dw, db)
    if adapt[ADAPT_TRUST] > 0.0 and t > adapt[ADAPT_TRUST_DELAY]:
        o = adapt[ADAPT_TRUST_LAYERS]
        if o == 0.0 and t <= adapt[ADAPT_TRUST_HIDDEN_AFTER] * adapt[ADAPT_STEPS]:
            o = 1.0   # the hidden neurons' growth waits for its share of the run
        first = sizes.shape[0] - 2 if o == 1.0 else 0               # the output layer on
        upto = sizes.shape[0] - 1 if o == 2.0 else sizes.shape[0]   # all but the output layer
        trust_steps(sizes[:upto], boff, woff, adapt[ADAPT_TRUST], adapt[ADAPT_TRUST_POWER], adapt[ADAPT_TRUST_CAP],
                    first, adapt[ADAPT_TRUST_GATE], aoff, acts, w, b, dw, db)
    h = adapt[ADAPT_HIDDEN]
    if h != 1.0:  # the hidden neurons' steps × h, the output neurons' as they are
        for l in range(sizes.shape[0] - 2):
            scale_layer(sizes, boff, woff, l, h, dw, db)
    fa = adapt[ADAPT_FANIN]
    if fa != 0.0:  # the link's step shrinks with the neuron's inputs: its input moves ~ γ·fan-in^(1-a)
        for l in range(sizes.shape[0] - 1):
            scale_layer(sizes, boff, woff, l, (sizes[l] + 1.0) ** -fa, dw, db)
    clock = (1.0 + t / tau) ** -0.5 if tau > 0.0 else 1.0
    if tau > 0.0:
        for q in range(nw):
            dw[q] *= clock
        for q in range(nb):
            db[q] *= clock
    d = adapt[ADAPT_DECAY]
    f = 1.0
    if d > 0.0:  # 1 until the last d·N steps, then down to 1/(d·N) at step N (0 past it)
        n = adapt[ADAPT_STEPS]
        f = min(1.0, max(0.0, (n - t + 1.0) / (d * n)))
    if f < 1.0:  # no pass over the updates before the decay begins
        for q in range(nw):
            dw[q] *= f
        for q in range(nb):
            db[q] *= f
    if bm != 0.0:  # bias-corrected like v̂, so the first step is a whole one
        corr = 1.0 - bm ** t
        for q in range(nw):
            m = bm * state[1 + nb + q] + (1.0 - bm) * dw[q]
            state[1 + nb + q] = m
            dw[q] = m / corr
        for q in range(nb):
            m = bm * state[1 + nb + nw + q] + (1.0 - bm) * db[q]
            state[1 + nb + nw + q] = m
            db[q] = m / corr
    sig = adapt[ADAPT_NOISE]
    if sig > 0.0 and (adapt[ADAPT_NOISE_UNTIL] == 0.0 or t <= adapt[ADAPT_NOISE_UNTIL] * adapt[ADAPT_STEPS]):
        s0 = sig * rate * f * clock   # f: the decay's factor
        key = np.uint64(state[state.shape[0] - 1])
        ti = np.uint64(t)
        for l in range(sizes.shape[0] - 1):
            nin = sizes[l]
            s1 = s0 * (sizes[l] + 1.0) ** -fa
            if h != 1.0 and l < sizes.shape[0] - 2:
                s1 *= h
            for i in range(sizes[l + 1]):
                q = boff[l] + i
                db[q] += s1 * noise_normal(key, ti, nw + q)
                row = woff[l] + i * nin
                for j in range(nin):
                    dw[row + j] += s1 * noise_normal(key, ti, row + j)


@njit(cache=True, nogil=True)
def scratch(sizes):
    """A net's offsets and one step's working arrays: activations, inputs, δ, Δw, Δθ."""
    aoff, boff, woff = offsets(sizes)
    return (aoff, boff, woff, np.empty(aoff[-1]), np.empty(boff[-1]), np.empty(boff[-1]), np.empty(woff[-1]),
            np.empty(boff[-1]))


@njit(cache=True, nogil=True, _nrt=False)
def apply_updates(w, b, dw, db):
    """w += Δw, θ += Δθ; True if a weight or bias left ±``DIVERGENCE_BOUND`` (or is not finite):
    the run diverged at this step."""
    bad = False
    for q in range(w.shape[0]):
        w[q] += dw[q]
        if not (abs(w[q]) <= DIVERGENCE_BOUND):
            bad = True
    for q in range(b.shape[0]):
        b[q] += db[q]
        if not (abs(b[q]) <= DIVERGENCE_BOUND):
            bad = True
    return bad


@njit(cache=True, nogil=True)
def train(sizes, w, b, X, Y, Xt, Yt, rate, cycles, mode, lsizes, lw, lb, in_shift, in_scale,
          out_shift, out_scale, feat_hidden, every, S, J, Jt):
    """Online training for ``cycles`` passes over (X, Y) in order, updating w, b in place.

    J[t] / Jt[t] get the mean training / test error after t cycles (J[0]: before training).
    Every ``every``-th step (0: never) a sample row goes to S.  Returns (cycle at which the run
    diverged or -1, number of sample rows written).
    """
    return train_ordered(sizes, w, b, X, Y, Xt, Yt, rate, cycles, mode, lsizes, lw, lb, in_shift,
                         in_scale, out_shift, out_scale, feat_hidden, every, S, J, Jt, -1, 0,
                         np.empty(0), np.empty(0), np.empty(0))


@njit(cache=True, nogil=True)
def train_ordered(sizes, w, b, X, Y, Xt, Yt, rate, cycles, mode, lsizes, lw, lb, in_shift, in_scale,
                  out_shift, out_scale, feat_hidden, every, S, J, Jt, order_seed, first_cycle, layer_rate,
                  adapt, state):
    """``train`` with two options.  ``order_seed`` in [0, 2**31): the patterns go in a random
    order every cycle, drawn from a generator seeded by (order_seed, cycle number) alone, so a
    run split into chunks (``first_cycle``: cycles already done) shuffles exactly as a whole one;
    -1: the paper's fixed order.  A non-empty ``layer_rate`` multiplies weight layer l's updates
    by layer_rate[l] (e.g. two-rate backprop: hidden layers at s·γ).  A non-empty ``adapt``
    applies the adaptive update stage (``adapt_updates``) with the caller's ``state``, which
    carries over from one call to the next (zeros at a run's start)."""
    if adapt.shape[0] > 0 and (adapt.shape[0] != ADAPT_SIZE or state.shape[0] != adapt_state_size(w.shape[0], b.shape[0])):
        raise ValueError("adapt needs ADAPT_SIZE parameters and a state of adapt_state_size")  # no silent overrun
    if adapt.shape[0] > 0 and (adapt[ADAPT_DECAY] > 0.0 or adapt[ADAPT_TRUST_HIDDEN_AFTER] > 0.0
                               or adapt[ADAPT_NOISE_UNTIL] > 0.0) and not adapt[ADAPT_STEPS] >= 1.0:
        raise ValueError("a decay, a late hidden growth or noise_until needs the run's budget in steps "
                         "(adapt[ADAPT_STEPS] >= 1)")
    if adapt.shape[0] > 0 and adapt[ADAPT_NOISE] > 0.0 and state[0] == 0.0:   # a run's start: its key
        state[state.shape[0] - 1] = noise_key(w, b)
    aoff, boff, woff, acts, ins, deltas, dw, db = scratch(sizes)
    laoff, lboff, lwoff = offsets(lsizes)
    lacts = np.empty(laoff[-1])
    lins = np.empty(lboff[-1])
    feats = np.empty((1, lsizes[0]))
    acc = np.empty(aoff[-1] + 1)
    gate = np.empty(sizes[-1])
    full = mode == FULL or mode == FIXED_DELTA or mode == FIXED_ERROR
    # the local rule's scratch only in its modes: plain backprop stays O(weights + patterns)
    link = mode == LOCAL_RAW or mode == LOCAL_LOG
    H, nmax = lsizes[1], sizes.max() if link or mode == LOCAL6_LOG else 0
    part = np.empty((2, H))
    shares = np.empty((nmax + 2, H))
    # learner rows per hidden neuron: link form (±δ) x outgoing links x sources; rule6 outgoing links
    rmax = max(1, 2 * nmax * (nmax + 2) if link else nmax)
    pre = np.empty((rmax, H))
    T = np.empty((rmax, laoff[-1] - laoff[1]))
    sums, y, row_sign = np.empty(rmax), np.empty(rmax), np.empty(rmax)
    row_j = np.empty(rmax, np.int64)
    has_test = Xt.shape[0] > 0
    J[0] = mean_error(sizes, aoff, boff, woff, w, b, X, Y, acts, ins)
    if has_test:
        Jt[0] = mean_error(sizes, aoff, boff, woff, w, b, Xt, Yt, acts, ins)
    if not np.isfinite(J[0]):  # an error too large to represent: as diverged as a run can be
        J[:] = np.nan
        if has_test:
            Jt[:] = np.nan
        return 0, 0
    step = 0
    rows = 0
    perm = np.arange(X.shape[0])
    for t in range(1, cycles + 1):
        if order_seed >= 0:  # numba's per-thread generator, reseeded every cycle
            np.random.seed((order_seed * 1000003 + first_cycle + t) % 4294967296)
            for k in range(X.shape[0]):
                perm[k] = k
            for k in range(X.shape[0] - 1, 0, -1):  # Fisher-Yates
                m = np.random.randint(0, k + 1)
                perm[k], perm[m] = perm[m], perm[k]
        for k in range(X.shape[0]):
            p = perm[k]
            forward(sizes, aoff, boff, woff, w, b, X, p, acts, ins)
            if mode == FULL:
                full_updates(sizes, aoff, w, b, acts, Y, p, feat_hidden, lsizes, laoff, lboff,
                             lwoff, lw, lb, in_shift, in_scale, out_shift, out_scale, feats,
                             lacts, lins, dw, db)
            elif mode == FIXED_DELTA or mode == FIXED_ERROR:
                fixed_updates(sizes, aoff, w, b, acts, Y, p, feat_hidden, mode, lsizes, laoff,
                              lboff, lwoff, lw, lb, in_shift, in_scale, out_shift, out_scale, feats,
                              lacts, lins, gate, dw, db)
            else:
                if adapt.shape[0] > 0 and adapt[ADAPT_FLAT] != 1.0:
                    flat_output_deltas(sizes, aoff, boff, acts, Y, p, adapt[ADAPT_FLAT], deltas)
                else:
                    output_deltas(sizes, aoff, boff, acts, Y, p, deltas)
                if mode == BACKPROP:
                    hidden_deltas(sizes, aoff, boff, woff, w, acts, deltas)
                    delta_updates(sizes, aoff, boff, woff, acts, deltas, rate, dw, db)
                else:
                    local_updates(sizes, aoff, boff, woff, w, acts, deltas, rate, mode, lsizes,
                                  laoff, lboff, lwoff, lw, lb, in_shift, in_scale, out_shift,
                                  out_scale, part, shares, pre, T, sums, y, row_j, row_sign,
                                  acc, dw, db)
            if layer_rate.shape[0] > 0:
                scale_layers(sizes, boff, woff, layer_rate, dw, db)
            if adapt.shape[0] > 0:
                adapt_updates(sizes, boff, woff, rate, adapt, state, aoff, acts, w, b, dw, db)
            if every > 0 and step % every == 0 and rows < S.shape[0]:
                if full:  # deltas are not defined in full modes; keep the row honest
                    deltas[:] = np.nan
                record(S, rows, w, b, acts, aoff, sizes, Y, p, ins, deltas, dw, db)
                rows += 1
            step += 1
            if apply_updates(w, b, dw, db):
                J[t:] = np.nan
                if has_test:
                    Jt[t:] = np.nan
                return t, rows
        J[t] = mean_error(sizes, aoff, boff, woff, w, b, X, Y, acts, ins)
        if has_test:
            Jt[t] = mean_error(sizes, aoff, boff, woff, w, b, Xt, Yt, acts, ins)
        if not np.isfinite(J[t]):
            J[t:] = np.nan
            if has_test:
                Jt[t:] = np.nan
            return t, rows
    return -1, rows


@njit(cache=True, nogil=True)
def train_rows(sizes, w, b, X, Y, rate, lo, hi):
    """Plain online backprop (``train``'s BACKPROP step, fixed order) over rows [lo, hi) of (X, Y),
    updating w, b in place: a cycle of ``train`` cut into blocks, so that a long one can be
    interrupted between them.  Returns the row whose update diverged (``train`` stops there too)
    or -1."""
    aoff, boff, woff, acts, ins, deltas, dw, db = scratch(sizes)
    for p in range(lo, hi):
        forward(sizes, aoff, boff, woff, w, b, X, p, acts, ins)
        output_deltas(sizes, aoff, boff, acts, Y, p, deltas)
        hidden_deltas(sizes, aoff, boff, woff, w, acts, deltas)
        delta_updates(sizes, aoff, boff, woff, acts, deltas, rate, dw, db)
        if apply_updates(w, b, dw, db):
            return p
    return -1


@njit(cache=True, nogil=True)
def error_rows(sizes, w, b, X, Y, lo, hi, total):
    """``total`` plus the errors J_p of rows [lo, hi), added one by one as ``mean_error`` adds
    them: blocks in order, divided by the row count at the end, give its mean bit for bit."""
    aoff, boff, woff = offsets(sizes)
    return error_sum(sizes, aoff, boff, woff, w, b, X, Y, np.empty(aoff[-1]), np.empty(boff[-1]), lo, hi, total)


@njit(cache=True, nogil=True, parallel=True)
def train_batch(sizes, W, B, X, Y, Xt, Yt, rate, cycles, mode, lsizes, lw, lb, in_shift,
                in_scale, out_shift, out_scale, feat_hidden, JJ, JJt, diverged):
    """Many independent runs (one row of W, B per seed) in parallel over cores."""
    S = np.empty((0, 1))
    for r in prange(W.shape[0]):
        diverged[r] = train(sizes, W[r], B[r], X, Y, Xt, Yt, rate, cycles, mode, lsizes, lw, lb,
                            in_shift, in_scale, out_shift, out_scale, feat_hidden, 0, S, JJ[r],
                            JJt[r])[0]


@njit(cache=True, nogil=True, parallel=True)
def train_batch_ordered(sizes, W, B, X, Y, Xt, Yt, rate, cycles, mode, lsizes, lw, lb, in_shift,
                        in_scale, out_shift, out_scale, feat_hidden, order_seeds, first_cycle,
                        layer_rate, adapt, states, JJ, JJt, diverged):
    """``train_batch`` with ``train_ordered``'s options, one order seed per run."""
    S = np.empty((0, 1))
    for r in prange(W.shape[0]):
        diverged[r] = train_ordered(sizes, W[r], B[r], X, Y, Xt, Yt, rate, cycles, mode, lsizes,
                                    lw, lb, in_shift, in_scale, out_shift, out_scale, feat_hidden,
                                    0, S, JJ[r], JJt[r], order_seeds[r], first_cycle, layer_rate,
                                    adapt, states[r])[0]


@njit(cache=True, nogil=True)
def ell_batch(mode, lsizes, lw, lb, in_shift, in_scale, out_shift, out_scale, V):
    """ℓ on rows (x_j, w_hi, δ_h, f'_i) of ``V``, computed as ``local_updates`` applies it: the
    link's contribution to Δw_ij / γ (rule (6) form: x_j · ℓ(w_hi, δ_h, f'_i))."""
    out = np.zeros(V.shape[0])
    if mode == ORACLE:
        for r in range(V.shape[0]):
            out[r] = V[r, 0] * V[r, 3] * V[r, 1] * V[r, 2]
        return out
    if mode == ORACLE6:
        for r in range(V.shape[0]):
            out[r] = V[r, 0] * (V[r, 3] * V[r, 1] * V[r, 2])
        return out
    laoff, lboff, lwoff = offsets(lsizes)
    H = lsizes[1]
    part, shares, pre = np.empty((2, H)), np.empty((2, H)), np.empty((4, H))
    T = np.empty((4, laoff[-1] - laoff[1]))
    sums, y = np.empty(4), np.empty(4)
    raw = mode == LOCAL_RAW
    for r in range(V.shape[0]):
        x, wv, d, fp = V[r, 0], V[r, 1], V[r, 2], V[r, 3]
        if not raw and (x == 0.0 or wv == 0.0 or d == 0.0):
            continue
        ell_parts(mode, wv, d, fp, lw, lb, in_shift, in_scale, H, part)
        if mode == LOCAL6_LOG:  # x_j's share of Δw_ij is rule (3)'s exact product
            learner_rows(lsizes, laoff, lboff, lwoff, lw, lb, part, 1, T, sums, y)
            sign = 1.0 if (wv > 0.0) == (d > 0.0) else -1.0
            out[r] = x * ell_values(LOCAL_LOG, y, 0, sign, out_shift, out_scale)
            continue
        ell_source(mode, x, lw, in_shift, in_scale, H, shares, 0)
        ell_source(mode, 0.0, lw, in_shift, in_scale, H, shares, 1)
        rows = 0
        for jj in range(2 if raw else 1):  # raw: the silent source's rows (shares[1]) first
            j = 1 - jj if raw else 0
            for half in range(2 if raw else 1):
                for u in range(H):
                    pre[rows, u] = part[half, u] + shares[j, u]
                rows += 1
        learner_rows(lsizes, laoff, lboff, lwoff, lw, lb, pre, rows, T, sums, y)
        sign = 1.0 if ((wv > 0.0) == (d > 0.0)) == (x > 0.0) else -1.0
        if raw:
            silent = ell_values(mode, y, 0, sign, out_shift, out_scale)
            out[r] = ell_values(mode, y, 2, sign, out_shift, out_scale) - silent
        else:
            out[r] = ell_values(mode, y, 0, sign, out_shift, out_scale)
    return out
