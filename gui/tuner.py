"""Backprop's best γ for the running task, found in a background thread ("best γ" button).

Why a thread of its own and not the training worker: tuning trains 12 γ x 5 seeds for the whole
cycle budget (seconds to a minute), and the comparison must keep playing meanwhile.  The result
is exactly ``tuning.best_backprop`` (same grid, same tuning seeds); it reaches the window only
through signals, and a cancel (second click, new task, window closed) stops it at the next chunk
of ``runs.train_seeds`` (~0.25 s).
"""

from __future__ import annotations

import threading

from PyQt6.QtCore import QObject, pyqtSignal

from localrule import tuning
from localrule.layout import UsageError

SEEDS = 5


class Stopped(Exception):
    """The window asked the tuning to stop."""


class BestRateTuner(QObject):
    """One tuning at a time; ``key`` says which settings it was for (the window checks staleness)."""

    progress = pyqtSignal(int, int)      # settings done, settings in all
    found = pyqtSignal(object)           # dict(key, rate, median, task, layers, cycles, seeds)
    failed = pyqtSignal(str)
    ended = pyqtSignal()                 # the thread is gone (after found, failed or a cancel)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.key = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, task, sizes, cycles: int, key, order: str = "fixed") -> bool:
        """Tune backprop's γ on ``task``/``sizes`` for ``cycles``; False if one is still running."""
        if self.running:
            return False
        self._stop = threading.Event()
        self.key = key
        self._thread = threading.Thread(target=self._run, args=(task, tuple(sizes), int(cycles), key, order,
                                                                self._stop),
                                        name="best-rate", daemon=True)
        self._thread.start()
        return True

    def cancel(self):
        """Stop at the next chunk; ``ended`` follows."""
        self._stop.set()

    def shutdown(self, timeout=2.0) -> bool:
        """Cancel and wait for the thread (window close): True if it has ended."""
        self.cancel()
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running

    def _run(self, task, sizes, cycles, key, order, stop):
        total = len(tuning.DEFAULT_RATES)
        done = 0

        def check():
            if stop.is_set():
                raise Stopped

        def say(_):
            nonlocal done
            done += 1
            if not stop.is_set():
                self.progress.emit(done, total)
        try:
            self.progress.emit(0, total)
            best = tuning.tune(task, sizes, cycles, tuning.DEFAULT_RATES, seeds=SEEDS, order=order,
                               say=say, check=check).best
            if not stop.is_set():
                self.found.emit({"key": key, "rate": best.rate, "median": best.median, "task": task.name,
                                 "layers": sizes, "cycles": cycles, "seeds": SEEDS})
        except Stopped:
            pass
        except UsageError as e:
            if not stop.is_set():
                self.failed.emit(str(e))
        except Exception as e:  # keep the window informed whatever happens
            if not stop.is_set():
                self.failed.emit(f"internal error while tuning: {e.__class__.__name__}: {e}")
        finally:
            self.ended.emit()
