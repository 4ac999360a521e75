"""Writing results safely and reading our own ``.npz`` formats back with validation.

Every file is written to a temporary name beside the target and renamed into place, so an
interrupted run never leaves half a file nor clobbers an earlier good one.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import signal
import sys
import tempfile
import threading
import zipfile
from pathlib import Path

import numpy as np

from .layout import MAX_VALUES, UsageError, short


_UMASK = os.umask(0o022)
os.umask(_UMASK)


def check_writable(path) -> Path:
    """Fail early (before any work) when ``path`` cannot become an output file."""
    try:
        return _check_writable(path)
    except OSError as e:   # a folder name beyond the system's limit, say: stat itself fails
        raise UsageError(f"output path {short(path)}: {e.strerror or e}") from None


def _check_writable(path) -> Path:
    if "\0" in str(path) or not str(path).strip():
        raise UsageError(f"output path {str(path)[:60]!r} is not a valid file name")
    p = Path(path)
    if len(p.name.encode(errors="surrogateescape")) > 200:  # leaves room for the temporary name's affixes
        raise UsageError(f"output file name {p.name[:40]}… is too long")
    if p.is_dir():
        raise UsageError(f"output path {short(p)} is a directory")
    if p.exists() and not p.is_file():  # renaming over /dev/null or a FIFO would replace it
        raise UsageError(f"output path {short(p)} exists and is not a regular file")
    parent = p.parent if str(p.parent) else Path(".")
    found = _nearest_existing(parent)
    if not found.is_dir():   # somefile.txt/a/b.npz: somefile.txt is the one to name, not a/
        raise UsageError(f"output folder {short(found)} is a file, not a folder"
                         + ("" if found == parent else f" (needed for {short(p)})"))
    if found != parent:
        raise UsageError(f"output folder {short(parent)} does not exist")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"output folder {short(parent)} is not writable")
    return p


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.resolve() == b.resolve():
            return True
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except (OSError, RuntimeError):
        return False


def check_outputs(outputs, inputs=()) -> None:
    """Fail early (before any work) when an output cannot be written, is the same file as one of
    the command's inputs (it would replace it), or two outputs share one path.  ``None`` entries
    (options not given) are skipped; every verb calls this once with all its paths."""
    outs = [check_writable(o) for o in outputs if o is not None]   # the given text: "" is no name, not "."
    ins = [Path(i) for i in inputs if i is not None]
    for k, o in enumerate(outs):
        for i in ins:
            if _same_file(o, i):
                raise UsageError(f"output {o} is also an input of this command; choose another output path")
        for other in outs[:k]:
            if _same_file(o, other):
                raise UsageError(f"two outputs of this command are the same file {o}")


def check_png(path, what: str) -> None:
    """A figure option names a PNG: refuse another suffix (a typo like ``--figure data.csv`` would
    otherwise leave a PNG under a CSV's name)."""
    if path is not None and Path(str(path)).suffix.lower() != ".png":
        raise UsageError(f"{what} writes a PNG image: give a file name ending in .png, got {str(path)[:60]!r}")


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every ``finally`` (temporary files) runs."""


class LateInterrupt(KeyboardInterrupt):
    """Ctrl-C or SIGTERM that arrived while a finished run's outputs were written (they were)."""


class KeptInterrupt(KeyboardInterrupt):
    """Ctrl-C or SIGTERM after which a long run kept what it had finished: args (what was kept,
    the signal's number)."""

    @classmethod
    def after(cls, cause: KeyboardInterrupt, kept: str) -> "KeptInterrupt":
        return cls(kept, signal.SIGTERM if isinstance(cause, Terminated) else signal.SIGINT)


def _raise_terminated(signum, frame):
    raise Terminated()


#: Ctrl-C and SIGTERM that Python dropped: raised while it ran inside a C callback (numba compiling
#: a kernel calls back into Python), where an exception is printed and lost and the run goes on.
dropped: list[KeyboardInterrupt] = []
_dropped_lock = threading.Lock()
#: How soon a dropped interrupt is sent again (numba's callbacks are short; its compiler goes on in Python).
RESEND_SECONDS = 0.1


def _keep_dropped(info, default=sys.unraisablehook):
    if isinstance(info.exc_value, KeyboardInterrupt):
        with _dropped_lock:
            dropped.append(info.exc_value)
        timer = threading.Timer(RESEND_SECONDS, _resend_dropped)
        timer.daemon = True
        timer.start()
    else:
        default(info)


def _take_dropped() -> KeyboardInterrupt | None:
    """The last dropped interrupt, once: whichever of the resend and ``raise_dropped`` comes first."""
    with _dropped_lock:
        e = dropped[-1] if dropped else None
        dropped.clear()
    return e


def _resend_dropped() -> None:
    """Send a dropped interrupt's signal again, so that it lands where it stops the run (mid-
    compilation: a cold compile goes on for seconds); dropped again, it comes back here."""
    e = _take_dropped()
    if e is not None:
        import _thread
        _thread.interrupt_main(signal.SIGTERM if isinstance(e, Terminated) else signal.SIGINT)


def raise_dropped() -> None:
    """Raise again, once, an interrupt Python dropped (``dropped``), where the run can stop (code
    that catches it to keep what it has, as ``refine`` does, must not see it again)."""
    e = _take_dropped()
    if e is not None:
        raise e


def install_terminate_handler() -> None:
    """Turn SIGTERM into an exception (the default would kill the process mid-write), and keep
    the interrupts Python drops (``raise_dropped``)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_terminated)
        sys.unraisablehook = _keep_dropped


@contextlib.contextmanager
def finish_first():
    """Hold Ctrl-C and SIGTERM while finished work is written; re-raise them afterwards.

    A run that has ended is worth its outputs: an interrupt arriving while they are written
    (or between two of them) waits until all are in place.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    got = []
    old = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    for s in old:
        signal.signal(s, lambda signum, frame: got.append(signum))
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)
    if got:
        raise LateInterrupt(got[0])


