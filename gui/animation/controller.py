"""The step cursor over a Timeline: play, pause, step, jump, scrub, speed, and which pass plays.

``cursor`` counts the steps taken (0: nothing shown yet; len(timeline): all shown). The step
just taken is the active one: its labels are on screen and its pulse travels for one step's
duration (``progress`` 0 → 1), then holds briefly before the next step. The display depends on
the cursor alone; the pulse is decoration, which is why scrubbing and stepping back are exact.
A QTimer drives playback; tests call ``advance(seconds)`` directly.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from backprop_studio.gui.animation.timeline import Timeline

STEP_SECONDS = 1.0          # one step at speed 1×
LEAF_FACTOR = 0.45          # an input's value just appears: shorter
HOLD = 0.35                 # pause after a pulse arrives, as a fraction of the step
MODES = ("both", "forward", "backward")


class AnimationController(QObject):
    cursor_changed = Signal(int)
    progress_changed = Signal(float)
    playing_changed = Signal(bool)
    timeline_changed = Signal(object)
    stopped = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.timeline: Timeline | None = None
        self.cursor = 0
        self.progress = 1.0
        self.playing = False
        self.speed = 1.0
        self.mode = "both"
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(16)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0

    # ------------------------------------------------------------ the timeline
    def set_timeline(self, timeline: Timeline | None, cursor: int | None = None) -> None:
        self.pause()
        self.timeline = timeline
        self.cursor = len(timeline) if timeline is not None and cursor is None else (cursor or 0)
        self.progress = 1.0
        self.timeline_changed.emit(timeline)
        self.cursor_changed.emit(self.cursor)

    def __len__(self) -> int:
        return len(self.timeline) if self.timeline is not None else 0

    def bounds(self) -> tuple[int, int]:
        return self.timeline.range(self.mode) if self.timeline is not None else (0, 0)

    @property
    def active(self):
        """The AnimStep just taken, or None at the start."""
        if self.timeline is None or self.cursor <= 0:
            return None
        return self.timeline.steps[self.cursor - 1]

    # ------------------------------------------------------------ commands
    def seek(self, cursor: int, animate: bool = False) -> None:
        """Show the first ``cursor`` steps; ``animate`` runs the active step's pulse."""
        if self.timeline is None:
            return
        cursor = max(0, min(int(cursor), len(self.timeline)))
        changed = cursor != self.cursor
        self.cursor = cursor
        self.progress = 0.0 if animate and cursor > 0 else 1.0
        if changed:
            self.cursor_changed.emit(cursor)
        self.progress_changed.emit(self.progress)
        self._sync_timer()

    def step_forward(self) -> None:
        self.pause()
        self.seek(self.cursor + 1, animate=True)

    def step_back(self) -> None:
        self.pause()
        self.seek(self.cursor - 1)

    def home(self) -> None:
        self.pause()
        self.seek(self.bounds()[0])

    def end(self) -> None:
        self.pause()
        self.seek(self.bounds()[1])

    def set_speed(self, speed: float) -> None:
        self.speed = max(0.05, float(speed))

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; one of {MODES}")
        self.mode = mode

    def play(self) -> None:
        if self.timeline is None or self.playing:
            return
        lo, hi = self.bounds()
        if lo == hi:
            return
        if self.cursor < lo or self.cursor >= hi:
            self.seek(lo)
        self._set_playing(True)
        self.seek(self.cursor + 1, animate=True)

    def pause(self) -> None:
        self._set_playing(False)
        self._sync_timer()

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def stop(self, reason: str = "") -> None:
        """Halt at once (the graph was edited): no more steps, the pulse freezes."""
        was = self.playing or self.progress < 1.0
        self._set_playing(False)
        self.progress = 1.0
        self._timer.stop()
        if was or reason:
            self.stopped.emit(reason)

    # ------------------------------------------------------------ time
    def step_seconds(self, cursor: int | None = None) -> float:
        cursor = self.cursor if cursor is None else cursor
        seconds = STEP_SECONDS / self.speed
        step = self.timeline.steps[cursor - 1] if self.timeline and cursor > 0 else None
        if step is not None and not step.edges and step.kind != "param":
            seconds *= LEAF_FACTOR
        return seconds

    def advance(self, seconds: float) -> None:
        """Move time on: the pulse travels, and when playing, the next step comes."""
        if self.timeline is None:
            return
        while seconds > 0:
            duration = self.step_seconds()
            end = 1.0 + (HOLD if self.playing else 0.0)
            room = (end - self.progress) * duration
            if seconds < room:
                self.progress += seconds / duration
                break
            seconds -= max(room, 0.0)
            self.progress = end
            if not self.playing:
                break
            if self.cursor >= self.bounds()[1]:
                self.pause()
                break
            self.seek(self.cursor + 1, animate=True)
        self.progress_changed.emit(min(self.progress, 1.0))
        self._sync_timer()

    def _tick(self) -> None:
        now = time.perf_counter()
        dt, self._last = min(now - self._last, 0.1), now
        self.advance(dt)

    def _sync_timer(self) -> None:
        running = self.playing or self.progress < 1.0
        if running and not self._timer.isActive():
            self._last = time.perf_counter()
            self._timer.start()
        elif not running:
            self._timer.stop()

    def _set_playing(self, playing: bool) -> None:
        if playing != self.playing:
            self.playing = playing
            self.playing_changed.emit(playing)
