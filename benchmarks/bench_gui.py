"""Benchmark (not a test): the desktop app's training throughput while it redraws.

Drives the real window offscreen on the square task (2-5-2) and reports, per setting, the
training pattern steps per second (summed over the compared networks), the snapshots drawn
per second (each redraws the graph, the curves and the decision maps) and the decision-map
refreshes per second, plus the time one redraw takes in the GUI thread.

Targets (issue 5): >= 10,000 pattern steps/s while redrawing at 30 frames/s, and the 100x100
decision map refreshed at >= 10 Hz.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui.py [--seconds 4]
"""

from __future__ import annotations

import argparse
import locale
import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PyQt6.QtWidgets import QApplication  # noqa: E402

from gui.app import MainWindow  # noqa: E402


def pump(app, seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)


def wait(app, cond, timeout=120):
    end = time.perf_counter() + timeout
    while not cond():
        if time.perf_counter() > end:
            raise TimeoutError("the app did not get there in time")
        app.processEvents()
        time.sleep(0.002)


def measure(app, win, speed, seconds):
    win.reset()
    wait(app, lambda: win.snap is not None and win.snap["nets"][0]["t"] == 0)
    win.panel.speed.setCurrentIndex(win.panel.speed.findData(speed))
    draw_times = []
    orig = win.on_snapshot

    def timed(snap):
        t0 = time.perf_counter()
        orig(snap)
        draw_times.append(time.perf_counter() - t0)
    win.worker.snapshot.disconnect(orig)
    win.worker.snapshot.connect(timed)
    try:
        win.play()
        pump(app, 0.5)                                   # settle
        f0, m0, s0, t0 = win.frames, win.map_frames, win.worker.steps_total, time.perf_counter()
        pump(app, seconds)
        f1, m1, s1, t1 = win.frames, win.map_frames, win.worker.steps_total, time.perf_counter()
        win.pause()
        pump(app, 0.2)
    finally:
        win.worker.snapshot.disconnect(timed)
        win.worker.snapshot.connect(orig)
    dt = t1 - t0
    draw_ms = 1000 * sorted(draw_times)[len(draw_times) // 2] if draw_times else float("nan")
    return (s1 - s0) / dt, (f1 - f0) / dt, (m1 - m0) / dt, draw_ms


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=4.0)
    args = ap.parse_args()
    app = QApplication.instance() or QApplication([])
    locale.setlocale(locale.LC_NUMERIC, "C")
    win = MainWindow(task="square", layers="2,5,2", cycles=10_000_000, speed=10)
    win.show()
    t0 = time.perf_counter()
    wait(app, lambda: win.ready and win.snap is not None)
    print(f"start-up to first snapshot (numba cache warm): {time.perf_counter() - t0:.2f} s")
    print(f"{'networks':<22}{'speed':>16}{'pattern steps/s':>18}{'frames/s':>10}{'maps/s':>9}{'redraw ms':>11}")

    def row(label, speed):
        steps, fps, maps, draw = measure(app, win, speed, args.seconds)
        name = "max" if speed == 0 else f"{speed} cycles/frame"
        print(f"{label:<22}{name:>16}{steps:>18,.0f}{fps:>10.1f}{maps:>9.1f}{draw:>11.1f}", flush=True)

    for speed in (10, 50, 0):
        row("backprop", speed)
    win.panel.cycles.setValue(500)
    win.panel.learner_cycles.setValue(5)
    win.sample_and_learn()
    wait(app, lambda: win.snap is not None and len(win.snap["nets"]) == 2)
    win.panel.cycles.setValue(10_000_000)
    for speed in (10, 0):
        row("backprop + local rule", speed)
    win.close()


if __name__ == "__main__":
    main()
