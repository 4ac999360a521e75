"""Error curves: J(t) of every network being compared, training solid and testing dashed.

Why one plot: backprop and the learned rule start from the same weights, so the gap between
their curves *is* the result.  Log-y is a toggle because J spans orders of magnitude once a
run converges.  Hovering reads out every curve at the cycle under the cursor.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

#: One colour per compared network (backprop first), colour-blind safe.
NET_COLORS = [(0, 114, 178), (230, 97, 0), (0, 158, 115), (204, 121, 167)]


class CurvePlot(QWidget):
    """A titled plot of named series with a log-y toggle and a hover read-out line."""

    def __init__(self, title, xlabel="cycle", ylabel="J", parent=None):
        super().__init__(parent)
        self.plot = pg.PlotWidget()
        self.plot.setTitle(title, size="11pt")
        self.plot.setLabel("bottom", xlabel)
        self.plot.setLabel("left", ylabel)
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.legend = self.plot.addLegend(offset=(-10, 10), labelTextSize="9pt")
        self.log = QCheckBox("log y")
        self.log.setChecked(True)
        self.log.toggled.connect(self._set_log)
        self.readout = QLabel(" ")
        self.readout.setMinimumWidth(10)
        self.readout.setStyleSheet("color: #333; font-family: monospace;")
        top = QHBoxLayout()
        top.addWidget(self.readout, 1)
        top.addWidget(self.log)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.plot, 1)
        lay.addLayout(top)
        self.series: dict[str, pg.PlotDataItem] = {}
        self.data: dict[str, np.ndarray] = {}
        self._set_log(True)
        self.plot.scene().sigMouseMoved.connect(self._mouse_moved)

    def _set_log(self, on):
        self.plot.setLogMode(y=bool(on))

    def clear(self):
        for item in self.series.values():
            self.plot.removeItem(item)
        self.legend.clear()
        self.series.clear()
        self.data.clear()
        self.readout.setText(" ")

    def set_series(self, name, y, color, dashed=False, width=2.0):
        """Create or update the named curve with values y[0..t] at x = 0..t."""
        y = np.asarray(y, float)
        if self.log.isChecked():
            y = np.where(y > 0, y, np.nan)       # log of 0 or a diverged run: a gap, not an error
        x = np.arange(y.shape[0], dtype=float)
        item = self.series.get(name)
        if item is None:
            pen = pg.mkPen(color, width=width, style=pg.QtCore.Qt.PenStyle.DashLine if dashed else
                           pg.QtCore.Qt.PenStyle.SolidLine)
            item = self.plot.plot(x, y, pen=pen, name=name, connect="finite")
            item.setDownsampling(auto=True, method="peak")   # long runs: draw ~1 point per pixel
            item.setClipToView(True)
            self.series[name] = item
        else:
            item.setData(x, y, connect="finite")
        self.data[name] = y

    def values_at(self, t: int) -> str:
        parts = [f"t={t}"]
        for name, y in self.data.items():
            if 0 <= t < y.shape[0]:
                parts.append(f"{name}: {y[t]:.4g}")
        return "   ".join(parts)

    def _mouse_moved(self, scene_pos):
        vb = self.plot.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(scene_pos) or not self.data:
            return
        t = int(round(vb.mapSceneToView(scene_pos).x()))
        self.readout.setText(self.values_at(t))


class ErrorCurves(CurvePlot):
    """J(t) of the compared networks (training solid, testing dashed)."""

    def __init__(self, parent=None):
        super().__init__("error J(t): backprop vs learned rule, same initial weights", parent=parent)

    def update_nets(self, nets):
        for k, n in enumerate(nets):
            color = NET_COLORS[k % len(NET_COLORS)]
            self.set_series(f"{n['name']} train", n["J"], color)
            if n["Jt"] is not None:
                self.set_series(f"{n['name']} test", n["Jt"], color, dashed=True, width=1.5)
        last = [f"{n['name']} J={n['J'][-1]:.4g}" if n["diverged_at"] is None else
                f"{n['name']} diverged at cycle {n['diverged_at']}" for n in nets]
        if not self.plot.underMouse():
            self.readout.setText(f"t={nets[0]['t']}   " + "   ".join(last) if nets else " ")


class LearnerCurve(CurvePlot):
    """The learning network's own error while it is trained (fit rows and held-out rows)."""

    def __init__(self, parent=None):
        super().__init__("learner error", xlabel="learner cycle", parent=parent)

    def update_history(self, J, Jt):
        if J is None:
            return
        self.set_series("learner fit", J, (117, 112, 179))
        if Jt is not None and len(Jt) and np.all(np.isfinite(Jt)):
            self.set_series("learner holdout", Jt, (117, 112, 179), dashed=True, width=1.5)
