"""The one serve loop: commands in, events out, for any trainer.

``Runner(trainer)`` drives an ``engine.train.trainer.Trainer``: while playing it
trains epoch after epoch (at most ``SetSpeed``'s rate), stops at divergence or at
the project's stop condition, measures epochs per second and publishes snapshots
with the subscribed probes (``engine.probes.registry``). Commands arrive through
``submit`` from any thread and are drained between epochs; probe requests (``Ask``)
are also answered between mini-batches, so a long epoch does not keep a view
waiting. Every event fires on the thread that runs ``serve`` (the worker thread in
the GUI); listeners that touch widgets must hop threads.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections.abc import Callable

import engine.probes.builtin  # noqa: F401 - registers today's probes
from engine.errors import NodeplayError, OutOfMemory
from engine.probes.registry import PROBES, probe
from engine.train import commands as cmd
from engine.train.abandon import EpochAbandoned, interrupts
from engine.train.events import (
    Answer,
    DeviceChanged,
    Diverged,
    Failed,
    Finished,
    Snapshot,
    StateCaptured,
    StateChanged,
)
from engine.train.events import OutOfMemory as OutOfMemoryEvent

PROBE_SHARE = 5  # snapshots wait at least this many times what the last one cost
RATE_WINDOW_S = 0.5  # epochs per second are measured over this long
_WAKE = object()  # queued with an Ask so that a paused runner wakes to answer it


class Runner:
    def __init__(
        self,
        trainer,
        *,
        snapshot_interval: float = 1 / 60,
        subscriptions: dict[str, dict] | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ):
        self.trainer = trainer
        # what snapshot intervals, probe costs and epoch rates are measured with
        # (tests pass a fake one to count snapshots without waiting)
        self.clock = clock
        self.snapshot_interval = snapshot_interval
        self.subscriptions: dict[str, dict] = dict(
            cmd.DEFAULT_SUBSCRIPTIONS if subscriptions is None else subscriptions
        )
        self.max_epochs_per_second: float | None = None
        # Back-pressure from the consumer (the GUI's mailbox): while it has not taken
        # the last snapshot, a new one would only replace it, so its probes wait too.
        self.ready: Callable[[], bool] | None = None
        self.playing = False
        self.rate = 0.0
        self._listeners: list[Callable] = []
        self._commands: queue.Queue = queue.Queue()
        self._asks: queue.Queue = queue.Queue()
        self._probe_cost = 0.0  # seconds the last snapshot took to make
        self._last_publish = -math.inf
        self._last_run: dict[str, float] = {}  # probe name -> when it last ran
        self._published_generation: tuple | None = None  # (trainer id, its generation)
        self.token = 0  # the last SetProject's, stamped on every snapshot
        self._stop_reported = False
        # interrupting commands queued but not yet taken (engine.train.abandon)
        self._stops = 0
        self._stops_lock = threading.Lock()

    # -- reporting -----------------------------------------------------------------
    def subscribe(self, listener: Callable) -> None:
        self._listeners.append(listener)

    def _emit(self, event) -> None:
        for listener in self._listeners:
            listener(event)

    def _probe_values(self, now: float, force: bool) -> dict:
        values = {}
        for name, args in list(self.subscriptions.items()):
            p = PROBES.get(name)
            if p is None or not p.applies(self.trainer):
                continue
            if (
                not force
                and p.max_per_second
                and not p.full_rate(self.trainer)
                and now - self._last_run.get(name, -math.inf) < 1 / p.max_per_second
            ):
                continue
            try:
                value = p.run(self.trainer, args)
            except Exception as err:  # noqa: BLE001 - a bad probe, not a broken session
                del self.subscriptions[name]
                why = (
                    str(err)
                    if isinstance(err, NodeplayError)
                    else (f"The probe '{name}' failed: {type(err).__name__}: {err}.")
                )
                self._emit(Failed(f"{why} It is no longer shown.", stopped=False))
                continue
            self._last_run[name] = now
            if value is not None:
                values[name] = value
        return values

    def publish(self, force: bool = False) -> None:
        """Emit a Snapshot, at most once per ``snapshot_interval`` unless forced.

        Probes of a big network can cost more than its training; the interval then
        stretches so that they take at most ``1 / PROBE_SHARE`` of the worker's time.
        Each probe also runs no more often than its own ``max_per_second``, and none
        runs while the consumer (``ready``) has not taken the previous snapshot.
        """
        now = self.clock()
        interval = max(self.snapshot_interval, PROBE_SHARE * self._probe_cost)
        if not force and (
            now - self._last_publish < interval or (self.ready is not None and not self.ready())
        ):
            return
        self._last_publish = now
        t = self.trainer
        values = self._probe_values(now, force)
        fresh = self._published_generation != (id(t), t.generation)
        self._published_generation = (id(t), t.generation)
        self._emit(
            Snapshot(
                t.epoch,
                t.step,
                self.playing,
                t.take_rows(),
                None,
                t.dataset.extent,
                self.rate,
                reset=fresh,
                probes=values,
                token=self.token,
            )
        )
        self._probe_cost = self.clock() - now

    # -- commands ------------------------------------------------------------------
    def submit(self, command) -> None:
        """Queue a command; safe from any thread."""
        if isinstance(command, cmd.Ask):
            self._asks.put(command)
            command = _WAKE
        elif interrupts(command):
            with self._stops_lock:
                self._stops += 1
        self._commands.put(command)

    def _take(self, block: bool):
        """The next queued command (queue.Empty when none and not ``block``)."""
        c = self._commands.get(block=block)
        if interrupts(c):
            with self._stops_lock:
                self._stops -= 1
        return c

    def answer_asks(self) -> None:
        """Answer every waiting Ask (the worker calls it between mini-batches)."""
        while True:
            try:
                a = self._asks.get_nowait()
            except queue.Empty:
                return
            try:
                value, error = probe(a.probe).run(self.trainer, a.args), None
                if value is None:
                    error = f"The probe '{a.probe}' has nothing to show for {a.args!r} now."
            except NodeplayError as err:
                value, error = None, str(err)
            except Exception as err:  # noqa: BLE001 - a failing probe never kills the worker
                value, error = None, f"The probe '{a.probe}' failed: {type(err).__name__}: {err}"
            self._emit(Answer(a.request_id, a.probe, value, error))

    def _set_playing(self, playing: bool) -> None:
        if playing != self.playing:
            self.playing = playing
            self._emit(StateChanged(playing))

    def _subscribe(self, subs: dict) -> None:
        unknown = sorted(set(subs) - set(PROBES))
        self.subscriptions = {k: dict(v or {}) for k, v in subs.items() if k in PROBES}
        self._last_run.clear()
        self.publish(force=True)
        if unknown:
            raise NodeplayError(
                f"There is no probe named '{unknown[0]}'; the known probes are {', '.join(sorted(PROBES))}."
            )

    def _apply(self, c) -> bool:
        """Apply one command; False means shut down."""
        if c is _WAKE:
            self.answer_asks()
        elif isinstance(c, cmd.Shutdown):
            return False
        elif isinstance(c, cmd.Play):
            self._set_playing(True)
        elif isinstance(c, cmd.Pause):
            self._set_playing(False)
            self.publish(force=True)
        elif isinstance(c, cmd.Step):
            self._set_playing(False)
            for _ in range(max(1, c.epochs)):
                if not self._advance():
                    break
            self.publish(force=True)
        elif isinstance(c, cmd.Reset):
            self.trainer.reset(c.seed)
            self._stop_reported = False
            self.publish(force=True)
        elif isinstance(c, cmd.SetSpeed):
            self.max_epochs_per_second = c.epochs_per_second
        elif isinstance(c, cmd.Subscribe):
            self._subscribe(c.subscriptions)
        elif isinstance(c, cmd.SetTrainer):
            self._set_playing(False)
            self.trainer, self._stop_reported, self.rate = c.trainer, False, 0.0
            self.publish(force=True)
        elif isinstance(c, cmd.Capture):
            self._emit(StateCaptured(self.trainer.epoch, self.trainer.weights()))
        elif isinstance(c, cmd.SetDevice):
            self._move(c.device)
        else:
            if isinstance(c, cmd.SetProject | cmd.SetStop):
                self._stop_reported = False
            if isinstance(c, cmd.SetProject):
                self._set_playing(False)
                self.token = c.token
                if self._swap_kind(c.project):
                    return True
            follow = self.trainer.apply(c)
            if follow is None:
                raise NodeplayError(f"This trainer does not take {type(c).__name__} commands.")
            if follow:
                self.publish(force=True)
        return True

    def _swap_kind(self, project) -> bool:
        """G1 (issue 11): a project that needs another kind of trainer (a GAN after a
        classifier) gets a new one; True when swapped. A refusal keeps the old one."""
        from engine.train.factory import kind_of, make_trainer, trainer_kind

        if trainer_kind(project) == kind_of(self.trainer):
            return False
        self.trainer, self._stop_reported, self.rate = make_trainer(project), False, 0.0
        self.publish(force=True)
        return True

    def _move(self, requested: str) -> None:
        """T-OOM: the trainer on another device, nothing lost (``Session.move_to``)."""
        move = getattr(self.trainer, "move_to", None)
        if move is None:
            raise NodeplayError(
                "This kind of training cannot change its device while it runs; "
                "the new Device applies when the project is opened again."
            )
        device = move(requested)
        self._emit(DeviceChanged(device.type, requested))
        self.publish(force=True)

    # -- training ------------------------------------------------------------------
    def _advance(self) -> bool:
        """Train one epoch; pause and report when it diverges or reaches the stop."""
        t = self.trainer
        try:
            m = t.train_epoch(between=self._between)
        except EpochAbandoned:  # a stop is queued: the serve loop takes it now
            return False
        except NodeplayError as err:  # e.g. out of memory: pause with its sentence
            self._set_playing(False)
            self.publish(force=True)
            if isinstance(err, OutOfMemory):  # T-OOM: its own event; Play retries the epoch
                self._emit(OutOfMemoryEvent(str(err), device=err.device, epoch=t.epoch))
            else:
                self._emit(Failed(str(err)))
            return False
        if (bad := t.divergence(m)) is not None:
            self._set_playing(False)
            self.publish(force=True)
            self._emit(Diverged(t.epoch, bad))
            return False
        if not self._stop_reported and (reason := t.stop_reason(m)):
            self._stop_reported = True
            self._set_playing(False)
            self.publish(force=True)
            self._emit(Finished(t.epoch, reason + "; press Play to go on."))
            return False
        return True

    def _between(self) -> None:
        """After each mini-batch: answer probe requests; leave the epoch when a stop,
        a new project or a reset is waiting (``engine.train.abandon``)."""
        if not self._asks.empty():
            self.answer_asks()
        if self._stops > 0:
            raise EpochAbandoned

    def serve(self) -> None:
        """Run until Shutdown: train while playing, sleep on the queue while paused."""
        self.publish(force=True)
        window_start, window_epochs = self.clock(), 0
        try:
            while True:
                try:
                    c = self._take(block=not self.playing)
                    while c is not None:
                        try:
                            if not self._apply(c):
                                return
                        except NodeplayError as err:  # a bad command, not a broken session
                            self._emit(Failed(str(err), stopped=False))
                        c = self._take(block=False)
                except queue.Empty:
                    pass
                if not self.playing:
                    window_start, window_epochs = self.clock(), 0
                    continue
                if not self._advance() and self._stops > 0:
                    continue  # abandoned for a waiting command
                window_epochs += 1
                now = self.clock()
                if now - window_start >= RATE_WINDOW_S:
                    self.rate = window_epochs / (now - window_start)
                    window_start, window_epochs = now, 0
                if self.max_epochs_per_second:
                    wait = 1 / self.max_epochs_per_second - (self.clock() - now)
                    self._sleep(wait)
                self.publish()
        except Exception as err:  # report, never die silently on the worker
            self.playing = False
            self._emit(Failed(f"Training stopped: {type(err).__name__}: {err}"))
            raise

    def _sleep(self, seconds: float) -> None:
        """Wait for the speed limit, answering probe requests meanwhile."""
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0 and self._stops <= 0:
            if not self._asks.empty():
                self.answer_asks()
            time.sleep(min(left, 0.005))
