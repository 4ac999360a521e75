"""What each control does: the panel's signals, the configuration, play/pause, sample & learn.

Why apart from the window: this is where a user action is turned into "restart from the same
initial weights" (task, layers, seed, mode), "tweak the running one" (γ, speed, cycles), or a
recording and learner fit in the worker; reading it top to bottom is reading the app's rules.
"""

from __future__ import annotations

import csv

import numpy as np
from PyQt6.QtWidgets import QFileDialog

from localrule import learner, tuning
from localrule.experiments import PRESET_FILES, load_experiment
from localrule.layout import UsageError, format_layers, n_weights
from localrule.tasks import check_fits, hold_out, load_task, teacher_seed

from . import tuner
from .inputs import check_layers, parse_hidden
from .network_view import CROWDED
from .worker import GRID, RunConfig, plane_bounds

MODE_LABELS = {"full": "full-network rule", "local": "local rule", "oracle": "oracle rule"}


def rule_label(rule) -> str:
    """What the app calls a rule: a full-network rule with a gated head (``learn --mode full
    --fixed``) is a "full-fixed rule", as the CLI names it."""
    return "full-fixed rule" if rule.mode == "full" and "head" in rule.meta else MODE_LABELS.get(rule.mode, rule.mode)


def map_grid(sizes) -> int:
    """Decision-map resolution: 100x100, coarser for big nets (the worker predicts it every frame)."""
    return int(np.clip(np.sqrt(4e7 / max(n_weights(sizes), 1)), 20, GRID))

def csv_header(path) -> list[str]:
    try:
        with open(path, newline="") as f:
            return next(csv.reader(f), [])
    except (OSError, UnicodeDecodeError):
        return []

