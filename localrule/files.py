"""Writing results safely and reading our own ``.npz`` formats back with validation.

Every file is written to a temporary name beside the target and renamed into place, so an
interrupted run never leaves half a file nor clobbers an earlier good one.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from .layout import UsageError


_UMASK = os.umask(0o022)
os.umask(_UMASK)


def check_writable(path) -> Path:
    """Fail early (before any work) when ``path`` cannot become an output file."""
    p = Path(path)
    if p.is_dir():
        raise UsageError(f"output path {p} is a directory")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"output folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"output folder {parent} is not writable")
    return p


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


def write_json(path, obj) -> Path:
    return _atomic(path, lambda f: f.write((json.dumps(obj, indent=1, allow_nan=False) + "\n").encode()))


def write_bytes(path, data: bytes) -> Path:
    return _atomic(path, lambda f: f.write(data))


def save_npz(path, kind: str, version: int, meta: dict, arrays: dict) -> Path:
    meta = {"format": kind, "version": version, **meta}
    payload = {k: np.asarray(v) for k, v in arrays.items()}
    payload["meta"] = np.array(json.dumps(meta))
    return _atomic(path, lambda f: np.savez_compressed(f, **payload))


def peek_format(path) -> str | None:
    """The ``format`` named in a file's metadata record (None when it has none)."""
    try:
        with np.load(path, allow_pickle=False) as z:
            return json.loads(str(z["meta"])).get("format") if "meta" in z.files else None
    except (OSError, ValueError, EOFError, AttributeError, zipfile.BadZipFile):
        return None


def load_npz(path, kind: str, version: int, widths, ndim: int = 2) -> tuple[dict, dict]:
    """Read a file of format ``kind``; ``widths(meta)`` gives each array's expected column count.

    Any problem (missing, not an npz, another format or version, wrong shapes) is one
    ``UsageError`` naming the file.
    """
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"{p}: no such file")
    try:
        with np.load(p, allow_pickle=False) as z:
            data = {k: z[k] for k in z.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as e:
        raise UsageError(f"{p}: not a readable .npz file ({e.__class__.__name__})") from None
    try:
        meta = json.loads(str(data.pop("meta")))
    except (KeyError, ValueError):
        raise UsageError(f"{p}: not a localrule file (no metadata record)") from None
    if not isinstance(meta, dict) or meta.get("format") != kind:
        found = meta.get("format") if isinstance(meta, dict) else None
        raise UsageError(f"{p}: expected a {kind} file, found {found or 'an unknown format'}")
    if meta.get("version") != version:
        raise UsageError(f"{p}: {kind} format version {meta.get('version')} is not supported (need {version})")
    try:
        expected = widths(meta)
    except (KeyError, TypeError, ValueError) as e:
        raise UsageError(f"{p}: metadata record is incomplete or inconsistent ({e})") from None
    rows = None
    for name, width in expected.items():
        a = data.get(name)
        if a is None:
            raise UsageError(f"{p}: array {name!r} is missing")
        if a.dtype.kind != "f":
            raise UsageError(f"{p}: array {name!r} is not floating point")
        if rows is None and ndim == 2 and a.ndim == 2:
            rows = a.shape[0]
        expect = (rows, width) if ndim == 2 else (width,)
        if a.ndim != ndim or (width is not None and a.shape[-1] != width) or (ndim == 2 and a.shape[0] != rows):
            shown = "(rows, " + str(width) + ")" if ndim == 2 else str(expect)
            raise UsageError(f"{p}: array {name!r} has shape {a.shape}, expected {shown}")
    return meta, data
