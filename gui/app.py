"""The main window: wires the control panel, the three views and the training worker.

Why it owns all state (task, rules, samples, the running configuration): every user action
either restarts the comparison from the same initial weights (task, layers, seed, mode) or
tweaks the running one (γ, speed, cycles), and that decision belongs in one place.  Bad input
never raises out of here: every ``UsageError`` becomes a one-line message in the side panel.
"""

from __future__ import annotations

import argparse
import csv
import locale
import sys
import time
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QBuffer, QIODevice, Qt
from PyQt6.QtWidgets import QApplication, QFileDialog, QHBoxLayout, QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

from localrule import learner
from localrule.experiments import PRESET_FILES, load_experiment
from localrule.files import write_bytes, write_json
from localrule.layout import UsageError, format_layers, parse_layers
from localrule.learner import Rule
from localrule.runs import Result
from localrule.samples import load_samples, save_samples
from localrule.tasks import check_fits, load_task

from .controls import ControlPanel
from .curves import ErrorCurves, LearnerCurve
from .decision_map import DecisionMaps
from .inputs import app_words, check_layers, hold_out, parse_hidden
from .network_view import NetworkView
from .neuron_map import NeuronMap
from .worker import GRID, RunConfig, TrainWorker, plane_bounds

MODE_LABELS = {"full": "full-network rule", "local": "local rule", "oracle": "oracle rule"}


def configure_pyqtgraph():
    """Light theme, antialiased lines: readable in screenshots and on projectors."""
    pg.setConfigOptions(antialias=True, background="w", foreground=(40, 40, 40))


def map_grid(sizes) -> int:
    """Decision-map resolution: 100x100, coarser for big nets (the worker predicts it every frame)."""
    from localrule.layout import n_weights
    return int(np.clip(np.sqrt(4e7 / max(n_weights(sizes), 1)), 20, GRID))


def csv_header(path) -> list[str]:
    try:
        with open(path, newline="") as f:
            return next(csv.reader(f), [])
    except (OSError, UnicodeDecodeError):
        return []