def _nearest_existing(p: Path) -> Path:
    """``p`` or the nearest of its parents that exists: under a file, none of the rest can."""
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def _writable_ancestor(p: Path) -> None:
    """The nearest existing folder above ``p`` (where ``p`` would be made) must be a writable folder."""
    ancestor = _nearest_existing(p.absolute().parent)
    if not ancestor.is_dir():
        raise UsageError(f"{ancestor} is a file, not a folder (needed for {p})")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise UsageError(f"folder {ancestor} is not writable (needed for {p})")


def check_output_folder(path, what: str = "output folder", files=()) -> Path:
    """Fail early (before any work) when ``path`` cannot be, or be made, a folder this command
    writes files into: not a valid name, an existing file, a folder that is not writable, or one
    to be made under a file or an unwritable folder.  Where the folder exists, each of ``files``
    (the names to be written into it) must be writable too (``check_writable``: not a folder
    there, say).  What the folder already holds is kept (``check_folder``: one replaced whole)."""
    if "\0" in str(path) or not str(path).strip():
        raise UsageError(f"{what} {str(path)[:60]!r} is not a valid name")
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise UsageError(f"{what} {p} is a file, not a folder")
    if not p.exists():
        _writable_ancestor(p)
        return p
    if not os.access(p, os.W_OK | os.X_OK):
        raise UsageError(f"{what} {p} is not writable")
    for f in files:
        check_writable(p / f)
    return p


def check_folder(path) -> Path:
    """Fail early when ``path`` cannot become (or be replaced by) a results folder.

    An existing folder is replaced as a whole, so it must be a previous results folder (holding a
    ``results.json`` file) or empty: files this program did not write are never deleted.
    """
    p = check_output_folder(path)
    if p.is_dir():
        if (p / "results.json").exists() and not (p / "results.json").is_file():
            raise UsageError(f"{p / 'results.json'} is a folder; remove it or choose another --out")
        if any(p.iterdir()) and not (p / "results.json").is_file():
            raise UsageError(f"output folder {p} holds files that are not a previous run's results; "
                             f"choose a new or empty folder")
    _writable_ancestor(p)   # replaced whole: renamed in its parent
    return p


def distinct_names(names) -> list[str]:
    """``names`` with each repeat (compared ignoring case: some file systems do) given a suffix
    _2, _3, … before its extension, so that files named by them never replace one another."""
    seen, out = set(), []
    for name in names:
        stem, dot, ext = str(name).rpartition(".") if "." in str(name) else (str(name), "", "")
        candidate, k = str(name), 1
        while candidate.lower() in seen:
            k += 1
            candidate = f"{stem}_{k}{dot}{ext}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out


