"""Error curves: J(t) of every network being compared, training solid and testing dashed.

Why one plot: backprop and the learned rule start from the same weights, so the gap between
their curves *is* the result.  Log-y is a toggle because J spans orders of magnitude once a
run converges.  Hovering reads out every curve at the cycle under the cursor.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from localrule.render import log_ticks

#: One colour per compared network (backprop first), colour-blind safe.
NET_COLORS = [(0, 114, 178), (230, 97, 0), (0, 158, 115), (204, 121, 167)]


def nice_ceil(v: float) -> float:
    """The smallest 1, 2 or 5 x 10^k that is >= v (v > 0)."""
    if not np.isfinite(v) or v <= 0:
        return 1.0
    e = 10.0 ** np.floor(np.log10(v))
    for m in (1.0, 2.0, 5.0, 10.0):
        if m * e >= v * (1 - 1e-12):
            return float(m * e)
    return float(10 * e)


class CurvePlot(QWidget):
    """A titled plot of named series with a log-y toggle and a hover read-out line.

    Lines are 1 px wide: Qt strokes antialiased 1-px lines on a fast path, while 2-px ones cost
    20-40 ms per frame for four curves of ~1600 points (measured), more than a frame at 30/s."""

    def __init__(self, title, xlabel="cycle", ylabel="J", parent=None):
        super().__init__(parent)
        self.plot = pg.PlotWidget()
        self.plot.setTitle(title, size="11pt")
        self.plot.setLabel("bottom", xlabel)
        self.plot.setLabel("left", ylabel)
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.legend = self.plot.addLegend(offset=(-10, 10), labelTextSize="9pt",
                                          brush=pg.mkBrush(255, 255, 255, 230), pen=pg.mkPen(190, 190, 190))
        self.legend.setZValue(20)                 # above the curves: the dashed ones ran through its text
        self.legend.setVisible(False)             # an empty legend is a stray box: shown with the first curve
        self.log = QCheckBox("log y")
        self.log.setChecked(True)
        self.log.toggled.connect(self._set_log)
        self.readout = QLabel(" ")
        self.readout.setMinimumWidth(10)
        self.readout.setWordWrap(True)      # three racing nets' J need more than one line
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
        self.xs: dict[str, np.ndarray] = {}
        self._set_log(True)
        self.plot.scene().sigMouseMoved.connect(self._mouse_moved)

    def _set_log(self, on):
        self.plot.setLogMode(y=bool(on))
        self.fit_range()

    def fit_range(self, t=None):
        """Axes on "nice" bounds (x to 1, 2 or 5 x 10^k; log-y to whole decades).

        Why not autorange: it re-ranges after every new point, and each change relayouts the
        axes and paints the plot twice per frame; nice bounds change rarely.  An empty plot
        gets x 0..10 and y 0.01..1 (log) or 0..1, not pyqtgraph's -400..400 default."""
        xs = [x[-1] for x in self.xs.values() if x.shape[0]]
        xmax = nice_ceil(max(xs + [t or 0, 10]))
        ys = np.concatenate([y[np.isfinite(y)] for y in self.data.values()] or [np.empty(0)])
        vb = self.plot.getPlotItem().vb
        vb.disableAutoRange()
        if self.log.isChecked():
            ys = ys[ys > 0]
            lo, hi = (np.floor(np.log10(ys.min())), np.ceil(np.log10(ys.max()))) if ys.size else (-2.0, 0.0)
            if hi - lo < 1:
                hi = lo + 1
            yr = (lo, hi)
        else:
            hi = ys.max() if ys.size else 1.0
            yr = (min(0.0, ys.min() if ys.size else 0.0), nice_ceil(hi) if hi > 0 else 1.0)
        new = (0.0, xmax, *yr)
        if new != getattr(self, "_range", None):
            self._range = new
            self.plot.setRange(xRange=(0, xmax), yRange=yr, padding=0.02)
            left = self.plot.getAxis("left")
            if self.log.isChecked():
                left.setTicks(log_ticks(*yr))
            else:
                left.setTicks(None)

    def clear(self):
        for item in self.series.values():
            self.plot.removeItem(item)
        self.legend.clear()
        self.legend.setVisible(False)
        self.series.clear()
        self.data.clear()
        self.xs.clear()
        self.readout.setText(" ")
        self.fit_range()

    def set_series(self, name, y, color, dashed=False, width=1.0, x=None):
        """Create or update the named curve with values y at x (default 0..len(y)-1)."""
        y = np.asarray(y, float)
        if self.log.isChecked():
            y = np.where(y > 0, y, np.nan)       # log of 0 or a diverged run: a gap, not an error
        x = np.arange(y.shape[0], dtype=float) if x is None else np.asarray(x, float)
        item = self.series.get(name)
        if item is None:
            pen = pg.mkPen(color, width=width, style=pg.QtCore.Qt.PenStyle.DashLine if dashed else
                           pg.QtCore.Qt.PenStyle.SolidLine)
            item = self.plot.plot(x, y, pen=pen, name=name, connect="finite")
            item.setDownsampling(auto=True, method="peak")   # long runs: draw ~1 point per pixel
            item.setClipToView(True)
            self.series[name] = item
            self.legend.setVisible(True)
        else:
            item.setData(x, y, connect="finite")
        self.data[name] = y
        self.xs[name] = x

    def rename(self, old, new):
        """Relabel a curve in place (its γ changed, or its best γ went stale): no new line."""
        item = self.series.pop(old, None)
        if item is None or new in self.series:
            if item is not None:
                self.series[old] = item
            return
        self.series[new] = item
        self.data[new], self.xs[new] = self.data.pop(old), self.xs.pop(old)
        item.opts["name"] = new
        for _, label in self.legend.items:
            if label.text == old:
                label.setText(new)

    def values_at(self, t: int) -> str:
        parts = [f"t={t}"]
        for name, y in self.data.items():
            x = self.xs.get(name)
            k = int(np.searchsorted(x, t)) if x is not None else t
            if 0 <= k < y.shape[0] and (x is None or x[k] == t or k == y.shape[0] - 1):
                parts.append(f"{name}: {y[k]:.4g}")
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
        super().__init__("error J(t), all from the same initial weights", parent=parent)

    names: list = []
    decay_line = None
    plateau_line = None
    plateau = None

    def clear(self):
        super().clear()
        self.names = []

    def mark_decay(self, cycle):
        """A dashed line at the cycle where a decaying rule's step starts to fall (None: none), so
        that a bend in its curve there reads as the schedule, not as the rule."""
        if self.decay_line is None:
            self.decay_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(
                (110, 110, 110), style=pg.QtCore.Qt.PenStyle.DashLine), label="rule's step decays →",
                labelOpts={"position": 0.06, "anchors": [(1, 1), (1, 1)], "color": (90, 90, 90)})
            self.plot.addItem(self.decay_line, ignoreBounds=True)
        self.decay_line.setVisible(cycle is not None)
        if cycle is not None:
            self.decay_line.setValue(float(cycle))

    def mark_plateau(self, J):
        """A dotted line at the constant output's J (``Task.plateau``: each output at its mean
        target), where a net that has learned only its output biases sits: a curve flat on it
        reads as nothing learned, not as a slow rule.  None: no line."""
        self.plateau = float(J) if J is not None and J > 0 else None
        if self.plateau_line is None:
            self.plateau_line = pg.InfiniteLine(angle=0, movable=False, pen=pg.mkPen(
                (150, 150, 150), style=pg.QtCore.Qt.PenStyle.DotLine), label="constant output",
                labelOpts={"position": 0.02, "anchors": [(0, 1), (0, 1)], "color": (110, 110, 110)})
            self.plot.addItem(self.plateau_line, ignoreBounds=True)
        self._place_plateau()

    def _place_plateau(self):
        """InfiniteLine has no log mode of its own: on a log axis its value is log10(J)."""
        if self.plateau_line is None:
            return
        self.plateau_line.setVisible(self.plateau is not None)
        if self.plateau is not None:
            self.plateau_line.setValue(np.log10(self.plateau) if self.log.isChecked() else self.plateau)

    def _set_log(self, on):
        super()._set_log(on)
        self._place_plateau()

    def update_nets(self, nets):
        for k, (old, n) in enumerate(zip(self.names, nets)):
            if old != n["name"]:
                self.rename(f"{old} train", f"{n['name']} train")
                self.rename(f"{old} test", f"{n['name']} test")
        self.names = [n["name"] for n in nets]
        for k, n in enumerate(nets):
            color = NET_COLORS[k % len(NET_COLORS)]
            self.set_series(f"{n['name']} train", n["J"], color, x=n["Jx"])
            if n["Jt"] is not None:
                self.set_series(f"{n['name']} test", n["Jt"], color, dashed=True, x=n["Jx"])
        last = [f"{n['name']} J={n['J_now']:.4g}" if n["diverged_at"] is None else
                f"{n['name']} diverged at cycle {n['diverged_at']}" for n in nets]
        self.fit_range()
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
            self.set_series("learner holdout", Jt, (117, 112, 179), dashed=True)
        self.fit_range()
