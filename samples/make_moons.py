"""Write the two-moons task shipped here: ``moons_train.csv`` and ``moons_test.csv``.

A CSV task with real-valued (and negative) inputs, for ``localrule transfer``: a local rule that
only ever saw binary inputs must still scale its updates with x_j.  Two interleaved half circles
(the upper one class 0, the lower one, shifted by (1, -0.5), class 1) with Gaussian noise of 0.1,
half of each class, drawn from fixed seeds and rounded to 4 decimals, so the files are the same
bytes on every machine (a test regenerates them)::

    python samples/make_moons.py [FOLDER]
"""

import os
import sys
from pathlib import Path

import numpy as np

SIZES = {"train": 100, "test": 200}
SEEDS = {"train": 31, "test": 32}
NOISE = 0.1


def moons(n: int, seed: int):
    """``n`` points (half per class) in shuffled order and their 0/1 labels."""
    rng = np.random.default_rng(seed)
    half = n // 2
    t = rng.uniform(0.0, np.pi, n)
    upper = np.stack([np.cos(t[:half]), np.sin(t[:half])], axis=1)
    lower = np.stack([1.0 - np.cos(t[half:]), 0.5 - np.sin(t[half:])], axis=1)
    X = np.vstack([upper, lower]) + rng.normal(0.0, NOISE, (n, 2))
    y = np.concatenate([np.zeros(half), np.ones(n - half)])
    order = rng.permutation(n)
    return np.round(X[order], 4), y[order]


def write(folder) -> None:
    for part in ("train", "test"):
        X, y = moons(SIZES[part], SEEDS[part])
        path = Path(folder) / f"moons_{part}.csv"
        tmp = path.with_suffix(".csv.tmp")
        lines = ["x,y,label"] + [f"{a:.4f},{b:.4f},{int(c)}" for (a, b), c in zip(X, y)]
        tmp.write_text("\n".join(lines) + "\n")
        os.replace(tmp, path)


if __name__ == "__main__":
    write(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent)
