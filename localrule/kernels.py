"""Numba kernels: the hot loops, as plain functions over float64 arrays (layout in ``layout.py``).

One training loop serves every learning rule so that the modes differ only in how a step's
(Δw, Δθ) is produced: exact backprop (rules 3, 5, 6), the full-network learner (its outputs
replace 3, 5, 6), or the local rule ℓ (replaces 6; the oracle variant plugs in the exact product).
Kernels release the GIL (``nogil``) so that the app's worker thread never starves its window.
"""

import numpy as np
from numba import njit, prange

BACKPROP, FULL, LOCAL_RAW, LOCAL_LOG, ORACLE = 0, 1, 2, 3, 4

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


@njit(cache=True, nogil=True)
def forward(sizes, aoff, boff, woff, w, b, xin, acts, ins):
    """Rule (1) with the logistic sigmoid, layer by layer; fills ``acts`` and ``ins``."""
    for j in range(sizes[0]):
        acts[j] = xin[j]
    for l in range(sizes.shape[0] - 1):
        nin = sizes[l]
        for i in range(sizes[l + 1]):
            s = b[boff[l] + i]
            row = woff[l] + i * nin
            for j in range(nin):
                s += w[row + j] * acts[aoff[l] + j]
            ins[boff[l] + i] = s
            acts[aoff[l + 1] + i] = 1.0 / (1.0 + np.exp(-s))


@njit(cache=True, nogil=True)
def output_deltas(sizes, aoff, boff, acts, ev, deltas):
    """Rule (5); returns the pattern's error J_p (eq. 2)."""
    nl = sizes.shape[0]
    jp = 0.0
    for i in range(sizes[nl - 1]):
        x = acts[aoff[nl - 1] + i]
        e = ev[i] - x
        deltas[boff[nl - 2] + i] = e * x * (1.0 - x)
        jp += 0.5 * e * e
    return jp


@njit(cache=True, nogil=True)
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


@njit(cache=True, nogil=True)
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


@njit(cache=True, nogil=True)
def mean_error(sizes, aoff, boff, woff, w, b, X, Y, acts, ins):
    """Mean over patterns of J_p (eq. 2)."""
    top = aoff[sizes.shape[0] - 1]
    total = 0.0
    for p in range(X.shape[0]):
        forward(sizes, aoff, boff, woff, w, b, X[p], acts, ins)
        jp = 0.0
        for i in range(Y.shape[1]):
            e = Y[p, i] - acts[top + i]
            jp += 0.5 * e * e
        total += jp
    return total / max(X.shape[0], 1)


@njit(cache=True, nogil=True)
def predict(sizes, w, b, X):
    aoff, boff, woff = offsets(sizes)
    acts = np.empty(aoff[-1])
    ins = np.empty(boff[-1])
    out = np.empty((X.shape[0], sizes[-1]))
    for p in range(X.shape[0]):
        forward(sizes, aoff, boff, woff, w, b, X[p], acts, ins)
        out[p] = acts[aoff[-2]:aoff[-1]]
    return out


@njit(cache=True, nogil=True)
def learner_eval(lsizes, laoff, lboff, lwoff, lw, lb, feats, in_shift, in_scale, lacts, lins, lz):
    """Run the learning network on raw features; returns the view of its sigmoid outputs."""
    for k in range(feats.shape[0]):
        lz[k] = (feats[k] - in_shift[k]) / in_scale[k]
    forward(lsizes, laoff, lboff, lwoff, lw, lb, lz, lacts, lins)
    return lacts[laoff[-2]:laoff[-1]]


@njit(cache=True, nogil=True)
def full_features(sizes, aoff, w, b, acts, ev, feat_hidden, feats):
    """The full-network learner's input: w, θ, x, [hidden activations], outputs, ev."""
    nl = sizes.shape[0]
    k = 0
    for q in range(w.shape[0]):
        feats[k] = w[q]
        k += 1
    for q in range(b.shape[0]):
        feats[k] = b[q]
        k += 1
    for q in range(sizes[0]):
        feats[k] = acts[q]
        k += 1
    for q in range(sizes[0] if feat_hidden else aoff[nl - 1], aoff[nl]):
        feats[k] = acts[q]
        k += 1
    for q in range(sizes[nl - 1]):
        feats[k] = ev[q]
        k += 1


