"""Flat-array layout of a layered sigmoid MLP.

Every network (base nets and learning networks alike) is three float64 arrays so that
numba kernels can take any depth without Python objects:

* ``w``: weight matrices concatenated, matrix ``l`` (layer ``l`` -> ``l+1``) row-major with
  shape ``(sizes[l+1], sizes[l])``, i.e. ``W_l[i, j]`` is the link j -> i.
* ``b``: biases θ of every non-input neuron, layer by layer.
* activations ``x`` of every neuron including the inputs (layer 0 first).
"""

from __future__ import annotations

import numpy as np

#: Weights and biases start uniform in [-INIT_RANGE, INIT_RANGE] (the paper gives no range).
INIT_RANGE = 0.5


class UsageError(ValueError):
    """Bad user input; the CLI prints it as one line and exits 2."""


def parse_layers(text: str) -> tuple[int, ...]:
    """``"2,5,2"`` -> ``(2, 5, 2)``; a ``0`` hidden layer means "none" (paper's 2-0-1)."""
    parts = [p.strip() for p in str(text).replace("-", ",").split(",")]
    if len(parts) < 2 or any(not (p.isascii() and p.isdigit()) for p in parts):
        raise UsageError(f"--layers must be comma-separated whole numbers like 2,5,2, got {text!r}")
    sizes = [int(p) for p in parts]
    if sizes[0] == 0 or sizes[-1] == 0:
        raise UsageError(f"--layers needs at least one input and one output neuron, got {text!r}")
    return check_sizes([s for s in sizes if s != 0])


def check_sizes(sizes) -> tuple[int, ...]:
    sizes = tuple(int(s) for s in sizes)
    if len(sizes) < 2 or min(sizes) < 1:
        raise UsageError(f"a network needs >= 2 layers of >= 1 neuron, got {sizes}")
    return sizes


def n_weights(sizes) -> int:
    return int(sum(sizes[k] * sizes[k + 1] for k in range(len(sizes) - 1)))


def n_biases(sizes) -> int:
    return int(sum(sizes[1:]))


def offsets(sizes):
    """Start indices: activations per layer, biases per weight layer, weights per weight layer."""
    s = np.asarray(sizes, dtype=np.int64)
    aoff = np.concatenate(([0], np.cumsum(s))).astype(np.int64)
    boff = np.concatenate(([0], np.cumsum(s[1:]))).astype(np.int64)
    woff = np.concatenate(([0], np.cumsum(s[1:] * s[:-1]))).astype(np.int64)
    return aoff, boff, woff


def init_params(sizes, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Uniform initial weights and biases, reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    w = rng.uniform(-INIT_RANGE, INIT_RANGE, n_weights(sizes))
    b = rng.uniform(-INIT_RANGE, INIT_RANGE, n_biases(sizes))
    return w, b


def weight_matrices(sizes, w):
    """Views ``W_l`` of shape (sizes[l+1], sizes[l]) into the flat weight array."""
    _, _, woff = offsets(sizes)
    return [w[woff[l]:woff[l + 1]].reshape(sizes[l + 1], sizes[l]) for l in range(len(sizes) - 1)]


def bias_vectors(sizes, b):
    _, boff, _ = offsets(sizes)
    return [b[boff[l]:boff[l + 1]] for l in range(len(sizes) - 1)]


def format_layers(sizes) -> str:
    return "-".join(str(s) for s in sizes)
