"""Snapshot handling: take the newest snapshot from the worker and redraw what it changed.

Why a file of its own: this is the per-frame path, the one that must stay well under a frame
(33 ms) of the window's time; the worker's mailbox hands over only the newest snapshot, so a
slow frame drops the ones in between instead of queueing them.
"""

from __future__ import annotations

from localrule.runs import Result


class Snapshots:
    """Mixed into ``MainWindow``: ``on_snapshot`` and what reads the current snapshot."""

    # ---- snapshots ---------------------------------------------------------------------------
    def _take_snapshot(self):
        snap = self.worker.take_snapshot()
        if snap is not None:
            self.on_snapshot(snap)

    def on_snapshot(self, snap):
        if snap.get("gen") != self.gen:
            return                      # from a configuration the window has left
        self.snap = snap
        nets = snap["nets"]
        self.curves.update_nets(nets)
        self._draw_network()
        if self.maps.maps:
            self.maps.update_nets(nets)
            self.map_frames += 1
        if snap["finished"] and self.panel.play.isChecked():
            self._set_play(False)
        t = nets[0]["t"] if nets else 0
        rate = snap["steps_per_s"]
        js = "   ".join(f"{n['name']}: " + (f"J {n['J_now']:.4g}" if n["diverged_at"] is None else
                                             f"diverged at {n['diverged_at']}") for n in nets)
        state = "running" if snap["playing"] else ("done" if snap["finished"] else "paused")
        speed = f" · {rate:,.0f} pattern steps/s" if snap["playing"] else ""
        self.status.setText(f"{state} · cycle {t}/{snap['cycles']}{speed} · {js}")
        self.frames += 1

    def show_neuron(self, k):
        """Neuron ``k``'s own output over the input plane in the small map (2-input tasks)."""
        self.neuron_map.select(k, self.network.names.get(k, ""), self.network.state)

    def point_at_neuron(self, k):
        """As a hover would: the read-out beside neuron ``k`` and its map."""
        self.network.show_neuron(k)

    def _draw_network(self):
        if self._quiet or self.snap is None:
            return
        nets = self.snap["nets"]
        i = min(max(self.panel.show_net.currentIndex(), 0), len(nets) - 1)
        self.network.update_state(nets[i])
        self.neuron_map.refresh(nets[i])

    def results(self) -> list[Result]:
        """The current run of every compared network as ``localrule.runs.Result`` objects."""
        if self.snap is None or self.cfg is None:
            return []
        out = []
        hist = self.worker.histories()
        for n, (J, Jt) in zip(self.snap["nets"], hist):     # full histories: snapshots carry decimated ones
            t = int(n["t"])
            out.append(Result(self.cfg.task.name, tuple(self.cfg.sizes), n["mode"], int(self.cfg.seed),
                              float(n["rate"]), t, J[:t + 1], None if Jt is None else Jt[:t + 1],
                              n["diverged_at"], float(n["seconds"]), n["w"], n["b"], n["accuracy"]))
        return out