@njit(cache=True, nogil=True)
def _learner_layers(lsizes, laoff, lboff, lwoff, lw, lb, lacts, first):
    """Learner layers ``first``.. of rule (1), the inputs already in ``lacts``; as ``forward``
    computes them (same operations in the same order), without storing ``in`` or slicing."""
    for l in range(first, lsizes.shape[0] - 1):
        nin = lsizes[l]
        for i in range(lsizes[l + 1]):
            s = lb[lboff[l] + i]
            row = lwoff[l] + i * nin
            for j in range(nin):
                s += lw[row + j] * lacts[laoff[l] + j]
            lacts[laoff[l + 1] + i] = 1.0 / (1.0 + np.exp(-s))


@njit(cache=True, nogil=True)
def full_updates(sizes, aoff, w, b, acts, ev, feat_hidden, lsizes, laoff, lboff, lwoff, lw, lb,
                 in_shift, in_scale, out_shift, out_scale, feats, lacts, lins, lz, dw, db):
    """Full-network mode: the learner maps the whole state to every Δw, Δθ at once."""
    full_features(sizes, aoff, w, b, acts, ev, feat_hidden, feats)
    # learner_eval, with the standardised inputs written straight into the learner's input layer
    for k in range(feats.shape[0]):
        lacts[k] = (feats[k] - in_shift[k]) / in_scale[k]
    _learner_layers(lsizes, laoff, lboff, lwoff, lw, lb, lacts, 0)
    y0 = laoff[lsizes.shape[0] - 1]
    nw = w.shape[0]
    for q in range(nw):
        dw[q] = out_shift[q] + out_scale[q] * (lacts[y0 + q] - 0.5)
    for q in range(b.shape[0]):
        db[q] = out_shift[nw + q] + out_scale[nw + q] * (lacts[y0 + nw + q] - 0.5)


@njit(cache=True, nogil=True)
def ell(x, wv, d, fp, mode, lsizes, laoff, lboff, lwoff, lw, lb, in_shift, in_scale, out_shift,
        out_scale, lacts, lins, lz, feats):
    """One link-neighbourhood contribution ℓ(x_j, w_hi, δ_h, f'(in_i)) to Δw_ij / γ.

    LOCAL_LOG (default encoding): the learner sees log-magnitudes and predicts the log-magnitude;
    the sign is sign(w_hi)·sign(δ_h), i.e. ℓ is odd in w and in δ, and zero for a silent source.
    LOCAL_RAW: the learner sees the standardised raw values; ℓ is made odd in δ,
    (ℓ(δ) - ℓ(-δ)) / 2, so a settled network (δ = 0) gets no update.
    ORACLE: the exact product, to check the path against backprop.
    """
    if mode == ORACLE:
        return x * fp * wv * d
    if mode == LOCAL_LOG:
        if x == 0.0 or wv == 0.0 or d == 0.0:
            return 0.0
        feats[0] = np.log(abs(x))
        feats[1] = np.log(abs(wv))
        feats[2] = np.log(abs(d))
        feats[3] = np.log(max(fp, 1e-300))
        y = learner_eval(lsizes, laoff, lboff, lwoff, lw, lb, feats, in_shift, in_scale, lacts, lins, lz)[0]
        mag = np.exp(out_shift[0] + out_scale[0] * (y - 0.5))
        return mag if (wv > 0.0) == (d > 0.0) else -mag
    feats[0] = x
    feats[1] = wv
    feats[2] = d
    feats[3] = fp
    yp = learner_eval(lsizes, laoff, lboff, lwoff, lw, lb, feats, in_shift, in_scale, lacts, lins, lz)[0]
    feats[2] = -d
    ym = learner_eval(lsizes, laoff, lboff, lwoff, lw, lb, feats, in_shift, in_scale, lacts, lins, lz)[0]
    return out_scale[0] * 0.5 * (yp - ym)


