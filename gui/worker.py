"""The training thread: runs the numba kernels and sends copied snapshots to the window.

Why a thread of its own: a kernel call, the learner fit and numba's first compile all take
longer than a frame, and the window must keep repainting.  The window talks to the worker only
through a command queue (methods below) and listens to its signals; every array in a snapshot
is a copy, so the window never sees memory the kernels are writing.  Snapshots are made at
``FPS`` into a one-slot mailbox: the latest one wins, and the window is told only when the slot
was empty, so a slow window drops frames instead of queueing them (a queue of snapshots is what
kept the event loop from ever draining).  Training never waits for the window.  Error
histories travel decimated to ~``CURVE_POINTS`` points (min and max per bin), so a frame's cost
does not grow with the run's length.  Pyqtgraph items are never touched here.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from PyQt6.QtCore import QThread, pyqtSignal

from localrule import kernels
from localrule.layout import UsageError, init_params
from localrule.runs import _mode_name   # "full-fixed" for a gated-head rule, as the CLI says
from localrule.tasks import Task, accuracy


FPS = 30.0
#: Cycles per frame choices of the speed control; 0 means "as fast as possible".
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 0)
#: Sampling keeps at most about this many rows (every k-th step), like the CLI's ``--every``.
MAX_SAMPLE_ROWS = 20000
GRID = 100
#: Bins of a decimated J curve (each bin sends its min and max).
CURVE_POINTS = 500
#: Niceness added to the training thread: on a busy machine the window's thread gets the CPU first.
WORKER_NICE = 5
#: Share of a frame period spent training; when ``speed`` cycles take longer (a big net, a busy
#: machine) the frame shows fewer cycles rather than coming late: frames are kept, cycles dropped.
TRAIN_SHARE = 0.75
#: At fixed speeds a frame's training is split into kernel calls of about this long, so the
#: worker notices commands (pause, quit) quickly.
CHUNK_SECONDS = 0.004


def decimate(y, bins=CURVE_POINTS):
    """(x, y) of a curve with at most ~2*bins points: each bin's min and max, plus the last point.

    Why: a long run has millions of cycles; drawing them all costs the window tens of ms per
    frame, while at most a few points per pixel are visible anyway (same idea as pyqtgraph's
    "peak" downsampling, done here in the worker so the window gets only what it draws)."""
    y = np.asarray(y, float)
    t = y.shape[0]
    if t <= 2 * bins:
        return np.arange(t, dtype=float), y.copy()
    k = t // bins
    m = k * bins
    blocks = y[:m].reshape(bins, k)
    lo = np.fmin.reduce(blocks, axis=1)        # fmin/fmax skip NaN (a log-y gap) unless all NaN
    hi = np.fmax.reduce(blocks, axis=1)
    starts = np.arange(bins, dtype=float) * k
    xs = np.empty(2 * bins + 1)
    ys = np.empty(2 * bins + 1)
    xs[0:-1:2], xs[1:-1:2] = starts, starts + (k - 1) / 2
    ys[0:-1:2], ys[1:-1:2] = lo, hi
    xs[-1], ys[-1] = t - 1, y[-1]
    return xs, ys


class Cancelled(Exception):
    """The window asked the worker to stop while a learner was training."""


@dataclass
class RunConfig:
    """What to train: backprop always, plus ``rule`` (if any) and backprop at ``extra_rate`` (if > 0),
    all from the same initial weights.

    Backprop follows the panel's γ (it changes without a restart); a refined rule trains at its own
    ``rule_rate`` (the γ it was refined and judged at), and the extra backprop net at ``extra_rate``."""
    task: Task
    sizes: tuple
    rate: float
    cycles: int
    seed: int
    rule: object = None          # a localrule.learner.Rule that fits ``sizes``
    rule_label: str = ""
    speed: int = 10
    grid: int = GRID
    gen: int = 0                 # the window's configuration number, echoed in every snapshot
    init: tuple | None = field(default=None, repr=False)   # (w, b); None: init_params(sizes, seed)
    rule_rate: float | None = None   # the rule's own γ (a refined rule); None: the panel's γ
    extra_rate: float = 0.0          # also train backprop at this γ; 0: off
    extra_best: bool = False         # ``extra_rate`` is backprop's tuned best γ for these settings

    def net_names(self, rate: float | None = None) -> list[str]:
        """The networks' names in training order, each with the γ it trains at (``rate``: the
        panel's γ now, default the configured one): backprop, the rule, backprop at the extra γ."""
        rate = self.rate if rate is None else rate
        names = [f"backprop γ {rate:.3g}"]
        if self.rule is not None:
            label = self.rule_label or self.rule.mode
            names.append(f"{label} γ {rate if self.rule_rate is None else self.rule_rate:.3g}")
        if self.extra_rate > 0:
            names.append(f"backprop γ {self.extra_rate:.3g}" + (" (best)" if self.extra_best else ""))
        if names[-1] in names[:-1]:      # the curves and maps are keyed by name
            names[-1] += " (2nd)"
        return names


