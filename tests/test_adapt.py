"""The adaptive update stage (a running |δ| scale per neuron, the link's previous update): checked
against the plain-numpy reference, identity at p = β = 0, and chunk- and batch-safe."""

from __future__ import annotations

import numpy as np
import pytest

from pathlib import Path

from localrule import kernels, learner, reference, runs, tasks
from localrule.layout import init_params
from localrule.learner import Rule


def adaptive_oracle(p, beta2=0.9, eps=1e-3, momentum=0.0, flat=1.0, anneal=0.0, link=0, decay=0.0,
                    fan_in=0.0, gain=0.0, hidden=1.0, trust=0.0, trust_power=0.5, trust_cap=0.0,
                    trust_layers=0, trust_delay=0.0, trust_gate=0.0, trust_hidden_after=0.0, noise=0.0,
                    noise_until=0.0) -> learner.Rule:
    rule = learner.Rule.oracle("rule6")
    rule.meta["adapt"] = {"p": p, "beta2": beta2, "eps": eps, "momentum": momentum, "flat": flat, "anneal": anneal,
                          "link": link, "decay": decay, **({"fan_in": fan_in} if fan_in else {}),
                          **({"gain": gain} if gain else {}), **({"hidden": hidden} if hidden != 1.0 else {}),
                          **({"trust": trust, "trust_power": trust_power} if trust else {}),
                          **({"trust_cap": trust_cap} if trust_cap else {}),
                          **({"trust_layers": trust_layers} if trust_layers else {}),
                          **({"trust_delay": trust_delay} if trust_delay else {}),
                          **({"trust_gate": trust_gate} if trust_gate else {}),
                          **({"trust_hidden_after": trust_hidden_after} if trust_hidden_after else {}),
                          **({"noise": noise, "noise_until": noise_until} if noise else {})}
    return rule


def zero_local_rule(adapt) -> learner.Rule:
    """A savable rule6 local rule (a zero learner) with this ``meta["adapt"]``."""
    return learner.Rule("local", learner.FORM_FEATURES["rule6"], (3, 4, 1), np.zeros(16), np.zeros(5),
                        np.zeros(3), np.ones(3), np.zeros(1), np.ones(1),
                        meta={"form": "rule6", "encoding": "log", "adapt": adapt})


@pytest.mark.parametrize("p,momentum,flat,anneal,link,decay,fan_in,gain,hidden", [(*c, 1.0) for c in [
    (1.0, 0.0, 1.0, 0.0, 0, 0.0, 0.0, 0.0), (0.5, 0.7, 1.0, 0.0, 0, 0.0, 0.0, 0.0), (0.0, 0.5, 1.0, 0.0, 0, 0.0, 0.0, 0.0),
    (0.0, 0.0, 0.3, 0.0, 0, 0.0, 0.0, 0.0), (1.0, 0.0, 0.0, 0.0, 0, 0.0, 0.0, 0.0), (1.0, 0.0, 0.0, 7.0, 0, 0.0, 0.0, 0.0),
    (0.0, 0.6, 1.0, 3.0, 0, 0.0, 0.0, 0.0), (1.0, 0.0, 0.0, 7.0, 1, 0.0, 0.0, 0.0), (0.5, 0.7, 1.0, 0.0, 1, 0.0, 0.0, 0.0),
    (1.0, 0.0, 1.0, 0.0, 1, 0.0, 0.0, 0.0), (0.0, 0.0, 1.0, 0.0, 0, 0.3, 0.0, 0.0), (1.0, 0.6, 0.0, 7.0, 1, 1.0, 0.0, 0.0),
    (0.0, 0.0, 1.0, 0.0, 0, 0.0, 1.0, 0.0), (1.0, 0.6, 0.0, 7.0, 1, 0.3, 0.5, 0.0),
    (1.0, 0.0, 1.0, 0.0, 1, 0.0, 0.0, 0.3), (1.0, 0.6, 0.0, 7.0, 1, 0.3, 0.5, 0.05), (0.0, 0.0, 1.0, 0.0, 0, 0.0, 0.0, 1.0)]]
    + [(0.0, 0.0, 1.0, 0.0, 0, 0.0, 0.0, 0.0, 0.3), (1.0, 0.6, 0.0, 7.0, 1, 0.3, 0.5, 0.0, 0.5),
       (1.0, 0.0, 1.0, 0.0, 1, 0.0, 0.0, 0.3, 3.0)])
