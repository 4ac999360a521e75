"""GIL-free copies of the engine's ``train`` and ``predict`` kernels, for the worker thread.

Why: ``localrule.kernels`` compiles with ``@njit(cache=True)`` and no ``nogil``, so a kernel
call holds Python's GIL for its whole duration and the window's thread (which needs the GIL for
every paint callback) stalls behind it: measured, the app dropped to ~4 frames/s while training
flat out.  These are the very same Python functions (``py_func``), compiled once more with
``nogil=True`` (not cached on disk, so they never clash with the engine's cache entries); the
numbers are identical.  Compiling them takes a few seconds at start-up, in the worker, behind
the "preparing…" status.  Once the engine's kernels are ``nogil`` this module can simply
re-export them.
"""

from __future__ import annotations

import numba

from localrule import kernels

if getattr(kernels.train, "targetoptions", {}).get("nogil"):
    train, predict = kernels.train, kernels.predict
else:
    train = numba.njit(nogil=True)(kernels.train.py_func)
    predict = numba.njit(nogil=True)(kernels.predict.py_func)
