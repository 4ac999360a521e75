"""The desktop app, driven offscreen with pytest-qt: training shows, bad input is reported."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json  # noqa: E402
import locale  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("pytestqt")
from PyQt6.QtCore import Qt  # noqa: E402

from gui.window import MainWindow  # noqa: E402
from gui.wiring import MODE_LABELS  # noqa: E402
from localrule import learner, runs, tasks  # noqa: E402
from localrule.layout import UsageError, init_params  # noqa: E402
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
    assert win.curves.data["backprop γ 0.23 train"].shape[0] > first["nets"][0]["J"].shape[0]
    assert win.curves.data["backprop γ 0.23 train"][-1] != win.curves.data["backprop γ 0.23 train"][0]
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
    assert win.curves.data["backprop γ 0.23 train"].shape == (1,)


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
    qtbot.waitUntil(lambda: win.snap is not None, timeout=TIMEOUT)
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
    assert a["name"] == "backprop γ 0.23" and b["name"] == "local rule γ 0.23"
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
    assert b["name"] == "local rule γ 0.23" and np.all(np.isfinite(b["w"])) and not np.array_equal(a["w"], b["w"])
# ---- bad input: every case a one-line message in the panel, and the window still steps ----------

def set_layers(win, text):
    win.panel.layers.setText(text)
    win.panel.layers.editingFinished.emit()
    return win.panel.message.text()


def one_line_in_app_words(msg):
    return msg and "\n" not in msg and "--" not in msg and "Error" not in msg


@pytest.mark.parametrize("text", ["2,99999999999999999999,2", "2,3000000000,2", "2,5000,2", "2,999,999,999,2"])
def test_absurd_layers_are_refused(win, qtbot, text):
    msg = set_layers(win, text)
    assert one_line_in_app_words(msg) and "at most" in msg, msg
    assert win.cfg.sizes == (2, 5, 2)
    assert_usable(win, qtbot)


def test_big_network_degrades_drawing(win, qtbot):
    msg = set_layers(win, "2,400,2")
    assert win.cfg.sizes == (2, 400, 2)
    assert win.network.drawn_links() == 300 and "300 of 1,600 links" in msg
    assert win.network.labels[2] is None                 # crowded hidden layer: no θ labels
    assert win.network.neuron_px < 26
    qtbot.waitUntil(lambda: win.snap is not None and len(win.snap["nets"][0]["w"]) == 1600, timeout=TIMEOUT)
    assert_usable(win, qtbot)


@pytest.mark.parametrize("hidden, words", [("-3", "whole numbers"), ("20000", "at most 256"), ("8,x", "whole")])
def test_bad_learner_hidden(win, qtbot, hidden, words):
    win.samples = small_samples()
    win.panel.learner_hidden.setText(hidden)
    assert not win.learn_from_samples()
    msg = win.panel.message.text()
    assert one_line_in_app_words(msg) and words in msg, msg
    assert win.panel.sample_learn.isEnabled() and not win.learning
    assert_usable(win, qtbot)


@pytest.mark.parametrize("argv, words", [
    (["--rate", "0"], "positive"), (["--rate", "-1"], "positive"), (["--seed", "-5"], "--seed"),
    (["--layers", "2,99999999999999999999,2"], "at most 1,000"), (["--layers", "2,3000000000,2"], "at most"),
    (["--task", "nonexistent"], "unknown task"), (["--cycles", "0"], "--cycles"),
    (["--layers", "3,5,2"], "do not fit")])
def test_command_line_refuses_bad_values(capsys, argv, words):
    from gui.app import main
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0] and "Traceback" not in err[0], err


def test_screenshot_with_impossible_setting_fails_at_once(qapp, capsys, tmp_path):
    import time
    from gui.app import main
    locale.setlocale(locale.LC_NUMERIC, "C")
    t0 = time.perf_counter()
    assert main(["--task", "and", "--layers", "2,0,1", "--screenshot", str(tmp_path / "x.png")]) == 2
    assert time.perf_counter() - t0 < 20
    err = capsys.readouterr().err
    assert "no hidden links" in err and not (tmp_path / "x.png").exists()


def start_long_learning(win, qtbot):
    win.panel.cycles.setValue(100)
    win.panel.learner_cycles.setValue(5000)
    win.panel.sample_learn.click()
    qtbot.waitUntil(lambda: win.panel.progress.format().startswith("learning"), timeout=TIMEOUT)


def test_sample_and_learn_runs_once_and_a_task_change_cancels_it(win, qtbot):
    start_long_learning(win, qtbot)
    assert not win.panel.sample_learn.isEnabled() and not win.panel.learn_samples.isEnabled()
    win.sample_and_learn()                                  # a second press is refused, not queued
    assert "already" in win.panel.message.text()
    win.panel.task.setCurrentIndex(win.panel.task.findData("xor"))
    win.on_task_chosen()
    assert "cancelled" in win.panel.message.text()
    qtbot.waitUntil(lambda: win.panel.progress.format() == "cancelled", timeout=5000)
    assert win.panel.sample_learn.isEnabled() and win.cfg.task.name == "xor"
    qtbot.waitUntil(lambda: win.snap is not None and win.snap["nets"][0]["w"].shape == (15,), timeout=TIMEOUT)
    assert_usable(win, qtbot)
    assert not win.panel.mode_available("local")


def fresh_square_window(qtbot, cycles):
    """A window of its own (not the shared fixture), for tests that close it."""
    locale.setlocale(locale.LC_NUMERIC, "C")
    w = MainWindow(task="square", layers="2,5,2", cycles=cycles)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.ready and w.snap is not None, timeout=TIMEOUT)
    return w


def test_close_during_learning_is_prompt(qtbot, qapp):
    import time
    w = fresh_square_window(qtbot, 100)
    start_long_learning(w, qtbot)
    t0 = time.perf_counter()
    w.close()
    assert w.worker.isFinished() and time.perf_counter() - t0 < 1.5


def test_csv_targets_refit_layers_and_name_outputs(win, qtbot, tmp_path):
    path = tmp_path / "onehot.csv"
    rows = ["a,b,c,yes,no"] + [f"{i % 2},{i % 3},{i % 5},{i % 2},{1 - i % 2}" for i in range(12)]
    path.write_text("\n".join(rows) + "\n")
    win.choose_csv(path)
    assert win.cfg.sizes == (4, 5, 1) and win.panel.targets.isEnabled() and win.panel.test_share.isEnabled()
    win.panel.targets.setValue(2)                           # refits like a task change
    assert win.cfg.sizes == (3, 5, 2), win.panel.message.text()
    assert [win.network.names[k] for k in (8, 9)] == ["yes", "no"]
    win.panel.targets.setValue(5)
    msg = win.panel.message.text()
    assert one_line_in_app_words(msg) and "CSV targets" in msg
    assert_usable(win, qtbot)
    from gui.app import check_args
    import argparse
    args = argparse.Namespace(task=str(path), targets="2", layers=None, seed="0", cycles=None, rate="0.23")
    check_args(args)
    assert args.layers == "3,5,2"


def test_shipped_data_sets_are_in_the_task_list(win, qtbot):
    """wine, iris and two moons are tasks of their own in the app (their files' stems are not all
    their names: a cancelled CSV choice must come back to moons, not to AND)."""
    for key, sizes in (("iris", (4, 5, 3)), ("moons", (2, 5, 1))):
        win.panel.task.setCurrentIndex(win.panel.task.findData(key))
        win.on_task_chosen()
        assert win.cfg.sizes == sizes, win.panel.message.text()
    assert not win.panel.targets.isEnabled() and not win.panel.test_share.isEnabled()   # moons knows its own
    win._restore_task_combo()
    assert win.panel.task.currentData() == "moons"
    from gui.app import check_args
    import argparse
    args = argparse.Namespace(task="wine", targets="1", layers=None, seed="0", cycles=None, rate="0.23")
    check_args(args)
    assert args.layers == "13,5,3"


def test_a_random_teacher_takes_the_nets_shape_in_the_app(win, qtbot):
    """The task box lists a random teacher; it keeps the layers (the teacher has the net's
    shape), a new shape is a new teacher, and the command line adds a teacher of its own seed."""
    win.panel.task.setCurrentIndex(win.panel.task.findData("teacher@1"))
    win.on_task_chosen()
    assert win.cfg.sizes == (2, 5, 2) and win.cfg.task.name == "teacher1", win.panel.message.text()
    Y = win.cfg.task.Y.copy()
    win.panel.layers.setText("3,4,1")
    win.on_layers_edited()
    assert win.cfg.sizes == (3, 4, 1) and win.cfg.task.X.shape == (128, 3), win.panel.message.text()
    assert not win.panel.targets.isEnabled()
    win.panel.layers.setText("2,5,2")
    win.on_layers_edited()
    assert np.array_equal(win.cfg.task.Y, Y)                  # the same teacher again
    win._restore_task_combo()
    assert win.panel.task.currentData() == "teacher@1"
    assert win.panel.task_index("teacher@21") == win.panel.task.findData("teacher@21") >= 0
    assert win.panel.task.itemData(win.panel.task.count() - 1) == "csv"   # CSV stays last
    from gui.app import check_args
    import argparse
    args = argparse.Namespace(task="teacher@7", targets="1", layers=None, seed="0", cycles=None, rate="0.23")
    check_args(args)
    assert args.layers == "2,5,2"
    args = argparse.Namespace(task="teacher@x", targets="1", layers=None, seed="0", cycles=None, rate="0.23")
    with pytest.raises(UsageError, match="teacher@SEED"):
        check_args(args)


def test_ctrl_c_in_the_terminal_closes_the_window(qtbot, qapp):
    """Qt's loop never lets Python see a signal unless something hands control back: the app's
    timer does, and the handler closes the window as its close button would (worker stopped)."""
    import signal
    from gui.app import _close_on_signals
    locale.setlocale(locale.LC_NUMERIC, "C")
    w = MainWindow(task="and", layers="2,1,1", seed=0, cycles=400)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.ready, timeout=TIMEOUT)
    old = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        got = _close_on_signals(w)
        w.play()
        os.kill(os.getpid(), signal.SIGINT)
        qtbot.waitUntil(lambda: not w.isVisible(), timeout=5000)
        assert got == [signal.SIGINT] and w.worker.wait(5000)
    finally:
        signal.signal(signal.SIGINT, old[0])
        signal.signal(signal.SIGTERM, old[1])


# ---- rendering: checks on what is drawn ------------------------------------------------------------

def test_neuron_map_shows_the_hovered_neurons_own_output(win, qtbot):
    net = win.network
    k = 3                                                     # hidden 1.2 of 2-5-2
    win.point_at_neuron(k)
    assert "hidden 1.2" in net.hover_text and win.neuron_map.neuron == k
    m = win.neuron_map.values
    assert m.shape == (48, 48) and 0 <= m.min() < m.max() <= 1
    # it is that neuron's sigmoid of w·x + θ over the plane, not the network's output
    w, b = win.snap["nets"][0]["w"], win.snap["nets"][0]["b"]
    x = win.neuron_map.grid[0]
    expect = 1 / (1 + np.exp(-(w[2:4] @ x + b[1])))
    assert m.ravel()[0] == pytest.approx(expect)
    win.point_at_neuron(0)                                    # an input: its own value
    assert win.neuron_map.values.ravel()[0] == pytest.approx(win.neuron_map.grid[0, 0])


def test_tooltip_stays_inside_the_view(win):
    net = win.network
    for k in range(len(net.pos)):
        net.show_neuron(k)
        net.grab()                                            # paint: the tip's transform follows the view
        tip = net.tip.textItem.mapRectToScene(net.tip.textItem.boundingRect())
        view = net.vb.sceneBoundingRect().adjusted(-1, -1, 1, 1)
        assert view.contains(tip), (k, tip, view)


def test_empty_plots_have_sensible_axes_and_ticks(win):
    win.curves.clear()
    (x0, x1), (y0, y1) = win.curves.plot.getPlotItem().vb.viewRange()
    assert x0 <= 0 < 10 <= x1 < 11 and -2.1 < y0 < y1 < 0.1     # 0..10 cycles, J 0.01..1 (log)
    (x0, x1), _ = win.learner_curve.plot.getPlotItem().vb.viewRange()
    assert x0 <= 0 and 10 <= x1 < 11
    from gui.curves import log_ticks
    labels = [t for level in log_ticks(-2, 0) for _, t in level if t]
    assert labels == ["0.01", "0.1", "1", "0.02", "0.05", "0.2", "0.5"]   # no 0.09 beside 0.1


def test_map_caption_names_only_what_the_task_has(win):
    assert "rings" in win.maps.caption.text() and "inner square" in win.maps.caption.text()
    win.panel.task.setCurrentIndex(win.panel.task.findData("xor"))
    win.on_task_chosen()
    text = win.maps.caption.text()
    assert "rings" not in text and "square" not in text and "training points" in text


def test_play_button_uses_an_icon_and_the_legend_has_a_background(win):
    assert not win.panel.play.icon().isNull() and "⏸" not in win.panel.play.text()
    win.play()
    assert win.panel.play.text() == "pause" and not win.panel.play.icon().isNull()
    win.pause()
    assert win.curves.legend.opts["brush"].color().alpha() > 200


def test_labels_only_where_they_fit(win, qtbot):
    """Up to 8 neurons a layer's neurons are one unit apart and a θ label fits under each; closer
    (the 9 hidden neurons of the 7-9-2 teacher) a label would cover the next neuron."""
    set_layers(win, "2,8,9,2")
    net = win.network
    assert all(net.labels[k] is not None for k in range(2, 10))          # 8: labelled
    assert all(net.labels[k] is None for k in range(10, 19))             # 9: not
    assert len(net.out_labels) == 2 and net.labels[0].textItem.toPlainText() == "x1"


def test_crowded_layer_hides_labels_in_the_picture(win, qtbot):
    set_layers(win, "2,30,2")
    qtbot.waitUntil(lambda: win.snap is not None and len(win.snap["nets"][0]["w"]) == 120, timeout=TIMEOUT)
    hidden = [win.network.labels[k] for k in range(2, 32)]
    assert all(t is None for t in hidden) and win.network.neuron_px <= 8
    img = win.network.grab().toImage()
    assert img.width() > 100                                  # it renders (no exception, no freeze)


def test_map_output_selector_and_toggles(win, qtbot):
    maps = win.maps
    assert maps.output.count() == 2 and "inner" in maps.output.itemText(0) and "outer" in maps.output.itemText(1)
    win.panel.step.click()
    wait_t(qtbot, win, lambda t: t == 1)
    inner = win.maps.maps[0].last.copy()
    maps.output.setCurrentIndex(1)
    maps._output_chosen()
    qtbot.waitUntil(lambda: not np.allclose(win.maps.maps[0].last, inner), timeout=TIMEOUT)
    assert "outer" in maps.caption.text()
    maps.show_test.setChecked(False)
    assert not maps.maps[0].test_pts.isVisible()
    maps.discrete.setChecked(True)
    shown = maps.maps[0].image.image
    assert set(np.unique(shown)) <= {0.0, 1.0}
    assert_usable(win, qtbot)


def test_csv_test_split_is_seeded_and_checked(win, qtbot, tmp_path):
    path = tmp_path / "twenty.csv"
    path.write_text("a,b,t\n" + "".join(f"{i / 20},{(i * 7 % 20) / 20},{i % 2}\n" for i in range(20)))
    win.choose_csv(path)
    assert win.cfg.task.X_test is None
    win.panel.test_share.setValue(25)
    t = win.cfg.task
    assert t.X.shape == (15, 2) and t.X_test.shape == (5, 2)
    again = win._load_task()
    np.testing.assert_array_equal(again.X_test, t.X_test)       # the same split every time
    qtbot.waitUntil(lambda: win.snap is not None and win.snap["nets"][0]["Jt"] is not None, timeout=TIMEOUT)
    assert "rings" in win.maps.caption.text()
    tiny = tmp_path / "tiny.csv"
    tiny.write_text("a,b,t\n0,0,0\n1,1,1\n0,1,1\n")
    win.panel.test_share.setValue(10)
    win.choose_csv(tiny)
    msg = win.panel.message.text()
    assert one_line_in_app_words(msg) and "no test row" in msg
    assert_usable(win, qtbot)


def test_recording_in_chunks_equals_one_run(qapp):
    """The worker records in cancellable chunks; the samples are those of one runs.train call."""
    from gui.worker import TrainWorker
    w = TrainWorker()
    got = []
    w.recorded.connect(got.append)
    task = tasks.load_task("square")
    cycles = 700                                          # 28,000 steps: every 3rd (2 shares a factor with 40)
    w._record(task, (2, 5, 2), 0.23, cycles, 4)
    meta, fields = got[0]
    ref = runs.train(task, (2, 5, 2), 0.23, cycles, 4, sample_every=meta["every"])
    assert meta["every"] == 3 and meta["rows"] == ref.samples["w"].shape[0]
    for k, v in ref.samples.items():
        np.testing.assert_array_equal(fields[k], v)


@pytest.mark.parametrize("choice", ["square", "xor", "moons", "wine", "teacher@1", "csv", "csv held out"])
def test_the_app_records_the_task_as_the_cli_does(win, qtbot, tmp_path, choice):
    """A sample file saved from the app names its task as ``backprop --sample`` does (teacher@1, moons,
    the CSV's path; not teacher1 or moons_train), so that ``learn`` and ``train --rule`` load it again."""
    from gui.worker import TrainWorker
    from localrule.cli import main
    from localrule.samples import load_samples
    if choice.startswith("csv"):
        spec = str(tmp_path / "t.csv")
        (tmp_path / "t.csv").write_text("a,b,t\n" + "".join(f"{i / 20},{(i * 7 % 20) / 20},{i % 2}\n" for i in range(20)))
        win.choose_csv(spec)
        win.panel.test_share.setValue(25 if "held" in choice else 0)
    else:
        spec = choice
        win.panel.task.setCurrentIndex(win.panel.task.findData(choice))
        win.on_task_chosen()
    task, sizes = win.cfg.task, tuple(win.cfg.sizes)
    got = []
    worker = TrainWorker()
    worker.recorded.connect(got.append)
    worker._record(task, sizes, 0.23, 20, 0)
    meta, fields = got[0]
    cli_file = tmp_path / "cli.npz"
    assert main(["backprop", "--task", spec, "--layers", ",".join(map(str, sizes)), "--cycles", "20",
                 "--sample", str(cli_file)]) == 0
    cli_meta = load_samples(cli_file)[0]
    cli_meta.pop("every_asked")
    assert meta["task"] == cli_meta["task"] == spec
    assert "held" in choice or meta == {k: v for k, v in cli_meta.items() if k not in ("format", "version")}
    save_samples(tmp_path / "app.npz", fields, meta)
    rule, out = tmp_path / "rule.npz", tmp_path / "t.json"
    assert main(["learn", "--mode", "full", "--samples", str(tmp_path / "app.npz"), "--cycles", "2",
                 "--out", str(rule)]) == 0
    assert main(["train", "--rule", str(rule), "--cycles", "2", "--json", str(out)]) == 0
    assert json.loads(out.read_text())["task"] == task.name


def test_relayout_from_crowded_to_small_removes_every_label(win, qtbot):
    set_layers(win, "2,30,2")
    set_layers(win, "2,3,2")                                 # crowded -> small: no stale or missing labels
    texts = [i for i in win.network.vb.addedItems if isinstance(i, type(win.network.tip)) and i is not win.network.tip]
    assert len(texts) == 2 + 3 + 2 + 2                       # x1 x2, three θ, two output θ, two output names
    assert_usable(win, qtbot)


def test_a_hand_set_rule_trains_at_its_own_rate_under_its_own_name(win, qtbot, tmp_path):
    """A hand-set stage's γ (``meta["own_rate"]``) is the rule's, as a refined rule's is: the panel's
    γ 0.23 would make it another rule from the one judged."""
    rule = learner.learn_local([small_samples()], hidden=(3,), cycles=2, max_tuples=500)
    rule.meta["adapt"] = {"p": 1.0, "beta2": 0.99, "eps": 1e-3, "momentum": 0.0, "flat": 0.0}
    rule.meta["own_rate"] = 0.1
    rule.save(tmp_path / "handset.npz")
    assert win.load_rule(tmp_path / "handset.npz") and "own γ 0.1" in win.panel.message.text()
    assert win.cfg.rule_rate == 0.1 and win.panel.rate.value() == 0.23
    qtbot.waitUntil(lambda: win.snap is not None and len(win.snap["nets"]) == 2, timeout=TIMEOUT)
    assert [n["rate"] for n in win.snap["nets"]] == [0.23, 0.1]
    assert win.snap["nets"][1]["name"] == f"{MODE_LABELS['local']} γ 0.1"


def test_refined_rule_trains_at_its_own_rate_and_races_backprop_at_a_second_rate(win, qtbot, tmp_path):
    """A refined rule trains at its refined γ (not the panel's), the extra backprop net at its γ: both
    bit for bit what ``runs.train`` gives from the same initial weights; the legend names every net."""
    rule = learner.learn_local([small_samples()], hidden=(3,), cycles=2, max_tuples=500)
    rule.meta["refined"] = {"rate": 2.0}
    rule.meta["adapt"] = {"p": 0.8, "beta2": 0.9, "eps": 1e-3, "momentum": 0.5}   # state across frames
    rule.save(tmp_path / "refined.npz")
    win.panel.bp_rate.setValue(1.5)
    assert win.load_rule(tmp_path / "refined.npz") and "own γ 2" in win.panel.message.text()
    assert win.panel.rate.value() == 0.23
    names = ["backprop γ 0.23", "refined rule γ 2", "backprop γ 1.5"]
    qtbot.waitUntil(lambda: win.snap is not None and len(win.snap["nets"]) == 3, timeout=TIMEOUT)
    win.panel.step.click()
    wait_t(qtbot, win, lambda t: t == 1)
    win.panel.step.click()
    wait_t(qtbot, win, lambda t: t == 2)
    task, sizes, init = tasks.load_task("square"), (2, 5, 2), init_params((2, 5, 2), 3)
    nets = win.snap["nets"]
    assert [n["name"] for n in nets] == names and [n["rate"] for n in nets] == [0.23, 2.0, 1.5]
    for n, (rate, r) in zip(nets, [(0.23, None), (2.0, win.rules["local"]), (1.5, None)]):
        ref = runs.train(task, sizes, rate, 2, 3, rule=r, init=init)
        np.testing.assert_array_equal(n["w"], ref.w)
        np.testing.assert_array_equal(n["b"], ref.b)
    legend = [label.text for _, label in win.curves.legend.items]
    assert all(f"{name} train" in legend for name in names)
    assert [win.panel.show_net.itemText(i) for i in range(3)] == names and len(win.maps.maps) == 3
    files = win.export_history(tmp_path / "race.json")
    assert [json.loads(open(f).read())["rate"] for f in files] == [0.23, 2.0, 1.5] and len(set(files)) == 3
    win.panel.bp_rate.setValue(0)                            # the race off: two networks again
    qtbot.waitUntil(lambda: win.snap is not None and len(win.snap["nets"]) == 2, timeout=TIMEOUT)
    legend = [label.text for _, label in win.curves.legend.items]
    assert {t.rsplit(" ", 1)[0] for t in legend} == set(names[:2]) and "backprop γ 1.5 train" not in legend
    gen = win.gen
    win.panel.rate.setValue(0.5)                             # a new γ relabels backprop's curve, no restart
    qtbot.waitUntil(lambda: win.snap["nets"][0]["name"] == "backprop γ 0.5", timeout=TIMEOUT)
    win.curves.update_nets(win.snap["nets"])
    legend = [label.text for _, label in win.curves.legend.items]
    assert legend == [f"{n} {k}" for n in ("backprop γ 0.5", "refined rule γ 2") for k in ("train", "test")]
    assert win.gen == gen and set(win.curves.data) == set(legend)
    assert win.panel.show_net.count() == 2 and len(win.maps.maps) == 2
    assert_usable(win, qtbot)


def test_the_error_plot_marks_the_constant_outputs_error(win, qtbot):
    """A dotted line at the task's constant-output J (log10 of it on the log axis), moved with the
    task and with the axis."""
    line, J = win.curves.plateau_line, win.task.plateau
    assert J == pytest.approx(0.5 * win.task.Y.var(axis=0).sum()) and line.isVisible()
    assert line.value() == pytest.approx(np.log10(J))
    win.curves.log.setChecked(False)
    assert line.value() == pytest.approx(J)
    win.curves.log.setChecked(True)
    assert line.value() == pytest.approx(np.log10(J))
    win.panel.task.setCurrentIndex(win.panel.task.findData("xor"))
    win.on_task_chosen()
    qtbot.waitUntil(lambda: win.cfg.task.name == "xor", timeout=TIMEOUT)
    assert win.curves.plateau == pytest.approx(0.125) and line.value() == pytest.approx(np.log10(0.125))


def _load_rule_with(win, tmp_path, adapt):
    """A small local rule with this update stage, at its own γ 0.1, loaded into the app."""
    rule = learner.learn_local([small_samples()], hidden=(3,), cycles=2, max_tuples=500)
    rule.meta["adapt"] = adapt
    rule.meta["own_rate"] = 0.1
    rule.save(tmp_path / "stage.npz")
    assert win.load_rule(tmp_path / "stage.npz")
    return rule


def _three_steps_are_runs_train(win, qtbot):
    """Step the app's square 2-5-2 networks (seed 3) one cycle at a time to 3: the rule's network
    is ``runs.train``'s for 3 cycles bit for bit; returns that run."""
    for t in (1, 2, 3):
        win.panel.step.click()
        wait_t(qtbot, win, lambda now, t=t: now == t)
    task, sizes = tasks.load_task("square"), (2, 5, 2)
    ref = runs.train(task, sizes, 0.1, 3, 3, rule=win.rules["local"], init=init_params(sizes, 3))
    np.testing.assert_array_equal(win.snap["nets"][1]["w"], ref.w)
    return ref


def test_a_decaying_rule_counts_down_to_the_panels_budget(win, qtbot, tmp_path):
    """A rule whose step decays over its run's last share needs the run's budget: the app's is the
    panel's cycles, also when they change after the networks were built.  Bit for bit ``runs.train``
    with that many cycles."""
    _load_rule_with(win, tmp_path, {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.0, "decay": 0.5})
    assert "falling to 0 over the last 50% of the cycles" in win.panel.message.text()
    line = win.curves.decay_line                             # J(t) marks where the step starts to fall
    assert line.isVisible() and line.value() == 0.5 * win.panel.cycles.value()
    qtbot.waitUntil(lambda: win.snap is not None and len(win.snap["nets"]) == 2, timeout=TIMEOUT)
    win.panel.cycles.setValue(3)                             # the budget changes after the build
    assert line.isVisible() and line.value() == 1.5
    ref = _three_steps_are_runs_train(win, qtbot)
    task, sizes = tasks.load_task("square"), (2, 5, 2)
    longer = runs.train(task, sizes, 0.1, 4, 3, rule=win.rules["local"], init=init_params(sizes, 3))
    assert not np.array_equal(longer.J[:4], ref.J)           # another budget, another run
    win.panel.mode.setCurrentIndex(win.panel.mode.findData("backprop"))
    assert win.apply_config() and not line.isVisible()       # no rule racing: no line


def test_a_noisy_rule_in_the_app_is_the_run_it_is_elsewhere(win, qtbot, tmp_path):
    """Local noise is drawn from a key the run takes from its initial weights at its first frame:
    stepped one cycle at a time in the app, bit for bit ``runs.train``'s run."""
    rule = _load_rule_with(win, tmp_path, {"p": 1.0, "beta2": 0.9, "eps": 1e-3, "momentum": 0.5, "decay": 0.3,
                                           "noise": 0.5})
    assert "with local noise σ 0.5 on every step" in win.panel.message.text()
    qtbot.waitUntil(lambda: win.snap is not None and len(win.snap["nets"]) == 2, timeout=TIMEOUT)
    win.panel.cycles.setValue(3)
    ref = _three_steps_are_runs_train(win, qtbot)
    rule.meta["adapt"] = {**rule.meta["adapt"], "noise": 0.0}
    sizes = (2, 5, 2)
    quiet = runs.train(tasks.load_task("square"), sizes, 0.1, 3, 3, rule=rule, init=init_params(sizes, 3))
    assert not np.array_equal(quiet.w, ref.w)               # the noise was there


def test_command_line_extra_backprop_rate(capsys):
    from gui.app import main
    assert main(["--bp-rate", "-2"]) == 2 and "--bp-rate" in capsys.readouterr().err
    assert main(["--bp-rate", "100"]) == 2 and "at most 64" in capsys.readouterr().err


def test_app_trains_with_a_full_fixed_rule_file(win, qtbot, tmp_path):
    """A full-fixed rule (gated head) runs in the app through the one training kernel, bit for bit
    what ``runs.train`` gives from the same initial weights."""
    sizes = (2, 5, 2)
    npar = 2 * 5 + 5 * 2 + 5 + 2
    ls = (npar + 2 + 2 + 2, 4, 2 * npar)
    lw, lb = init_params(ls, 0)
    one = np.ones(ls[0])
    rule = learner.Rule("full", learner.FULL_FEATURES, ls, lw, lb, 0 * one, one, np.zeros(ls[-1]),
                        np.full(ls[-1], 0.05), sizes, meta={"head": "delta"})
    rule.save(tmp_path / "fixed.npz")
    assert win.load_rule(tmp_path / "fixed.npz") and win.panel.mode_available("full")
    qtbot.waitUntil(lambda: win.snap is not None and len(win.snap["nets"]) == 2, timeout=TIMEOUT)
    win.panel.step.click()
    wait_t(qtbot, win, lambda t: t == 1)
    a, b = win.snap["nets"]
    ref = runs.train(tasks.load_task("square"), sizes, 0.23, 1, 3, rule=win.rules["full"],
                     init=init_params(sizes, 3))
    assert ref.mode == "full-fixed" and not np.array_equal(a["w"], b["w"])
    assert b["name"] == "full-fixed rule γ 0.23" and b["mode"] == "full-fixed"   # as the CLI names it
    assert "full-fixed rule" in win.panel.message.text()
    np.testing.assert_array_equal(b["w"], ref.w)
    np.testing.assert_array_equal(b["b"], ref.b)
    assert_usable(win, qtbot)


# ---- backprop's best γ: the "best γ" button and --bp-rate best ------------------------------------

def names_of(win):
    return [n["name"] for n in win.snap["nets"]] if win.snap is not None else []


def test_best_rate_button_tunes_in_the_background_and_races_it(win, qtbot):
    """The button's γ is ``tuning.best_backprop``'s for the same task, layers and cycles; it fills
    the spin box (the extra backprop network starts), the status bar names it, and another cycle
    budget or other layers make it stale (the network loses "(best)")."""
    from localrule import tuning
    win.panel.cycles.setValue(60)
    win.panel.best_rate.click()
    assert win.tuner.running and win.panel.best_rate.text().startswith("tuning")
    t = t_of(win)
    win.panel.step.click()                                   # the event loop and training go on meanwhile
    wait_t(qtbot, win, lambda x: x == t + 1 or win.best is not None)
    qtbot.waitUntil(lambda: win.best is not None and not win.tuner.running, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: win.panel.best_rate.text() == "best γ", timeout=TIMEOUT)
    ref = tuning.best_backprop(tasks.load_task("square"), (2, 5, 2), 60)
    assert (win.best["rate"], win.best["median"]) == (ref.rate, ref.median)
    assert win.panel.bp_rate.value() == ref.rate
    note = win.best_note.text()
    assert (f"best γ on square 2-5-2 for 60 cycles: γ {ref.rate:g} (median final J {ref.median:.3g}, "
            "5 tuning seeds)") in note
    best_name = f"backprop γ {ref.rate:g} (best)"
    qtbot.waitUntil(lambda: names_of(win) == ["backprop γ 0.23", best_name],
                    timeout=TIMEOUT)
    assert win.panel.show_net.itemText(1) == best_name
    win.panel.cycles.setValue(70)                            # another budget: that γ is no longer "best"
    qtbot.waitUntil(lambda: names_of(win)[1:] == [f"backprop γ {ref.rate:g}"], timeout=TIMEOUT)
    assert "stale" in win.best_note.text()
    win.panel.cycles.setValue(60)                            # back: it is again
    qtbot.waitUntil(lambda: names_of(win)[1:] == [best_name], timeout=TIMEOUT)
    set_layers(win, "2,3,2")
    assert "stale" in win.best_note.text()
    qtbot.waitUntil(lambda: names_of(win)[1:] == [f"backprop γ {ref.rate:g}"],
                    timeout=TIMEOUT)
    assert_usable(win, qtbot)


def test_best_rate_tuning_cancels_on_a_second_click_and_on_close(qtbot, qapp):
    import time
    w = fresh_square_window(qtbot, 100_000)
    w.panel.best_rate.click()
    assert w.tuner.running
    qtbot.wait(500)                                          # mid-way through γ 0.0625's 100,000 cycles
    assert w.tuner.running
    w.panel.best_rate.click()                                # cancel
    assert "cancelled" in w.best_note.text() and not w.panel.best_rate.isEnabled()
    qtbot.waitUntil(lambda: not w.tuner.running and w.panel.best_rate.isEnabled(), timeout=5000)
    assert w.best is None and w.panel.bp_rate.value() == 0 and w.panel.best_rate.text() == "best γ"
    w.panel.best_rate.click()                                # again, then close the window mid-tuning
    qtbot.wait(500)
    assert w.tuner.running
    t0 = time.perf_counter()
    w.close()
    assert time.perf_counter() - t0 < 3 and not w.tuner.running and w.worker.isFinished()


def test_command_line_bp_rate_best(qapp, capsys, tmp_path):
    """``--bp-rate best`` tunes backprop at start-up (for the run's --cycles, also with --screenshot,
    so that a decaying rule and the tuned γ see the budget the picture shows) and races that γ."""
    from gui.app import main
    from localrule import tuning
    locale.setlocale(locale.LC_NUMERIC, "C")
    png = tmp_path / "best.png"
    assert main(["--task", "and", "--layers", "2,1,1", "--bp-rate", "BEST", "--no-learn", "--cycles", "20",
                 "--screenshot", str(png)]) == 0
    ref = tuning.best_backprop(tasks.load_task("and"), (2, 1, 1), 20)
    err = capsys.readouterr().err
    assert f"backprop's best γ on and 2-1-1 for 20 cycles: γ {ref.rate:g} (median final J {ref.median:.3g}" in err
    assert err.count("backprop's best γ on") == 1       # said once, also when tuning ended before the wait
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for bad in ("bestest", "nan", "-1"):
        assert main(["--bp-rate", bad]) == 2
        lines = capsys.readouterr().err.strip().splitlines()
        assert len(lines) == 1 and "--bp-rate" in lines[0] and "best" in lines[0]


# ---- the command line: hardening ---------------------------------------------------------------

def _one_line_refusal(argv, capsys, words=""):
    from gui.app import main
    assert main([str(a) for a in argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("gui: ") and words in err[0], err


GUI_NUMBERS = {"--seed": "{}", "--targets": "{}", "--test-percent": "{}", "--cycles": "{}", "--rate": "{}",
               "--bp-rate": "{}", "--layers": "2,{},1", "--task": "teacher@{}"}


@pytest.mark.parametrize("option", sorted(GUI_NUMBERS))
def test_command_line_refuses_digits_of_other_scripts(option, capsys):
    from hypothesis import HealthCheck, given, settings
    import conftest

    @settings(max_examples=15, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(u=conftest.foreign_digits())
    def check(u):
        _one_line_refusal([option, GUI_NUMBERS[option].format(u)], capsys)
    check()


def test_screenshot_never_replaces_an_input(tmp_path, monkeypatch, capsys):
    """--screenshot naming the rule file, the CSV task or the preset file, under any spelling
    (relative, ./, .., a symlink, a hard link), is refused before a window opens."""
    import conftest
    from localrule.experiments import PRESET_FILES
    monkeypatch.chdir(tmp_path)
    csv = tmp_path / "task.csv"
    csv.write_text("a,b,t\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    rule = tmp_path / "rule.npz"
    learner.Rule("local", learner.FORM_FEATURES["rule6"], (3, 4, 1), np.zeros(16), np.zeros(5), np.zeros(3),
                 np.ones(3), np.zeros(1), np.ones(1), meta={"form": "rule6", "encoding": "log"}).save(rule)
    preset = tmp_path / "exp2.toml"
    preset.write_bytes(PRESET_FILES[2].read_bytes())
    monkeypatch.setitem(PRESET_FILES, 2, preset)
    cases = [(csv, ["--task", csv]), (rule, ["--task", "and", "--rule", rule]), (preset, ["--preset", "2"])]
    for path, argv in cases:
        before = path.read_bytes()
        for name in conftest.spellings(path, tmp_path):
            _one_line_refusal([*argv, "--no-learn", "--screenshot", name], capsys, "also an input")
        assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.png"))


@pytest.mark.parametrize("argv, words", [
    (["--bogus"], "unrecognized"), (["--preset", "9"], "--preset"), (["--preset", "٣"], "--preset"),
    (["--preset"], "--preset"), (["--task"], "--task"), (["--screenshot"], "--screenshot"),
    (["--rate", "٣"], "--rate"), (["--bp-rate", "1e-5"], "0.0001"), (["--bp-rate", "64.5"], "at most 64"),
    (["--bp-rate", "-0.5"], "--bp-rate"), (["--bp-rate", "inf"], "best"), (["--bp-rate", ""], "best"),
    (["--screenshot", "."], "directory"), (["--screenshot", "no/such/folder/x.png"], "does not exist"),
    (["--screenshot", ""], "not a valid file name"), (["--screenshot", "/dev/null"], "not a regular file"),
    (["--screenshot", "shot.csv"], ".png"), (["--screenshot", "shot"], ".png"), (["--screenshot", "shot.png.txt"], ".png")],
    ids=lambda a: " ".join(a)[:30] if isinstance(a, list) else None)
def test_command_line_bad_options_are_one_line(argv, words, capsys):
    _one_line_refusal(["--task", "and", *argv], capsys, words)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_a_screenshot_under_a_file_names_the_file(tmp_path, capsys, depth):
    plain = tmp_path / "plain.txt"
    plain.write_text("a file\n")
    shot = plain.joinpath(*["a", "b"][:depth - 1], "x.png")
    _one_line_refusal(["--task", "and", "--screenshot", shot], capsys, "plain.txt is a file, not a folder")


def test_bp_rate_zero_in_any_spelling_is_off():
    """--bp-rate 0 means what the side panel's "off" does: no extra backprop network, whether
    written 0, 0.0, 00, 0e0 or -0; a γ the panel's box shows passes unchanged."""
    from hypothesis import given, settings, strategies as st
    from gui.app import BP_RATE_MAX, BP_RATE_MIN, bp_rate
    for zero in ("0", "0.0", "00", "0e0", "-0", " 0 ", "0.0000", "+0"):
        assert bp_rate(zero) == 0.0
    assert bp_rate("BEST") == "best"

    @settings(max_examples=50, deadline=None, database=None, derandomize=True)
    @given(v=st.floats(BP_RATE_MIN, BP_RATE_MAX))
    def passes(v):
        assert bp_rate(repr(v)) == v
    passes()


def test_bp_rate_zero_races_no_extra_network(qapp, capsys, tmp_path, monkeypatch):
    from gui import app
    locale.setlocale(locale.LC_NUMERIC, "C")
    seen = []
    real = app.take_screenshot

    def spy(win, *a, **k):
        code = real(win, *a, **k)
        seen.append((win.panel.bp_rate.value(), [n["name"] for n in win.snap["nets"]]))
        return code
    monkeypatch.setattr(app, "take_screenshot", spy)
    for rate, names in (("0.0", ["backprop γ 0.23"]), ("1.5", ["backprop γ 0.23", "backprop γ 1.5"])):
        png = tmp_path / f"{rate}.png"
        assert app.main(["--task", "and", "--layers", "2,1,1", "--bp-rate", rate, "--no-learn", "--cycles", "5",
                         "--screenshot", str(png)]) == 0, capsys.readouterr().err
        assert seen[-1] == (float(rate), names) and png.read_bytes()[:4] == b"\x89PNG"
