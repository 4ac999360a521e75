"""File actions: samples and rules to and from ``.npz``, the screenshot, the history export.

Why apart: every one of them goes through a dialog (or a given path, for tests and the CLI),
writes atomically with ``localrule.files`` and turns a failure into a one-line message.
"""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QBuffer, QIODevice
from PyQt6.QtWidgets import QFileDialog

from localrule.files import write_bytes, write_json
from localrule.layout import UsageError, format_layers
from localrule.learner import Rule
from localrule.samples import load_samples, save_samples

from .wiring import MODE_LABELS, rule_label


class FileActions:
    """Mixed into ``MainWindow``: save/load samples and rules, screenshot, export."""

    # ---- files ---------------------------------------------------------------------------------
    def _path(self, path, save, title, filt):
        if path is not None:
            return str(path)
        fn = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        chosen, _ = fn(self, title, "", filt)
        return chosen or None

    def _guard(self, action, what):
        try:
            return action()
        except UsageError as e:
            self.show_message(str(e), error=True)
        except OSError as e:
            self.show_message(f"cannot {what}: {e.strerror or e} {e.filename or ''}".strip(), error=True)
        return None

    def save_samples(self, path=None):
        if self.samples is None:
            self.show_message("no samples to save: press “sample & learn” first", error=True)
            return False
        path = self._path(path, True, "save samples", "sample files (*.npz)")
        if path and self._guard(lambda: save_samples(path, self.samples[1], self.samples[0]), "save samples"):
            self.show_message(f"saved samples to {path}")
            return True
        return False

    def load_samples(self, path=None):
        path = self._path(path, False, "load samples", "sample files (*.npz);;all files (*)")
        if not path:
            return False
        got = self._guard(lambda: load_samples(path), "load samples")
        if got is None:
            return False
        self.samples = got
        layers = tuple(got[0]["layers"])
        if self.cfg is not None and layers != tuple(self.cfg.sizes):
            self.show_message(f"{Path(path).name}: samples of a {format_layers(layers)} network, the current one "
                              f"is {format_layers(self.cfg.sizes)}; a full-network rule learned from them only "
                              "trains that topology (a local rule trains any)", error=True)
        else:
            self.show_message(f"loaded {got[1]['w'].shape[0]} samples from {path}; press “learn from samples”")
        return True

    def save_rule(self, path=None, kind=None):
        kind = kind or self.panel.learner_kind.currentData()
        rule = self.rules.get(kind)
        if rule is None:
            self.show_message(f"no {MODE_LABELS[kind]} to save: learn one first", error=True)
            return False
        path = self._path(path, True, "save rule", "rule files (*.npz)")
        if path and self._guard(lambda: rule.save(path), "save the rule"):
            self.show_message(f"saved the {rule_label(rule)} to {path}")
            return True
        return False

    def load_rule(self, path=None):
        path = self._path(path, False, "load rule", "rule files (*.npz);;all files (*)")
        if not path:
            return False
        rule = self._guard(lambda: Rule.load(path), "load the rule")
        if rule is None:
            return False
        self.rules[rule.mode] = rule
        sizes = self.cfg.sizes if self.cfg else None
        self.update_modes(sizes)
        if not self.panel.mode_available(rule.mode):
            self.show_message(f"{Path(path).name}: this full-network rule was learned for "
                              f"{format_layers(rule.layers)} networks and cannot train the current "
                              f"{format_layers(sizes)} one (set layers to {','.join(map(str, rule.layers))}, "
                              "or use a local rule)", error=True)
            return False
        self._quiet = True
        self.panel.mode.setCurrentIndex(self.panel.mode.findData(rule.mode))
        self._quiet = False
        if self.apply_config():
            rate = rule.own_rate
            decay = rule.decay
            noise = float((rule.meta.get("adapt") or {}).get("noise", 0.0))
            self.show_message(f"loaded a {rule_label(rule)} from {path}; it trains the second network" +
                              ("" if rate is None else f" at its own γ {rate:.3g}") +
                              ("" if not decay else f", its step falling to 0 over the last {decay:.0%} "
                               "of the cycles set above") +
                              ("" if not noise else f", with local noise σ {noise:g} on every step") +
                              ("" if rate is None else "; to race it against tuned backprop, press “best γ”"))
        return True

    def save_screenshot(self, path=None):
        path = self._path(path, True, "save screenshot", "PNG images (*.png)")
        if not path:
            return False
        buf = QBuffer()
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        self.grab().save(buf, "PNG")
        data = bytes(buf.data())
        if self._guard(lambda: write_bytes(path, data), "save the screenshot"):
            self.show_message(f"saved a screenshot to {path}")
            return True
        return False

    def export_history(self, path=None):
        """Write the run as ``Result.to_json()``: backprop to ``path``, a rule's net beside it."""
        results = self.results()
        if not results:
            self.show_message("nothing to export yet", error=True)
            return []
        path = self._path(path, True, "export history", "JSON files (*.json)")
        if not path:
            return []
        p = Path(path)
        written = []
        for k, r in enumerate(results):
            target = p if k == 0 else p.with_name(f"{p.stem}.{r.mode}{p.suffix or '.json'}")
            if self._guard(lambda: write_json(target, r.to_json()), "export the history") is None:
                return written
            written.append(str(target))
        self.show_message("wrote " + ", ".join(written))
        return written