@contextlib.contextmanager
def fresh_folder(path):
    """Yield a new temporary folder beside ``path``; on success it replaces ``path`` at once.

    So a results folder always holds one run's outputs together, or the previous run's: an
    interrupted run leaves no trace.
    """
    p = check_folder(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"cannot create {p.parent}: {e.strerror}") from None
    tmp = Path(tempfile.mkdtemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp"))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_UMASK)
        with finish_first():
            old = None
            if p.exists():
                old = Path(tempfile.mkdtemp(dir=p.parent, prefix=f".{p.name}.", suffix=".old"))
                os.replace(p, old / p.name)
            os.replace(tmp, p)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _atomic(path, write) -> Path:
    p = check_writable(path)
    fd, tmp = tempfile.mkstemp(dir=p.parent or ".", prefix=f".{p.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the file the usual mode
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return p


def finite_json(obj):
    """``obj`` with every non-finite float (a diverged or overflowing value) as null: JSON has no inf."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite_json(v) for v in obj]
    if isinstance(obj, np.generic):
        return finite_json(obj.item())
    if isinstance(obj, np.ndarray):
        return finite_json(obj.tolist())
    return obj


def write_json(path, obj) -> Path:
    text = json.dumps(finite_json(obj), indent=1, allow_nan=False) + "\n"
    return _atomic(path, lambda f: f.write(text.encode()))


def write_bytes(path, data: bytes) -> Path:
    return _atomic(path, lambda f: f.write(data))


def save_npz(path, kind: str, version: int, meta: dict, arrays: dict) -> Path:
    meta = {"format": kind, "version": version, **meta}
    payload = {k: np.asarray(v) for k, v in arrays.items()}
    payload["meta"] = np.array(json.dumps(meta))
    return _atomic(path, lambda f: np.savez_compressed(f, **payload))


#: The longest metadata record read (characters); ours are a few hundred.
MAX_META_CHARS = 10**6
_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}


def _header(z: zipfile.ZipFile, name: str):
    """(shape, dtype) of array ``name`` from its .npy header alone: nothing is decompressed beyond
    it, so a small file declaring a huge array is refused before that array is allocated."""
    with z.open(f"{name}.npy") as f:
        shape, fortran, dtype = _HEADER_READERS[np.lib.format.read_magic(f)](f)
    if fortran or dtype.hasobject:
        raise ValueError(f"array {name!r} is not a plain C-ordered array")
    return shape, dtype


def _read(z: zipfile.ZipFile, name: str) -> np.ndarray:
    with z.open(f"{name}.npy") as f:
        return np.lib.format.read_array(f, allow_pickle=False)


def _read_meta(z: zipfile.ZipFile):
    """The metadata record (None when there is no readable one), its size checked before it is read."""
    if "meta.npy" not in z.namelist():
        return None
    shape, dtype = _header(z, "meta")
    if dtype.kind != "U" or shape != () or dtype.itemsize > 4 * MAX_META_CHARS:
        return None
    try:
        return json.loads(str(_read(z, "meta")))
    except (ValueError, RecursionError):
        return None


@contextlib.contextmanager
def _open_npz(p: Path):
    """The zip archive of an .npz file; a bare .npy array (np.save) is named as such."""
    with open(p, "rb") as fh:  # our own handle, closed on every error
        if fh.read(6) == b"\x93NUMPY":
            raise UsageError(f"{short(p)}: a bare array (np.save), not a localrule .npz file")
        fh.seek(0)
        with zipfile.ZipFile(fh) as z:
            yield z


def peek_format(path) -> str | None:
    """The ``format`` named in a file's metadata record (None when it has none)."""
    try:
        with _open_npz(Path(path)) as z:
            meta = _read_meta(z)
    except Exception:
        return None
    return meta.get("format") if isinstance(meta, dict) else None


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


#: What a metadata value must be, for ``check_meta_types``: (test, what it must be).
TEXT = (lambda v: isinstance(v, str), "text")
TEXTS = (lambda v: isinstance(v, list) and all(isinstance(s, str) for s in v), "a list of text")
COUNT = (lambda v: type(v) is int and v >= 0, "a whole number >= 0")
COUNTS = (lambda v: isinstance(v, list) and all(type(s) is int and s >= 0 for s in v), "a list of whole numbers")
NUMBER = (lambda v: _number(v) and math.isfinite(v), "a finite number")
REAL = (_number, "a number")   # nan allowed: an R² of constant targets


def check_meta_types(meta: dict, types: dict) -> None:
    """Refuse a metadata value of the wrong kind (``types``: key -> (test, what it must be)) before
    anything trusts it; a key that is absent passes."""
    for key, (ok, what) in types.items():
        if key in meta and not ok(meta[key]):
            raise ValueError(f"{key} must be {what}, got {short(repr(meta[key]), 40)}")


def load_npz(path, kind: str, version: int, widths, ndim: int = 2, finite=(), positive=(),
             types=None, bound: float = math.inf) -> tuple[dict, dict]:
    """Read a file of format ``kind``; ``widths(meta)`` gives each array's expected column count.
    The metadata record is read and checked first (``types``: ``check_meta_types``), then every
    array's header against its expected shape and the size limit, and only then the arrays.  The
    arrays named in ``finite`` must hold finite values of size at most ``bound`` only, those in
    ``positive`` finite values > 0 (scales that are divided by).  Other arrays are never read.

    Any problem (missing, not an npz, another format or version, wrong shapes or values) is one
    ``UsageError`` naming the file.
    """
    p = Path(path)
    if not os.path.isfile(p):   # os.path, not Path: False for a name too long, not an OSError
        raise UsageError(f"{short(p)}: {'not a regular file' if os.path.exists(p) else 'no such file'}")
    try:
        with _open_npz(p) as z:
            meta, expected = _checked_meta(p, z, kind, version, widths, types)
            _check_headers(p, z, expected, ndim)
            data = {name: _read(z, name) for name in expected}
    except UsageError:
        raise
    except Exception as e:  # any reader failure: zip, npy header, truncation
        raise UsageError(f"{short(p)}: not a readable .npz file ({e.__class__.__name__})") from None
    for name in (*finite, *positive):
        if not np.all(np.isfinite(data[name])):
            raise UsageError(f"{short(p)}: array {name!r} holds a value that is not finite (nan or inf)")
        if not np.all(np.abs(data[name]) <= bound):
            raise UsageError(f"{short(p)}: array {name!r} holds a value beyond ±{bound:g}, "
                             f"more than any run records")
    for name in positive:
        if not np.all(data[name] > 0):
            raise UsageError(f"{short(p)}: array {name!r} holds a value <= 0 (it is a scale, so must be positive)")
    return meta, data


def _checked_meta(p: Path, z, kind: str, version: int, widths, types) -> tuple[dict, dict]:
    """The metadata record of format ``kind`` and ``version``, and the arrays' widths it implies."""
    meta = _read_meta(z)
    if not isinstance(meta, dict):
        raise UsageError(f"{short(p)}: not a localrule file (no metadata record)")
    if meta.get("format") != kind:
        found = meta.get("format")
        raise UsageError(f"{short(p)}: expected a {kind} file, found {short(found, 40) if found else 'an unknown format'}")
    v = meta.get("version")
    if type(v) is not int or v != version:
        shown = repr(v)[:40] if type(v) is not int else str(v)
        raise UsageError(f"{short(p)}: {kind} format version {shown} is not supported (need the number {version})")
    try:
        check_meta_types(meta, types or {})
        return meta, widths(meta)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
        raise UsageError(f"{short(p)}: metadata record is incomplete or inconsistent ({short(e, 120)})") from None


def _check_headers(p: Path, z, expected: dict, ndim: int) -> None:
    """Each expected array present, floating point, of its expected shape, and all of them
    together within ``MAX_VALUES``: from their headers, before any is read."""
    rows, total = None, 0
    for name, width in expected.items():
        if f"{name}.npy" not in z.namelist():
            raise UsageError(f"{short(p)}: array {name!r} is missing")
        shape, dtype = _header(z, name)
        if dtype.kind != "f":
            raise UsageError(f"{short(p)}: array {name!r} is not floating point")
        if rows is None and ndim == 2 and len(shape) == 2:
            rows = shape[0]
        if len(shape) != ndim or (width is not None and shape[-1] != width) or (ndim == 2 and shape[0] != rows):
            shown = f"(rows, {width})" if ndim == 2 else str((width,))
            raise UsageError(f"{short(p)}: array {name!r} has shape {shape}, expected {shown}")
        total += math.prod(shape)
        if total > MAX_VALUES:
            raise UsageError(f"{short(p)}: its arrays hold more than the limit of {MAX_VALUES:,} values")
    if rows == 0:
        raise UsageError(f"{short(p)}: holds no rows")
