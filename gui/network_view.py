"""The network graph: neurons in layers, links coloured by sign and thickened by |w|.

Why a GraphItem: one item draws every link with its own pen (a structured pen array), so a
frame is one ``setData``.  A second, wider GraphItem underneath is the "glow": links that just
changed most (|Δw| since the last frame) light up and fade out over the next frames, so you
see where the learning rule is acting.  Neurons are filled by their bias θ.  Hovering a link
or a neuron shows its numbers (w, Δw; θ, Δθ, mean activation and mean δ over the training set).
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QTimer, pyqtSignal

from localrule.layout import offsets

PEN_DTYPE = [("red", np.ubyte), ("green", np.ubyte), ("blue", np.ubyte), ("alpha", np.ubyte), ("width", float)]
#: Diverging map for signed values: negative blue, zero grey, positive red.
DIVERGING = pg.ColorMap([0.0, 0.5, 1.0], [(33, 102, 172), (205, 205, 205), (202, 0, 32)])
GLOW = (255, 190, 0)


def signed_colors(values, scale=1.0):
    """RGBA rows for signed ``values``: saturating as |v| grows past ``scale``."""
    v = np.asarray(values, float)
    t = np.where(np.isfinite(v), v / (np.abs(v) + scale), 0.0)
    return DIVERGING.map(0.5 + 0.5 * t, mode="byte")


def forward_all(sizes, w, b, X):
    """Every layer's activations for every pattern (numpy; used for hover read-outs only)."""
    _, boff, woff = offsets(sizes)
    acts = [X]
    for l in range(len(sizes) - 1):
        W = w[woff[l]:woff[l + 1]].reshape(sizes[l + 1], sizes[l])
        with np.errstate(over="ignore"):
            acts.append(1.0 / (1.0 + np.exp(-(acts[-1] @ W.T + b[boff[l]:boff[l + 1]]))))
    return acts


def backprop_deltas(sizes, w, acts, Y):
    """Rules (5) and (6) for every pattern: δ per non-input layer."""
    _, _, woff = offsets(sizes)
    out = acts[-1]
    deltas = [(Y - out) * out * (1 - out)]
    for l in range(len(sizes) - 2, 0, -1):
        W = w[woff[l]:woff[l + 1]].reshape(sizes[l + 1], sizes[l])
        a = acts[l]
        deltas.insert(0, a * (1 - a) * (deltas[0] @ W))
    return deltas


