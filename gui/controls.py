"""The side panel: every setting and button, grouped the way an experiment proceeds.

Why plain widgets and no logic: the window (``app.py``) owns the state and decides what a
change means (restart, or just a new γ); this module only builds the inputs, so the wiring
is readable in one place and tests can drive the same widgets a user does.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGridLayout, QGroupBox,
                             QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QSpinBox,
                             QStyle, QVBoxLayout, QWidget)

from localrule.tasks import teacher_seed

from .worker import SPEEDS

TASKS = [("AND", "and"), ("OR", "or"), ("XOR", "xor"), ("square", "square"), ("wine", "wine"), ("iris", "iris"),
         ("two moons", "moons"), ("random teacher @1", "teacher@1"), ("CSV file…", "csv")]
MODES = [("backprop only", "backprop"), ("backprop vs full-network rule", "full"),
         ("backprop vs local rule", "local")]
LEARNER_DEFAULTS = {"full": ("2", 0.198, 200), "local": ("8", 0.5, 200)}  # local: the rule6 form's (learner.FORM_SETTINGS)


def _row(*widgets):
    box = QHBoxLayout()
    box.setSpacing(4)
    for w in widgets:
        box.addWidget(w)
    return box


class RateSpinBox(QDoubleSpinBox):
    """A γ box that shows 8 as "8" and 0.0625 as "0.0625" (four decimals, no trailing zeros)."""

    def textFromValue(self, value):
        return f"{value:.{self.decimals()}f}".rstrip("0").rstrip(".")


class ControlPanel(QWidget):
    """All inputs of the app; attribute names are what ``app.py`` and the tests use."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFixedWidth(330)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(8)

        # --- task and network -----------------------------------------------------------------
        g = QGroupBox("Task and network")
        f = QFormLayout(g)
        self.preset = QComboBox()
        self.preset.addItem("— choose a paper experiment —", None)
        self.task = QComboBox()
        for label, key in TASKS:
            self.task.addItem(label, key)
        self.task.setToolTip("a random teacher labels 128 random points with a net of the layers below")
        self.targets = QSpinBox()
        self.targets.setRange(1, 99)
        self.targets.setToolTip("CSV task: how many of the last columns are targets")
        self.test_share = QSpinBox()
        self.test_share.setRange(0, 90)
        self.test_share.setSuffix(" %")
        self.test_share.setToolTip("CSV task without a test file: hold out this share of the rows as "
                                   "testing data (a fixed, seeded split)")
        self.layers = QLineEdit("2,5,2")
        self.layers.setToolTip("layer sizes, inputs first, e.g. 2,5,2 (2,0,1: no hidden layer)")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.new_seed = QPushButton("new seed")
        self.cycles = QSpinBox()
        self.cycles.setRange(1, 10_000_000)
        self.cycles.setValue(5000)
        self.cycles.setSingleStep(500)
        self.cycles.setToolTip("passes over the training patterns; play stops there")
        f.addRow("preset", self.preset)
        f.addRow("task", self.task)
        f.addRow("CSV targets", _row(self.targets, QLabel("test"), self.test_share))
        f.addRow("layers", self.layers)
        f.addRow("seed", _row(self.seed, self.new_seed))
        f.addRow("cycles", self.cycles)
        lay.addWidget(g)

        # --- training ------------------------------------------------------------------------
        g = QGroupBox("Training")
        f = QFormLayout(g)
        self.mode = QComboBox()
        for label, key in MODES:
            self.mode.addItem(label, key)
        self.mode.setToolTip("a learned rule trains a second network from the same initial weights")
        self.rate = QDoubleSpinBox()
        self.rate.setDecimals(3)
        self.rate.setRange(0.001, 50.0)
        self.rate.setSingleStep(0.01)
        self.rate.setValue(0.23)
        self.rate.setToolTip("learning rate γ; changing it does not restart training")
        self.bp_rate = RateSpinBox()
        self.bp_rate.setDecimals(4)                 # the tuning grid's 0.0625 exactly
        self.bp_rate.setRange(0.0, 64.0)
        self.bp_rate.setSingleStep(0.5)
        self.bp_rate.setSpecialValueText("off")
        self.bp_rate.setKeyboardTracking(False)     # a restart per finished entry, not per keystroke
        self.bp_rate.setToolTip("race one more backprop network at this γ (e.g. its best γ: press "
                                "“best γ”), from the same initial weights; 0 = off; a change restarts")
        self.best_rate = QPushButton()
        self.show_tuning(None)
        self.speed = QComboBox()
        for s in SPEEDS:
            self.speed.addItem("max" if s == 0 else f"{s} cycles/frame", s)
        self.speed.setCurrentIndex(SPEEDS.index(10))
        self.speed.setToolTip("cycles per frame (a cycle is one pass over the patterns); 30 frames/s")
        self.play = QPushButton("play")
        self.play.setCheckable(True)
        self.step = QPushButton("step")
        self.step.setToolTip("one cycle")
        self.reset = QPushButton("reset")
        self.reset.setToolTip("back to the same initial weights")
        f.addRow("mode", self.mode)
        f.addRow("γ", self.rate)
        f.addRow("also backprop at γ", _row(self.bp_rate, self.best_rate))
        f.addRow("speed", self.speed)
        f.addRow(_row(self.play, self.step, self.reset))
        self.show_net = QComboBox()
        self.show_net.setToolTip("which network the graph shows")
        f.addRow("graph shows", self.show_net)
        lay.addWidget(g)

        # --- learning a rule -------------------------------------------------------------------
        g = QGroupBox("Learn a rule from backprop")
        f = QFormLayout(g)
        self.learner_kind = QComboBox()
        self.learner_kind.addItem("local rule ℓ (any topology)", "local")
        self.learner_kind.addItem("full network (this topology)", "full")
        self.learner_hidden = QLineEdit()
        self.learner_hidden.setToolTip("learner hidden sizes, e.g. 8 or 8,8 (empty: none)")
        self.learner_rate = QDoubleSpinBox()
        self.learner_rate.setDecimals(3)
        self.learner_rate.setRange(0.001, 10.0)
        self.learner_cycles = QSpinBox()
        self.learner_cycles.setRange(1, 100_000)
        self.learner_hidden_feat = QCheckBox("full: also hidden activations (exp. 4)")
        self.sample_learn = QPushButton("sample && learn")
        self.sample_learn.setToolTip("record a backprop run with the settings above, then train the learner on it")
        self.learn_samples = QPushButton("learn from samples")
        self.save_samples = QPushButton("save samples…")
        self.load_samples = QPushButton("load samples…")
        self.save_rule = QPushButton("save rule…")
        self.load_rule = QPushButton("load rule…")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("learner idle")
        self.progress.setTextVisible(True)
        f.addRow("learner", self.learner_kind)
        f.addRow("hidden", self.learner_hidden)
        f.addRow("rate", self.learner_rate)
        f.addRow("cycles", self.learner_cycles)
        f.addRow(self.learner_hidden_feat)
        grid = QGridLayout()
        grid.addWidget(self.sample_learn, 0, 0)
        grid.addWidget(self.learn_samples, 0, 1)
        grid.addWidget(self.save_samples, 1, 0)
        grid.addWidget(self.load_samples, 1, 1)
        grid.addWidget(self.save_rule, 2, 0)
        grid.addWidget(self.load_rule, 2, 1)
        f.addRow(grid)
        f.addRow(self.progress)
        lay.addWidget(g)

        # --- export ------------------------------------------------------------------------------
        g = QGroupBox("Export")
        self.save_png = QPushButton("screenshot (PNG)…")
        self.save_history = QPushButton("history (JSON)…")
        box = _row(self.save_png, self.save_history)
        g.setLayout(box)
        lay.addWidget(g)

        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setMinimumHeight(40)
        lay.addWidget(self.message)
        lay.addStretch(1)
        self.set_learner_defaults("local")
        self.show_playing(False)

    def show_playing(self, on):
        """The play button's face: the style's own media icons (a ⏸ glyph is an empty box with
        the fonts a plain Linux install has)."""
        icon = QStyle.StandardPixmap.SP_MediaPause if on else QStyle.StandardPixmap.SP_MediaPlay
        self.play.setIcon(self.style().standardIcon(icon))
        self.play.setText("pause" if on else "play")

    def show_tuning(self, done=None, total=0, stopping=False):
        """The "best γ" button's face: idle, tuning (done/total γ; a click cancels) or stopping."""
        b = self.best_rate
        b.setEnabled(not stopping)
        if stopping:
            b.setText("stopping…")
        elif done is None:
            b.setText("best γ")
            b.setToolTip("find backprop's best γ for this task, layers and cycles (12 γ from 0.0625 to 64, "
                         "5 tuning seeds, as `localrule tune`) in the background, then race it here")
        else:
            b.setText(f"tuning {done}/{total}…")
            b.setToolTip("tuning backprop's γ in the background; click to cancel")

    def set_learner_defaults(self, kind):
        hidden, rate, cycles = LEARNER_DEFAULTS[kind]
        self.learner_hidden.setText(hidden)
        self.learner_rate.setValue(rate)
        self.learner_cycles.setValue(cycles)

    def task_index(self, key: str) -> int:
        """The task box's entry for ``key`` (-1: none); a random teacher not listed yet gets one."""
        i = self.task.findData(key)
        seed = teacher_seed(key)
        if i < 0 and seed is not None:
            i = self.task.findData(f"teacher@{seed}")
            if i < 0:
                i = self.task.findData("csv")
                self.task.insertItem(i, f"random teacher @{seed}", f"teacher@{seed}")
        return i

    def set_mode_available(self, key, available, why=""):
        """Enable or disable one mode entry (a mode with no usable rule is never offered)."""
        i = self.mode.findData(key)
        item = self.mode.model().item(i)
        item.setEnabled(bool(available))
        item.setToolTip("" if available else why)
        if not available and self.mode.currentIndex() == i:
            self.mode.setCurrentIndex(0)

    def mode_available(self, key) -> bool:
        return self.mode.model().item(self.mode.findData(key)).isEnabled()
