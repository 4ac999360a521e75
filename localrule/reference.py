"""Plain-numpy backprop, written from the paper's equations and independent of the kernels.

It is the test oracle for ``kernels.train`` and the baseline of the benchmark.
"""

import numpy as np

from .layout import bias_vectors, weight_matrices


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward(Ws, bs, x):
    """Rule (1): activations of every layer (inputs first) and the inputs ``in`` of each layer."""
    xs, ins = [np.asarray(x, float)], []
    for W, b in zip(Ws, bs):
        ins.append(W @ xs[-1] + b)
        xs.append(sigmoid(ins[-1]))
    return xs, ins


def deltas(Ws, xs, ev, flat=1.0):
    """Rules (5) and (6): δ of every non-input layer (``flat`` < 1: rule (5)'s f' flattened to
    f'^q·4^(q-1), the adaptive stage's q)."""
    out = xs[-1]
    ds = [(ev - out) * (out * (1 - out) if flat == 1.0 else (4 * out * (1 - out)) ** flat / 4)]
    for W, x in zip(Ws[:0:-1], xs[-2:0:-1]):
        ds.insert(0, x * (1 - x) * (W.T @ ds[0]))
    return ds


def error(Ws, bs, X, Y):
    """Mean over patterns of J_p (eq. 2)."""
    return float(np.mean([0.5 * np.sum((y - forward(Ws, bs, x)[0][-1]) ** 2) for x, y in zip(X, Y)]))


def train(sizes, w, b, X, Y, rate, cycles):
    """Online backprop; returns (w, b, J) with J[t] the mean error after t cycles."""
    w, b = w.copy(), b.copy()
    Ws, bs = weight_matrices(sizes, w), bias_vectors(sizes, b)  # views: updates land in w, b
    J = [error(Ws, bs, X, Y)]
    for _ in range(cycles):
        for x, y in zip(X, Y):
            xs, _ = forward(Ws, bs, x)
            ds = deltas(Ws, xs, y)
            for W, bv, d, xin in zip(Ws, bs, ds, xs):  # rule (3)
                W += rate * np.outer(d, xin)
                bv += rate * d
        J.append(error(Ws, bs, X, Y))
    return w, b, np.array(J)


def gradient(sizes, w, b, x, y):
    """dJ_p/dw and dJ_p/dθ via rules (3)-(6), i.e. -Δ/γ; the finite-difference tests check it."""
    Ws, bs = weight_matrices(sizes, w), bias_vectors(sizes, b)
    xs, _ = forward(Ws, bs, x)
    ds = deltas(Ws, xs, y)
    gw = np.concatenate([-np.outer(d, xin).ravel() for d, xin in zip(ds, xs)])
    gb = np.concatenate([-d for d in ds])
    return gw, gb