def plane_bounds(task: Task):
    """The input-plane rectangle of the decision map: all points plus a 5 % margin, at least [0, 1]."""
    pts = task.X if task.X_test is None else np.vstack([task.X, task.X_test])
    lo = np.minimum(pts[:, :2].min(0), 0.0)
    hi = np.maximum(pts[:, :2].max(0), 1.0)
    pad = 0.05 * (hi - lo)
    return lo - pad, hi + pad


def grid_points(task: Task, n: int):
    """(n*n, 2) pixel centres, ordered so ``out.reshape(n, n)`` is indexed [x, y] (ImageItem's order)."""
    lo, hi = plane_bounds(task)
    xs = lo[0] + (np.arange(n) + 0.5) * (hi[0] - lo[0]) / n
    ys = lo[1] + (np.arange(n) + 0.5) * (hi[1] - lo[1]) / n
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    return np.ascontiguousarray(np.stack([gx.ravel(), gy.ravel()], axis=1))


class Net:
    """One network being trained (its weights, J history and divergence), advanced in chunks."""

    def __init__(self, name, sizes, init, mode, largs, task: Task, cycles: int, rule_mode="backprop",
                 adapt=None):
        self.rule_mode = rule_mode
        # a rule's adaptive update stage and its state, carried from chunk to chunk (``kernels.adapt_updates``)
        self.adapt = np.empty(0) if adapt is None else adapt
        self.adapt_state = np.zeros(kernels.adapt_state_size(init[0].shape[0], init[1].shape[0])
                                    if self.adapt.shape[0] else 0)
        self.name, self.sizes, self.mode, self.largs = name, np.asarray(sizes, np.int64), mode, largs
        self.w, self.b = init[0].copy(), init[1].copy()
        self.prev_w, self.prev_b = self.w.copy(), self.b.copy()
        self.task = task
        self.Xt, self.Yt = ((task.X_test, task.Y_test) if task.X_test is not None
                            else (np.empty((0, task.n_in)), np.empty((0, task.n_out))))
        self.J = np.full(min(cycles, 4096) + 1, np.nan)     # grown on demand (see ``_room``)
        self.Jt = np.full(min(cycles, 4096) + 1, np.nan)
        self.t = 0
        self.diverged_at = None
        self.started = False
        self.seconds = 0.0
        self.lock = threading.Lock()     # the worker's history lock, shared (see ``histories``)
        self.rate = None                 # its own γ; None: the worker's (the panel's) γ

    def _room(self, last):
        """Make J and Jt hold index ``last`` (doubling, so a long run costs O(n) copies)."""
        old = self.J.shape[0]
        if last >= old:
            size = max(last + 1, 2 * old)
            self.J = np.concatenate([self.J, np.full(size - old, np.nan)])
            self.Jt = np.concatenate([self.Jt, np.full(size - old, np.nan)])

    def done(self, cycles) -> bool:
        return self.diverged_at is not None or self.t >= cycles

    def advance(self, rate, n, cycles) -> int:
        """Train up to ``n`` more cycles (never past ``cycles``); returns pattern steps taken."""
        n = min(n, cycles - self.t)
        if n <= 0 or self.diverged_at is not None:
            return 0
        j, jt = np.empty(n + 1), np.empty(n + 1)
        t0 = time.perf_counter()
        div, _ = kernels.train_ordered(self.sizes, self.w, self.b, self.task.X, self.task.Y, self.Xt, self.Yt,
                                       float(rate), int(n), self.mode, *self.largs, 0, np.empty((0, 1)), j, jt,
                                       -1, self.t, np.empty(0), self.adapt, self.adapt_state)
        self.seconds += time.perf_counter() - t0
        with self.lock:
            self._room(self.t + n)
            if not self.started:
                self.J[0], self.Jt[0] = j[0], jt[0]
                self.started = True
            self.J[self.t + 1:self.t + n + 1] = j[1:]
            self.Jt[self.t + 1:self.t + n + 1] = jt[1:]
            if div >= 0:
                self.diverged_at = self.t + int(div)
                self.t += int(div)
                return int(div) * self.task.X.shape[0]
            self.t += n
        return n * self.task.X.shape[0]

    def evaluate(self):
        """J[0] before any training, so a fresh network already has a point on the curve."""
        if not self.started:
            j, jt = np.empty(1), np.empty(1)
            kernels.train_ordered(self.sizes, self.w.copy(), self.b.copy(), self.task.X, self.task.Y, self.Xt,
                                  self.Yt, 0.0, 0, self.mode, *self.largs, 0, np.empty((0, 1)), j, jt, -1, 0,
                                  np.empty(0), self.adapt, self.adapt_state.copy())
            self.J[0], self.Jt[0] = j[0], jt[0]
            self.started = True


