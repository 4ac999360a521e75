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
#: Links drawn at most; a bigger network shows a fixed sample (drawing cost grows with links).
MAX_DRAWN_LINKS = 300
#: Above this many drawn links they are drawn without antialiasing (wide antialiased lines cost
#: ~0.15 ms each in Qt's raster engine; 300 of them would take a whole frame).
SMOOTH_LINKS = 80
#: A layer with more neurons than this gets small neurons and thin links.
CROWDED = 12
#: A layer with more neurons than this gets no labels under its neurons: they are closer than
#: one unit apart, and a label would cover the next neuron (hover gives the numbers).
LABELLED = 8
LABEL_FILL = pg.mkBrush(255, 255, 255, 215)


class LinkItem(pg.GraphicsObject):
    """Links drawn as a few line batches, one per (colour, width) bucket.

    Why not GraphItem's per-link pens: it sets a pen and strokes each link in Python, ~0.1 ms
    per link per frame; bucketing colours (16 steps) and widths (8 steps) makes a frame a few
    dozen ``drawLines`` calls.  (One path per bucket is far slower: Qt strokes a wide path's
    overlapping segments as one outline.)  ``antialias=False`` suits the glow, whose
    wide soft strokes look the same without."""

    def __init__(self, antialias=True):
        super().__init__()
        self.antialias = antialias
        self.paths = []                      # (QPen, [QLineF])
        self._key = self._a = self._b = None
        self.rect = pg.QtCore.QRectF()

    def set_links(self, a, b, rgba, width):
        """Segments a[k] -> b[k] (view coordinates) with colours ``rgba`` (k, 4) and pixel widths."""
        wq = np.round(np.asarray(width, float) * 2) / 2
        key = np.column_stack([np.asarray(rgba, int).reshape(-1, 4), (wq * 2).astype(int)])
        if (self._key is not None and np.array_equal(key, self._key) and np.array_equal(a, self._a)
                and np.array_equal(b, self._b)):
            return                           # the same pens as drawn: nothing to rebuild or repaint
        self._key, self._a, self._b = key, np.array(a), np.array(b)
        self.prepareGeometryChange()
        self.paths = []
        if len(a):
            uniq, inv = np.unique(key, axis=0, return_inverse=True)
            inv = inv.ravel()
            for u, k in enumerate(uniq):
                sel = np.flatnonzero(inv == u)
                QLineF = pg.QtCore.QLineF
                lines = [QLineF(a[q, 0], a[q, 1], b[q, 0], b[q, 1]) for q in sel]
                pen = pg.mkPen(color=tuple(int(c) for c in k[:4]), width=k[4] / 2)
                self.paths.append((pen, lines))
            lo = np.minimum(a.min(0), b.min(0))
            hi = np.maximum(a.max(0), b.max(0))
            self.rect = pg.QtCore.QRectF(lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1])
        else:
            self.rect = pg.QtCore.QRectF()
        self.update()

    def boundingRect(self):
        return self.rect

    def paint(self, p, *args):
        p.setRenderHint(p.RenderHint.Antialiasing, self.antialias)
        for pen, lines in self.paths:
            p.setPen(pen)
            p.drawLines(lines)             # each line stroked alone: no costly union of overlaps


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
    neuron_hovered = pyqtSignal(int)       # flat index of the neuron under the mouse

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumSize(320, 220)
        self.vb = self.addViewBox(lockAspect=False, enableMouse=False)
        self.vb.setMenuEnabled(False)
        self.glow = LinkItem(antialias=False)
        self.links = LinkItem()
        self.neurons = pg.ScatterPlotItem(pxMode=True)
        self.neurons.setZValue(2)
        self.vb.addItem(self.glow)
        self.vb.addItem(self.links)
        self.vb.addItem(self.neurons)
        self._pens_now = None
        self.tip = pg.TextItem("", color=(20, 20, 20), fill=pg.mkBrush(255, 255, 240, 235),
                               border=pg.mkPen(120, 120, 120), anchor=(0, 1))
        self.tip.setZValue(10)
        self.tip.hide()
        self.vb.addItem(self.tip)
        self.labels: list[pg.TextItem | None] = []
        self.out_labels: list[pg.TextItem] = []
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
        """Lay out neurons for ``sizes`` (layer l at x = 1.6 l, neurons centred on y = 0).

        Big networks degrade instead of freezing: above ``MAX_DRAWN_LINKS`` a fixed, seeded
        sample of links is drawn (hover still finds any drawn link), and layers of more than
        ``CROWDED`` neurons get smaller neurons, and of more than ``LABELLED`` no θ labels (hover
        gives the numbers)."""
        self.sizes = tuple(sizes)
        self.task = task
        aoff, _, _ = offsets(self.sizes)
        nmax = max(self.sizes)
        self.crowded = nmax > CROWDED
        pos = []
        for l, n in enumerate(self.sizes):
            gap = 1.0 if n <= 8 else 8.0 / n
            for i in range(n):
                pos.append((l * 1.6, ((n - 1) / 2 - i) * gap))
        self.pos = np.array(pos, float)
        src, dst = [], []
        for l in range(len(self.sizes) - 1):
            i, j = np.meshgrid(np.arange(self.sizes[l + 1]), np.arange(self.sizes[l]), indexing="ij")
            src.append(aoff[l] + j.ravel())
            dst.append(aoff[l + 1] + i.ravel())
        self.adj = np.stack([np.concatenate(src), np.concatenate(dst)], axis=1).astype(int)
        n_links = len(self.adj)
        if n_links > MAX_DRAWN_LINKS:
            self.drawn = np.sort(np.random.default_rng(0).choice(n_links, MAX_DRAWN_LINKS, replace=False))
        else:
            self.drawn = np.arange(n_links)
        self.drawing_note = (f"drawing {MAX_DRAWN_LINKS:,} of {n_links:,} links (a fixed sample)"
                             if n_links > MAX_DRAWN_LINKS else "")
        self._glow_level = np.zeros(len(self.drawn))
        self.names = {}
        for j in range(self.sizes[0]):
            self.names[j] = f"input x{j + 1}"
        outs = output_names or [f"output {i}" for i in range(self.sizes[-1])]
        for i in range(self.sizes[-1]):
            self.names[aoff[-2] + i] = outs[i] if i < len(outs) else f"output {i}"
        for l in range(1, len(self.sizes) - 1):
            for i in range(self.sizes[l]):
                self.names[aoff[l] + i] = f"hidden {l}.{i + 1}"
        for t in self.labels + self.out_labels:
            if t is not None:
                self.vb.removeItem(t)
        self.labels = [None] * len(self.pos)          # θ (and input) labels; None where hidden
        self.out_labels = []
        for k, (x, y) in enumerate(self.pos):
            layer = int(np.searchsorted(aoff, k, side="right") - 1)
            if self.sizes[layer] > LABELLED:
                continue
            t = pg.TextItem("", color=(60, 60, 60), anchor=(0.5, -0.55), fill=LABEL_FILL)
            t.setZValue(5)                          # above the links, on a light patch: links never cross it
            t.setPos(x, y)
            self.vb.addItem(t)
            self.labels[k] = t
        for j in range(self.sizes[0]):
            if self.labels[j] is not None:
                self.labels[j].setText(f"x{j + 1}")
        if self.sizes[-1] <= CROWDED:
            for i in range(self.sizes[-1]):
                t = pg.TextItem(outs[i] if i < len(outs) else "", color=(60, 60, 60), anchor=(0, 0.5),
                                fill=LABEL_FILL)
                t.setZValue(5)
                x, y = self.pos[aoff[-2] + i]
                t.setPos(x + 0.3, y)                # clear of the neuron's disc
                self.vb.addItem(t)
                self.out_labels.append(t)
        self.state = None
        self._brush_cols = None
        self.neuron_px = 26 if nmax <= 8 else max(6, int(26 * 8 / nmax))
        self.links.antialias = len(self.drawn) <= SMOOTH_LINKS
        adj = self.adj[self.drawn]
        self._a, self._b = self.pos[adj[:, 0]], self.pos[adj[:, 1]]
        self._set_link_pens(self._pens(np.zeros(len(self.adj))))
        self.neurons.setData(pos=self.pos, size=self.neuron_px, brush=[pg.mkBrush(230, 230, 230)] * len(self.pos),
                             pen=pg.mkPen(70, 70, 70))
        self._glow_shown = None
        self._apply_glow()
        lo, hi = self.pos.min(0), self.pos.max(0)
        right = 1.2 if self.out_labels else 0.5
        self.vb.setRange(xRange=(lo[0] - 0.4, hi[0] + right), yRange=(lo[1] - 0.6, hi[1] + 0.5), padding=0)

    # ---- per frame ---------------------------------------------------------------------------
    def update_state(self, state):
        """Recolour links, neurons and glow from a net snapshot (w, b, dw, db)."""
        if self.sizes is None:
            return
        self.state = state
        self._last_update = time.perf_counter()
        w, b, dw = state["w"], state["b"], state["dw"]
        self._set_link_pens(self._pens(w))         # pens and brushes only: no scatter rebuild per frame
        bb = np.nan_to_num(np.asarray(b, float), posinf=1e3, neginf=-1e3)
        cols = DIVERGING.map(0.5 + 0.5 * np.round(12 * bb / (np.abs(bb) + 1.0)) / 12, mode="byte")
        if self._brush_cols is None or not np.array_equal(cols, self._brush_cols):
            self._brush_cols = cols                # a new brush re-renders the symbols: only on change
            self.neurons.setBrush([pg.mkBrush(235, 235, 235)] * self.sizes[0] +
                                        [pg.mkBrush(*c) for c in cols])
        for k, th in enumerate(b):
            label = self.labels[self.sizes[0] + k]
            if label is None:
                continue
            text = f"θ {th:+.2f}" if np.isfinite(th) else "θ ∞"
            if label.textItem.toPlainText() != text:     # a new text costs a relayout: only on change
                label.setText(text)
        mag = np.abs(np.nan_to_num(np.asarray(dw, float)[self.drawn]))
        top = mag.max() if mag.size else 0.0
        if top > 0:
            self._glow_level = np.maximum(self._glow_level * 0.5, np.sqrt(mag / max(top, 1e-4)))
            self._apply_glow()
            if not self._fade.isActive():
                self._fade.start()
        if self.hover_text and self._last_hover is not None and self.underMouse():
            self._show_hover(*self._last_hover)

    def _pens(self, w):
        w = np.asarray(w, float)[self.drawn]
        pens = np.empty(len(self.drawn), dtype=PEN_DTYPE)
        a = np.abs(np.nan_to_num(w, posinf=1e3, neginf=1e3))
        # 12 colour steps per sign and half-pixel widths: few distinct pens, so few paths to stroke
        t = np.round(12 * np.sign(w) * a / (a + 1.0)) / 12
        cols = DIVERGING.map(0.5 + 0.5 * np.nan_to_num(t), mode="byte")
        pens["red"], pens["green"], pens["blue"] = cols[:, 0], cols[:, 1], cols[:, 2]
        pens["alpha"] = 255 if len(self.drawn) <= 100 else 160
        top = 7.0 if not self.crowded else 2.5
        pens["width"] = 0.8 + top * a / (a + 2.0)
        return pens

    def _set_link_pens(self, pens):
        self._pens_now = pens
        rgba = np.column_stack([pens["red"], pens["green"], pens["blue"], pens["alpha"]])
        self.links.set_links(self._a, self._b, rgba, pens["width"])

    def _apply_glow(self):
        """Only links that glow are drawn in the glow layer (an invisible wide stroke still costs)."""
        g = self._glow_level
        on = np.flatnonzero(g >= 0.03)
        if on.size == 0:
            if self._glow_shown != 0:
                self.glow.set_links(np.zeros((0, 2)), np.zeros((0, 2)), np.zeros((0, 4)), np.zeros(0))
                self._glow_shown = 0
            return
        alpha = np.clip(210 * g[on], 0, 255)
        alpha = np.round(alpha / 30) * 30             # few buckets: few paths
        rgba = np.column_stack([np.full((on.size, 3), GLOW), alpha])
        width = 2.0 + (12.0 if not self.crowded else 4.0) * np.round(g[on] * 4) / 4
        self.glow.set_links(self._a[on], self._b[on], rgba, width)
        self._glow_shown = on.size

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
        return None if self._pens_now is None else self._pens_now.copy()

    def drawn_links(self) -> int:
        return len(self.drawn)

    def glow_level(self):
        return self._glow_level.copy()

    # ---- hover -------------------------------------------------------------------------------
    _last_hover = None
    _hit = None

    def _mouse_moved(self, scene_pos):
        if self.sizes is None or not self.vb.sceneBoundingRect().contains(scene_pos):
            self._set_hover("", None)
            return
        p = self.vb.mapSceneToView(scene_pos)
        self._show_hover(p.x(), p.y())

    def show_neuron(self, k):
        """Hover neuron ``k`` from code (screenshots, tests)."""
        self._show_hover(*self.pos[k])

    def _show_hover(self, x, y):
        self._hit = None
        text = self.describe_at(x, y)
        if self._hit is not None:
            self.neuron_hovered.emit(self._hit)
        self._last_hover = (x, y)
        self._set_hover(text, (x, y))

    def _set_hover(self, text, where):
        self.hover_text = text
        if text:
            self.tip.setText(text)
            self._place_tip(*where)
            self.tip.show()
        else:
            self.tip.hide()
            self._last_hover = None
        self.hovered.emit(text)

    def _place_tip(self, x, y):
        """Put the tip 14 px beside the point, towards the view's centre, then shift it so all
        of it stays inside the view (a tip at the edge was cut off)."""
        (x0, x1), (y0, y1) = self.vb.viewRange()
        px, py = self.vb.viewPixelSize()
        br = self.tip.textItem.boundingRect()
        w, h = br.width() * px, br.height() * py
        right, top = x > (x0 + x1) / 2, y > (y0 + y1) / 2
        left_edge = x - 14 * px - w if right else x + 14 * px
        top_edge = y - 14 * py if top else y + 14 * py + h
        left_edge = min(max(left_edge, x0), x1 - w)
        top_edge = max(min(top_edge, y1), y0 + h)
        self.tip.setAnchor((0.0, 0.0))
        self.tip.setPos(left_edge, top_edge)

    def describe_at(self, x, y) -> str:
        """The read-out for the neuron or link nearest the view point (x, y), or ''."""
        if self.sizes is None:
            return ""
        px = self.vb.viewPixelSize()
        sx, sy = max(px[0], 1e-9), max(px[1], 1e-9)
        d = np.hypot((self.pos[:, 0] - x) / sx, (self.pos[:, 1] - y) / sy)
        k = int(np.argmin(d))
        if d[k] <= max(6, self.neuron_px / 2 + 2):
            self._hit = k
            return self._describe_neuron(k)
        adj = self.adj[self.drawn]
        a, b = self.pos[adj[:, 0]], self.pos[adj[:, 1]]
        ab = (b - a) / [sx, sy]
        ap = (np.array([x, y]) - a) / [sx, sy]
        t = np.clip(np.sum(ap * ab, 1) / np.maximum(np.sum(ab * ab, 1), 1e-12), 0, 1)
        dist = np.hypot(*(ap - t[:, None] * ab).T)
        q = int(np.argmin(dist))
        if dist[q] <= 5:
            return self._describe_link(int(self.drawn[q]))
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
