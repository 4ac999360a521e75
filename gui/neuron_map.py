"""One neuron's output over the input plane: the small map beside the network graph.

Why: the decision maps show what the whole network computes; this one shows what a single
hidden neuron contributes (a soft half-plane in the first hidden layer, a combination of them
further in), which is how one sees the network build its answer (TensorFlow Playground's
signature view).  Hover a neuron, or click it to keep it.  Computed here in numpy on a coarse
grid (a forward pass over 48x48 points costs well under a millisecond for the app's nets), for
2-input tasks only.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtWidgets import QLabel, QVBoxLayout, QWidget

from .decision_map import OUTPUT_MAP
from .network_view import forward_all

GRID = 48


class NeuronMap(QWidget):
    """The selected neuron's activation (0..1) over the task's input-plane rectangle."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = pg.PlotWidget()
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setFixedSize(188, 188)
        font = self.font()
        font.setPointSize(7)
        for side in ("left", "bottom"):
            self.plot.getAxis(side).setStyle(tickLength=3)
            self.plot.getAxis(side).setTickFont(font)
        self.image = pg.ImageItem(axisOrder="col-major")
        self.image.setLookupTable(OUTPUT_MAP.getLookupTable(nPts=256))
        self.image.setLevels((0.0, 1.0))
        self.plot.addItem(self.image)
        self.title = QLabel("")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("color: #333;")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(1)
        lay.addWidget(self.title)
        lay.addWidget(self.plot)
        lay.addStretch(1)
        self.setFixedWidth(190)
        self.sizes = None
        self.grid = None
        self.rect = None
        self.neuron = None                  # flat neuron index, or None
        self.name = ""
        self.values = None                  # the last computed (GRID, GRID) map

    def set_task(self, task, bounds, sizes):
        """A new network or task: 2-input tasks get the map, others a note."""
        self.sizes = tuple(sizes)
        self.neuron = None
        self.values = None
        if task is None or task.n_in != 2 or bounds is None:
            self.grid = None
            self.plot.hide()
            self.title.setText("neuron maps need a task with 2 inputs")
            return
        lo, hi = bounds
        xs = lo[0] + (np.arange(GRID) + 0.5) * (hi[0] - lo[0]) / GRID
        ys = lo[1] + (np.arange(GRID) + 0.5) * (hi[1] - lo[1]) / GRID
        gx, gy = np.meshgrid(xs, ys, indexing="ij")
        self.grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
        self.rect = pg.QtCore.QRectF(lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1])
        self.plot.setRange(xRange=(lo[0], hi[0]), yRange=(lo[1], hi[1]), padding=0)
        self.image.clear()
        self.plot.show()
        self.title.setText("hover or click a neuron: its output over the input plane")

    def select(self, k, name, state):
        """Show neuron ``k`` (flat index) of the net snapshot ``state`` (w, b)."""
        self.neuron, self.name = k, name
        self.refresh(state)

    def refresh(self, state):
        if self.grid is None or self.neuron is None or state is None:
            return
        aoff = np.concatenate(([0], np.cumsum(self.sizes)))
        layer = int(np.searchsorted(aoff, self.neuron, side="right") - 1)
        i = self.neuron - aoff[layer]
        acts = forward_all(self.sizes[:layer + 1], state["w"], state["b"], self.grid)   # only up to its layer
        m = np.nan_to_num(acts[layer][:, i].reshape(GRID, GRID), nan=0.5)
        self.values = m
        self.image.setImage(m, autoLevels=False, levels=(0.0, 1.0))
        self.image.setRect(self.rect)
        self.title.setText(f"<b>{self.name}</b>: output over the input plane")
