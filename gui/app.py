"""``python -m gui``: the command line of the desktop app, and its offscreen screenshot.

Why a thin entry point: the window (``window.py``) never exits the process; here bad command
line values are refused before a window opens (one line on stderr, exit 2), and
``--screenshot`` drives the window to a reproducible picture and stops at its first error.
"""

from __future__ import annotations

import locale
import math
import signal
import sys
import time

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication

from localrule.cli import Parser
from localrule.experiments import PRESET_FILES
from localrule.layout import UsageError, to_float

from .inputs import check_layers
from .window import MainWindow

__all__ = ["MainWindow", "main", "check_args", "take_screenshot"]


def _wait(app, cond, win=None, timeout=60.0):
    """Pump events until ``cond()``; False on timeout or as soon as the window shows an error."""
    t0 = time.perf_counter()
    while not cond():
        app.processEvents()
        if win is not None and win.last_error:
            return False
        if time.perf_counter() - t0 > timeout:
            return False
        time.sleep(0.005)
    return True


def take_screenshot(win: MainWindow, app, path, cycles, learn=True) -> int:
    """Mid-training picture: learn a local rule from backprop, then run both for ``cycles``.

    Any error the window shows on the way (a task it cannot train, a learner that cannot learn
    from this network) ends it at once with that message and exit code 2."""
    def fail(what):
        msg = win.panel.message.text() if win.last_error else what
        print(f"gui: {msg}", file=sys.stderr)
        return 2 if win.last_error else 1
    win.show()
    if win.last_error:
        return fail("")
    if not _wait(app, lambda: win.ready and win.snap is not None, win):
        return fail("the worker did not get ready")
    if win.tuner.key is not None:          # --bp-rate best: race the γ it finds (also when the
        # tuning ended before this line: its result still waits in the event queue)
        said = win.best_note.text()
        print(said, file=sys.stderr)
        if not _wait(app, lambda: not win.tuner.running, win, 3600):
            return fail("tuning backprop's γ did not finish")
        app.processEvents()
        if win.best is None:
            return fail("tuning backprop's γ found nothing")
        if win.best_note.text() != said:
            print(win.best_note.text(), file=sys.stderr)
    if learn:
        win.sample_and_learn()
        if not _wait(app, lambda: any(n["mode"] != "backprop" for n in win.snap["nets"]) if win.snap else False,
                     win, 300):
            return fail("learning did not finish")
    target = min(cycles, win.panel.cycles.value())
    win.worker.step(target)                # exactly ``target`` cycles, so the picture is reproducible
    if not _wait(app, lambda: win.snap is not None and win.snap["nets"][0]["t"] >= target, win, 300):
        return fail("training did not get there")
    for _ in range(20):
        app.processEvents()
        time.sleep(0.01)
    net = win.network                      # show the hover read-out on a hidden neuron
    win.point_at_neuron(net.sizes[0] + 1 if len(net.sizes) > 2 and net.sizes[1] > 1 else len(net.pos) - 1)
    net.tip.hide()                         # its numbers are in the read-out line; keep the graph clear
    app.processEvents()
    ok = win.save_screenshot(path)
    print(f"wrote {path}" if ok else f"gui: {win.panel.message.text()}", file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


#: ``--bp-rate``'s range: the side panel's box (four decimals, at most 64); 0 is "off".
BP_RATE_MIN, BP_RATE_MAX = 1e-4, 64.0


def bp_rate(text):
    """``--bp-rate``: "best", 0 in any spelling (0, 0.0, 00: off, no extra network, as the box's
    "off"), or a γ the side panel's box can show (refused rather than rounded to off or clamped)."""
    t = str(text).strip()
    if t.lower() == "best":
        return "best"
    try:
        v = to_float(t)
    except ValueError:
        v = math.nan
    if not math.isfinite(v):
        raise UsageError(f"--bp-rate must be a number (0: off) or best, got {str(text)[:40]!r}")
    if v == 0:
        return 0.0
    if not BP_RATE_MIN <= v <= BP_RATE_MAX:
        raise UsageError(f"--bp-rate must be 0 (off), best, or from {BP_RATE_MIN:g} to at most {BP_RATE_MAX:g}, "
                         f"got {str(text)[:40]!r}")
    return v


def check_args(args):
    """Refuse what the window would otherwise clamp or choke on, before it opens (exit 2); and a
    --screenshot that cannot be written or would replace one of the command's input files."""
    from localrule.files import check_outputs, check_png
    from localrule.tasks import check_fits, hold_out, load_task, task_files, teacher_seed

    from .inputs import positive, whole
    positive(args.rate, "--rate")
    args.bp_rate = bp_rate(getattr(args, "bp_rate", "0"))
    whole(args.seed, "--seed", 0)
    whole(args.targets, "--targets", 1, 99)
    whole(getattr(args, "test_percent", "0"), "--test-percent", 0, 90)
    if args.cycles is not None:
        whole(args.cycles, "--cycles", 1, 10_000_000)
    if args.layers is None and teacher_seed(args.task) is not None:
        args.layers = TEACHER_LAYERS
    sizes = None if args.layers is None else _layers(args.layers)
    task = hold_out(load_task(args.task, int(args.targets), layers=sizes), int(getattr(args, "test_percent", "0")))
    if args.layers is None:
        hidden = {"and": "1", "or": "4", "xor": "4"}.get(args.task.lower(), "5")
        args.layers = f"{task.n_in},{hidden},{task.n_out}"
        sizes = _layers(args.layers)
    check_fits(task, sizes)
    if getattr(args, "screenshot", None) is not None:
        preset = getattr(args, "preset", None)
        check_outputs([args.screenshot], [getattr(args, "rule", None), *task_files(args.task),
                                          PRESET_FILES[int(preset)] if preset else None])
        check_png(args.screenshot, "--screenshot")


#: A random teacher's shape when --layers is not given: two inputs, so its decision regions show.
TEACHER_LAYERS = "2,5,2"


def _layers(text):
    try:
        return check_layers(text)
    except UsageError as e:  # on the command line, the flag's name
        raise UsageError(f"--{e}" if str(e).startswith("layers") else str(e)) from None


class _Parser(Parser):
    """The CLI's parser (one-line errors); the app's messages name no verb."""

    def error(self, message):
        raise UsageError(message)


def main(argv=None) -> int:
    ap = _Parser(prog="python -m gui", description="localrule desktop app")
    ap.add_argument("--task", default="square", help="and, or, xor, square, wine, iris, moons, teacher@SEED "
                    "(a random net of the --layers labels 128 points; default 2,5,2) or a CSV file")
    ap.add_argument("--targets", default="1", help="CSV task: number of target columns (the last ones)")
    ap.add_argument("--test-percent", default="0", help="CSV task: hold out this %% of rows for testing "
                    "(seeded split; default 0)")
    ap.add_argument("--layers", default=None, help="layer sizes, e.g. 2,5,2 (default: the task's inputs, "
                    "5 hidden (AND 1, OR/XOR 4), the task's outputs; a teacher: 2,5,2)")
    ap.add_argument("--seed", default="0")
    ap.add_argument("--cycles", default=None, help="cycles to train, the panel's budget (default 5000); "
                    "--screenshot pictures the run at their end (without --cycles: at cycle 600 of 5000)")
    ap.add_argument("--rate", default="0.23")
    ap.add_argument("--preset", choices=[str(n) for n in sorted(PRESET_FILES)], help="a paper experiment 1..4")
    ap.add_argument("--rule", help="load this rule file at start (with --screenshot: shown instead of learning one)")
    ap.add_argument("--bp-rate", default="0", help="also race backprop at this γ, 0.0001 to 64 (0, the default: "
                    "off, no extra network, as the side panel's “off”; best: tune backprop's best γ for the task, "
                    "layers and cycles first, as the “best γ” button does)")
    ap.add_argument("--screenshot", metavar="PNG", help="render offscreen mid-training to this PNG and exit "
                    "(never one of the files the command reads)")
    ap.add_argument("--no-learn", action="store_true", help="with --screenshot: backprop only")
    try:
        args = ap.parse_args(argv)
        check_args(args)
    except UsageError as e:
        print(f"gui: {e}", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    locale.setlocale(locale.LC_NUMERIC, "C")   # numba's LLVM parses numbers with the C locale
    cycles = None if args.cycles is None else int(args.cycles)
    win = MainWindow(task=args.task, layers=args.layers, seed=int(args.seed), cycles=cycles or 5000,
                     rate=float(args.rate), targets=int(args.targets), test_percent=int(args.test_percent))
    if args.preset:
        win.apply_preset(int(args.preset))
    if args.bp_rate != "best" and args.bp_rate > 0:
        win.panel.bp_rate.setValue(args.bp_rate)
    if args.rule:
        win.load_rule(args.rule)
    if args.bp_rate == "best":
        win.find_best_rate()
    if args.screenshot:
        code = take_screenshot(win, app, args.screenshot, cycles or 600, learn=not (args.no_learn or args.rule))
        win.close()
        return code
    win.show()
    got = _close_on_signals(win)
    code = app.exec()
    return 128 + got[0] if got else code


def _close_on_signals(win) -> list:
    """Ctrl-C or SIGTERM in the terminal closes the window as its close button does (the
    training thread stops first).  Qt's event loop runs in C++, where Python never sees a
    signal: a timer hands control back to Python every 200 ms.  Returns the signals received."""
    got = []

    def close(signum, frame):
        got.append(signum)
        win.close()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, close)
    timer = QTimer(win)
    timer.timeout.connect(lambda: None)
    timer.start(200)
    return got