class NetworkView(pg.GraphicsLayoutWidget):
    """Draws one network's snapshot; ``hover_text`` holds the current read-out."""

    hovered = pyqtSignal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumSize(320, 220)
        self.vb = self.addViewBox(lockAspect=False, enableMouse=False)
        self.vb.setMenuEnabled(False)
        self.glow = pg.GraphItem()
        self.graph = pg.GraphItem()
        self.vb.addItem(self.glow)
        self.vb.addItem(self.graph)
        self.tip = pg.TextItem("", color=(20, 20, 20), fill=pg.mkBrush(255, 255, 240, 235),
                               border=pg.mkPen(120, 120, 120), anchor=(0, 1))
        self.tip.setZValue(10)
        self.tip.hide()
        self.vb.addItem(self.tip)
        self.labels: list[pg.TextItem] = []
        self.sizes = None
        self.names = {}
        self.state = None            # the net's snapshot dict
        self.task = None
        self.hover_text = ""
        self._glow_level = np.zeros(0)
        self._last_update = 0.0
        self._fade = QTimer(self)
        self._fade.setInterval(33)
        self._fade.timeout.connect(self._fade_step)
        self.scene().sigMouseMoved.connect(self._mouse_moved)

    # ---- structure ---------------------------------------------------------------------------
    def set_network(self, sizes, task=None, output_names=None):
        """Lay out neurons for ``sizes`` (layer l at x = l, neurons centred on y = 0)."""
        self.sizes = tuple(sizes)
        self.task = task
        aoff, _, _ = offsets(self.sizes)
        pos = []
        for l, n in enumerate(self.sizes):
            gap = 1.0 if n <= 8 else 8.0 / n
            for i in range(n):
                pos.append((l * 1.6, ((n - 1) / 2 - i) * gap))
        self.pos = np.array(pos, float)
        adj = []
        for l in range(len(self.sizes) - 1):
            for i in range(self.sizes[l + 1]):
                for j in range(self.sizes[l]):
                    adj.append((aoff[l] + j, aoff[l + 1] + i))
        self.adj = np.array(adj, int).reshape(-1, 2)
        self._glow_level = np.zeros(len(self.adj))
        self.names = {}
        for j in range(self.sizes[0]):
            self.names[j] = f"input x{j + 1}"
        outs = output_names or [f"output {i}" for i in range(self.sizes[-1])]
        for i in range(self.sizes[-1]):
            self.names[aoff[-2] + i] = outs[i] if i < len(outs) else f"output {i}"
        for l in range(1, len(self.sizes) - 1):
            for i in range(self.sizes[l]):
                self.names[aoff[l] + i] = f"hidden {l}.{i + 1}"
        for t in self.labels:
            self.vb.removeItem(t)
        self.labels = []
        for k, (x, y) in enumerate(self.pos):
            t = pg.TextItem("", color=(60, 60, 60), anchor=(0.5, -0.45))
            t.setPos(x, y)
            self.vb.addItem(t)
            self.labels.append(t)
        for j in range(self.sizes[0]):
            self.labels[j].setText(f"x{j + 1}")
        for i in range(self.sizes[-1]):
            t = pg.TextItem(outs[i] if i < len(outs) else "", color=(60, 60, 60), anchor=(-0.35, 0.5))
            t.setPos(*self.pos[aoff[-2] + i])
            self.vb.addItem(t)
            self.labels.append(t)
        self.state = None
        self._brush_cols = None
        self.graph.setData(pos=self.pos, adj=self.adj, pen=self._pens(np.zeros(len(self.adj))), size=26,
                           symbolBrush=[pg.mkBrush(230, 230, 230)] * len(self.pos), symbolPen=pg.mkPen(70, 70, 70),
                           pxMode=True)
        self.glow.setData(pos=self.pos, adj=self.adj, pen=self._glow_pens(), size=0, symbolPen=None,
                          symbolBrush=None)
        lo, hi = self.pos.min(0), self.pos.max(0)
        self.vb.setRange(xRange=(lo[0] - 0.4, hi[0] + 0.9), yRange=(lo[1] - 0.6, hi[1] + 0.5), padding=0)

    # ---- per frame ---------------------------------------------------------------------------
    def update_state(self, state):
        """Recolour links, neurons and glow from a net snapshot (w, b, dw, db)."""
        if self.sizes is None:
            return
        self.state = state
        self._last_update = time.perf_counter()
        w, b, dw = state["w"], state["b"], state["dw"]
        self.graph.setPen(self._pens(w))           # pens and brushes only: no scatter rebuild per frame
        cols = signed_colors(b, 1.0)
        if self._brush_cols is None or not np.array_equal(cols, self._brush_cols):
            self._brush_cols = cols                # a new brush re-renders the symbols: only on change
            self.graph.scatter.setBrush([pg.mkBrush(235, 235, 235)] * self.sizes[0] +
                                        [pg.mkBrush(*c) for c in cols])
        for k, th in enumerate(b):
            label = self.labels[self.sizes[0] + k]
            text = f"θ {th:+.2f}" if np.isfinite(th) else "θ ∞"
            if label.textItem.toPlainText() != text:     # a new text costs a relayout: only on change
                label.setText(text)
        mag = np.abs(np.nan_to_num(dw))
        top = mag.max() if mag.size else 0.0
        if top > 0:
            self._glow_level = np.maximum(self._glow_level * 0.5, np.sqrt(mag / max(top, 1e-4)))
            self._apply_glow()
            if not self._fade.isActive():
                self._fade.start()
        if self.hover_text and self._last_hover is not None and self.underMouse():
            self._show_hover(*self._last_hover)

    def _pens(self, w):
        pens = np.empty(len(self.adj), dtype=PEN_DTYPE)
        cols = signed_colors(w, 1.0)
        a = np.abs(np.nan_to_num(np.asarray(w, float), posinf=1e3, neginf=1e3))
        pens["red"], pens["green"], pens["blue"] = cols[:, 0], cols[:, 1], cols[:, 2]
        pens["alpha"] = 255
        pens["width"] = 0.8 + 7.0 * a / (a + 2.0)
        return pens

    def _glow_pens(self):
        g = self._glow_level
        pens = np.empty(len(self.adj), dtype=PEN_DTYPE)
        pens["red"], pens["green"], pens["blue"] = GLOW
        pens["alpha"] = np.clip(210 * g, 0, 255).astype(np.ubyte)
        pens["width"] = 2.0 + 12.0 * g
        return pens

    def _apply_glow(self):
        self.glow.setPen(self._glow_pens())

    def _fade_step(self):
        if time.perf_counter() - self._last_update < 0.05:
            return                               # snapshots are arriving: they redraw the glow
        self._glow_level *= 0.82
        if self._glow_level.size == 0 or self._glow_level.max() < 0.02:
            self._glow_level[:] = 0
            self._fade.stop()
        self._apply_glow()

    def edge_pens(self):
        """The link pens currently drawn (structured array: red, green, blue, alpha, width)."""
        pen = self.graph.pen
        return np.array(pen, copy=True) if isinstance(pen, np.ndarray) else None

    def glow_level(self):
        return self._glow_level.copy()

    # ---- hover -------------------------------------------------------------------------------
    _last_hover = None

    def _mouse_moved(self, scene_pos):
        if self.sizes is None or not self.vb.sceneBoundingRect().contains(scene_pos):
            self._set_hover("", None)
            return
        p = self.vb.mapSceneToView(scene_pos)
        self._show_hover(p.x(), p.y())

    def _show_hover(self, x, y):
        text = self.describe_at(x, y)
        self._last_hover = (x, y)
        self._set_hover(text, (x, y))

    def _set_hover(self, text, where):
        self.hover_text = text
        if text:
            self.tip.setText(text)
            self.tip.setPos(*where)
            self.tip.show()
        else:
            self.tip.hide()
            self._last_hover = None
        self.hovered.emit(text)

    def describe_at(self, x, y) -> str:
        """The read-out for the neuron or link nearest the view point (x, y), or ''."""
        if self.sizes is None:
            return ""
        px = self.vb.viewPixelSize()
        sx, sy = max(px[0], 1e-9), max(px[1], 1e-9)
        d = np.hypot((self.pos[:, 0] - x) / sx, (self.pos[:, 1] - y) / sy)
        k = int(np.argmin(d))
        if d[k] <= 15:
            return self._describe_neuron(k)
        a, b = self.pos[self.adj[:, 0]], self.pos[self.adj[:, 1]]
        ab = (b - a) / [sx, sy]
        ap = (np.array([x, y]) - a) / [sx, sy]
        t = np.clip(np.sum(ap * ab, 1) / np.maximum(np.sum(ab * ab, 1), 1e-12), 0, 1)
        dist = np.hypot(*(ap - t[:, None] * ab).T)
        q = int(np.argmin(dist))
        if dist[q] <= 5:
            return self._describe_link(q)
        return ""

    def _describe_link(self, q):
        src, dst = self.adj[q]
        head = f"link {self.names[src]} → {self.names[dst]}"
        if self.state is None:
            return head
        return f"{head}\nw  = {self.state['w'][q]:+.5f}\nΔw = {self.state['dw'][q]:+.3e} (last frame)"

    def _describe_neuron(self, k):
        name = self.names[k]
        if self.state is None:
            return name
        lines = [name]
        n0 = self.sizes[0]
        X = self.task.X if self.task is not None else None
        acts = forward_all(self.sizes, self.state["w"], self.state["b"], X) if X is not None else None
        aoff, _, _ = offsets(self.sizes)
        layer = int(np.searchsorted(aoff, k, side="right") - 1)
        i = k - aoff[layer]
        if k >= n0:
            lines.append(f"θ  = {self.state['b'][k - n0]:+.5f}")
            lines.append(f"Δθ = {self.state['db'][k - n0]:+.3e} (last frame)")
        if acts is not None:
            a = acts[layer][:, i]
            lines.append(f"activation: mean {np.mean(a):.3f} (range {np.min(a):.3f}..{np.max(a):.3f})")
            if k >= n0 and self.task.Y.shape[1] == self.sizes[-1]:
                deltas = backprop_deltas(self.sizes, self.state["w"], acts, self.task.Y)
                lines.append(f"δ (backprop): mean {np.mean(deltas[layer - 1][:, i]):+.3e}")
        return "\n".join(lines)