def train_adaptive(sizes, w, b, X, Y, rate, cycles, p, beta2, eps, momentum, flat=1.0, anneal=0.0, link=False,
                   decay=0.0, fan_in=0.0, gain=0.0, hidden=1.0, trust=0.0, trust_power=0.5,
                   trust_cap=0.0, trust_layers=0, trust_delay=0.0, trust_gate=0.0, trust_hidden_after=0.0,
                   noise=0.0, noise_until=0.0):
    """Online backprop with the adaptive update stage (``kernels.ADAPT_*``), written out per layer:
    each neuron's update divided by (v̂ + ε²)^(p/2), v̂ the bias-corrected running mean of δ² (with
    ``link``, each weight's by the running mean of its own (δ·x)²), then every update replaced by
    the bias-corrected running mean of its own past updates; rule (5)'s f' flattened by ``flat``;
    with ``anneal`` τ > 0 every update of step t times (1 + t/τ)^(-1/2); with ``decay`` d > 0, of
    the run's N steps, times min(1, (N - t + 1)/(d·N)); with ``fan_in`` a, a neuron's updates times
    (its inputs + 1)^(-a); with ``gain`` μ, each update u (÷ γ, after the normalisation) times e^s,
    s += μ·u·h clipped to ±log 16, h the running mean (β2) of the earlier u; with ``hidden`` the
    hidden layers' updates times it; with ``trust`` c, a neuron's updates times (r/c)^trust_power
    where r, the root mean square of its incoming weights and bias, is above c (at most
    ``trust_cap`` where it is > 0; with ``trust_layers`` 1 the output layer's neurons only, with 2
    the hidden layers' only; from step ``trust_delay`` + 1 on; with ``trust_gate`` g > 0 a hidden
    neuron's factor f is 1 + (f - 1)·min(1, a(1 - a)/g), a its output at the pattern; with
    ``trust_hidden_after`` s > 0 and every neuron's growth, the hidden neurons' only after step s·N;
    with ``noise`` σ > 0, last, each update plus σ × γ × its hidden, fan-in, clock and decay factors ×
    ``noise_normal`` of the run's key, the step and its index (weights first, then biases), up to
    step u·N where ``noise_until`` u > 0)."""
    w, b = w.copy(), b.copy()
    Ws, bs = weight_matrices(sizes, w), bias_vectors(sizes, b)
    v = [np.zeros_like(bv) for bv in bs]
    vw = [np.zeros_like(W) for W in Ws]
    mw, mb = [np.zeros_like(W) for W in Ws], [np.zeros_like(bv) for bv in bs]
    sw, sb, pw, pb = ([np.zeros_like(a) for a in arrays] for arrays in (Ws, bs, Ws, bs))
    J, t, n = [error(Ws, bs, X, Y)], 0, cycles * len(X)
    key, nw = noise_key(w, b), len(w)
    woff = np.cumsum([0] + [W.size for W in Ws])
    boff = np.cumsum([0] + [bv.size for bv in bs])
    for _ in range(cycles):
        for x, y in zip(X, Y):
            t += 1
            xs, _ = forward(Ws, bs, x)
            ds = deltas(Ws, xs, y, flat)
            for k, (W, bv, d, xin) in enumerate(zip(Ws, bs, ds, xs)):
                uw, ub = rate * np.outer(d, xin), rate * d
                if p:
                    v[k] = beta2 * v[k] + (1 - beta2) * d * d
                    f = (v[k] / (1 - beta2 ** t) + eps * eps) ** (-0.5 * p)
                    if link:
                        vw[k] = beta2 * vw[k] + (1 - beta2) * np.outer(d, xin) ** 2
                    fw = (vw[k] / (1 - beta2 ** t) + eps * eps) ** (-0.5 * p) if link else f[:, None]
                    uw, ub = uw * fw, ub * f
                if gain:
                    cap = np.log(16)
                    sw[k] = np.clip(sw[k] + gain * (uw / rate) * pw[k], -cap, cap)
                    sb[k] = np.clip(sb[k] + gain * (ub / rate) * pb[k], -cap, cap)
                    pw[k] = beta2 * pw[k] + (1 - beta2) * uw / rate
                    pb[k] = beta2 * pb[k] + (1 - beta2) * ub / rate
                    uw, ub = uw * np.exp(sw[k]), ub * np.exp(sb[k])
                layers = 1 if not trust_layers and t <= trust_hidden_after * n else trust_layers
                if trust and t > trust_delay and (not layers or (k == len(Ws) - 1) == (layers == 1)):
                    r = np.sqrt((np.sum(W * W, axis=1) + bv * bv) / (W.shape[1] + 1.0))
                    f = np.where(r > trust, (r / trust) ** trust_power, 1.0)
                    if trust_cap:
                        f = np.minimum(f, trust_cap)
                    if trust_gate and k < len(Ws) - 1:
                        a = xs[k + 1]
                        f = 1.0 + (f - 1.0) * np.minimum(1.0, a * (1.0 - a) / trust_gate)
                    uw, ub = uw * f[:, None], ub * f
                if k < len(Ws) - 1:
                    uw, ub = uw * hidden, ub * hidden
                if fan_in:
                    f = (len(xin) + 1.0) ** -fan_in
                    uw, ub = uw * f, ub * f
                if anneal:
                    uw, ub = uw * (1 + t / anneal) ** -0.5, ub * (1 + t / anneal) ** -0.5
                if decay:
                    f = min(1.0, (n - t + 1) / (decay * n))
                    uw, ub = uw * f, ub * f
                if momentum:
                    mw[k] = momentum * mw[k] + (1 - momentum) * uw
                    mb[k] = momentum * mb[k] + (1 - momentum) * ub
                    uw, ub = mw[k] / (1 - momentum ** t), mb[k] / (1 - momentum ** t)
                if noise and (not noise_until or t <= noise_until * n):
                    s1 = noise * rate * (len(xin) + 1.0) ** -fan_in * (hidden if k < len(Ws) - 1 else 1.0)
                    s1 *= ((1 + t / anneal) ** -0.5 if anneal else 1.0) * (min(1.0, (n - t + 1) / (decay * n)) if decay else 1.0)
                    uw = uw + s1 * np.array([noise_normal(key, t, woff[k] + q) for q in range(W.size)]).reshape(W.shape)
                    ub = ub + s1 * np.array([noise_normal(key, t, nw + boff[k] + q) for q in range(bv.size)])
                W += uw
                bv += ub
        J.append(error(Ws, bs, X, Y))
    return w, b, np.array(J)


M64 = (1 << 64) - 1


def _mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def noise_key(w, b):
    """``kernels.noise_key`` in Python integers: SplitMix64's finaliser folded over the bits of the
    initial weights, then the biases, kept to 43 bits."""
    h = 0x243F6A8885A308D3
    for x in np.concatenate([w, b]).view(np.uint64):
        h = _mix64(h ^ int(x))
    return h >> 21


def noise_normal(key, t, q):
    """``kernels.noise_normal``: Box-Muller on two uniforms hashed from (key, step t, index q)."""
    gold, key, t, q = 0x9E3779B97F4A7C15, int(key), int(t), int(q)
    h1 = _mix64((_mix64((key + t * gold) & M64) + (2 * q + 1) * gold) & M64)
    h2 = _mix64((h1 + gold) & M64)
    u1, u2 = ((h1 >> 11) + 1) / 2.0 ** 53, (h2 >> 11) / 2.0 ** 53
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