@njit(cache=True, nogil=True)
def _link_terms(lsizes, lw, k, z, buf, o):
    """buf[o + u] = w_uk·z for every first-layer unit u of the learner (input k = z)."""
    for u in range(lsizes[1]):
        buf[o + u] = lw[u * lsizes[0] + k] * z


@njit(cache=True, nogil=True)
def _run_at(buf, orq, r, qo, p1, p2):
    """Record learner run r's first-layer offsets (see ``_learner_many``)."""
    buf[orq + 3 * r] = qo
    buf[orq + 3 * r + 1] = p1
    buf[orq + 3 * r + 2] = p2


@njit(cache=True, nogil=True)
def _learner_many(lsizes, laoff, lboff, lwoff, lw, lb, buf, nr, orq, o3, oT, os_, oy):
    """The learner's output for ``nr`` neighbourhoods at once (into buf[oy + r]), exactly as
    ``forward`` computes each (same operations, same order), interleaved so that runs overlap.

    The first-layer terms are precomputed in ``buf``: for run r, at offsets buf[orq + 3r + k]
    (k = 0, 1, 2; stored as floats), the source's share θ_u + w_u0·z_0 and the link's terms
    w_u1·z_1, w_u2·z_2, and the f' term w_u3·z_3 at o3 + u, so that ((share + term1) + term2)
    + term3 is the sum ``forward`` forms.  buf[oT + r·stride ...] holds the activations of every
    non-input learner unit of run r, buf[os_ + r] the running sums.
    """
    nls = lsizes.shape[0]
    stride = laoff[nls] - laoff[1]
    H = lsizes[1]
    for r in range(nr):
        qo, p1, p2 = int(buf[orq + 3 * r]), int(buf[orq + 3 * r + 1]), int(buf[orq + 3 * r + 2])
        row = oT + r * stride
        for u in range(H):
            z = buf[qo + u] + buf[p1 + u] + buf[p2 + u] + buf[o3 + u]
            buf[row + u] = 1.0 / (1.0 + np.exp(-z))
    for l in range(1, nls - 1):
        nin = lsizes[l]
        src = oT + laoff[l] - laoff[1]
        dst = oT + laoff[l + 1] - laoff[1]
        for k in range(lsizes[l + 1]):
            wrow = lwoff[l] + k * nin
            bk = lb[lboff[l] + k]
            for r in range(nr):
                buf[os_ + r] = bk
            for jj in range(nin):
                wv = lw[wrow + jj]
                for r in range(nr):
                    buf[os_ + r] += wv * buf[src + r * stride + jj]
            for r in range(nr):
                buf[dst + r * stride + k] = 1.0 / (1.0 + np.exp(-buf[os_ + r]))
    last = oT + laoff[nls - 1] - laoff[1]
    for r in range(nr):
        buf[oy + r] = buf[last + r * stride]