class MainWindow(QMainWindow):
    """The app.  Public methods taking a ``path`` skip the file dialog (used by tests and CLI)."""

    def __init__(self, task="square", layers="2,5,2", seed=0, cycles=5000, rate=0.23, speed=10, targets=1,
                 test_percent=0):
        configure_pyqtgraph()
        super().__init__()
        self.setWindowTitle("localrule — backprop and the learned rule, side by side")
        self.resize(1400, 900)
        self.panel = ControlPanel()
        self.network = NetworkView()
        self.neuron_map = NeuronMap()
        self.curves = ErrorCurves()
        self.maps = DecisionMaps()
        self.learner_curve = LearnerCurve()
        self.learner_curve.setMinimumWidth(260)

        right = QSplitter(Qt.Orientation.Vertical)
        top = QSplitter(Qt.Orientation.Horizontal)
        net_box = QWidget()
        nl = QVBoxLayout(net_box)
        nl.setContentsMargins(0, 0, 0, 0)
        self.net_title = QLabel("<b>network</b>")
        nl.addWidget(self.net_title)
        graph_row = QHBoxLayout()
        graph_row.addWidget(self.network, 1)
        graph_row.addWidget(self.neuron_map)
        nl.addLayout(graph_row, 1)
        self.hover = QLabel("hover a link or neuron for its numbers")
        self.hover.setStyleSheet("color: #555;")
        nl.addWidget(self.hover)
        top.addWidget(net_box)
        top.addWidget(self.curves)
        top.setSizes([560, 510])
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.maps)
        bottom.addWidget(self.learner_curve)
        bottom.setSizes([760, 310])
        right.addWidget(top)
        right.addWidget(bottom)
        right.setSizes([430, 440])
        central = QWidget()
        lay = QHBoxLayout(central)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.panel)
        lay.addWidget(right, 1)
        self.setCentralWidget(central)
        self.status = QLabel("preparing… (compiling the numba kernels)")
        self.statusBar().addWidget(self.status, 1)

        self.rules: dict[str, Rule | None] = {"full": None, "local": None}
        self.samples = None            # (meta, fields) recorded or loaded
        self.cfg: RunConfig | None = None
        self.task = None
        self.csv_path = None
        self.snap = None
        self.gen = 0
        self.frames = 0                # snapshots drawn
        self.map_frames = 0            # decision-map refreshes
        self.ready = False
        self._learn_after_record = False
        self._quiet = False

        for n, path in sorted(PRESET_FILES.items()):
            try:
                e = load_experiment(path)
                self.panel.preset.addItem(f"exp {n}: {e.task.upper()} {format_layers(e.layers)}", n)
            except (OSError, KeyError, ValueError):
                pass
        p = self.panel
        self._quiet = True
        i = p.task.findData(str(task).lower())
        if i >= 0:
            p.task.setCurrentIndex(i)
        else:
            self.csv_path = task
            p.task.setCurrentIndex(p.task.findData("csv"))
        p.targets.setValue(targets)
        p.test_share.setValue(test_percent)
        p.layers.setText(layers)
        p.seed.setValue(seed)
        p.cycles.setValue(cycles)
        p.rate.setValue(rate)
        p.speed.setCurrentIndex(max(0, p.speed.findData(speed)))
        self._quiet = False
        self.update_modes()

        w = self.worker = TrainWorker()
        w.ready.connect(self.on_ready)
        w.snapshot_ready.connect(self._take_snapshot)
        w.status.connect(self.status.setText)
        w.failed.connect(self.on_failed)
        w.learn_progress.connect(self.on_learn_progress)
        w.recorded.connect(self.on_recorded)
        w.learned.connect(self.on_learned)

        p.task.activated.connect(self.on_task_chosen)
        p.targets.valueChanged.connect(lambda _: self.csv_path and self._fit_layers_and_apply())
        p.test_share.valueChanged.connect(lambda _: self.csv_path and self.apply_config())
        p.layers.editingFinished.connect(self.on_layers_edited)
        p.seed.valueChanged.connect(lambda _: self.apply_config())
        p.new_seed.clicked.connect(lambda: p.seed.setValue(p.seed.value() + 1))
        p.cycles.valueChanged.connect(lambda v: self.worker.set_cycles(v))
        p.mode.currentIndexChanged.connect(lambda _: self.apply_config())
        p.rate.valueChanged.connect(lambda v: self.worker.set_rate(v))
        p.speed.currentIndexChanged.connect(lambda _: self.worker.set_speed(p.speed.currentData()))
        p.play.toggled.connect(self.on_play)
        p.step.clicked.connect(lambda: (self._set_play(False), self.worker.step(1)))
        p.reset.clicked.connect(self.reset)
        p.show_net.currentIndexChanged.connect(lambda _: self._draw_network())
        p.preset.activated.connect(lambda i: p.preset.itemData(i) and self.apply_preset(p.preset.itemData(i)))
        p.learner_kind.currentIndexChanged.connect(lambda _: p.set_learner_defaults(p.learner_kind.currentData()))
        p.sample_learn.clicked.connect(self.sample_and_learn)
        p.learn_samples.clicked.connect(self.learn_from_samples)
        p.save_samples.clicked.connect(lambda: self.save_samples())
        p.load_samples.clicked.connect(lambda: self.load_samples())
        p.save_rule.clicked.connect(lambda: self.save_rule())
        p.load_rule.clicked.connect(lambda: self.load_rule())
        p.save_png.clicked.connect(lambda: self.save_screenshot())
        p.save_history.clicked.connect(lambda: self.export_history())
        self.network.neuron_hovered.connect(self.show_neuron)
        self.maps.output_changed.connect(self.worker.set_map_output)
        self.network.hovered.connect(lambda t: self.hover.setText(t.replace("\n", "   ") or
                                                                  "hover a link or neuron for its numbers"))
        for b in (p.play, p.step, p.reset, p.sample_learn):
            b.setEnabled(False)
        w.start()
        self.apply_config()

    # ---- messages ----------------------------------------------------------------------------
    def show_message(self, text, error=False):
        """The inline message under the panel (red for problems); never a blocking dialog."""
        if error:
            text = app_words(text)
        self.panel.message.setStyleSheet(f"color: {'#b00020' if error else '#1b5e20'};")
        self.panel.message.setText(text)
        self.last_error = text if error else None

    last_error = None

    def on_failed(self, msg):
        self._set_play(False)
        self.panel.progress.setRange(0, 1)
        self.panel.progress.setFormat("learner idle")
        self._learn_after_record = False
        self._set_learning(False)
        self.show_message(msg, error=True)

    def on_ready(self):
        self.ready = True
        for b in (self.panel.play, self.panel.step, self.panel.reset):
            b.setEnabled(True)
        self.panel.sample_learn.setEnabled(not self.learning)

    # ---- configuration -----------------------------------------------------------------------
    def _load_task(self):
        key = self.panel.task.currentData()
        if key == "csv":
            if not self.csv_path:
                raise UsageError("choose a CSV file for the task")
            return hold_out(load_task(self.csv_path, self.panel.targets.value()), self.panel.test_share.value())
        return load_task(key)

    def on_task_chosen(self, _=None):
        if self.panel.task.currentData() == "csv":
            path, _ = QFileDialog.getOpenFileName(self, "training CSV (header row; targets last)", "",
                                                  "CSV files (*.csv);;all files (*)")
            if not path:
                self._restore_task_combo()
                return
            self.choose_csv(path)
        else:
            self.csv_path = None
            self._fit_layers_and_apply()

    def choose_csv(self, path, targets=None):
        """Use a CSV file as the task (the last ``targets`` columns are the targets)."""
        if targets is not None:
            self._quiet = True
            self.panel.targets.setValue(targets)
            self._quiet = False
        old = self.csv_path
        self.csv_path = str(path)
        self._quiet = True
        self.panel.task.setCurrentIndex(self.panel.task.findData("csv"))
        self._quiet = False
        if not self._fit_layers_and_apply():
            self.csv_path = old
            self._restore_task_combo()

    def _restore_task_combo(self):
        key = self.cfg.task.name if self.cfg else "square"
        i = self.panel.task.findData(key) if not self.csv_path else self.panel.task.findData("csv")
        self._quiet = True
        self.panel.task.setCurrentIndex(max(i, 0))
        self._quiet = False

    def _fit_layers_and_apply(self):
        """A new task keeps the hidden layers and fits the input and output layer to it."""
        try:
            task = self._load_task()
        except UsageError as e:
            self.show_message(str(e), error=True)
            return False
        try:
            hidden = check_layers(self.panel.layers.text())[1:-1]
        except UsageError:
            hidden = (5,)
        self._quiet = True
        self.panel.layers.setText(",".join(map(str, (task.n_in, *hidden, task.n_out))))
        self._quiet = False
        return self.apply_config()

    def on_layers_edited(self):
        if self.cfg is None or self.panel.layers.text() != ",".join(map(str, self.cfg.sizes)):
            self.apply_config()

    def update_modes(self, sizes=None):
        """Offer a comparison mode only when a rule for it exists and fits the network."""
        full = self.rules["full"]
        if full is None:
            self.panel.set_mode_available("full", False, "learn or load a full-network rule first")
        elif sizes is not None and tuple(full.layers) != tuple(sizes):
            self.panel.set_mode_available("full", False, f"the full-network rule was learned for "
                                          f"{format_layers(full.layers)} networks")
        else:
            self.panel.set_mode_available("full", True)
        self.panel.set_mode_available("local", self.rules["local"] is not None, "learn or load a local rule first")

    def apply_config(self) -> bool:
        """Validate the panel and restart the comparison from the seed's initial weights."""
        if self._quiet:
            return False
        p = self.panel
        try:
            task = self._load_task()
            sizes = check_layers(p.layers.text())
            check_fits(task, sizes)
            self.update_modes(sizes)
            mode = p.mode.currentData()
            rule = None
            if mode in ("full", "local"):
                rule = self.rules[mode]
                if rule is None:
                    raise UsageError(f"no {MODE_LABELS[mode]} yet: learn one or load a rule file")
                rule.kernel_args(sizes)
        except UsageError as e:
            self.show_message(str(e), error=True)
            return False
        if self.learning and (self.cfg is None or task.name != self.cfg.task.name or
                              tuple(sizes) != tuple(self.cfg.sizes) or self.csv_path != self._learning_csv):
            self.worker.cancel_learning()      # its samples would be of the settings just left
            self._learn_after_record = False
            self._set_learning(False)
            self.show_message("sample & learn cancelled: the task or layers changed")
            note = True
        else:
            note = False
        self.gen += 1
        self.task = task
        label = MODE_LABELS.get(rule.mode, rule.mode) if rule is not None else ""
        self.cfg = RunConfig(task, sizes, p.rate.value(), p.cycles.value(), p.seed.value(), rule, label,
                             p.speed.currentData(), grid=map_grid(sizes), gen=self.gen)
        names = ["backprop"] + ([label] if rule is not None else [])
        out_names = self._output_names(task)
        self.network.set_network(sizes, task, out_names)
        bounds = plane_bounds(task) if task.n_in == 2 else None
        self.neuron_map.set_task(task, bounds, sizes)
        self.neuron_map.neuron = sizes[0] if len(sizes) > 2 else len(self.network.pos) - 1
        self.neuron_map.name = self.network.names.get(self.neuron_map.neuron, "")
        self.maps.set_nets(names, task, plane_bounds(task) if task.n_in == 2 else None, out_names)
        self.curves.clear()
        self._quiet = True
        p.show_net.clear()
        p.show_net.addItems(names)
        p.show_net.setCurrentIndex(len(names) - 1)
        self._quiet = False
        self.net_title.setText(f"<b>network {format_layers(sizes)}</b> on {task.name}")
        self.snap = None
        self._set_play(False)
        self.worker.configure(self.cfg)
        if self.last_error and not note:
            self.show_message("")
        if self.network.drawing_note and not note:
            self.show_message(f"a big network: {self.network.drawing_note}; layers over "
                              "12 neurons have no labels (hover a neuron for its numbers)")
        return True

    def _output_names(self, task):
        if task.name == "square":
            return ["inner", "outer"]
        if self.csv_path:
            header = csv_header(self.csv_path)
            if len(header) >= task.n_in + task.n_out:
                return [h.strip() or f"out {i}" for i, h in enumerate(header[-task.n_out:])]
        if task.n_out == 1:
            return ["out"]
        return [f"out {i}" for i in range(task.n_out)]

    def apply_preset(self, number):
        """One of the paper's experiments (samples/expN.toml): task, layers, γ, cycles, learner."""
        try:
            e = load_experiment(PRESET_FILES[number])
        except (OSError, KeyError, ValueError) as err:
            self.show_message(f"preset {number}: cannot read {PRESET_FILES.get(number)} ({err})", error=True)
            return False
        p = self.panel
        self._quiet = True
        self.csv_path = None
        p.task.setCurrentIndex(p.task.findData(e.task))
        p.layers.setText(",".join(map(str, e.layers)))
        p.rate.setValue(e.rate)
        p.cycles.setValue(e.cycles)
        p.learner_kind.setCurrentIndex(p.learner_kind.findData("full"))
        p.learner_hidden.setText(",".join(map(str, e.learner_hidden)))
        p.learner_rate.setValue(e.learner_rate)
        p.learner_cycles.setValue(e.learner_cycles)
        p.learner_hidden_feat.setChecked("hidden" in e.features)
        p.mode.setCurrentIndex(0)
        self._quiet = False
        ok = self.apply_config()
        if ok:
            self.show_message(f"experiment {number}: the paper reports \"{e.paper_claim}\". "
                              "Press “sample & learn”, then play.")
        return ok

    # ---- training controls -------------------------------------------------------------------
    def _set_play(self, on):
        p = self.panel
        p.play.blockSignals(True)
        p.play.setChecked(on)
        p.play.blockSignals(False)
        p.show_playing(on)

    def on_play(self, on):
        self._set_play(on)
        (self.worker.play if on else self.worker.pause)()

    def play(self):
        self.panel.play.setChecked(True)

    def pause(self):
        self.panel.play.setChecked(False)

    def reset(self):
        """Back to the same initial weights (same seed); the curves restart."""
        self._set_play(False)
        self.curves.clear()
        self.worker.reset()

    # ---- snapshots ---------------------------------------------------------------------------
    def _take_snapshot(self):
        snap = self.worker.take_snapshot()
        if snap is not None:
            self.on_snapshot(snap)

    def on_snapshot(self, snap):
        if snap.get("gen") != self.gen:
            return                      # from a configuration the window has left
        self.snap = snap
        nets = snap["nets"]
        self.curves.update_nets(nets)
        self._draw_network()
        if self.maps.maps:
            self.maps.update_nets(nets)
            self.map_frames += 1
        if snap["finished"] and self.panel.play.isChecked():
            self._set_play(False)
        t = nets[0]["t"] if nets else 0
        rate = snap["steps_per_s"]
        js = "   ".join(f"{n['name']}: " + (f"J {n['J_now']:.4g}" if n["diverged_at"] is None else
                                             f"diverged at {n['diverged_at']}") for n in nets)
        state = "running" if snap["playing"] else ("done" if snap["finished"] else "paused")
        speed = f" · {rate:,.0f} pattern steps/s" if snap["playing"] else ""
        self.status.setText(f"{state} · cycle {t}/{snap['cycles']}{speed} · {js}")
        self.frames += 1

    def show_neuron(self, k):
        """Neuron ``k``'s own output over the input plane in the small map (2-input tasks)."""
        self.neuron_map.select(k, self.network.names.get(k, ""), self.network.state)

    def point_at_neuron(self, k):
        """As a hover would: the read-out beside neuron ``k`` and its map."""
        self.network.show_neuron(k)

    def _draw_network(self):
        if self._quiet or self.snap is None:
            return
        nets = self.snap["nets"]
        i = min(max(self.panel.show_net.currentIndex(), 0), len(nets) - 1)
        self.network.update_state(nets[i])
        self.neuron_map.refresh(nets[i])

    # ---- sampling and learning ---------------------------------------------------------------
    learning = False
    _learning_csv = None

    def _set_learning(self, on):
        """One recording or fit at a time: its buttons are off until it ends or is cancelled."""
        self.learning = bool(on)
        self._learning_csv = self.csv_path if on else None
        for b in (self.panel.sample_learn, self.panel.learn_samples, self.panel.load_samples):
            b.setEnabled(not on and (self.ready or b is not self.panel.sample_learn))

    def sample_and_learn(self):
        """Record a backprop run with the current settings, then train the chosen learner on it."""
        if self.cfg is None:
            self.show_message("fix the task and layers first", error=True)
            return
        if self.learning:
            self.show_message("a sample & learn is already running", error=True)
            return
        self._set_play(False)
        self._set_learning(True)
        self._learn_after_record = True
        p = self.panel
        self.worker.record(task=self.cfg.task, sizes=self.cfg.sizes, rate=p.rate.value(),
                           cycles=p.cycles.value(), seed=p.seed.value())

    def on_recorded(self, samples):
        self.samples = samples
        meta = samples[0]
        self.show_message(f"recorded {meta['rows']} backprop steps ({meta['task']} {format_layers(meta['layers'])}, "
                          f"every {meta['every']}. step of {meta['cycles']} cycles)")
        if self._learn_after_record:
            self.learn_from_samples()
        else:
            self._set_learning(False)

    def learn_from_samples(self):
        """Train the chosen learner (full or local) on the held samples, in the worker."""
        p = self.panel
        if self.samples is None:
            self.show_message("no samples yet: press “sample & learn” or load a sample file", error=True)
            return False
        if self.learning and not self._learn_after_record:
            self.show_message("a learner is already being trained", error=True)
            return False
        self._learn_after_record = False
        kind = p.learner_kind.currentData()
        try:
            hidden = parse_hidden(p.learner_hidden.text())
        except UsageError as e:
            self.show_message(str(e), error=True)
            self._set_learning(False)
            return False
        self._set_learning(True)
        features = learner.FULL_FEATURES_HIDDEN if p.learner_hidden_feat.isChecked() else learner.FULL_FEATURES
        self.learner_curve.clear()
        self.worker.learn(kind=kind, sources=[self.samples], hidden=hidden, rate=p.learner_rate.value(),
                          cycles=p.learner_cycles.value(), seed=0, features=features)
        return True

    def on_learn_progress(self, info):
        bar = self.panel.progress
        stage = info["stage"]
        if stage == "cancelled":
            bar.setRange(0, 1)
            bar.setValue(0)
            bar.setFormat("cancelled")
            return
        if stage == "recording":
            bar.setRange(0, 0)
            bar.setFormat("recording a backprop run…")
        elif stage == "recorded":
            bar.setRange(0, 1)
            bar.setValue(1)
            bar.setFormat("recorded")
        else:
            bar.setRange(0, max(info["total"], 1))
            bar.setValue(info["done"])
            j = "" if info["J"] is None else f", J {info['J'][-1]:.3g}"
            verb = "learned" if stage == "learned" else "learning"
            bar.setFormat(f"{verb} {info['kind']} rule: cycle {info['done']}/{info['total']}{j}")
            self.learner_curve.update_history(info["J"], info["Jt"])

    def on_learned(self, rule):
        self._set_learning(False)
        self.rules[rule.mode] = rule
        sizes = self.cfg.sizes if self.cfg else None
        self.update_modes(sizes)
        r2 = f", R² {rule.meta['r2_train']:.3f} on its tuples" if "r2_train" in rule.meta else ""
        text = (f"learned a {MODE_LABELS[rule.mode]} ({format_layers(rule.lsizes)}): learner J "
                f"{rule.history[0]:.3g} → {rule.history[-1]:.3g}{r2}.")
        if self.panel.mode_available(rule.mode):
            self._quiet = True
            self.panel.mode.setCurrentIndex(self.panel.mode.findData(rule.mode))
            self._quiet = False
            if self.apply_config():
                self.show_message(text + " Both networks restart from the same weights: press play.")
        else:
            self.show_message(text + f" It was learned for {format_layers(rule.layers)} networks; set the "
                              "layers to that to use it.", error=True)

    # ---- files ---------------------------------------------------------------------------------
    def _path(self, path, save, title, filt):
        if path is not None:
            return str(path)
        fn = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        chosen, _ = fn(self, title, "", filt)
        return chosen or None

    def _guard(self, action, what):
        try:
            return action()
        except UsageError as e:
            self.show_message(str(e), error=True)
        except OSError as e:
            self.show_message(f"cannot {what}: {e.strerror or e} {e.filename or ''}".strip(), error=True)
        return None

    def save_samples(self, path=None):
        if self.samples is None:
            self.show_message("no samples to save: press “sample & learn” first", error=True)
            return False
        path = self._path(path, True, "save samples", "sample files (*.npz)")
        if path and self._guard(lambda: save_samples(path, self.samples[1], self.samples[0]), "save samples"):
            self.show_message(f"saved samples to {path}")
            return True
        return False

    def load_samples(self, path=None):
        path = self._path(path, False, "load samples", "sample files (*.npz);;all files (*)")
        if not path:
            return False
        got = self._guard(lambda: load_samples(path), "load samples")
        if got is None:
            return False
        self.samples = got
        layers = tuple(got[0]["layers"])
        if self.cfg is not None and layers != tuple(self.cfg.sizes):
            self.show_message(f"{Path(path).name}: samples of a {format_layers(layers)} network, the current one "
                              f"is {format_layers(self.cfg.sizes)}; a full-network rule learned from them only "
                              "trains that topology (a local rule trains any)", error=True)
        else:
            self.show_message(f"loaded {got[1]['w'].shape[0]} samples from {path}; press “learn from samples”")
        return True

    def save_rule(self, path=None, kind=None):
        kind = kind or self.panel.learner_kind.currentData()
        rule = self.rules.get(kind)
        if rule is None:
            self.show_message(f"no {MODE_LABELS[kind]} to save: learn one first", error=True)
            return False
        path = self._path(path, True, "save rule", "rule files (*.npz)")
        if path and self._guard(lambda: rule.save(path), "save the rule"):
            self.show_message(f"saved the {MODE_LABELS[kind]} to {path}")
            return True
        return False

    def load_rule(self, path=None):
        path = self._path(path, False, "load rule", "rule files (*.npz);;all files (*)")
        if not path:
            return False
        rule = self._guard(lambda: Rule.load(path), "load the rule")
        if rule is None:
            return False
        self.rules[rule.mode] = rule
        sizes = self.cfg.sizes if self.cfg else None
        self.update_modes(sizes)
        if not self.panel.mode_available(rule.mode):
            self.show_message(f"{Path(path).name}: this full-network rule was learned for "
                              f"{format_layers(rule.layers)} networks and cannot train the current "
                              f"{format_layers(sizes)} one (set layers to {','.join(map(str, rule.layers))}, "
                              "or use a local rule)", error=True)
            return False
        self._quiet = True
        self.panel.mode.setCurrentIndex(self.panel.mode.findData(rule.mode))
        self._quiet = False
        if self.apply_config():
            self.show_message(f"loaded a {MODE_LABELS[rule.mode]} from {path}; it trains the second network")
        return True

    def save_screenshot(self, path=None):
        path = self._path(path, True, "save screenshot", "PNG images (*.png)")
        if not path:
            return False
        buf = QBuffer()
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        self.grab().save(buf, "PNG")
        data = bytes(buf.data())
        if self._guard(lambda: write_bytes(path, data), "save the screenshot"):
            self.show_message(f"saved a screenshot to {path}")
            return True
        return False

    def results(self) -> list[Result]:
        """The current run of every compared network as ``localrule.runs.Result`` objects."""
        if self.snap is None or self.cfg is None:
            return []
        out = []
        hist = self.worker.histories()
        for n, (J, Jt) in zip(self.snap["nets"], hist):
            out.append(Result(self.cfg.task.name, tuple(self.cfg.sizes), n["mode"], int(self.cfg.seed),
                              float(self.snap["rate"]), int(n["t"]), J[:n["t"] + 1], None if Jt is None else Jt[:n["t"] + 1],
                              n["diverged_at"],
                              float(n["seconds"]), n["w"], n["b"], n["accuracy"]))
        return out

    def export_history(self, path=None):
        """Write the run as ``Result.to_json()``: backprop to ``path``, a rule's net beside it."""
        results = self.results()
        if not results:
            self.show_message("nothing to export yet", error=True)
            return []
        path = self._path(path, True, "export history", "JSON files (*.json)")
        if not path:
            return []
        p = Path(path)
        written = []
        for k, r in enumerate(results):
            target = p if k == 0 else p.with_name(f"{p.stem}.{r.mode}{p.suffix or '.json'}")
            if self._guard(lambda: write_json(target, r.to_json()), "export the history") is None:
                return written
            written.append(str(target))
        self.show_message("wrote " + ", ".join(written))
        return written

    # ---- shutdown --------------------------------------------------------------------------------
    def closeEvent(self, event):
        """Stop the worker at its next chunk and join it before the window goes."""
        self.worker.shutdown()
        super().closeEvent(event)


