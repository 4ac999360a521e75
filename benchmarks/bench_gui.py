"""Benchmark (not a test): the desktop app's frame rate and event-loop latency while it trains.

Drives the real window offscreen on the square task (2-5-2) with one network (backprop) and two
(backprop + a local rule), at every speed, first idle and then while a second CPU-bound process
(a busy Python loop, ``nice 0``) runs.  Per setting it reports the training pattern steps per
second (summed over the networks), the frames drawn per second, and the event-loop latency: the
gaps between the ticks of a 10 ms ``QTimer`` (median and max; an idle loop gives ~10 ms).

Targets (issue 11): with 2 networks at every speed, >= 25 frames/s and latency median <= 20 ms,
max <= 100 ms, under load.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui.py [--seconds 3] [--speeds 10,0] [--no-load]
"""

from __future__ import annotations

import argparse
import locale
import os
import subprocess
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PyQt6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PyQt6.QtWidgets import QApplication  # noqa: E402

from gui.window import MainWindow  # noqa: E402
from gui.worker import SPEEDS  # noqa: E402
from localrule import learner, runs, tasks  # noqa: E402

BUSY = "import time\nwhile True:\n    pass\n"


def pump(app, seconds):
    """Run a real event loop (as ``app.exec`` does: it sleeps in Qt, not in Python)."""
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def wait(app, cond, timeout=120):
    end = time.perf_counter() + timeout
    while not cond():
        if time.perf_counter() > end:
            raise TimeoutError("the app did not get there in time")
        app.processEvents()
        time.sleep(0.002)


class Probe:
    """A 10 ms timer; the gaps between its ticks are the event loop's latency."""

    def __init__(self):
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.ticks = []

    def _tick(self):
        self.ticks.append(time.perf_counter())

    def start(self):
        self.ticks = []
        self.timer.start()

    def stop(self):
        self.timer.stop()
        gaps = np.diff(self.ticks) * 1000 if len(self.ticks) > 1 else np.array([np.nan])
        return float(np.median(gaps)), float(np.max(gaps))


def measure(app, win, speed, seconds, probe):
    win.reset()
    wait(app, lambda: win.snap is not None and win.snap["nets"][0]["t"] == 0)
    win.panel.speed.setCurrentIndex(win.panel.speed.findData(speed))
    win.play()
    pump(app, 0.5)                                       # settle
    f0, s0, t0, c0 = win.frames, win.worker.steps_total, time.perf_counter(), time.thread_time()
    w0 = win.worker.cpu_seconds()
    probe.start()
    pump(app, seconds)
    med, worst = probe.stop()
    f1, s1, t1, c1 = win.frames, win.worker.steps_total, time.perf_counter(), time.thread_time()
    worker_share = (win.worker.cpu_seconds() - w0) / (t1 - t0)
    p0 = time.perf_counter()
    win.pause()
    wait(app, lambda: not win.snap["playing"])
    pause_ms = 1000 * (time.perf_counter() - p0)
    dt = t1 - t0
    cpu_ms = 1000 * (c1 - c0) / max(f1 - f0, 1)      # the window thread's CPU time per frame drawn
    return (s1 - s0) / dt, (f1 - f0) / dt, med, worst, pause_ms, cpu_ms, 100 * worker_share


def local_rule():
    """A small local rule learned from a short backprop run on the square task."""
    t = tasks.load_task("square")
    res = runs.train(t, (2, 5, 2), 0.23, 200, 0, sample_every=10)
    meta = {"layers": [2, 5, 2], "task": "square", "rate": 0.23, "seed": 0, "cycles": 200, "every": 10,
            "rows": int(res.samples["w"].shape[0])}
    fields = {k: np.ascontiguousarray(v) for k, v in res.samples.items()}
    rule = learner.learn_local([(meta, fields)], hidden=(8,))   # the form's own learner settings
    check = runs.train(t, (2, 5, 2), 0.23, 2000, 0, rule=rule)
    if check.diverged:  # a diverged rule network stops training: "2 networks" would measure one
        raise SystemExit(f"the benchmark's local rule diverged ({check.summary()})")
    return rule


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--speeds", default=",".join(map(str, SPEEDS)), help="cycles per frame; 0 = max")
    ap.add_argument("--no-load", action="store_true", help="skip the runs with a background process")
    ap.add_argument("--markdown", action="store_true", help="also print the README table")
    args = ap.parse_args()
    speeds = [int(s) for s in args.speeds.split(",")]
    app = QApplication.instance() or QApplication([])
    locale.setlocale(locale.LC_NUMERIC, "C")
    win = MainWindow(task="square", layers="2,5,2", cycles=10_000_000, speed=10)
    win.show()
    t0 = time.perf_counter()
    wait(app, lambda: win.ready and win.snap is not None)
    print(f"start-up to first snapshot (numba cache warm): {time.perf_counter() - t0:.2f} s")
    rule = local_rule()
    probe = Probe()
    print(f"machine load average before: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    print(f"{'load':<6}{'nets':>5}{'speed':>10}{'steps/s':>12}{'frames/s':>10}{'lat med':>9}{'lat max':>9}"
          f"{'pause ms':>10}{'cpu ms/fr':>10}{'worker %':>9}")
    rows = []
    for loaded in ([False] if args.no_load else [False, True]):
        busy = subprocess.Popen([sys.executable, "-c", BUSY]) if loaded else None
        try:
            for nets in (1, 2):
                win.rules["local"] = rule if nets == 2 else None
                win.update_modes(win.cfg.sizes)
                win.panel.mode.setCurrentIndex(win.panel.mode.findData("local" if nets == 2 else "backprop"))
                win.apply_config()
                wait(app, lambda: win.snap is not None and len(win.snap["nets"]) == nets)
                for speed in speeds:
                    r = measure(app, win, speed, args.seconds, probe)
                    name = "max" if speed == 0 else str(speed)
                    rows.append(("busy" if loaded else "idle", nets, name, *r))
                    print(f"{rows[-1][0]:<6}{nets:>5}{name:>10}{r[0]:>12,.0f}{r[1]:>10.1f}{r[2]:>9.1f}{r[3]:>9.1f}"
                          f"{r[4]:>10.0f}{r[5]:>10.1f}{r[6]:>9.0f}", flush=True)
        finally:
            if busy is not None:
                busy.kill()
                busy.wait()
    win.close()
    print(f"machine load average after: {os.getloadavg()[0]:.1f}")
    if args.markdown:
        print("\n| second process | networks | cycles/frame | pattern steps/s | frames/s | latency median ms "
              "| latency max ms | window CPU ms/frame |")
        print("|---|---|---|---|---|---|---|---|")
        for load, nets, name, steps, fps, med, worst, _, cpu, _ in rows:
            second = "busy loop" if load == "busy" else "none"
            print(f"| {second} | {nets} | {name} | {steps:,.0f} | {fps:.1f} | {med:.1f} | {worst:.0f} | {cpu:.1f} |")


if __name__ == "__main__":
    main()
