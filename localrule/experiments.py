"""The paper's four experiments as data (also shipped as TOML presets under ``samples/``).

Where the paper gives a value only for experiment 1 (γ = 0.23 and 5000 cycles of the base net,
γ = 0.198 and 200 cycles of the learner), experiments 2-4 reuse it.  Experiment 4's 38 learner
inputs are the 33 state variables plus the 5 hidden activations (``FULL_FEATURES_HIDDEN``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from .layout import UsageError, check_sizes, comma_items, is_digits
from .tasks import SAMPLES_DIR


@dataclass(frozen=True)
class Experiment:
    number: int
    task: str
    layers: tuple
    rate: float
    cycles: int
    learner_hidden: tuple
    learner_rate: float
    learner_cycles: int
    features: tuple
    learner_inputs: int     # the paper's counts, checked by the tests
    learner_outputs: int
    paper_claim: str

    @property
    def name(self) -> str:
        return f"exp{self.number}"


def load_experiment(path) -> Experiment:
    with open(path, "rb") as f:
        d = tomllib.load(f)
    base, learner = d["base"], d["learner"]
    return Experiment(int(d["number"]), base["task"], check_sizes(base["layers"]), float(base["rate"]),
                      int(base["cycles"]), tuple(learner["hidden"]), float(learner["rate"]),
                      int(learner["cycles"]), tuple(learner["features"]), int(learner["inputs"]),
                      int(learner["outputs"]), d["paper_claim"])


_STATE = ("w", "theta", "x", "out", "ev")
EXPERIMENTS = {e.number: e for e in (
    Experiment(1, "and", (2, 1, 1), 0.23, 5000, (2,), 0.198, 200, _STATE, 9, 5,
               "learning network better than backprop"),
    Experiment(2, "and", (2, 1), 0.23, 5000, (), 0.198, 200, _STATE, 7, 3,
               "comparable, slightly worse than backprop"),
    Experiment(3, "or", (2, 4, 1), 0.23, 5000, (3,), 0.198, 200, _STATE, 21, 17,
               "learning network better than backprop"),
    Experiment(4, "square", (2, 5, 2), 0.23, 5000, (3,), 0.198, 200,
               ("w", "theta", "x", "hidden", "out", "ev"), 38, 27,
               "learning network diverges; backprop stalls but does not diverge"),
)}
#: The same set-ups as TOML presets (the GUI's preset menu; a test keeps them equal to the above).
PRESET_FILES = {n: SAMPLES_DIR / f"exp{n}.toml" for n in EXPERIMENTS}


def parse_experiments(text: str) -> list[Experiment]:
    parts = comma_items(text, "--experiments")
    numbers = [int(p) for p in parts] if all(is_digits(p) and len(p) < 5 for p in parts) else []
    if not numbers or any(n not in EXPERIMENTS for n in numbers) or len(set(numbers)) != len(numbers):
        raise UsageError(f"--experiments must list numbers from {sorted(EXPERIMENTS)} once each, got {str(text)[:60]!r}")
    return [EXPERIMENTS[n] for n in numbers]