def _wait(app, cond, win=None, timeout=60.0):
    """Pump events until ``cond()``; False on timeout or as soon as the window shows an error."""
    t0 = time.perf_counter()
    while not cond():
        app.processEvents()
        if win is not None and win.last_error:
            return False
        if time.perf_counter() - t0 > timeout:
            return False
        time.sleep(0.005)
    return True


def take_screenshot(win: MainWindow, app, path, cycles, learn=True) -> int:
    """Mid-training picture: learn a local rule from backprop, then run both for ``cycles``.

    Any error the window shows on the way (a task it cannot train, a learner that cannot learn
    from this network) ends it at once with that message and exit code 2."""
    def fail(what):
        msg = win.panel.message.text() if win.last_error else what
        print(f"gui: {msg}", file=sys.stderr)
        return 2 if win.last_error else 1
    win.show()
    if win.last_error:
        return fail("")
    if not _wait(app, lambda: win.ready and win.snap is not None, win):
        return fail("the worker did not get ready")
    if learn:
        win.sample_and_learn()
        if not _wait(app, lambda: len(win.snap["nets"]) == 2 if win.snap else False, win, 300):
            return fail("learning did not finish")
    target = min(cycles, win.panel.cycles.value())
    win.worker.step(target)                # exactly ``target`` cycles, so the picture is reproducible
    if not _wait(app, lambda: win.snap is not None and win.snap["nets"][0]["t"] >= target, win, 300):
        return fail("training did not get there")
    for _ in range(20):
        app.processEvents()
        time.sleep(0.01)
    net = win.network                      # show the hover read-out on a hidden neuron
    win.point_at_neuron(net.sizes[0] + 1 if len(net.sizes) > 2 and net.sizes[1] > 1 else len(net.pos) - 1)
    app.processEvents()
    ok = win.save_screenshot(path)
    print(f"wrote {path}" if ok else f"gui: {win.panel.message.text()}", file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def check_args(args):
    """Refuse what the window would otherwise clamp or choke on, before it opens (exit 2)."""
    from localrule.tasks import check_fits, load_task

    from .inputs import positive, whole
    positive(args.rate, "--rate")
    whole(args.seed, "--seed", 0)
    whole(args.targets, "--targets", 1, 99)
    whole(getattr(args, "test_percent", "0"), "--test-percent", 0, 90)
    if args.cycles is not None:
        whole(args.cycles, "--cycles", 1, 10_000_000)
    task = hold_out(load_task(args.task, int(args.targets)), int(getattr(args, "test_percent", "0")))
    if args.layers is None:
        hidden = {"and": "1", "or": "4", "xor": "4"}.get(args.task.lower(), "5")
        args.layers = f"{task.n_in},{hidden},{task.n_out}"
    parse_layers(args.layers)                  # the CLI's wording for a malformed value
    try:
        sizes = check_layers(args.layers)
    except UsageError as e:
        raise UsageError(str(e).replace("layers:", "--layers:", 1)) from None
    check_fits(task, sizes)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m gui", description="localrule desktop app")
    ap.add_argument("--task", default="square", help="and, or, xor, square or a CSV file")
    ap.add_argument("--targets", default="1", help="CSV task: number of target columns (the last ones)")
    ap.add_argument("--test-percent", default="0", help="CSV task: hold out this %% of rows for testing "
                    "(seeded split; default 0)")
    ap.add_argument("--layers", default=None, help="layer sizes, e.g. 2,5,2 (default: the task's inputs, "
                    "5 hidden (AND 1, OR/XOR 4), the task's outputs)")
    ap.add_argument("--seed", default="0")
    ap.add_argument("--cycles", default=None, help="cycles to train (with --screenshot: cycles shown)")
    ap.add_argument("--rate", default="0.23")
    ap.add_argument("--preset", type=int, choices=sorted(PRESET_FILES), help="a paper experiment 1..4")
    ap.add_argument("--rule", help="load this rule file at start")
    ap.add_argument("--screenshot", metavar="PNG", help="render offscreen mid-training to this PNG and exit")
    ap.add_argument("--no-learn", action="store_true", help="with --screenshot: backprop only")
    args = ap.parse_args(argv)
    try:
        check_args(args)
    except UsageError as e:
        print(f"gui: {e}", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    locale.setlocale(locale.LC_NUMERIC, "C")   # numba's LLVM parses numbers with the C locale
    cycles = None if args.cycles is None else int(args.cycles)
    total = 5000 if cycles is None or args.screenshot else cycles
    win = MainWindow(task=args.task, layers=args.layers, seed=int(args.seed), cycles=max(total, cycles or 0),
                     rate=float(args.rate), targets=int(args.targets), test_percent=int(args.test_percent))
    if args.preset:
        win.apply_preset(args.preset)
    if args.rule:
        win.load_rule(args.rule)
    if args.screenshot:
        code = take_screenshot(win, app, args.screenshot, cycles or 600, learn=not args.no_learn)
        win.close()
        return code
    win.show()
    return app.exec()