def test_kernel_matches_the_numpy_reference(p, momentum, flat, anneal, link, decay, fan_in, gain, hidden):
    task, sizes = tasks.load_task("xor"), (2, 3, 2, 1)
    w, b = init_params(sizes, 3)
    rw, rb, rJ = reference.train_adaptive(sizes, w, b, task.X, task.Y, 0.05, 20, p, 0.9, 1e-3, momentum, flat, anneal,
                                          bool(link), decay, fan_in, gain, hidden)
    r = runs.train(task, sizes, 0.05, 20, 3, rule=adaptive_oracle(p, momentum=momentum, flat=flat, anneal=anneal,
                                                                   link=link, decay=decay, fan_in=fan_in, gain=gain,
                                                                   hidden=hidden))
    np.testing.assert_allclose(r.w, rw, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(r.b, rb, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(r.J, rJ, rtol=1e-10)
    plain = runs.train(task, sizes, 0.05, 20, 3)
    assert not np.allclose(plain.w, r.w), "the stage must change the trajectory"


@pytest.mark.parametrize("trust,power,link,momentum,cap,layers,delay", [
    (0.1, 0.5, 0, 0.0, 0.0, 0, 0), (0.28, 1.0, 1, 0.6, 0.0, 0, 0), (0.2, 2.0, 1, 0.0, 0.0, 0, 0),
    (0.05, 0.25, 0, 0.5, 0.0, 0, 0), (0.05, 2.0, 1, 0.0, 1.5, 0, 0), (0.1, 1.0, 0, 0.6, 2.0, 0, 0),
    (0.1, 1.0, 1, 0.6, 0.0, 1, 0), (0.05, 2.0, 0, 0.0, 1.5, 1, 0), (0.1, 1.0, 1, 0.6, 0.0, 0, 37),
    (0.05, 2.0, 0, 0.0, 1.5, 1, 9.5), (0.1, 1.0, 1, 0.6, 0.0, 2, 0), (0.05, 2.0, 0, 0.0, 1.5, 2, 9.5)])
def test_trust_matches_the_numpy_reference(trust, power, link, momentum, cap, layers, delay):
    """The initial weights' scale is ~0.29, so these floors leave some neurons above and some below
    (and, with a cap, some neurons' factors above it and some below; output-only, the hidden
    neurons' steps as without trust, hidden-only the output neuron's; with a delay, the first
    steps as without trust)."""
    task, sizes = tasks.load_task("xor"), (2, 3, 2, 1)
    w, b = init_params(sizes, 3)
    rw, rb, rJ = reference.train_adaptive(sizes, w, b, task.X, task.Y, 0.05, 20, 1.0, 0.9, 1e-3, momentum, 0.0, 7.0,
                                          bool(link), 0.3, 0.5, 0.0, 1.0, trust, power, cap, layers, delay)
    base = dict(momentum=momentum, flat=0.0, anneal=7.0, link=link, decay=0.3, fan_in=0.5)
    r = runs.train(task, sizes, 0.05, 20, 3, rule=adaptive_oracle(1.0, **base, trust=trust, trust_power=power,
                                                                   trust_cap=cap, trust_layers=layers,
                                                                   trust_delay=delay))
    np.testing.assert_allclose(r.w, rw, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(r.b, rb, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(r.J, rJ, rtol=1e-10)
    without = runs.train(task, sizes, 0.05, 20, 3, rule=adaptive_oracle(1.0, **base))
    assert not np.allclose(without.w, r.w), "the trust scale must change the trajectory"
    if cap:
        uncapped = runs.train(task, sizes, 0.05, 20, 3, rule=adaptive_oracle(1.0, **base, trust=trust, trust_power=power))
        assert not np.allclose(uncapped.w, r.w), "the cap must bind somewhere"
    if layers:
        everywhere = runs.train(task, sizes, 0.05, 20, 3, rule=adaptive_oracle(1.0, **base, trust=trust, trust_power=power,
                                                                               trust_cap=cap, trust_delay=delay))
        assert not np.allclose(everywhere.w, r.w), "the other layers' trust must have mattered"
    if delay:
        at_once = runs.train(task, sizes, 0.05, 20, 3, rule=adaptive_oracle(1.0, **base, trust=trust, trust_power=power,
                                                                            trust_cap=cap, trust_layers=layers))
        assert not np.allclose(at_once.w, r.w), "the delay must have mattered"


@pytest.mark.parametrize("trust,power,cap,layers,gate", [
    (0.1, 1.0, 0.0, 0, 0.25), (0.05, 2.0, 1.5, 0, 0.24), (0.1, 1.0, 0.0, 2, 0.25), (0.05, 2.0, 1.5, 1, 0.2)])
def test_the_trust_gate_matches_the_numpy_reference(trust, power, cap, layers, gate):
    """A hidden neuron's growth fades with its slope f'(in) below g; the output neurons' is left as
    it is (output-only trust: the gate changes nothing, bit for bit)."""
    task, sizes = tasks.load_task("xor"), (2, 3, 2, 1)
    w, b = init_params(sizes, 3)
    rw, rb, rJ = reference.train_adaptive(sizes, w, b, task.X, task.Y, 0.05, 20, 1.0, 0.9, 1e-3, 0.6, 0.0, 7.0,
                                          True, 0.3, 0.5, 0.0, 1.0, trust, power, cap, layers, 0.0, gate)
    base = dict(momentum=0.6, flat=0.0, anneal=7.0, link=1, decay=0.3, fan_in=0.5, trust=trust, trust_power=power,
                trust_cap=cap, trust_layers=layers)
    r = runs.train(task, sizes, 0.05, 20, 3, rule=adaptive_oracle(1.0, **base, trust_gate=gate))
    np.testing.assert_allclose(r.w, rw, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(r.b, rb, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(r.J, rJ, rtol=1e-10)
    ungated = runs.train(task, sizes, 0.05, 20, 3, rule=adaptive_oracle(1.0, **base))
    if layers == 1:
        assert np.array_equal(ungated.w, r.w) and np.array_equal(ungated.b, r.b)
    else:
        assert not np.allclose(ungated.w, r.w), "the gate must fade some hidden neuron's growth"


@pytest.mark.parametrize("after,cap", [(0.4, 0.0), (0.75, 1.5)])
def test_a_late_hidden_growth_matches_the_numpy_reference(after, cap):
    """Every neuron's growth with the hidden neurons' held back for the run's first share s: bit
    for bit output-only growth where s is the whole run, every neuron's where it is 0."""
    task, sizes = tasks.load_task("xor"), (2, 3, 2, 1)
    w, b = init_params(sizes, 3)
    rw, rb, rJ = reference.train_adaptive(sizes, w, b, task.X, task.Y, 0.05, 20, 1.0, 0.9, 1e-3, 0.6, 0.0, 7.0,
                                          True, 0.3, 0.5, 0.0, 1.0, 0.1, 1.0, cap, 0, 0.0, 0.0, after)
    base = dict(momentum=0.6, flat=0.0, anneal=7.0, link=1, decay=0.3, fan_in=0.5, trust=0.1, trust_power=1.0,
                trust_cap=cap)
    r = runs.train(task, sizes, 0.05, 20, 3, rule=adaptive_oracle(1.0, **base, trust_hidden_after=after))
    np.testing.assert_allclose(r.w, rw, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(r.b, rb, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(r.J, rJ, rtol=1e-10)
    for share, same_as in ((1.0, dict(trust_layers=1)), (0.0, {})):
        a = runs.train(task, sizes, 0.05, 20, 3, rule=adaptive_oracle(1.0, **base, trust_hidden_after=share))
        b_ = runs.train(task, sizes, 0.05, 20, 3, rule=adaptive_oracle(1.0, **base, **same_as))
        assert np.array_equal(a.w, b_.w) and np.array_equal(a.b, b_.b)
        assert not np.allclose(a.w, r.w), "the hidden growth's start must matter"


def test_a_trust_cap_no_factor_reaches_changes_nothing_bit_for_bit():
    task, sizes = tasks.load_task("square"), (2, 5, 2)
    base = dict(momentum=0.6, flat=0.0, anneal=30.0, link=1, decay=0.3, fan_in=0.5, trust=0.1, trust_power=0.5)
    r = runs.train(task, sizes, 0.05, 15, 1, rule=adaptive_oracle(1.0, **base, trust_cap=16.0))
    plain = runs.train(task, sizes, 0.05, 15, 1, rule=adaptive_oracle(1.0, **base))
    assert np.abs(r.w).max() < 0.1 * 16 ** 2
    np.testing.assert_array_equal(r.J, plain.J)
    np.testing.assert_array_equal(r.w, plain.w)


def test_a_trust_delay_past_the_run_changes_nothing_bit_for_bit():
    """Steps 1…N of a run of N steps: a delay of N leaves every one without trust, as c 0 does."""
    task, sizes = tasks.load_task("xor"), (2, 3, 2, 1)
    base = dict(momentum=0.6, flat=0.0, anneal=7.0, link=1, decay=0.3, fan_in=0.5)
    r = runs.train(task, sizes, 0.05, 15, 1, rule=adaptive_oracle(1.0, **base, trust=0.05, trust_power=2.0,
                                                                   trust_delay=15 * 4))
    plain = runs.train(task, sizes, 0.05, 15, 1, rule=adaptive_oracle(1.0, **base))
    np.testing.assert_array_equal(r.J, plain.J)
    np.testing.assert_array_equal(r.w, plain.w)
    one_less = runs.train(task, sizes, 0.05, 15, 1, rule=adaptive_oracle(1.0, **base, trust=0.05, trust_power=2.0,
                                                                          trust_delay=15 * 4 - 1))
    assert not np.array_equal(one_less.w, plain.w)


def test_a_trust_scale_no_neuron_reaches_changes_nothing_bit_for_bit():
    task, sizes = tasks.load_task("square"), (2, 5, 2)
    base = dict(momentum=0.6, flat=0.0, anneal=30.0, link=1, decay=0.3, fan_in=0.5)
    r = runs.train(task, sizes, 0.05, 15, 1, rule=adaptive_oracle(1.0, **base, trust=16.0, trust_power=2.0))
    plain = runs.train(task, sizes, 0.05, 15, 1, rule=adaptive_oracle(1.0, **base))
    assert np.abs(r.w).max() < 16
    np.testing.assert_array_equal(r.J, plain.J)
    np.testing.assert_array_equal(r.w, plain.w)


def test_identity_stage_changes_nothing_bit_for_bit():
    task, sizes = tasks.load_task("square"), (2, 5, 2)
    r = runs.train(task, sizes, 0.23, 15, 1, rule=adaptive_oracle(0.0))
    bp = runs.train(task, sizes, 0.23, 15, 1, rule=learner.Rule.oracle("rule6"))
    np.testing.assert_array_equal(r.J, bp.J)
    np.testing.assert_array_equal(r.w, bp.w)


@pytest.mark.parametrize("order,link", [("fixed", 0), ("shuffle", 0), ("shuffle", 1)])
def test_state_carries_across_chunks_and_the_batch_equals_single_runs(monkeypatch, order, link):
    """Every part of the state (with link scales beside momentum, their slots must not overlap)."""
    task, sizes = tasks.load_task("square"), (2, 4, 2)
    rule = adaptive_oracle(0.8, momentum=0.6, flat=0.5, anneal=30.0 * link, link=link, decay=0.4, gain=0.1,
                           hidden=0.7, trust=0.2)
    whole = runs.train(task, sizes, 0.05, 24, 5, rule=rule, order=order)
    monkeypatch.setattr(runs, "CHUNK_SECONDS", 0.0)   # chunks of the smallest size
    chunked = runs.train(task, sizes, 0.05, 24, 5, rule=rule, order=order)
    np.testing.assert_array_equal(chunked.J, whole.J)
    np.testing.assert_array_equal(chunked.w, whole.w)
    batch = runs.train_seeds(task, sizes, 0.05, 24, [5, 6], rule=rule, order=order)
    np.testing.assert_array_equal(batch[0].J, whole.J)
    np.testing.assert_array_equal(batch[0].w, whole.w)


@pytest.mark.parametrize("bad", [{"p": 3.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0},
                                 {"p": 1.0, "beta2": 1.0, "eps": 1e-3, "momentum": 0.0},
                                 {"p": 1.0, "beta2": 0.9, "eps": 0.0, "momentum": 0.0},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": -0.1},
                                 {"p": float("nan"), "beta2": 0.9, "eps": 1e-3, "momentum": 0.0},
                                 {"p": True, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "flat": 1.5},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "flat": "x"},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "anneal": -1.0},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "anneal": float("nan")},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "anneal": 1e13},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "anneal": True},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "anneal": "slow"},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "link": 0.5},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "link": 2},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "link": True},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "link": "yes"},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "link": float("nan")},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "other": 0.1},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.9, "fixed_momentum": 0.5},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.9, "fixed_momentum": "fixed"},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.9, "fixed_momentum": True},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.9, "span_momentum": 0.5},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.9, "span_momentum": -1},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.9, "span_momentum": True},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "fan_in": -0.5},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "fan_in": 3.0},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "fan_in": float("inf")},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "fan_in": "wide"},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "gain": -0.01},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "gain": 2.0},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "gain": float("nan")},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "gain": False},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "gain": "fast"},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "hidden": 0.0},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "hidden": -0.5},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "hidden": 17.0},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "hidden": float("inf")},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "hidden": True},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "hidden": "half"},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": -0.1},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 17.0},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": float("nan")},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": True},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": "big"},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0, "trust_power": 0.0},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0, "trust_power": -1.0},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0, "trust_power": 3.0},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0, "trust_power": float("inf")},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0, "trust_power": "half"},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0, "trust_cap": 0.5},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0, "trust_cap": -1.0},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0, "trust_cap": 17.0},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0, "trust_cap": float("nan")},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0, "trust_cap": False},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0, "trust_layers": 0.5},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0, "trust_layers": 3},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0, "trust_layers": True},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0,
                                  "trust_layers": float("nan")},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0, "trust_delay": -1},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0, "trust_delay": 1e12},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0,
                                  "trust_delay": float("inf")},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0, "trust_delay": "soon"},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0, "trust_gate": -0.1},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0, "trust_gate": 0.3},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0,
                                  "trust_hidden_after": 1.5},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0,
                                  "trust_hidden_after": -0.5},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "trust": 1.0,
                                  "trust_gate": float("nan")},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "decay": -0.1},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "decay": 1.5},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "decay": float("nan")},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "decay": True},
                                 {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "decay": "late"},
                                 *({"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, key: v}
                                   for key, values in (("noise", (-0.1, 101.0, float("nan"), float("inf"), True, "loud")),
                                                       ("noise_until", (-0.1, 1.5, float("nan"), False, "half")))
                                   for v in values),
                                 {"p": 1.0, "beta2": 0.9}, "fast", None])
