"""What the app accepts: layer sizes, learner sizes and numbers, with the app's own limits.

Why limits the CLI does not have: the app trains *and draws* every frame, so a layer of 5000
neurons freezes the window and 20,000 learner units exhaust memory before a single message can
be shown.  Everything here raises ``UsageError`` with a one-line message in the app's words
(the names on the side panel, not the CLI's flags); ``python -m gui`` reuses it for its own
command line, where the same message goes to stderr with exit code 2.
"""

from __future__ import annotations

import math
import re

from localrule.layout import UsageError, is_digits, n_weights, parse_layers, to_float

#: Neurons per layer the app trains and draws (the command line has no such limit).
MAX_LAYER = 1000
#: Links (weights) of the whole network.
MAX_LINKS = 100_000
#: Units per hidden layer of a learning network.
MAX_LEARNER_HIDDEN = 256

_HIDDEN = re.compile(r"^\s*(\d+\s*([,-]\s*\d+\s*)*)?$", re.ASCII)   # ASCII digits: int() takes '٣' too


def app_words(message: str) -> str:
    """A message from the engine, with CLI flag names replaced by the panel's names."""
    for flag, name in (("--layers", "layers"), ("--targets", "CSV targets"), ("--rate", "γ"),
                       ("--cycles", "cycles"), ("--seed", "seed"), ("--hidden", "learner hidden")):
        message = message.replace(flag, name)
    return message


def check_layers(text) -> tuple[int, ...]:
    """``"2,5,2"`` -> (2, 5, 2), refused above ``MAX_LAYER`` neurons or ``MAX_LINKS`` links."""
    # the app's own limit first (the engine's is far higher), on the digits: no int of 5000 digits
    digits = [p.strip().lstrip("0") for p in re.split(r"[,-]", str(text))]
    if all(is_digits(p) for p in digits if p):
        big = max(digits, key=len)
        if len(big) > len(str(MAX_LAYER)) or (big and int(big) > MAX_LAYER):
            shown = f"{int(big):,}" if len(big) < 13 else f"about 10^{len(big) - 1}"
            raise UsageError(f"layers: at most {MAX_LAYER:,} neurons per layer in the app, got {shown} "
                             "(the command line trains bigger networks)")
    try:
        sizes = parse_layers(text)
    except UsageError as e:
        raise UsageError(app_words(str(e))) from None
    links = n_weights(sizes)
    if links > MAX_LINKS:
        raise UsageError(f"layers: at most {MAX_LINKS:,} links in the app, {text} has {links:,} "
                         "(the command line trains bigger networks)")
    return sizes


def parse_hidden(text) -> tuple:
    """Learner hidden sizes: ``"8"`` -> (8,), ``"8,8"`` or ``"8-8"`` -> (8, 8), ``""`` -> () (none)."""
    if not _HIDDEN.match(str(text)):
        raise UsageError(f"learner hidden sizes must be whole numbers >= 0 like 8 or 8,8, got {text!r}")
    sizes = tuple(int(p) for p in re.split(r"[,-]", str(text)) if p.strip())
    if any(s > MAX_LEARNER_HIDDEN for s in sizes):
        raise UsageError(f"learner hidden: at most {MAX_LEARNER_HIDDEN} units per layer, got {text!r}")
    return tuple(s for s in sizes if s > 0)


def positive(value, what: str) -> float:
    """A positive finite number, or a message naming the setting."""
    try:
        v = to_float(value)
    except (TypeError, ValueError):
        raise UsageError(f"{what} must be a number, got {value!r}") from None
    if not (math.isfinite(v) and v > 0):
        raise UsageError(f"{what} must be a positive finite number, got {value!r}")
    return v


def whole(value, what: str, lowest: int = 0, highest: int = 2**31 - 1) -> int:
    """A whole number in [lowest, highest], or a message naming the setting."""
    text = str(value).strip()
    if not re.fullmatch(r"[+-]?\d+", text, re.ASCII):
        raise UsageError(f"{what} must be a whole number, got {value!r}")
    v = int(text)
    if not lowest <= v <= highest:
        raise UsageError(f"{what} must be between {lowest:,} and {highest:,}, got {value!r}")
    return v
