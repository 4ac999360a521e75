"""Batched runs: ``runs.train_seeds`` (one parallel numba call) equals ``runs.train`` seed by seed.

Bit for bit: the J (and test-J) curves, the final weights and biases, the divergence cycle.
Every mode the engine has goes through the batch kernel: backprop, a full-network rule, the
local rule in both encodings and the oracle; the rules are learned once per module from a short
backprop run, with few cycles, to keep the file fast.
"""

from __future__ import annotations

import numpy as np
import pytest

from localrule import learner, runs, tasks

SEEDS = [0, 1, 2, 3, 4, 5, 6]


def bits(a):
    return np.asarray(a, np.float64).view(np.uint64)


def assert_identical(batch, single):
    assert batch.seed == single.seed
    assert batch.diverged_at == single.diverged_at
    assert np.array_equal(bits(batch.J), bits(single.J)), "J curves differ"
    if single.J_test is None:
        assert batch.J_test is None
    else:
        assert np.array_equal(bits(batch.J_test), bits(single.J_test)), "test J curves differ"
    assert np.array_equal(bits(batch.w), bits(single.w)), "final weights differ"
    assert np.array_equal(bits(batch.b), bits(single.b)), "final biases differ"
    assert batch.accuracy == single.accuracy


@pytest.fixture(scope="module")
def and_rules():
    """Full-network and local rules learned from one 2-1-1 AND backprop run."""
    task = tasks.load_task("and")
    r = runs.train(task, (2, 1, 1), 0.23, 500, 0, sample_every=1)
    src = [({"layers": [2, 1, 1], "task": "and"}, r.samples)]
    return {
        "full": learner.learn_full(src, hidden=(2,), rate=0.198, cycles=20),
        "local": learner.learn_local(src, hidden=(8,), rate=0.1, cycles=3),
        "local-raw": learner.learn_local(src, hidden=(8,), rate=0.1, cycles=3, encoding="raw"),
        "oracle": learner.Rule.oracle(),
    }


def check(task, layers, rule, cycles=40, rate=0.23, seeds=SEEDS):
    batch = runs.train_seeds(task, layers, rate, cycles, seeds, rule=rule)
    assert [r.seed for r in batch] == list(seeds)
    for b in batch:
        assert_identical(b, runs.train(task, layers, rate, cycles, b.seed, rule=rule))
    return batch


def test_backprop_batch_equals_single_runs():
    check(tasks.load_task("and"), (2, 1, 1), None, cycles=200)


def test_backprop_batch_with_test_set_and_two_hidden_layers():
    batch = check(tasks.load_task("square"), (2, 5, 3, 2), None, cycles=20)
    assert all(r.J_test is not None for r in batch)


@pytest.mark.parametrize("kind", ["full", "local", "local-raw", "oracle"])
def test_rule_batch_equals_single_runs(and_rules, kind):
    check(tasks.load_task("and"), (2, 1, 1), and_rules[kind])


@pytest.mark.parametrize("kind", ["local", "local-raw"])
def test_local_rule_batch_on_other_shapes(and_rules, kind):
    """A local rule learned on 2-1-1 trains any shape, batched or not, with the same numbers."""
    check(tasks.load_task("square"), (2, 6, 2), and_rules[kind], cycles=5, seeds=[0, 1, 2])
    check(tasks.load_task("or"), (2, 3, 2, 1), and_rules[kind], cycles=20, seeds=[3, 4])


def test_diverging_seeds_match_too():
    """A rate at which some seeds blow up: the divergence cycle and the NaN tail agree as well."""
    batch = check(tasks.load_task("and"), (2, 3, 1), None, cycles=30, rate=1e5)
    assert any(r.diverged for r in batch) and not all(r.diverged for r in batch)


def test_batch_runs_are_independent_of_batch_composition():
    """A seed's result does not depend on which other seeds share the batch (or its position)."""
    task = tasks.load_task("and")
    a = runs.train_seeds(task, (2, 2, 1), 0.23, 50, [3, 9, 1])
    b = runs.train_seeds(task, (2, 2, 1), 0.23, 50, [1, 3])
    by_seed = {r.seed: r for r in b}
    for r in a:
        if r.seed in by_seed:
            assert_identical(r, by_seed[r.seed])


def test_more_seeds_than_threads_and_single_seed():
    task = tasks.load_task("or")
    check(task, (2, 2, 1), None, cycles=10, seeds=list(range(20)))
    check(task, (2, 2, 1), None, cycles=10, seeds=[42])


def test_full_rule_refuses_another_shape_in_batch(and_rules):
    from localrule.layout import UsageError
    with pytest.raises(UsageError):
        runs.train_seeds(tasks.load_task("and"), (2, 2, 1), 0.23, 5, [0, 1], rule=and_rules["full"])
