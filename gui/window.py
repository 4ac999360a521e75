"""The main window: builds the control panel and the views, owns the state, shows messages.

Why it owns all state (task, rules, samples, the running configuration): every user action
either restarts the comparison from the same initial weights (task, layers, seed, mode) or
tweaks the running one (γ, speed, cycles), and that decision belongs in one place.  What each
control does lives in ``wiring.py``, what a snapshot redraws in ``snapshots.py``, the file
actions in ``file_actions.py``.  Bad input never raises out of here: every ``UsageError``
becomes a one-line message in the side panel.
"""

from __future__ import annotations

import sys

import pyqtgraph as pg
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QSizePolicy, QSplitter, QVBoxLayout, QWidget

from localrule.experiments import PRESET_FILES, load_experiment
from localrule.layout import format_layers
from localrule.learner import Rule

from .controls import ControlPanel
from .curves import ErrorCurves, LearnerCurve
from .decision_map import DecisionMaps
from .file_actions import FileActions
from .inputs import app_words
from .network_view import NetworkView
from .neuron_map import NeuronMap
from .snapshots import Snapshots
from .tuner import BestRateTuner
from .wiring import Wiring
from .worker import RunConfig, TrainWorker


def configure_pyqtgraph():
    """Light theme, antialiased lines: readable in screenshots and on projectors."""
    pg.setConfigOptions(antialias=True, background="w", foreground=(40, 40, 40))

class MainWindow(Wiring, Snapshots, FileActions, QMainWindow):
    """The app.  Public methods taking a ``path`` skip the file dialog (used by tests and CLI)."""

    def __init__(self, task="square", layers="2,5,2", seed=0, cycles=5000, rate=0.23, speed=10, targets=1,
                 test_percent=0):
        # The worker thread runs Python between its (GIL-free) kernel calls; with the default 5 ms
        # switch interval the event loop waited ~3 of them for the GIL (timer latency median
        # ~27 ms at 10-50 cycles per frame on an idle 2-core machine).
        sys.setswitchinterval(0.001)
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
        self.hover.setMinimumWidth(10)      # a long read-out must not widen the graph's pane
        self.hover.setWordWrap(True)        # but wraps, so none of it is cut off
        self.hover.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        nl.addWidget(self.hover)
        top.addWidget(net_box)
        top.addWidget(self.curves)
        top.setSizes([640, 500])
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
        self.best_note = QLabel("")            # backprop's best γ: found, being tuned, or stale
        self.best_note.setStyleSheet("color: #1b5e20;")
        self.statusBar().addPermanentWidget(self.best_note)
        self.tuner = BestRateTuner()

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
        i = p.task_index(str(task).lower())
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
        self.wire()
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
    # ---- shutdown --------------------------------------------------------------------------------
    def closeEvent(self, event):
        """Stop the worker and a best-γ tuning at their next chunk and join them before the window goes."""
        self.tuner.shutdown()
        self.worker.shutdown()
        super().closeEvent(event)