@njit(cache=True, nogil=True)
def local_updates(sizes, aoff, boff, woff, w, acts, deltas, rate, mode, lsizes, laoff, lboff,
                  lwoff, lw, lb, in_shift, in_scale, out_shift, out_scale, lacts, lins, lz, feats,
                  acc, dw, db):
    """Local-rule mode: output layer by rules (5)+(3); every hidden link by the shared ℓ.

    Δw_ij = γ Σ_h ℓ(x_j, w_hi, δ_h, f'_i); the bias is a link from a unit fixed at 1, and its sum
    is the δ_i handed to the layer below, so the rule runs down any depth.  In the raw encoding
    ℓ at x_j = 0 (once per link i -> h, shared by every j) is subtracted, so that a silent source
    neuron's links stay put, as under backprop (the log encoding has this built in).

    The numbers are bit-for-bit those of calling ``ell`` per (i, h, j); faster because each
    first-layer product of the learner is formed once where its input is shared (θ_u + w_u0·z_0
    per source j, w_u2·z_2 per target h, w_u3·z_3 per neuron i, w_u1·z_1 per link i -> h) and
    all of neuron i's learner runs go through ``_learner_many`` together.
    """
    nl = sizes.shape[0]
    learned = mode == LOCAL_LOG or mode == LOCAL_RAW
    H = lsizes[1] if learned else 0
    ndmax = 0
    numax = 0
    for l in range(nl - 2, 0, -1):
        ndmax = max(ndmax, sizes[l - 1])
        numax = max(numax, sizes[l + 1])
    # buf: per source j the share θ_u + w_u0·z_0 at j·H (j = ndown: the bias unit, ndown + 1:
    # x = 0); per target h the δ term at o2 + h·H (raw encoding: for -δ at o2m + h·H); the f'
    # term of neuron i at o3; the w term of link i -> h at o1 + h·H
    o2 = (ndmax + 2) * H
    o2m = o2 + numax * H
    o3 = o2m + numax * H
    o1 = o3 + H
    # learner runs per neuron i: (1 + ndown + 1) * 2 per target h at most (raw: ±δ, silent);
    # their activations T, sums s, outputs y and buf offsets (as floats: one allocation per step)
    rmax = 2 * numax * (ndmax + 2) if learned else 0
    stride = laoff[lsizes.shape[0]] - laoff[1]
    oT = o1 + numax * H
    os_ = oT + rmax * stride
    oy = os_ + rmax
    orq = oy + rmax
    buf = np.empty(orq + 3 * rmax if nl > 2 else 0)
    for l in range(nl - 2, 0, -1):
        n, nup, ndown = sizes[l], sizes[l + 1], sizes[l - 1]
        if learned:
            for j in range(ndown + 2):
                x = acts[aoff[l - 1] + j] if j < ndown else (1.0 if j == ndown else 0.0)
                if mode == LOCAL_LOG:
                    z = (np.log(abs(x)) - in_shift[0]) / in_scale[0] if x != 0.0 else 0.0
                else:
                    z = (x - in_shift[0]) / in_scale[0]
                for u in range(H):
                    buf[j * H + u] = lb[u] + lw[u * lsizes[0]] * z
            for h in range(nup):
                d = deltas[boff[l] + h]
                if mode == LOCAL_LOG:
                    if d != 0.0:
                        _link_terms(lsizes, lw, 2, (np.log(abs(d)) - in_shift[2]) / in_scale[2], buf, o2 + h * H)
                else:
                    _link_terms(lsizes, lw, 2, (d - in_shift[2]) / in_scale[2], buf, o2 + h * H)
                    _link_terms(lsizes, lw, 2, (-d - in_shift[2]) / in_scale[2], buf, o2m + h * H)
        for i in range(n):
            a = acts[aoff[l] + i]
            fp = a * (1.0 - a)
            for j in range(ndown + 1):
                acc[j] = 0.0
            if not learned:
                for h in range(nup):
                    wv = w[woff[l] + h * n + i]
                    d = deltas[boff[l] + h]
                    for j in range(ndown + 1):
                        x = acts[aoff[l - 1] + j] if j < ndown else 1.0
                        acc[j] += ell(x, wv, d, fp, mode, lsizes, laoff, lboff, lwoff, lw, lb, in_shift,
                                      in_scale, out_shift, out_scale, lacts, lins, lz, feats) - 0.0
            else:
                if mode == LOCAL_LOG:
                    _link_terms(lsizes, lw, 3, (np.log(max(fp, 1e-300)) - in_shift[3]) / in_scale[3], buf, o3)
                else:
                    _link_terms(lsizes, lw, 3, (fp - in_shift[3]) / in_scale[3], buf, o3)
                # the learner runs of neuron i, in the order they are summed below
                nr = 0
                for h in range(nup):
                    wv = w[woff[l] + h * n + i]
                    d = deltas[boff[l] + h]
                    p1 = o1 + h * H
                    if mode == LOCAL_LOG:
                        if wv == 0.0 or d == 0.0:
                            continue
                        _link_terms(lsizes, lw, 1, (np.log(abs(wv)) - in_shift[1]) / in_scale[1], buf, p1)
                        for j in range(ndown + 1):
                            if j == ndown or acts[aoff[l - 1] + j] != 0.0:
                                _run_at(buf, orq, nr, j * H, p1, o2 + h * H)
                                nr += 1
                    else:
                        _link_terms(lsizes, lw, 1, (wv - in_shift[1]) / in_scale[1], buf, p1)
                        for j in range(ndown + 2):
                            jj = ndown + 1 if j == 0 else j - 1  # x = 0 (the silent share) first
                            _run_at(buf, orq, nr, jj * H, p1, o2 + h * H)
                            _run_at(buf, orq, nr + 1, jj * H, p1, o2m + h * H)
                            nr += 2
                _learner_many(lsizes, laoff, lboff, lwoff, lw, lb, buf, nr, orq, o3, oT, os_, oy)
                r = 0
                for h in range(nup):
                    wv = w[woff[l] + h * n + i]
                    d = deltas[boff[l] + h]
                    if mode == LOCAL_LOG:
                        if wv == 0.0 or d == 0.0:
                            for j in range(ndown + 1):
                                acc[j] += 0.0 - 0.0
                            continue
                        positive = (wv > 0.0) == (d > 0.0)
                        for j in range(ndown + 1):
                            e = 0.0
                            if j == ndown or acts[aoff[l - 1] + j] != 0.0:
                                mag = np.exp(out_shift[0] + out_scale[0] * (buf[oy + r] - 0.5))
                                e = mag if positive else -mag
                                r += 1
                            acc[j] += e - 0.0
                    else:
                        silent = out_scale[0] * 0.5 * (buf[oy + r] - buf[oy + r + 1])
                        r += 2
                        for j in range(ndown + 1):
                            acc[j] += out_scale[0] * 0.5 * (buf[oy + r] - buf[oy + r + 1]) - silent
                            r += 2
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


