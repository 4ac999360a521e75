"""Headless PNG figures through pyqtgraph (offscreen Qt): one plotting stack for CLI and app.

Imported only when figures are written; nothing else in ``localrule`` imports Qt.
"""

from __future__ import annotations

import locale
import os
from pathlib import Path

import numpy as np

import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401
from pyqtgraph.Qt import QtCore, QtWidgets

#: One colour per mode, shared with the app.
MODE_COLOURS = {"backprop": (31, 119, 180), "full": (255, 127, 14), "local": (44, 160, 44),
                "oracle": (148, 103, 189), "full-fixed": (214, 39, 40)}
#: Line colours for series that are not one of the modes (tuning grids, refine figures).
SERIES_COLOURS = [(31, 119, 180), (44, 160, 44), (214, 39, 40), (148, 103, 189), (255, 127, 14),
                  (140, 86, 75), (227, 119, 194), (127, 127, 127)]
SIZE = (900, 560)


def app():
    """The QApplication (made offscreen if needed), with LC_NUMERIC at C for numba's LLVM.

    The platform is chosen here, not at import, so that the desktop app can share this module."""
    qapp = QtWidgets.QApplication.instance()
    if qapp is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        qapp = QtWidgets.QApplication([])
    locale.setlocale(locale.LC_NUMERIC, "C")
    return qapp


def _plot(title, xlabel, ylabel, logy=False):
    app()
    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    win = pg.GraphicsLayoutWidget()
    win.resize(*SIZE)
    plot = win.addPlot(title=title)
    plot.setLabel("bottom", xlabel)
    plot.setLabel("left", ylabel)
    plot.showGrid(x=True, y=True, alpha=0.25)
    plot.setLogMode(y=logy)
    plot.getAxis("left").enableAutoSIPrefix(False)
    legend = plot.addLegend(offset=(-10, 10), brush=pg.mkBrush(255, 255, 255, 230), pen=pg.mkPen(190, 190, 190))
    legend.setZValue(20)  # above the curves and bands, which would otherwise run through its text
    return win, plot


def log_ticks(lo: float, hi: float):
    """Ticks for a log10 axis from 10^lo to 10^hi: labelled decades, plus labelled 2 and 5
    only when the range spans at most two decades; other minor ticks unlabelled (pyqtgraph's
    own labels every minor tick, and "0.1" and "0.09" collide)."""
    lo, hi = int(np.floor(lo)), int(np.ceil(hi))
    major, minor = [], []
    for e in range(lo, hi + 1):
        major.append((float(e), f"{10.0 ** e:g}"))
        if e < hi:
            for m in range(2, 10):
                v = np.log10(m) + e
                if hi - lo <= 2 and m in (2, 5):
                    minor.append((v, f"{m * 10.0 ** e:g}"))
                else:
                    minor.append((v, ""))
    return [major, minor]


def _readable_log_axes(win):
    """Every log-scaled axis of ``win``'s plots gets ``log_ticks`` for its laid-out range."""
    for item in win.ci.items:
        if isinstance(item, pg.PlotItem):
            (xlo, xhi), (ylo, yhi) = item.getViewBox().viewRange()
            for name, lo, hi in (("left", ylo, yhi), ("bottom", xlo, xhi)):
                axis = item.getAxis(name)
                if axis.logMode:
                    axis.setTicks(log_ticks(lo, hi))


def export(win, path) -> Path:
    """Render ``win`` to PNG at ``path`` atomically (temporary name, then rename)."""
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.tmp.png")
    win.show()  # lays the scene out at the window's size (offscreen: nothing appears)
    QtWidgets.QApplication.processEvents()
    _readable_log_axes(win)
    QtWidgets.QApplication.processEvents()
    pg.exporters.ImageExporter(win.scene()).export(str(tmp))
    os.replace(tmp, path)
    win.close()
    return path


def band(curves: np.ndarray):
    """Median and interquartile band over runs (rows), ignoring runs that diverged (NaN)."""
    finite = np.isfinite(curves)
    cols = finite.any(axis=0)
    med, lo, hi = (np.full(curves.shape[1], np.nan) for _ in range(3))
    if cols.any():
        med[cols], lo[cols], hi[cols] = (np.nanpercentile(curves[:, cols], q, axis=0) for q in (50, 25, 75))
    return med, lo, hi