def test_a_rule_file_with_bad_adapt_parameters_is_refused(tmp_path, bad):
    rule = zero_local_rule(bad)
    path = tmp_path / "r.npz"
    rule.save(path)
    if bad is None:  # no stage at all is fine
        assert learner.Rule.load(path).adapt.shape == (0,)
        return
    with pytest.raises(Exception) as e:
        learner.Rule.load(path)
    assert "adapt" in str(e.value)


def test_a_state_of_the_wrong_size_is_refused_not_overrun():
    from localrule import kernels
    task, sizes = tasks.load_task("and"), (2, 2, 1)
    w, b = init_params(sizes, 0)
    J = np.empty(3)
    ok = np.array([1.0, 0.9, 1e-3, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.1, 0.5, 0.2, 0.5, 2.0, 1.0, 3.0, 0.1, 0.0, 0.0, 0.0])
    assert ok.shape == (kernels.ADAPT_SIZE,)
    no_budget = ok.copy()
    no_budget[kernels.ADAPT_DECAY] = 0.5      # a decay with N = 0: nothing to count down to
    size = kernels.adapt_state_size(w.shape[0], b.shape[0])
    for adapt, state in ((ok, np.zeros(3)), (ok, np.zeros(19)), (ok, np.zeros(size - 1)), (ok, np.zeros(size + 1)),
                         (np.array([1.0, 0.9]), np.zeros(size)), (np.array([1.0, 0.9, 1e-3, 0.0]), np.zeros(size)),
                         (ok[:6], np.zeros(size)), (ok[:10], np.zeros(size)), (ok[:12], np.zeros(size)), (no_budget, np.zeros(size))):
        with pytest.raises(ValueError):
            kernels.train_ordered(np.asarray(sizes, np.int64), w, b, task.X, task.Y, np.empty((0, 2)), np.empty((0, 1)),
                                  0.5, 2, kernels.BACKPROP, *kernels.NO_LEARNER, 0, np.empty((0, 1)), J, J.copy(), -1, 0,
                                  np.empty(0), adapt, state)
    assert size == 38   # t, v and m_θ per neuron, m_w and v per link, then a log-gain and last update each, the noise key
    kernels.train_ordered(np.asarray(sizes, np.int64), w, b, task.X, task.Y, np.empty((0, 2)), np.empty((0, 1)),
                          0.5, 2, kernels.BACKPROP, *kernels.NO_LEARNER, 0, np.empty((0, 1)), J, J.copy(), -1, 0,
                          np.empty(0), ok, np.zeros(size))   # the right sizes run