@njit(cache=True, nogil=True)
def record(S, r, w, b, acts, aoff, sizes, ev, ins, deltas, dw, db):
    """One sample row: w, θ, x, outputs, ev, in, f'(in), δ, Δw, Δθ (see ``samples.FIELDS``)."""
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
        S[r, k] = ev[q]
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


@njit(cache=True, nogil=True)
def train(sizes, w, b, X, Y, Xt, Yt, rate, cycles, mode, lsizes, lw, lb, in_shift, in_scale,
          out_shift, out_scale, feat_hidden, every, S, J, Jt):
    """Online training for ``cycles`` passes over (X, Y) in order, updating w, b in place.

    J[t] / Jt[t] get the mean training / test error after t cycles (J[0]: before training).
    Every ``every``-th step (0: never) a sample row goes to S.  Returns (cycle at which the run
    diverged or -1, number of sample rows written).
    """
    aoff, boff, woff = offsets(sizes)
    acts = np.empty(aoff[-1])
    ins = np.empty(boff[-1])
    deltas = np.empty(boff[-1])
    dw = np.empty(w.shape[0])
    db = np.empty(b.shape[0])
    laoff, lboff, lwoff = offsets(lsizes)
    lacts = np.empty(laoff[-1])
    lins = np.empty(lboff[-1])
    lz = np.empty(lsizes[0])
    feats = np.empty(lsizes[0])
    acc = np.empty(aoff[-1] + 1)
    has_test = Xt.shape[0] > 0
    J[0] = mean_error(sizes, aoff, boff, woff, w, b, X, Y, acts, ins)
    if has_test:
        Jt[0] = mean_error(sizes, aoff, boff, woff, w, b, Xt, Yt, acts, ins)
    step = 0
    rows = 0
    for t in range(1, cycles + 1):
        for p in range(X.shape[0]):
            forward(sizes, aoff, boff, woff, w, b, X[p], acts, ins)
            if mode == FULL:
                full_updates(sizes, aoff, w, b, acts, Y[p], feat_hidden, lsizes, laoff, lboff,
                             lwoff, lw, lb, in_shift, in_scale, out_shift, out_scale, feats,
                             lacts, lins, lz, dw, db)
            else:
                output_deltas(sizes, aoff, boff, acts, Y[p], deltas)
                if mode == BACKPROP:
                    hidden_deltas(sizes, aoff, boff, woff, w, acts, deltas)
                    delta_updates(sizes, aoff, boff, woff, acts, deltas, rate, dw, db)
                else:
                    local_updates(sizes, aoff, boff, woff, w, acts, deltas, rate, mode, lsizes,
                                  laoff, lboff, lwoff, lw, lb, in_shift, in_scale, out_shift,
                                  out_scale, lacts, lins, lz, feats, acc, dw, db)
            if every > 0 and step % every == 0 and rows < S.shape[0]:
                if mode == FULL:  # deltas are not defined in full mode; keep the row honest
                    deltas[:] = np.nan
                record(S, rows, w, b, acts, aoff, sizes, Y[p], ins, deltas, dw, db)
                rows += 1
            step += 1
            bad = False
            for q in range(w.shape[0]):
                w[q] += dw[q]
                if not (abs(w[q]) <= DIVERGENCE_BOUND):
                    bad = True
            for q in range(b.shape[0]):
                b[q] += db[q]
                if not (abs(b[q]) <= DIVERGENCE_BOUND):
                    bad = True
            if bad:
                J[t:] = np.nan
                if has_test:
                    Jt[t:] = np.nan
                return t, rows
        J[t] = mean_error(sizes, aoff, boff, woff, w, b, X, Y, acts, ins)
        if has_test:
            Jt[t] = mean_error(sizes, aoff, boff, woff, w, b, Xt, Yt, acts, ins)
    return -1, rows


