"""The desktop app, driven offscreen with pytest-qt: training shows, bad input is reported."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json  # noqa: E402
import locale  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("pytestqt")
from PyQt6.QtCore import Qt  # noqa: E402

from gui.app import MainWindow  # noqa: E402
from localrule import learner, runs, tasks  # noqa: E402
from localrule.layout import init_params  # noqa: E402
from localrule.samples import save_samples  # noqa: E402

TIMEOUT = 30_000


@pytest.fixture
def win(qtbot, qapp):
    locale.setlocale(locale.LC_NUMERIC, "C")
    w = MainWindow(task="square", layers="2,5,2", seed=3, cycles=400, speed=5)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.ready and w.snap is not None, timeout=TIMEOUT)
    yield w
    w.close()
    assert w.worker.wait(5000)


def t_of(w):
    return w.snap["nets"][0]["t"]


def wait_t(qtbot, w, cond):
    qtbot.waitUntil(lambda: w.snap is not None and cond(t_of(w)), timeout=TIMEOUT)


def small_samples(task="and", layers=(2, 1, 1), cycles=30):
    t = tasks.load_task(task)
    res = runs.train(t, layers, 0.23, cycles, 0, sample_every=1)
    meta = {"layers": list(layers), "task": task, "rate": 0.23, "seed": 0, "cycles": cycles, "every": 1,
            "rows": int(res.samples["w"].shape[0])}
    return meta, {k: np.ascontiguousarray(v) for k, v in res.samples.items()}


def test_window_builds_with_views(win):
    assert win.cfg.sizes == (2, 5, 2)
    assert len(win.network.pos) == 9 and len(win.network.adj) == 20
    assert len(win.maps.maps) == 1
    assert win.snap["nets"][0]["map"].shape == (100, 100)
    assert not win.panel.mode_available("full") and not win.panel.mode_available("local")


def test_play_changes_curve_pens_and_map(win, qtbot):
    first = win.snap
    assert t_of(win) == 0
    pens0 = win.network.edge_pens()
    map0 = win.maps.maps[0].image.image.copy()
    qtbot.mouseClick(win.panel.play, Qt.MouseButton.LeftButton)
    wait_t(qtbot, win, lambda t: t >= 30)
    win.pause()
    assert win.curves.data["backprop train"].shape[0] > first["nets"][0]["J"].shape[0]
    assert win.curves.data["backprop train"][-1] != win.curves.data["backprop train"][0]
    pens1 = win.network.edge_pens()
    assert not np.array_equal(pens0["width"], pens1["width"])
    assert not np.allclose(win.maps.maps[0].image.image, map0)
    assert win.network.glow_level().max() > 0
    assert win.frames >= 2


def test_reset_restores_same_initial_weights(win, qtbot):
    w0, b0 = init_params((2, 5, 2), 3)
    np.testing.assert_array_equal(win.snap["nets"][0]["w"], w0)
    win.panel.step.click()
    wait_t(qtbot, win, lambda t: t == 1)
    assert not np.array_equal(win.snap["nets"][0]["w"], w0)
    win.panel.reset.click()
    wait_t(qtbot, win, lambda t: t == 0)
    np.testing.assert_array_equal(win.snap["nets"][0]["w"], w0)
    np.testing.assert_array_equal(win.snap["nets"][0]["b"], b0)
    assert win.curves.data["backprop train"].shape == (1,)


def test_rate_and_speed_changes_do_not_reset(win, qtbot):
    win.play()
    wait_t(qtbot, win, lambda t: t >= 20)
    win.panel.rate.setValue(0.5)
    win.panel.speed.setCurrentIndex(win.panel.speed.findData(1))
    before = t_of(win)
    qtbot.wait(200)
    assert t_of(win) >= before
    win.pause()
    qtbot.waitUntil(lambda: not win.snap["playing"], timeout=TIMEOUT)
    assert win.snap["rate"] == 0.5


def test_hover_reads_out_link_and_neuron(win):
    net = win.network
    a, b = net.pos[net.adj[0, 0]], net.pos[net.adj[0, 1]]
    text = net.describe_at(*(0.5 * a + 0.5 * b))
    assert "w  =" in text and f"{win.snap['nets'][0]['w'][0]:+.5f}" in text
    hidden = net.describe_at(*net.pos[3])
    assert "θ  =" in hidden and "activation" in hidden


def assert_usable(win, qtbot):
    """After an error the previous run still steps."""
    t = t_of(win)
    win.panel.step.click()
    wait_t(qtbot, win, lambda x: x == t + 1)


def test_malformed_and_unfitting_layers(win, qtbot):
    win.panel.layers.setText("2,x,2")
    win.panel.layers.editingFinished.emit()
    assert "whole numbers" in win.panel.message.text()
    assert win.cfg.sizes == (2, 5, 2)
    assert_usable(win, qtbot)
    win.panel.layers.setText("3,5,2")
    win.panel.layers.editingFinished.emit()
    assert "do not fit" in win.panel.message.text()
    win.panel.layers.setText("2,3,2")
    win.panel.layers.editingFinished.emit()
    assert win.cfg.sizes == (2, 3, 2) and win.panel.message.text() == ""
    qtbot.waitUntil(lambda: win.snap is not None and len(win.snap["nets"][0]["w"]) == 12, timeout=TIMEOUT)


def test_corrupt_rule_and_foreign_topology_files(win, qtbot, tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip file at all")
    assert not win.load_rule(bad)
    assert "bad.npz" in win.panel.message.text() and "npz" in win.panel.message.text()
    rule = learner.learn_full([small_samples()], hidden=(2,), cycles=3)
    path = tmp_path / "and_full.npz"
    rule.save(path)
    assert not win.load_rule(path)
    assert "2-1-1" in win.panel.message.text() and "2-5-2" in win.panel.message.text()
    assert not win.panel.mode_available("full")
    samples_path = tmp_path / "and_samples.npz"
    meta, fields = small_samples()
    save_samples(samples_path, fields, meta)
    win.load_samples(samples_path)
    assert "2-1-1" in win.panel.message.text()
    win.load_samples(bad)
    assert "bad.npz" in win.panel.message.text()
    assert_usable(win, qtbot)


def test_csv_with_wrong_columns(win, qtbot, tmp_path):
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("x,y,t\n0,0,0\n1,1\n")
    win.choose_csv(ragged)
    assert "line 3 has 2 columns" in win.panel.message.text()
    assert win.cfg.task.name == "square"
    assert_usable(win, qtbot)
    good = tmp_path / "three.csv"
    good.write_text("a,b,c,t\n0,0,0,0\n1,0,1,1\n0,1,1,1\n")
    win.choose_csv(good)
    assert win.cfg.sizes == (3, 5, 1)
    assert "three has 3" in win.maps.note.text() and not win.maps.maps


def test_sample_and_learn_local_then_compare(win, qtbot, tmp_path):
    win.panel.cycles.setValue(40)
    win.panel.learner_cycles.setValue(3)
    win.panel.sample_learn.click()
    qtbot.waitUntil(lambda: win.panel.mode_available("local"), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: win.snap is not None and len(win.snap["nets"]) == 2, timeout=TIMEOUT)
    assert win.learner_curve.data["learner fit"].shape == (4,)
    assert len(win.maps.maps) == 2
    win.panel.step.click()
    wait_t(qtbot, win, lambda t: t == 1)
    a, b = win.snap["nets"]
    assert a["name"] == "backprop" and b["name"] == "local rule"
    assert not np.array_equal(a["w"], b["w"])       # a learned rule is not backprop
    assert win.save_rule(tmp_path / "rule.npz", kind="local")
    assert win.save_samples(tmp_path / "s.npz")
    files = win.export_history(tmp_path / "hist.json")
    assert len(files) == 2
    d = json.loads(open(files[0]).read())
    ref = runs.train(tasks.load_task("and"), (2, 1, 1), 0.23, 1, 0).to_json()
    assert set(d) == set(ref) and d["mode"] == "backprop" and d["cycles"] == 1 and len(d["J"]) == 2
    assert json.loads(open(files[1]).read())["mode"] == "local"
    assert win.save_screenshot(tmp_path / "shot.png")
    assert (tmp_path / "shot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_close_mid_run_stops_the_worker(qtbot, qapp):
    locale.setlocale(locale.LC_NUMERIC, "C")
    w = MainWindow(task="square", layers="2,5,2", cycles=10_000_000, speed=0)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.ready and w.snap is not None, timeout=TIMEOUT)
    w.play()
    qtbot.waitUntil(lambda: t_of(w) > 10, timeout=TIMEOUT)
    assert w.worker.isRunning()
    w.close()
    assert w.worker.isFinished() and not w.worker.isRunning()




@pytest.mark.parametrize("form", ["link", "rule6"])
def test_app_trains_with_a_local_rule_file_of_either_form(win, qtbot, tmp_path, form):
    rule = learner.learn_local([small_samples()], hidden=(3,), cycles=2, max_tuples=500, form=form)
    rule.save(tmp_path / f"{form}.npz")
    assert win.load_rule(tmp_path / f"{form}.npz") and win.panel.mode_available("local")
    assert win.rules["local"].form == form
    qtbot.waitUntil(lambda: win.snap is not None and len(win.snap["nets"]) == 2, timeout=TIMEOUT)
    win.panel.step.click()
    wait_t(qtbot, win, lambda t: t >= 1)
    a, b = win.snap["nets"]
    assert b["name"] == "local rule" and np.all(np.isfinite(b["w"])) and not np.array_equal(a["w"], b["w"])