def error_curves(path, title, curves: dict, logy=True, ylabel="J(t)", plateau=None) -> Path:
    """J(t) per mode: median line and interquartile band.  ``curves``: mode -> (runs, t) array;
    ``plateau``: the task's constant-output J (``Task.plateau``), drawn dotted, where a curve
    flat on it has learned nothing."""
    win, plot = _plot(title, "t (cycles)", ylabel, logy)
    if plateau is not None and plateau > 0 and curves:
        t_end = max(np.atleast_2d(np.asarray(r)).shape[1] for r in curves.values()) - 1
        plot.plot([0.0, float(t_end)], [plateau, plateau], name="constant output",
                  pen=pg.mkPen((150, 150, 150), width=1.5, style=QtCore.Qt.PenStyle.DotLine))
    for k, (mode, runs) in enumerate(curves.items()):
        runs = np.atleast_2d(np.asarray(runs, float))
        if logy:
            runs = np.where(runs > 0, runs, np.nan)
        med, lo, hi = band(runs)
        t = np.arange(runs.shape[1], dtype=float)
        colour = MODE_COLOURS.get(mode, SERIES_COLOURS[(k + 3) % len(SERIES_COLOURS)])
        if runs.shape[0] > 1:
            lo_item = pg.PlotDataItem(t, lo, connect="finite", pen=pg.mkPen(None))
            hi_item = pg.PlotDataItem(t, hi, connect="finite", pen=pg.mkPen(None))
            plot.addItem(lo_item)  # added first so that they take the plot's log mode
            plot.addItem(hi_item)
            plot.addItem(pg.FillBetweenItem(lo_item, hi_item, brush=pg.mkBrush(*colour, 60)))
        plot.plot(t, med, pen=pg.mkPen(colour, width=2), name=mode, connect="finite")
    return export(win, path)


def learner_error(path, title, J, J_holdout=None) -> Path:
    """The learning network's own training error per cycle (the paper's Figs. 4, 6, 8, 10)."""
    win, plot = _plot(title, "learner cycle", "learner J (scaled targets)", logy=True)
    plot.plot(np.arange(len(J)), J, pen=pg.mkPen((31, 119, 180), width=2), name="training samples")
    if J_holdout is not None and len(J_holdout):
        plot.plot(np.arange(len(J_holdout)), J_holdout, pen=pg.mkPen((214, 39, 40), width=2,
                                                                     style=QtCore.Qt.PenStyle.DashLine),
                  name="held-out samples")
    return export(win, path)


def square_sets(path, task, inner=(0.25, 0.75)) -> Path:
    """Training and testing sets of the square task side by side (the paper's Fig. 12)."""
    app()
    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    win = pg.GraphicsLayoutWidget()
    win.resize(SIZE[0], SIZE[0] // 2 + 40)
    for name, X, Y in (("training set", task.X, task.Y), ("testing set", task.X_test, task.Y_test)):
        plot = win.addPlot(title=f"{name} ({len(X)} points)")
        plot.addLegend(offset=(-5, 5))
        plot.setAspectLocked(True)
        plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0.03)
        lo, hi = inner
        plot.plot([lo, hi, hi, lo, lo], [lo, lo, hi, hi, lo], pen=pg.mkPen((90, 90, 90), width=1.5))
        inside = Y[:, 0] > 0.5
        plot.plot(X[inside, 0], X[inside, 1], pen=None, symbol="o", symbolSize=7,
                  symbolBrush=(214, 39, 40), symbolPen="w", name="inner")
        plot.plot(X[~inside, 0], X[~inside, 1], pen=None, symbol="s", symbolSize=7,
                  symbolBrush=(31, 119, 180), symbolPen="w", name="outer")
    return export(win, path)


def metric_vs_x(path, title, xlabel, ylabel, series: dict, logx=True, logy=True) -> Path:
    """One line per series with an optional band: ``series`` name -> (x, y[, lo, hi])."""
    win, plot = _plot(title, xlabel, ylabel, logy)
    plot.setLogMode(x=logx, y=logy)
    plot.getAxis("bottom").enableAutoSIPrefix(False)
    for k, (name, arrs) in enumerate(series.items()):
        x, y = (np.asarray(a, float) for a in arrs[:2])
        colour = MODE_COLOURS.get(name, SERIES_COLOURS[k % len(SERIES_COLOURS)])
        if len(arrs) == 4:
            lo_item = pg.PlotDataItem(x, np.asarray(arrs[2], float), connect="finite", pen=pg.mkPen(None))
            hi_item = pg.PlotDataItem(x, np.asarray(arrs[3], float), connect="finite", pen=pg.mkPen(None))
            plot.addItem(lo_item)
            plot.addItem(hi_item)
            plot.addItem(pg.FillBetweenItem(lo_item, hi_item, brush=pg.mkBrush(*colour, 50)))
        plot.plot(x, y, pen=pg.mkPen(colour, width=2), name=name, connect="finite", symbol="o",
                  symbolSize=5, symbolBrush=colour)
    return export(win, path)