class Wiring:
    """Mixed into ``MainWindow``: the handlers of the side panel's controls."""

    def wire(self):
        """Connect every control to its handler (called once the worker exists)."""
        p, w = self.panel, self.worker
        w.ready.connect(self.on_ready)
        w.snapshot_ready.connect(self._take_snapshot)
        w.status.connect(self.status.setText)
        w.failed.connect(self.on_failed)
        w.learn_progress.connect(self.on_learn_progress)
        w.recorded.connect(self.on_recorded)
        w.learned.connect(self.on_learned)
        p.task.activated.connect(self.on_task_chosen)
        p.task.currentIndexChanged.connect(self._enable_csv_fields)
        self._enable_csv_fields()
        p.targets.valueChanged.connect(lambda _: self.csv_path and self._fit_layers_and_apply())
        p.test_share.valueChanged.connect(lambda _: self.csv_path and self.apply_config())
        p.layers.editingFinished.connect(self.on_layers_edited)
        p.seed.valueChanged.connect(lambda _: self.apply_config())
        p.new_seed.clicked.connect(lambda: p.seed.setValue(p.seed.value() + 1))
        p.cycles.valueChanged.connect(self.on_cycles_changed)
        p.mode.currentIndexChanged.connect(lambda _: self.apply_config())
        p.rate.valueChanged.connect(lambda v: (self.worker.set_rate(v), self._relabel()))
        p.bp_rate.valueChanged.connect(lambda _: self.apply_config())
        p.best_rate.clicked.connect(self.find_best_rate)
        self.tuner.progress.connect(self.on_tune_progress)
        self.tuner.found.connect(self.on_best_rate)
        self.tuner.failed.connect(lambda msg: self.show_message(msg, error=True))
        self.tuner.ended.connect(self.on_tune_ended)
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

    # ---- configuration -----------------------------------------------------------------------
    def _load_task(self):
        key = self.panel.task.currentData()
        if key == "csv":
            if not self.csv_path:
                raise UsageError("choose a CSV file for the task")
            return hold_out(load_task(self.csv_path, self.panel.targets.value()), self.panel.test_share.value())
        if teacher_seed(key) is not None:   # the teacher has the net's shape: a new shape, a new teacher
            return load_task(key, layers=check_layers(self.panel.layers.text()))
        return load_task(key)

    def _enable_csv_fields(self, _=None):
        """"CSV targets" and "test %" mean something only for a CSV file: a built-in task or a
        shipped data set knows its own targets and test set."""
        csv = self.panel.task.currentData() == "csv"
        self.panel.targets.setEnabled(csv)
        self.panel.test_share.setEnabled(csv)

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
        key = (self.cfg.task.spec if self.cfg else None) or "square"
        i = self.panel.task.findData("csv") if self.csv_path else self.panel.task_index(key.lower())
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
        cancelled = self.learning and (self.cfg is None or task.name != self.cfg.task.name or
                                       tuple(sizes) != tuple(self.cfg.sizes) or self.csv_path != self._learning_csv)
        if cancelled:
            self.worker.cancel_learning()      # its samples would be of the settings just left
            self._learn_after_record = False
            self._set_learning(False)
            self.show_message("sample & learn cancelled: the task or layers changed")
        self.gen += 1
        self.task = task
        rule_rate = rule.own_rate if rule else None
        label = ("refined rule" if "refined" in rule.meta else rule_label(rule)) if rule else ""
        self.cfg = RunConfig(task, sizes, p.rate.value(), p.cycles.value(), p.seed.value(), rule, label,
                             p.speed.currentData(), grid=map_grid(sizes), gen=self.gen, rule_rate=rule_rate,
                             extra_rate=p.bp_rate.value())
        self.cfg.extra_best = self._best_is_current()
        self._best_moved_on()
        names = self.cfg.net_names()
        out_names = self._output_names(task)
        self.network.set_network(sizes, task, out_names)
        bounds = plane_bounds(task) if task.n_in == 2 else None
        self.neuron_map.set_task(task, bounds, sizes)          # first hidden neuron until one is hovered
        self.neuron_map.neuron = sizes[0] if len(sizes) > 2 else len(self.network.pos) - 1
        self.neuron_map.name = self.network.names.get(self.neuron_map.neuron, "")
        self.maps.set_nets(names, task, bounds, out_names)
        self.curves.clear()
        self._mark_decay()
        self.curves.mark_plateau(task.plateau)
        self._quiet = True
        p.show_net.clear()
        p.show_net.addItems(names)
        p.show_net.setCurrentIndex(1 if rule is not None else 0)      # the rule's net, if there is one
        self._quiet = False
        self.net_title.setText(f"<b>network {format_layers(sizes)}</b> on {task.name}")
        self.snap = None
        self._set_play(False)
        self.worker.configure(self.cfg)
        if self.last_error and not cancelled:
            self.show_message("")
        if self.network.drawing_note and not cancelled:
            self.show_message(f"a big network: {self.network.drawing_note}; layers over "
                              f"{CROWDED} neurons have no labels (hover a neuron for its numbers)")
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
            bar.setRange(0, max(info["total"], 1))
            bar.setValue(info["done"])
            bar.setFormat(f"recording a backprop run: cycle {info['done']}/{info['total']}")
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
    # ---- backprop's best γ -------------------------------------------------------------------
    best = None                  # the tuner's last result (a dict, see ``tuner.BestRateTuner``)
    _tune_stopping = False

    def _tune_key(self):
        """What a best γ depends on: the task (a CSV's file and split too), the layers, the cycles."""
        if self.cfg is None:
            return None
        p = self.panel
        csv = (self.csv_path, p.targets.value(), p.test_share.value()) if self.csv_path else None
        return (self.cfg.task.name, csv, tuple(self.cfg.sizes), p.cycles.value())

    def _best_is_current(self) -> bool:
        """The extra backprop net trains at the best γ found for exactly the running settings."""
        b = self.best
        return (b is not None and b["key"] == self._tune_key()
                and self.panel.bp_rate.value() == round(b["rate"], self.panel.bp_rate.decimals()))

    def _best_text(self, b) -> str:
        return (f"backprop's best γ on {b['task']} {format_layers(b['layers'])} for {b['cycles']} cycles: "
                f"γ {b['rate']:g} (median final J {b['median']:.3g}, {b['seeds']} tuning seeds)")

    def find_best_rate(self):
        """Tune backprop's γ for the running task, layers and cycle budget (the panel's cycles, where
        play stops) in the background, then race it as the extra network; a second click cancels."""
        if self.tuner.running:
            self._stop_tuning("best γ tuning cancelled")
            return False
        if self.cfg is None:
            self.show_message("fix the task and layers first", error=True)
            return False
        self._tune_stopping = False
        cycles = self.panel.cycles.value()
        self.tuner.start(self.cfg.task, self.cfg.sizes, cycles, self._tune_key())
        self.panel.show_tuning(0, len(tuning.DEFAULT_RATES))
        self.best_note.setText(f"tuning backprop's γ on {self.cfg.task.name} {format_layers(self.cfg.sizes)} "
                               f"for {cycles} cycles ({len(tuning.DEFAULT_RATES)} γ × {tuner.SEEDS} seeds)…")
        return True

    def _stop_tuning(self, why):
        self._tune_stopping = True
        self.tuner.cancel()
        self.panel.show_tuning(stopping=True)
        self.best_note.setText(why)

    def on_tune_progress(self, done, total):
        if self.tuner.running and not self._tune_stopping:
            self.panel.show_tuning(done, total)

    def on_tune_ended(self):
        self.panel.show_tuning(None)

    def on_best_rate(self, found):
        if found["key"] != self._tune_key():
            self.best_note.setText("best γ tuning discarded: the task, layers or cycles changed meanwhile")
            return
        self.best = found
        rate = round(found["rate"], self.panel.bp_rate.decimals())
        self.best_note.setText(self._best_text(found))
        if self.panel.bp_rate.value() == rate:
            ok = self.apply_config()             # same γ: restart only to relabel it "(best)"
        else:
            self.panel.bp_rate.setValue(rate)    # starts the race (a change restarts)
            ok = self.cfg is not None and self.cfg.extra_best
        if ok:
            self.show_message(f"backprop at its best γ {found['rate']:g} races as the last network, from the "
                              "same initial weights: press play.")

    def _best_moved_on(self):
        """A best γ is for one task, layers and cycle budget: after a change it is stale, and a
        tuning still running for the old settings stops."""
        key = self._tune_key()
        if self.tuner.running and not self._tune_stopping and self.tuner.key != key:
            self._stop_tuning("best γ tuning cancelled: the task, layers or cycles changed")
        elif self.best is not None and not self.tuner.running:
            b = self.best
            self.best_note.setText(self._best_text(b) if b["key"] == key else
                                   f"stale: backprop's best γ {b['rate']:g} was for {b['task']} "
                                   f"{format_layers(b['layers'])}, {b['cycles']} cycles (press “best γ” again)")

    def on_cycles_changed(self, cycles):
        self.worker.set_cycles(cycles)
        self._best_moved_on()
        self._relabel()
        self._mark_decay()

    def _mark_decay(self):
        """Where the racing rule's step starts to decay: the last share d of the panel's cycles."""
        rule = self.cfg.rule if self.cfg is not None else None
        d = rule.decay if rule is not None else 0.0
        self.curves.mark_decay((1.0 - d) * self.panel.cycles.value() if d > 0 else None)

    def _relabel(self):
        """New labels for the running nets (a new panel γ, a best γ gone stale); no restart."""
        if self.cfg is None:
            return
        self.cfg.extra_best = self._best_is_current()
        names = self.cfg.net_names(self.panel.rate.value())
        for i, name in enumerate(names[:self.panel.show_net.count()]):
            self.panel.show_net.setItemText(i, name)
        self.worker.set_names(names)