@njit(cache=True, nogil=True, parallel=True)
def train_batch(sizes, W, B, X, Y, Xt, Yt, rate, cycles, mode, lsizes, lw, lb, in_shift,
                in_scale, out_shift, out_scale, feat_hidden, JJ, JJt, diverged):
    """Many independent runs (one row of W, B per seed) in parallel over cores."""
    S = np.empty((0, 1))
    for r in prange(W.shape[0]):
        diverged[r] = train(sizes, W[r], B[r], X, Y, Xt, Yt, rate, cycles, mode, lsizes, lw, lb,
                            in_shift, in_scale, out_shift, out_scale, feat_hidden, 0, S, JJ[r],
                            JJt[r])[0]


@njit(cache=True, nogil=True)
def ell_batch(mode, lsizes, lw, lb, in_shift, in_scale, out_shift, out_scale, V):
    """ℓ on rows (x_j, w_hi, δ_h, f'_i) of ``V``, as ``local_updates`` applies it per link."""
    laoff, lboff, lwoff = offsets(lsizes)
    lacts = np.empty(laoff[-1])
    lins = np.empty(lboff[-1])
    lz = np.empty(lsizes[0])
    feats = np.empty(4)
    out = np.empty(V.shape[0])
    for r in range(V.shape[0]):
        silent = 0.0
        if mode == LOCAL_RAW:
            silent = ell(0.0, V[r, 1], V[r, 2], V[r, 3], mode, lsizes, laoff, lboff, lwoff, lw, lb,
                         in_shift, in_scale, out_shift, out_scale, lacts, lins, lz, feats)
        out[r] = ell(V[r, 0], V[r, 1], V[r, 2], V[r, 3], mode, lsizes, laoff, lboff, lwoff, lw, lb,
                     in_shift, in_scale, out_shift, out_scale, lacts, lins, lz, feats) - silent
    return out