def test_a_rule_file_made_before_flat_anneal_and_link_loads_with_rule_5_exact_no_clock_and_neuron_scales(tmp_path):
    zero_local_rule({"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0}).save(tmp_path / "r.npz")
    np.testing.assert_array_equal(learner.Rule.load(tmp_path / "r.npz").adapt,
                                  [1.0, 0.9, 1e-3, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])


def test_link_scales_equal_the_neuron_scale_where_every_input_is_one():
    """With every x_j = 1 a link's update is its neuron's δ, so the per-link running scale is the
    neuron's: the two stages must give the same run."""
    task = tasks.Task("ones", np.ones((3, 2)), np.array([[0.9], [0.2], [0.6]]))
    sizes = (2, 1)
    per = {k: runs.train(task, sizes, 0.1, 15, 4, rule=adaptive_oracle(1.0, anneal=50.0, link=k)) for k in (0, 1)}
    np.testing.assert_array_equal(per[0].w, per[1].w)
    np.testing.assert_array_equal(per[0].J, per[1].J)
    other = tasks.Task("halves", np.full((3, 2), 0.5), task.Y)   # x_j = 1/2: the link scale doubles the step
    assert not np.allclose(runs.train(other, sizes, 0.1, 15, 4, rule=adaptive_oracle(1.0, link=0)).w,
                           runs.train(other, sizes, 0.1, 15, 4, rule=adaptive_oracle(1.0, link=1)).w)


def test_anneal_shrinks_step_t_by_its_clock():
    """p = β = 0 with τ: plain backprop whose step t is γ·(1 + t/τ)^(-1/2); one pattern, so step
    t is cycle t, and the first step is already (1 + 1/τ)^(-1/2) of backprop's."""
    task = tasks.Task("one", np.array([[1.0, 0.5]]), np.array([[1.0]]))
    init = (np.array([0.1, -0.2]), np.array([0.05]))
    annealed = runs.train(task, (2, 1), 0.5, 1, 0, rule=adaptive_oracle(0.0, anneal=4.0), init=init)
    bp = runs.train(task, (2, 1), 0.5 * (1 + 1 / 4.0) ** -0.5, 1, 0, rule=adaptive_oracle(0.0), init=init)
    np.testing.assert_allclose(annealed.w, bp.w, rtol=1e-14)
    plain = runs.train(task, (2, 1), 0.5, 1, 0, rule=adaptive_oracle(0.0), init=init)
    assert np.all(np.abs(plain.w - init[0]) > np.abs(annealed.w - init[0]))


def test_decay_winds_the_step_down_to_the_budget_and_a_longer_budget_keeps_it_whole_for_longer():
    """p = β = 0 with d = 1: plain backprop whose step t of N is γ·(N - t + 1)/N; one pattern, so
    step t is cycle t: the last step is γ/N, and the first steps equal backprop's exactly where
    the decay has not begun (d = 0.5 of 4 steps: steps 1-2 whole)."""
    task = tasks.Task("one", np.array([[1.0, 0.5]]), np.array([[1.0]]))
    init = (np.array([0.1, -0.2]), np.array([0.05]))
    full = runs.train(task, (2, 1), 0.5, 4, 0, rule=adaptive_oracle(0.0, decay=1.0), init=init)
    w, b = init
    for t in range(1, 5):   # backprop one step at a time at the decayed γ
        r = runs.train(task, (2, 1), 0.5 * (4 - t + 1) / 4, 1, 0, init=(w, b))
        w, b = r.w, r.b
    np.testing.assert_allclose(full.w, w, rtol=1e-14)
    half = runs.train(task, (2, 1), 0.5, 4, 0, rule=adaptive_oracle(0.0, decay=0.5), init=init)
    bp = runs.train(task, (2, 1), 0.5, 2, 0, init=init)
    np.testing.assert_array_equal(half.J[:3], bp.J)   # the budget's first half: backprop itself
    assert not np.array_equal(half.w, runs.train(task, (2, 1), 0.5, 4, 0, init=init).w)


def test_gain_speeds_up_updates_that_keep_their_sign_and_slows_those_that_alternate_within_16x():
    """The stage's gain on its own (β2 0.5): update u (÷ γ) gains e^(μ·u·h), h the running mean
    of the earlier u, until ×16 where u repeats and ×1/16 where it alternates; the first step,
    with nothing before it, is unchanged."""
    nb, nw, rate, mu = 1, 2, 0.5, 0.2
    state = np.zeros(kernels.adapt_state_size(nw, nb))
    same, flip = [], []
    for t in range(80):
        dw, db = np.array([0.5, -0.5]), np.array([(-1.0) ** t * 0.5])   # u = ±1 after ÷ γ
        kernels.gain_steps(nb, nw, rate, mu, 0.5, state, dw, db)
        same.append(dw[0] / 0.5)
        flip.append(abs(db[0]) / 0.5)
    np.testing.assert_allclose(same[:3], np.exp([0.0, 0.2 * 0.5, 0.2 * (0.5 + 0.75)]), rtol=1e-14)
    np.testing.assert_allclose(flip[:3], np.exp([0.0, -0.2 * 0.5, -0.2 * (0.5 + 0.25)]), rtol=1e-14)
    np.testing.assert_allclose([same[-1], flip[-1]], [16.0, 1 / 16.0], rtol=1e-12)
    assert np.all(np.diff(same) >= 0) and np.all(np.diff(flip) <= 0)


def test_flat_keeps_a_saturated_wrong_output_learning():
    """One sigmoid output saturated on the wrong side (w = -12): rule (5)'s δ is ~6e-6 and the
    weight hardly moves; with q = 0 the δ is the error's (÷4) and the output recovers."""
    task = tasks.Task("one", np.array([[1.0]]), np.array([[1.0]]))
    init = (np.array([-12.0]), np.array([0.0]))
    exact = runs.train(task, (1, 1), 1.0, 50, 0, rule=adaptive_oracle(0.0), init=init)
    flat = runs.train(task, (1, 1), 1.0, 50, 0, rule=adaptive_oracle(0.0, flat=0.0), init=init)
    assert exact.J[-1] > 0.49 and flat.J[-1] < 0.05


@pytest.mark.parametrize("meta,rate", [({}, None), ({"own_rate": 0.1}, 0.1), ({"refined": {"rate": 2.0}}, 2.0),
                                       ({"refined": {"rate": 2.0}, "own_rate": 0.1}, 2.0),
                                       ({"own_rate": -1.0}, None), ({"own_rate": float("nan")}, None),
                                       ({"own_rate": "fast"}, None), ({"refined": "x", "own_rate": 0.3}, 0.3)])
def test_a_rules_own_rate_survives_a_save_and_refuses_nonsense(tmp_path, meta, rate):
    """A refined rule's γ wins over a hand-set one's; anything but a positive finite number is no γ."""
    rule = zero_local_rule({"p": 1.0, "beta2": 0.99, "eps": 1e-3, "momentum": 0.0})
    rule.meta.update(meta)
    rule.save(tmp_path / "r.npz")
    assert rule.own_rate == rate and learner.Rule.load(tmp_path / "r.npz").own_rate == rate


def test_eps_at_the_floor_trains_and_below_it_is_refused(tmp_path):
    """ε² must not underflow: ε = ADAPT_EPS_MIN trains (finite J), anything smaller is refused."""
    from hypothesis import given, settings, strategies as st
    from localrule import kernels
    task, sizes = tasks.load_task("xor"), (2, 3, 1)
    r = runs.train(task, sizes, 0.05, 20, 3, rule=adaptive_oracle(1.0, eps=kernels.ADAPT_EPS_MIN))
    assert np.all(np.isfinite(r.J))
    ok = zero_local_rule({"p": 1.0, "beta2": 0.9, "eps": kernels.ADAPT_EPS_MIN, "momentum": 0.0})
    ok.save(tmp_path / "ok.npz")
    assert learner.Rule.load(tmp_path / "ok.npz").adapt[kernels.ADAPT_EPS] == kernels.ADAPT_EPS_MIN

    @settings(max_examples=40, deadline=None, database=None, derandomize=True)
    @given(eps=st.floats(min_value=0.0, max_value=kernels.ADAPT_EPS_MIN, exclude_max=True))
    def refused(eps):
        with pytest.raises(ValueError, match="eps"):
            learner.adapt_params({"p": 1.0, "beta2": 0.9, "eps": eps, "momentum": 0.0})
        path = tmp_path / "tiny.npz"
        zero_local_rule({"p": 1.0, "beta2": 0.9, "eps": eps, "momentum": 0.0}).save(path)
        with pytest.raises(learner.UsageError, match=f"{path}.*eps"):
            learner.Rule.load(path)
    refused()


@pytest.mark.parametrize("link", [0, 1])
def test_fixed_momentum_is_the_momentum_rule_in_fixed_order_and_the_plain_one_shuffled(tmp_path, link):
    """A rule with fixed_momentum 1 trains exactly (bit for bit) as the same rule with its
    momentum where the patterns come in a fixed order, and as the rule without momentum where
    they are shuffled; the flag survives a save."""
    task = tasks.load_task("xor")
    sizes = (2, 3, 1)

    def rule(momentum, gated=None):
        r = adaptive_oracle(1.0, momentum=momentum, flat=0.0, anneal=50.0, link=link)
        if gated is not None:
            r.meta["adapt"]["fixed_momentum"] = gated
        return r
    adapt = {**rule(0.9, 1).meta["adapt"]}
    zero_local_rule(adapt).save(tmp_path / "gated.npz")
    assert learner.Rule.load(tmp_path / "gated.npz").meta["adapt"] == adapt
    gated = rule(0.9, 1)
    for order, twin, other in (("fixed", rule(0.9), rule(0.0)), ("shuffle", rule(0.0), rule(0.9))):
        J = [runs.train(task, sizes, 0.2, 30, 3, rule=r, order=order).J for r in (gated, twin, other)]
        assert np.array_equal(J[0], J[1]), order
        assert not np.array_equal(J[0], J[2]), order   # the momentum does change the run


@pytest.mark.parametrize("beta", [0.75, 0.9])
def test_span_momentum_keeps_momentum_only_where_its_memory_spans_a_cycle(tmp_path, beta):
    """A rule with span_momentum 1 trains bit for bit as the same rule with its momentum β where
    the task's patterns P number at most 1/(1 - β) (XOR's 4), and as the rule without momentum
    where they number more (a 128-pattern teacher); the edge P = 1/(1 - β) keeps it."""
    def rule(momentum, span=None):
        r = adaptive_oracle(1.0, momentum=momentum, flat=0.0, anneal=50.0, link=1)
        if span is not None:
            r.meta["adapt"]["span_momentum"] = span
        return r
    adapt = {**rule(beta, 1).meta["adapt"]}
    zero_local_rule(adapt).save(tmp_path / "span.npz")
    assert learner.Rule.load(tmp_path / "span.npz").meta["adapt"] == adapt
    spanned = rule(beta, 1)
    for text, twin, other in (("xor", rule(beta), rule(0.0)), ("teacher@5", rule(0.0), rule(beta))):
        task = tasks.load_task(text, layers=(2, 3, 1))
        J = [runs.train(task, (2, 3, 1), 0.2, 20, 3, rule=r).J for r in (spanned, twin, other)]
        assert np.array_equal(J[0], J[1]), text
        assert not np.array_equal(J[0], J[2]), text   # the momentum does change the run
    edge = round(1 / (1 - beta))
    assert spanned.adapt_for("fixed", 10, edge)[kernels.ADAPT_MOMENTUM] == beta
    assert spanned.adapt_for("fixed", 10, edge + 1)[kernels.ADAPT_MOMENTUM] == 0.0


@pytest.mark.parametrize("sizes", [(2, 3, 1), (2, 3, 2, 1), (2, 1)])
def test_hidden_scales_the_hidden_neurons_steps_as_two_rate_backprop_does(sizes):
    """``hidden`` h multiplies the hidden layers' updates and leaves the output layer's: with no
    other ingredient (p = β = 0) it is two-rate backprop at hidden scale h, bit for bit (h 0.5 and 2
    are exact in either order); a net without hidden layers is untouched."""
    task = tasks.load_task("xor")
    for h in (0.5, 2.0):
        r = runs.train(task, sizes, 0.3, 15, 2, rule=adaptive_oracle(0.0, hidden=h))
        two = runs.train(task, sizes, 0.3, 15, 2, rule=learner.Rule.oracle("rule6"),
                         layer_rate=runs.hidden_scaled(sizes, h))
        plain = runs.train(task, sizes, 0.3, 15, 2, rule=learner.Rule.oracle("rule6"))
        np.testing.assert_array_equal(r.w, two.w)
        np.testing.assert_array_equal(r.J, two.J)
        assert np.array_equal(r.w, plain.w) == (len(sizes) == 2)


@pytest.mark.parametrize("noise,until,momentum,hidden", [(0.5, 0.0, 0.6, 1.0), (2.0, 0.4, 0.0, 0.5), (0.1, 0.0, 0.6, 2.0)])
def test_noise_matches_the_numpy_reference(noise, until, momentum, hidden):
    """The noise's hash in Python integers and its scale written out per layer: the same run to
    rounding (the draws themselves bit for bit: ``noise_normal`` of kernel and reference agree)."""
    task, sizes = tasks.load_task("xor"), (2, 3, 2, 1)
    w, b = init_params(sizes, 3)
    assert kernels.noise_key(w, b) == reference.noise_key(w, b)
    key = reference.noise_key(w, b)
    for t, q in ((1, 0), (17, 5), (10 ** 6, 12)):
        assert kernels.noise_normal(np.uint64(key), np.uint64(t), q) == reference.noise_normal(key, t, q)
    rw, rb, rJ = reference.train_adaptive(sizes, w, b, task.X, task.Y, 0.05, 20, 1.0, 0.9, 1e-3, momentum, 0.0, 7.0,
                                          True, 0.3, 0.5, 0.0, hidden, noise=noise, noise_until=until)
    base = dict(momentum=momentum, flat=0.0, anneal=7.0, link=1, decay=0.3, fan_in=0.5, hidden=hidden)
    r = runs.train(task, sizes, 0.05, 20, 3, rule=adaptive_oracle(1.0, **base, noise=noise, noise_until=until))
    np.testing.assert_allclose(r.w, rw, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(r.b, rb, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(r.J, rJ, rtol=1e-10)
    quiet = runs.train(task, sizes, 0.05, 20, 3, rule=adaptive_oracle(1.0, **base))
    assert not np.allclose(quiet.w, r.w), "the noise must change the trajectory"


def test_noise_is_reproducible_from_the_seed_and_off_at_zero():
    from localrule.runs import train, train_seeds
    task, layers = tasks.load_task("xor"), (2, 3, 1)
    rule = Rule.load(Path(__file__).resolve().parent.parent / "docs/beyond/rule_link_trust_output.npz")
    base = rule.meta["adapt"]
    runs = {}
    for sigma in (0.0, 1.0):
        rule.meta["adapt"] = {**base, "noise": sigma}
        runs[sigma] = train_seeds(task, layers, 0.4, 30, [1, 2], rule, order="shuffle")
        one = train(task, layers, 0.4, 30, 2, rule, order="shuffle")   # alone and chunked as it comes
        assert np.array_equal(one.J, runs[sigma][1].J)
    rule.meta["adapt"] = base
    plain = train_seeds(task, layers, 0.4, 30, [1, 2], rule, order="shuffle")
    assert all(np.array_equal(a.J, b.J) for a, b in zip(plain, runs[0.0]))
    assert not np.array_equal(runs[1.0][0].J, plain[0].J) and not np.array_equal(runs[1.0][0].J, runs[1.0][1].J)
