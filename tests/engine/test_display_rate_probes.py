"""S-GUI: on the compiled kernel the neuron maps ride on every snapshot (the display
rate); on the torch path they keep their tab rate, and a probe nobody subscribes to is
never computed."""

import dataclasses

from engine.presets import load_preset
from engine.probes.builtin import TAB_RATE
from engine.probes.compiled_maps import on_kernel
from engine.probes.registry import PROBES
from engine.train import Session
from engine.train.compiled_mlp import CompiledMLP
from engine.train.events import Snapshot

FRAME = 1 / 64  # a fake display frame (a binary fraction: the clock's sums are exact)


def snapshots_over_one_second(session: Session, subscriptions: dict) -> list[Snapshot]:
    """Publish once per fake frame for one second of a fake clock, training an epoch
    before each; the snapshots made."""
    now = [0.0]
    session.runner.clock = lambda: now[0]
    session.runner.snapshot_interval = FRAME
    session.runner.subscriptions = dict(subscriptions)
    shots: list[Snapshot] = []
    session.subscribe(lambda e: shots.append(e) if isinstance(e, Snapshot) else None)
    while now[0] < 1:
        session.train_epoch()
        now[0] += FRAME
        session.publish()
    return shots


def test_on_the_kernel_every_snapshot_carries_the_neuron_maps(kernel):
    s = Session(load_preset("circle"))
    assert isinstance(s._fast, CompiledMLP) and on_kernel(s)
    shots = snapshots_over_one_second(s, {"neurons": {"size": 24}, "weights": {}})
    assert len(shots) == 64
    assert all("neurons" in shot.probes for shot in shots)
    # the weights (lines redrawn with pens) keep the tab rate
    with_weights = sum("weights" in shot.probes for shot in shots)
    assert with_weights <= TAB_RATE + 1


def test_off_the_kernel_the_neuron_maps_keep_the_tab_rate():
    s = Session(load_preset("circle"), fast=False)
    assert not on_kernel(s)
    shots = snapshots_over_one_second(s, {"neurons": {"size": 24}})
    assert len(shots) == 64
    assert 0 < sum("neurons" in shot.probes for shot in shots) <= TAB_RATE + 1


def test_a_probe_no_view_subscribes_to_is_not_computed(kernel, monkeypatch):
    calls = []
    counted = dataclasses.replace(PROBES["neurons"], fn=lambda _c, _a: calls.append(1))
    monkeypatch.setitem(PROBES, "neurons", counted)
    s = Session(load_preset("circle"))
    shots = snapshots_over_one_second(s, {"boundary": {"size": 50}})
    assert all("boundary" in shot.probes and "neurons" not in shot.probes for shot in shots)
    assert calls == []
