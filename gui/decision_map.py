"""Decision regions: one network output over the input plane, one map per compared net.

Why: J(t) says how well a net fits; the map shows *what* it learned (for the square task,
whether the inner square is carved out).  The heat map is computed in the worker on a
100x100 grid and arrives with each snapshot; training points are filled, testing points
hollow, coloured by their class; the true inner square is outlined for the square task.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from localrule.tasks import INNER

#: Output 0 from 0 (blue) to 1 (orange), light in the middle so the points stay visible.
OUTPUT_MAP = pg.ColorMap([0.0, 0.5, 1.0], [(74, 125, 180), (245, 245, 245), (235, 140, 40)])
CLASS_COLORS = {1: (200, 80, 0), 0: (30, 80, 160)}


def caption(task, output_name) -> str:
    """What the map shows, naming only what this task has (testing rings, the true square)."""
    parts = [f"colour: {output_name}, blue 0 → orange 1",
             "dots: training points" + (", rings: testing points" if task.X_test is not None else "") +
             ", coloured by class"]
    if task.name == "square":
        parts.append("dashed: the true inner square")
    return " · ".join(parts)


class DecisionMap(pg.PlotWidget):
    """One net's output-0 heat map with the task's points over it."""

    def __init__(self, title="", parent=None):
        super().__init__(parent)
        self.setMinimumSize(200, 200)
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.setMenuEnabled(False)
        self.image = pg.ImageItem(axisOrder="col-major")
        self.image.setLookupTable(OUTPUT_MAP.getLookupTable(nPts=256))
        self.image.setLevels((0.0, 1.0))
        self.addItem(self.image)
        self.train_pts = pg.ScatterPlotItem(size=8, pen=pg.mkPen("w", width=1))
        self.test_pts = pg.ScatterPlotItem(size=7, brush=None)
        self.addItem(self.test_pts)
        self.addItem(self.train_pts)
        self.square = pg.PlotCurveItem(pen=pg.mkPen((20, 20, 20), width=2, style=pg.QtCore.Qt.PenStyle.DashLine))
        self.addItem(self.square)
        self.base_title = title
        self.rect = pg.QtCore.QRectF(0, 0, 1, 1)
        self.setTitle(title, size="10pt")
        self.last = None
        self._title = None

    def set_task(self, task, bounds, output_name="output 0", output=0):
        lo, hi = bounds
        self.rect = pg.QtCore.QRectF(lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1])
        self.setRange(xRange=(lo[0], hi[0]), yRange=(lo[1], hi[1]), padding=0)
        self.getPlotItem().setLabel("bottom", "x1")
        self.getPlotItem().setLabel("left", "x2")

        k = min(output, task.n_out - 1)

        def points(X, Y, hollow):
            cls = (Y[:, k] > 0.5).astype(int)
            cols = [CLASS_COLORS[c] for c in cls]
            if hollow:
                return dict(pos=X[:, :2], brush=None, pen=[pg.mkPen(c, width=1.6) for c in cols], symbol="o")
            return dict(pos=X[:, :2], brush=[pg.mkBrush(*c) for c in cols], pen=pg.mkPen("w", width=1), symbol="o")
        self.train_pts.setData(**points(task.X, task.Y, False))
        if task.X_test is not None:
            self.test_pts.setData(**points(task.X_test, task.Y_test, True))
        else:
            self.test_pts.clear()
        if task.name == "square":
            a, b = INNER
            self.square.setData([a, b, b, a, a], [a, a, b, b, a])
        else:
            self.square.setData([], [])
        self.output_name = output_name

    discrete = False
    compact = False

    def update_map(self, net):
        m = net["map"]
        if m is None:
            return
        self.last = m
        self.last_net = net
        shown = np.nan_to_num(m, nan=0.5)
        if self.discrete:
            shown = (shown > 0.5).astype(float)
        self.image.setImage(shown, autoLevels=False, levels=(0.0, 1.0))
        self.image.setRect(self.rect)          # after setImage: the rect scales the image's pixels
        if net["diverged_at"] is not None:
            info = f"diverged at cycle {net['diverged_at']}"
        elif net["accuracy"] is not None:
            info = f"accuracy {net['accuracy']:.0%}"
        else:
            info = f"J {net['J_now']:.3g}"
        # short: a long title got clipped at its end; three maps side by side put the info below the name
        title = f"<b>{net['name']}</b>{'<br>' if self.compact else ' · '}{info}"
        if title != self._title:               # a new title relayouts the plot: only on change
            self._title = title
            self.setTitle(title, size="10pt")


class DecisionMaps(QWidget):
    """Maps side by side, one per compared network; a note when the task has no 2-D plane."""

    output_changed = pyqtSignal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        row = QHBoxLayout()
        self.output = QComboBox()
        self.output.setToolTip("which network output the maps show")
        self.show_test = QCheckBox("show test data")
        self.show_test.setChecked(True)
        self.discrete = QCheckBox("discretize output")
        self.discrete.setToolTip("colour by output > 0.5 instead of the output's value")
        row.addWidget(QLabel("map of"))
        row.addWidget(self.output)
        row.addWidget(self.show_test)
        row.addWidget(self.discrete)
        row.addStretch(1)
        outer.addLayout(row)
        self.lay = QHBoxLayout()
        outer.addLayout(self.lay, 1)
        self.caption = QLabel("")
        self.caption.setStyleSheet("color: #555;")
        self.caption.setWordWrap(True)
        outer.addWidget(self.caption)
        self.maps: list[DecisionMap] = []
        self.note = QLabel("decision regions need a task with 2 inputs")
        self.note.setStyleSheet("color: #666;")
        self.lay.addWidget(self.note)
        self.note.hide()
        self.task = None
        self.bounds = None
        self.names = []
        self.output.activated.connect(self._output_chosen)
        self.show_test.toggled.connect(self._show_test)
        self.discrete.toggled.connect(self._discretize)

    def set_nets(self, names, task, bounds, output_names):
        """Rebuild for these networks; hide everything when the task is not 2-D."""
        for m in self.maps:
            self.lay.removeWidget(m)
            m.hide()                    # deleteLater waits for the event loop; a screenshot may come first
            m.deleteLater()
        self.maps = []
        self.task, self.bounds, self.names = task, bounds, list(names)
        keep = self.output.currentIndex()
        self.output.clear()
        for i, name in enumerate(output_names):
            self.output.addItem(f"output {i} ({name})" if name != f"out {i}" else f"output {i}", i)
        self.output.setCurrentIndex(keep if 0 <= keep < len(output_names) else 0)
        self.show_test.setEnabled(task.X_test is not None)
        if task.n_in != 2:
            self.note.setText(f"decision regions need a task with 2 inputs ({task.name} has {task.n_in})")
            self.note.show()
            self.caption.hide()
            return
        self.note.hide()
        self.caption.show()
        for name in names:
            m = DecisionMap(name)
            m.compact = len(names) > 2
            self.lay.addWidget(m, 1)
            self.maps.append(m)
        self._apply_output()

    def current_output(self) -> int:
        return max(self.output.currentIndex(), 0)

    def _apply_output(self):
        k = self.current_output()
        label = self.output.currentText() or "output 0"
        self.caption.setText(caption(self.task, label))
        for m in self.maps:
            m.set_task(self.task, self.bounds, label, k)
            m.test_pts.setVisible(self.show_test.isChecked())
            m.discrete = self.discrete.isChecked()

    def _output_chosen(self, _=None):
        self._apply_output()
        self.output_changed.emit(self.current_output())

    def _show_test(self, on):
        for m in self.maps:
            m.test_pts.setVisible(bool(on))

    def _discretize(self, on):
        for m in self.maps:
            m.discrete = bool(on)
            if m.last is not None:
                m.update_map(m.last_net)

    def update_nets(self, nets):
        for m, n in zip(self.maps, nets):
            m.update_map(n)