class TrainWorker(QThread):
    """Owns the networks being trained; controlled by queued commands, reports by signals."""

    ready = pyqtSignal()                 # kernels compiled (or loaded from numba's disk cache)
    snapshot_ready = pyqtSignal()        # the mailbox holds a new snapshot: ``take_snapshot``
    status = pyqtSignal(str)
    failed = pyqtSignal(str)             # a one-line message (bad input found while working)
    learn_progress = pyqtSignal(object)  # dict(stage, done, total, J, Jt)
    recorded = pyqtSignal(object)        # (meta, fields) of a sampled backprop run
    learned = pyqtSignal(object)         # a localrule.learner.Rule

    def __init__(self, parent=None):
        super().__init__(parent)
        self._q: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._cancel = threading.Event()     # stop the current recording/learning, keep running
        self._deadline = 0.0
        self._mail_lock = threading.Lock()
        self._mail = None                # latest snapshot not yet taken by the window
        self._hist_lock = threading.Lock()   # guards the nets' J histories (see ``histories``)
        self.cfg: RunConfig | None = None
        self.nets: list[Net] = []
        self.playing = False
        self.speed = 10
        self.rate = 0.23
        self.cycles = 0
        self.is_ready = False
        self._grid = None
        self._last_emit = 0.0
        self._rate_window = []           # (time, steps) of recent chunks, for steps/s
        self.steps_total = 0
        self.map_output = 0              # which output the decision maps show
        self.names: list[str] = []       # the nets' labels (the window's, see ``set_names``)

    # ---- commands (any thread) -------------------------------------------------------------
    def configure(self, cfg: RunConfig): self._q.put(("configure", cfg))
    def play(self): self._q.put(("play",))
    def pause(self): self._q.put(("pause",))
    def step(self, n=1): self._q.put(("step", int(n)))
    def reset(self): self._q.put(("reset",))
    def set_rate(self, rate): self._q.put(("rate", float(rate)))
    def set_speed(self, speed): self._q.put(("speed", int(speed)))
    def set_cycles(self, cycles): self._q.put(("cycles", int(cycles)))
    def set_map_output(self, k): self._q.put(("map_output", int(k)))
    def set_names(self, names): self._q.put(("names", list(names)))
    def record(self, **params): self._q.put(("record", params))
    def learn(self, **params): self._q.put(("learn", params))

    def cancel_learning(self):
        """Stop a recording or learner fit at its next progress report (any thread, no queue).

        Every queued record or learn command is dropped too: they belong to the settings the
        window has just left."""
        self._cancel.set()
        self._q.put(("uncancel",))

    def take_snapshot(self):
        """The newest snapshot (a dict, see ``_snapshot``) or None; frames in between are dropped."""
        with self._mail_lock:
            snap, self._mail = self._mail, None
        return snap

    def histories(self):
        """Full (J, J_test or None) of every net, copied: for export, not for drawing."""
        with self._hist_lock:
            return [(n.J[:n.t + 1].copy(), n.Jt[:n.t + 1].copy() if n.task.X_test is not None else None)
                    for n in self.nets]

    def shutdown(self, timeout_ms=5000) -> bool:
        """Stop training or learning at the next chunk and join the thread."""
        self._stop.set()
        self._q.put(("quit",))
        return self.wait(timeout_ms) if self.isRunning() else True

    # ---- thread ----------------------------------------------------------------------------
    def cpu_seconds(self) -> float:
        """CPU time this thread has used (Linux; 0 elsewhere): for the benchmark."""
        try:
            return time.clock_gettime(time.pthread_getcpuclockid(self._ident))
        except (AttributeError, OSError, TypeError):
            return 0.0

    _ident = None

    def run(self):
        self._ident = threading.get_ident()
        try:      # Linux: a thread has its own niceness; training yields the CPU to the window
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICE)
        except (AttributeError, OSError):
            pass
        self.status.emit("preparing… (compiling the numba kernels)")
        try:
            self._warm()
        except Exception as e:  # pragma: no cover - numba missing/broken
            self.failed.emit(f"could not prepare the kernels: {e}")
            return
        self.is_ready = True
        self.ready.emit()
        self.status.emit("ready")
        while not self._stop.is_set():
            try:
                cmd = self._q.get(timeout=0 if self._can_play() else 0.1)
            except queue.Empty:
                cmd = None
            if cmd is not None:
                if cmd[0] == "quit":
                    break
                self._handle(cmd)
                continue                      # drain every pending command before training
            if self._can_play():
                self._frame()

    def _warm(self):
        """Compile (or load from cache) every kernel the app uses, on a tiny problem."""
        sz = np.array([2, 2, 1], np.int64)
        w, b = init_params((2, 2, 1), 0)
        X, Y = np.zeros((1, 2)), np.zeros((1, 1))
        j = np.empty(2)
        kernels.train_ordered(sz, w, b, X, Y, X, Y, 0.1, 1, kernels.BACKPROP, *kernels.NO_LEARNER, 0,
                              np.empty((0, 1)), j, j.copy(), -1, 0, np.empty(0), np.empty(0), np.empty(0))
        kernels.predict(sz, w, b, X)
        kernels.ell_batch(kernels.ORACLE, *kernels.NO_LEARNER[:-1], np.ones((1, 4)))

    def _can_play(self) -> bool:
        return self.playing and bool(self.nets) and not all(n.done(self.cycles) for n in self.nets)

    def _handle(self, cmd):
        kind = cmd[0]
        try:
            if kind == "configure":
                self._configure(cmd[1])
            elif kind == "play":
                self.playing = bool(self.nets)
                self._emit(force=True)
            elif kind == "pause":
                self.playing = False
                self._emit(force=True)
            elif kind == "step":
                self.playing = False
                self._mark()
                self._train(cmd[1])
                self._emit(force=True)
            elif kind == "reset":
                self.playing = False
                if self.cfg is not None:
                    self._build()
                self._emit(force=True)
            elif kind == "rate":
                self.rate = cmd[1]
            elif kind == "speed":
                self.speed = cmd[1]
            elif kind == "map_output":
                self.map_output = cmd[1]
                self._emit(force=True)
            elif kind == "cycles":
                self.cycles = max(1, cmd[1])       # histories grow on demand: no reset
                for n in self.nets:                # a decaying step counts down to the new budget
                    if n.adapt.shape[0]:
                        n.adapt[kernels.ADAPT_STEPS] = self.cycles * n.task.X.shape[0]
                self._emit(force=True)
            elif kind == "names":                  # a new γ or a stale best γ: same nets, new labels
                self.names = cmd[1]
                for n, name in zip(self.nets, self.names):
                    n.name = name
                self._emit(force=True)
            elif kind == "uncancel":
                self._cancel.clear()
            elif kind in ("record", "learn"):
                if self._cancel.is_set():
                    return                          # asked for before the window cancelled
                self.playing = False
                self._emit(force=True)
                try:
                    (self._record if kind == "record" else self._learn)(**cmd[1])
                except Cancelled:
                    self.learn_progress.emit({"stage": "cancelled", "done": 0, "total": 0, "J": None, "Jt": None})
        except UsageError as e:
            self.playing = False
            self.failed.emit(str(e))
        except Exception as e:  # keep the thread alive whatever happens; say what it was
            self.playing = False
            self.failed.emit(f"internal error: {e.__class__.__name__}: {e}")

    def _configure(self, cfg: RunConfig):
        self.cfg = cfg
        self.rate, self.cycles, self.speed = cfg.rate, cfg.cycles, cfg.speed
        self.playing = False
        self._grid = grid_points(cfg.task, cfg.grid) if cfg.task.n_in == 2 else None
        self.map_output = min(self.map_output, cfg.task.n_out - 1)
        self.names = cfg.net_names()
        self._build()
        self._emit(force=True)

    def _build(self):
        cfg = self.cfg
        init = cfg.init if cfg.init is not None else init_params(cfg.sizes, cfg.seed)
        names = iter(self.names)
        self.nets = [Net(next(names), cfg.sizes, init, kernels.BACKPROP, kernels.NO_LEARNER, cfg.task, self.cycles)]
        if cfg.rule is not None:
            mode, largs = cfg.rule.kernel_args(cfg.sizes)
            # the app's order: the paper's; its budget: the panel's cycles (``set_cycles`` follows it)
            adapt = cfg.rule.adapt_for("fixed", self.cycles, cfg.task.X.shape[0]) if cfg.rule.mode == "local" else None
            self.nets.append(Net(next(names), cfg.sizes, init, mode, largs, cfg.task, self.cycles,
                                 _mode_name(cfg.rule), adapt))
            self.nets[-1].rate = cfg.rule_rate
        if cfg.extra_rate > 0:
            self.nets.append(Net(next(names), cfg.sizes, init, kernels.BACKPROP, kernels.NO_LEARNER, cfg.task,
                                 self.cycles))
            self.nets[-1].rate = cfg.extra_rate
        for n in self.nets:
            n.lock = self._hist_lock
            n.evaluate()
        self.steps_total = 0
        self._rate_window.clear()

    def _mark(self):
        """Remember the weights, so the next snapshot's Δw covers everything since (a frame, a step)."""
        for n in self.nets:
            n.prev_w, n.prev_b = n.w.copy(), n.b.copy()

    def _train(self, cycles) -> int:
        steps = 0
        for n in self.nets:
            steps += n.advance(self.rate if n.rate is None else n.rate, cycles, self.cycles)
        self.steps_total += steps
        now = time.perf_counter()
        self._rate_window.append((now, steps))
        while self._rate_window and now - self._rate_window[0][0] > 1.0:
            self._rate_window.pop(0)
        return steps

    def _frame(self):
        """One frame of play: ``speed`` cycles per network, then wait out the frame period.

        Frames are due on a fixed schedule (not "a period after the last one ended"), so the
        waits' small overshoots do not add up to a lower frame rate.  The training is split into
        chunks of about ``CHUNK_SECONDS`` so a pause or a new setting is picked up at once."""
        t0 = time.perf_counter()
        period = 1.0 / FPS
        self._deadline = t0 + period if t0 - self._deadline > period else self._deadline + period
        chunk = max(1, int(CHUNK_SECONDS * self._cycles_per_second()))
        self._mark()
        budget = TRAIN_SHARE * period          # the rest of the frame makes the snapshot
        if self.speed > 0:                     # up to ``speed`` cycles: a frame is never late for them
            left = self.speed
            while left > 0 and self._q.empty() and self._can_play() and time.perf_counter() - t0 < budget:
                n = min(chunk, left)
                self._train(n)
                left -= n
        else:                                  # as fast as possible: the whole budget
            while time.perf_counter() - t0 < budget and self._q.empty() and self._can_play():
                self._train(max(1, chunk // 2))
        finished = all(n.done(self.cycles) for n in self.nets)
        if finished:
            self.playing = False
        self._emit(force=True)
        if self.speed > 0 and not finished:
            left = self._deadline - time.perf_counter()
            if left > 0:
                try:
                    cmd = self._q.get(timeout=left)
                    if cmd[0] == "quit":
                        self._stop.set()
                    else:
                        self._handle(cmd)
                except queue.Empty:
                    pass

    def _cycles_per_second(self) -> float:
        steps = self.steps_per_second()
        per_cycle = self.cfg.task.X.shape[0] * max(len(self.nets), 1) if self.cfg else 1
        return max(steps / per_cycle, 20.0)

    def steps_per_second(self) -> float:
        w = self._rate_window
        if len(w) < 2:
            return 0.0
        span = w[-1][0] - w[0][0]
        return sum(s for _, s in w[1:]) / span if span > 0 else 0.0

    def _emit(self, force=False):
        """Put a fresh snapshot in the mailbox; signal the window only if it had taken the last."""
        now = time.perf_counter()
        if not force and now - self._last_emit < 0.5 / FPS:
            return
        self._last_emit = now
        snap = self._snapshot()
        with self._mail_lock:
            was_empty = self._mail is None
            self._mail = snap
        if was_empty:
            self.snapshot_ready.emit()

    def _snapshot(self) -> dict:
        nets = []
        for n in self.nets:
            m = None
            if self._grid is not None:
                g = self.cfg.grid
                k = min(max(self.map_output, 0), int(n.sizes[-1]) - 1)
                m = kernels.predict(n.sizes, n.w, n.b, self._grid)[:, k].reshape(g, g)
            acc = None
            if n.diverged_at is None:
                X, Y = n.task.scored
                acc = accuracy(kernels.predict(n.sizes, n.w, n.b, X), Y)
            with self._hist_lock:
                jx, jy = decimate(n.J[:n.t + 1])
                jt = decimate(n.Jt[:n.t + 1])[1] if n.task.X_test is not None else None
                j_now = float(n.J[n.t])
                jt_now = float(n.Jt[n.t]) if n.task.X_test is not None else None
            nets.append({"name": n.name, "t": n.t, "w": n.w.copy(), "b": n.b.copy(),
                         "dw": n.w - n.prev_w, "db": n.b - n.prev_b,
                         "Jx": jx, "J": jy, "Jt": jt, "J_now": j_now, "Jt_now": jt_now,
                         "diverged_at": n.diverged_at, "map": m, "accuracy": acc, "seconds": n.seconds,
                         "mode": n.rule_mode, "rate": self.rate if n.rate is None else n.rate})
        return {"nets": nets, "gen": self.cfg.gen if self.cfg else -1, "playing": self._can_play(),
                "finished": bool(self.nets) and all(n.done(self.cycles) for n in self.nets),
                "cycles": self.cycles, "rate": self.rate,
                "steps_per_s": self.steps_per_second(), "steps_total": self.steps_total,
                "time": time.perf_counter()}

    # ---- sampling and learning -------------------------------------------------------------
    def _check_stop(self, *_):
        if self._stop.is_set() or self._cancel.is_set():
            raise Cancelled

    def _record(self, task, sizes, rate, cycles, seed):
        """A sampled backprop run, as ``localrule.runs.train`` records it, in chunks of ~0.1 s.

        Why chunks: a long recording (millions of cycles) must still show progress and stop at
        once when the window closes or the task changes.  Training is online with no state but
        (w, b), and every chunk is a whole number of sampling periods, so the chained chunks give
        the same rows as one call, bit for bit (a test checks it)."""
        from math import gcd

        from localrule.runs import train
        n_pat = task.X.shape[0]
        from localrule.samples import covering_stride, sample_meta
        every = covering_stride(max(1, -(-cycles * n_pat // MAX_SAMPLE_ROWS)), n_pat)
        unit = every // gcd(every, n_pat)          # cycles per whole number of sampling periods
        init = init_params(sizes, seed)
        parts, J, Jt = [], [], []
        done, chunk = 0, unit
        while done < cycles:
            n = min(chunk, cycles - done)
            self._check_stop()
            self.learn_progress.emit({"stage": "recording", "done": done, "total": cycles, "J": None, "Jt": None})
            t0 = time.perf_counter()
            res = train(task, sizes, rate, n, seed, init=init, sample_every=every)
            per_cycle = max(time.perf_counter() - t0, 1e-6) / n
            chunk = unit * max(1, int(0.1 / per_cycle) // unit)
            parts.append(res.samples)
            J.append(res.J if not J else res.J[1:])
            if res.J_test is not None:
                Jt.append(res.J_test if not Jt else res.J_test[1:])
            init = (res.w, res.b)
            done += n
            if res.diverged_at is not None:
                break
        self._check_stop()
        fields = {k: np.ascontiguousarray(np.concatenate([p[k] for p in parts])) for k in parts[0]}
        meta = sample_meta(task, sizes, rate, seed, cycles, every, int(fields["w"].shape[0]))
        J = np.concatenate(J)
        Jt = np.concatenate(Jt) if Jt else None
        self.learn_progress.emit({"stage": "recorded", "done": cycles, "total": cycles, "J": J, "Jt": Jt})
        self.recorded.emit((meta, fields))

    def _learn(self, kind, sources, hidden, rate, cycles, seed, features=None, encoding="log"):
        from localrule import learner

        def progress(done, J, Jt):
            self._check_stop()
            self.learn_progress.emit({"stage": "learning", "kind": kind, "done": done, "total": cycles,
                                      "J": J, "Jt": Jt})
        self.learn_progress.emit({"stage": "learning", "kind": kind, "done": 0, "total": cycles, "J": None, "Jt": None})
        if kind == "full":
            rule = learner.learn_full(sources, hidden=hidden, rate=rate, cycles=cycles, seed=seed,
                                       features=features, progress=progress)
        else:
            rule = learner.learn_local(sources, hidden=hidden, rate=rate, cycles=cycles, seed=seed,
                                        encoding=encoding, progress=progress)
        self._check_stop()
        self.learn_progress.emit({"stage": "learned", "kind": kind, "done": cycles, "total": cycles,
                                  "J": rule.history, "Jt": rule.history_test})
        self.learned.emit(rule)
