"""The training controls: data, optimizer settings, the four buttons and the progress line.

The panel only collects choices and shows numbers; the controller decides what they do. It
emits plain signals and exposes ``settings()`` and ``dataset``.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from backprop_studio.engine import GraphError, datasets
from backprop_studio.gui import plain_text

from .lr_control import LearningRate
from .run_bar import RunBar
from .speed import SpeedControl

GRAPH_DATA = "graph"               # no dataset: the values stored in the graph
CSV = "csv…"
NAMES = {"xor": "XOR", "circles": "Circles", "spirals": "Spirals", "moons": "Moons",
         "line": "Noisy line (regression)", "seeds": "Seeds example (2 → 2)"}
OPTIMIZERS = {"adam": "Adam", "sgd": "SGD", "momentum": "Momentum"}
ERROR, WARNING = "#c62828", "#a04a00"
EXPORTS = (("loss_png", "Loss plot as PNG…"), ("boundary_png", "Data / model plot as PNG…"),
           ("norms_png", "Gradient-norm plot as PNG…"), ("loss_csv", "Loss history as CSV…"))


@dataclass(frozen=True)
class Settings:
    dataset: str
    optimizer: str
    lr: float
    batch_size: int
    steps: int
    seed: int

    def trainer_key(self) -> tuple:
        """What a running trainer cannot change (the learning rate and steps it can)."""
        return (self.dataset, self.optimizer, self.batch_size, self.seed)


def _spin(low: int, high: int, value: int, tip: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    box.setGroupSeparatorShown(True)
    box.setToolTip(tip)
    return box


class TrainingPanel(QWidget):
    train_clicked = Signal()
    pause_clicked = Signal()
    step_clicked = Signal()
    reset_clicked = Signal()
    csv_requested = Signal()
    dataset_changed = Signal(object)        # Dataset | None
    settings_changed = Signal()             # optimizer, batch size or seed
    lr_changed = Signal(float)
    speed_changed = Signal(object)          # steps/s, or None for full speed
    log_toggled = Signal(bool)
    export_requested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._csv = None                    # the loaded CSV Dataset, if any
        self._last_data = GRAPH_DATA
        self.dataset_box = QComboBox()
        self.dataset_box.addItem("Values stored in the graph", GRAPH_DATA)
        for key, name in NAMES.items():
            self.dataset_box.addItem(name, key)
        self.dataset_box.addItem("CSV file…", CSV)
        self.dataset_info = plain_text.plain(QLabel())
        self.dataset_info.setWordWrap(True)
        self.dataset_info.setStyleSheet("color: #666;")
        self.dataset_info.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        # two lines always: a shorter description must not pull the rows below it up
        self.dataset_info.setFixedHeight(2 * self.dataset_info.fontMetrics().lineSpacing() + 2)
        self.dataset_info.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.optimizer = QComboBox()
        for key, name in OPTIMIZERS.items():
            self.optimizer.addItem(name, key)
        self.lr = LearningRate(0.01)
        self.speed = SpeedControl()
        self.batch = _spin(1, 1_000_000, 32, "Examples per step (at most the dataset's size)")
        self.steps = _spin(1, 100_000_000, 1000, "Steps that Train runs")
        self.seed = _spin(0, 2**31 - 1, 0, "Seed of the built-in datasets and of the shuffling")
        # Small minimums (their size hints count digits up to 2^31): a narrow dock keeps all.
        for box, width in ((self.dataset_box, 110), (self.optimizer, 80), (self.batch, 64),
                           (self.seed, 64), (self.steps, 80)):
            box.setMinimumWidth(width)
        for combo in (self.dataset_box, self.optimizer):
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight)
        form.addRow("Data", self.dataset_box)
        form.addRow("", self.dataset_info)
        form.addRow("Optimizer", self.optimizer)
        form.addRow("Learning rate", self.lr)
        row = QHBoxLayout()
        row.addWidget(self.batch)
        row.addWidget(QLabel("Seed"))
        row.addWidget(self.seed)
        form.addRow("Batch size", row)
        form.addRow("Steps", self.steps)
        form.addRow("Speed", self.speed)

        self.train_button = QPushButton("Train")
        self.train_button.setDefault(True)
        self.train_button.setToolTip("Run the number of steps above (continues from the "
                                     "current parameters)")
        self.pause_button = QPushButton("Pause")
        self.step_button = QPushButton("Step")
        self.step_button.setToolTip("One step, then show its values and gradients")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Put back the parameters from before training (undoable)")
        buttons = QGridLayout()
        for i, b in enumerate((self.train_button, self.pause_button, self.step_button,
                               self.reset_button)):
            b.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
            buttons.addWidget(b, i // 2, i % 2)

        self.progress = RunBar()
        self.progress.setMaximum(self.steps.value())      # "0 / 1,000 steps" before a first run
        self.steps.valueChanged.connect(self._steps_changed)
        self.stats = plain_text.plain(QLabel("Not trained yet"))
        self.stats.setTextInteractionFlags(Qt.TextSelectableByMouse)
        # Two lines, whatever they say: a label whose size follows its text relays out (and
        # repaints) the whole panel four times a second while training runs.
        self.stats.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        self.stats.setFixedHeight(2 * self.stats.fontMetrics().lineSpacing() + 2)
        self.message = plain_text.plain(QLabel())
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        # Room for three lines from the start, so a message never pushes anything around.
        self.message.setMinimumHeight(3 * self.message.fontMetrics().lineSpacing() + 2)
        self.message.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Minimum)
        self.message.setStyleSheet(f"color: {ERROR};")
        self.log_box = QCheckBox("Log loss")
        self.log_box.setToolTip("The loss plot on a log scale")
        self.export_button = QToolButton()
        self.export_button.setText("Export")
        self.export_button.setPopupMode(QToolButton.InstantPopup)
        menu = QMenu(self.export_button)
        for key, text in EXPORTS:
            menu.addAction(text, lambda k=key: self.export_requested.emit(k))
        self.export_button.setMenu(menu)
        tools = QHBoxLayout()
        tools.addWidget(self.log_box)
        tools.addStretch(1)
        tools.addWidget(self.export_button)

        # Two columns, the settings beside what acts on them: the whole panel fits the
        # dock's height in a 1280 × 800 window, nothing hidden under a scroll.
        actions = QVBoxLayout()
        actions.addLayout(buttons)
        actions.addWidget(self.progress)
        actions.addWidget(self.stats)
        actions.addWidget(self.message)
        actions.addStretch(1)
        actions.addLayout(tools)
        settings = QVBoxLayout()
        settings.addLayout(form)
        settings.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(10)
        layout.addLayout(settings, 3)
        layout.addLayout(actions, 2)

        self.train_button.clicked.connect(self.train_clicked)
        self.pause_button.clicked.connect(self.pause_clicked)
        self.step_button.clicked.connect(self.step_clicked)
        self.reset_button.clicked.connect(self.reset_clicked)
        self.dataset_box.currentIndexChanged.connect(self._dataset_picked)
        self.seed.valueChanged.connect(self._seed_changed)
        self.optimizer.currentIndexChanged.connect(lambda _: self.settings_changed.emit())
        self.batch.valueChanged.connect(lambda _: self.settings_changed.emit())
        self.lr.changed.connect(self.lr_changed)
        self.lr.note.connect(lambda text: self.show_message(text, warning=True))
        self.speed.changed.connect(self.speed_changed)
        self.log_box.toggled.connect(self.log_toggled)
        self.set_state("idle")
        self._show_info()

    # ------------------------------------------------------------ settings
    def settings(self) -> Settings:
        return Settings(self.dataset_box.currentData(), self.optimizer.currentData(),
                        self.lr.value(), self.batch.value(), self.steps.value(),
                        self.seed.value())

    def apply_defaults(self, training: dict | None) -> None:
        """The graph file's training settings (dataset, optimizer, lr, batch_size, steps, seed)."""
        training = training or {}
        quiet = (self.dataset_box, self.optimizer, self.batch, self.seed)
        for w in quiet:
            w.blockSignals(True)
        self.seed.setValue(int(training.get("seed", 0)))
        self.optimizer.setCurrentIndex(max(0, self.optimizer.findData(
            training.get("optimizer", "adam"))))
        self.batch.setValue(int(training.get("batch_size", 32)))
        index = self.dataset_box.findData(training.get("dataset") or GRAPH_DATA)
        self.dataset_box.setCurrentIndex(max(0, index))
        for w in quiet:
            w.blockSignals(False)
        self._last_data = self.dataset_box.currentData()
        self.lr.set_value(float(training.get("lr", 0.01)))
        self.steps.setValue(int(training.get("steps", 1000)))
        self._show_info()
        self.dataset_changed.emit(self.dataset)

    @property
    def dataset(self):
        key = self.dataset_box.currentData()
        if key == GRAPH_DATA:
            return None
        if key == "csv":
            return self._csv
        return datasets.builtin(key, self.seed.value())

    def set_csv_dataset(self, dataset) -> None:
        """Add (or replace) the CSV entry and select it."""
        self._csv = dataset
        index = self.dataset_box.findData("csv")
        text = f"CSV: {dataset.name}"
        if index < 0:
            self.dataset_box.insertItem(self.dataset_box.count() - 1, text, "csv")
            index = self.dataset_box.count() - 2
        else:
            self.dataset_box.setItemText(index, text)
        self._last_data = None                 # force a change signal
        self.dataset_box.setCurrentIndex(index)
        self._dataset_picked(index)

    def _dataset_picked(self, index: int) -> None:
        key = self.dataset_box.itemData(index)
        if key == CSV:
            previous = self.dataset_box.findData(self._last_data)
            self.dataset_box.blockSignals(True)
            self.dataset_box.setCurrentIndex(max(previous, 0))
            self.dataset_box.blockSignals(False)
            self.csv_requested.emit()
            return
        if key == self._last_data:
            return
        self._last_data = key
        self._show_info()
        self.dataset_changed.emit(self.dataset)

    def _seed_changed(self, _value: int) -> None:
        self.settings_changed.emit()
        if self.dataset_box.currentData() not in (GRAPH_DATA, "csv"):
            self.dataset_changed.emit(self.dataset)

    def _show_info(self) -> None:
        try:
            ds = self.dataset
        except GraphError as exc:
            self.dataset_info.setText(str(exc))
            return
        if ds is None:
            self.dataset_info.setText("the inputs' own values, every step")
            return
        d, k = ds.X.shape[1], ds.Y.shape[1]
        self.dataset_info.setText(f"{len(ds):,} examples · {d} feature{'s' * (d != 1)} → "
                                  f"{k} target{'s' * (k != 1)} · {ds.task}")

    # ------------------------------------------------------------ state and progress
    def set_state(self, state: str) -> None:
        """idle · running · pausing · paused · finished: which buttons make sense now."""
        running = state in ("running", "pausing")
        self._keep_focus_still(running, state)
        self.train_button.setEnabled(not running)
        self.step_button.setEnabled(not running)
        self.reset_button.setEnabled(state != "pausing")
        self.pause_button.setEnabled(state in ("running", "paused"))
        self.pause_button.setText("Resume" if state == "paused" else "Pause")
        for w in (self.dataset_box, self.optimizer, self.batch, self.seed, self.steps):
            w.setEnabled(not running)

    def _keep_focus_still(self, running: bool, state: str) -> None:
        """A focused button that gets disabled hands the focus to the next widget, and the
        scroll area then scrolls that one into view: the panel jumps under the cursor. Park
        the focus on the panel itself first."""
        going = [self.train_button, self.step_button] if running else []
        if state == "pausing":
            going += [self.reset_button, self.pause_button]
        elif state not in ("running", "paused"):
            going.append(self.pause_button)
        if any(w.hasFocus() for w in going):
            self.setFocusPolicy(Qt.ClickFocus)
            self.setFocus(Qt.OtherFocusReason)

    def reset_progress(self) -> None:
        """Nothing trained (a new graph, or Reset): the bar counts towards the chosen steps."""
        self.progress.setMaximum(self.steps.value())
        self.progress.setValue(0)
        self.stats.setText("Not trained yet")
        self.stats.setToolTip("")
        self.show_message("")

    def _steps_changed(self, steps: int) -> None:
        if self.progress.value() == 0:                    # nothing run yet: show the plan
            self.progress.setMaximum(steps)

    def show_progress(self, done: int, total: int, step: int, rate: float | None,
                      loss: float | None, best: float | None) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(min(done, total))
        per = "step/s" if rate is not None and round(rate) == 1 else "steps/s"
        first = [f"step {step:,}"] + ([f"{rate:,.0f} {per}"] if rate else [])
        second = ([f"loss {loss:.4g}"] if loss is not None else []) + (
            [f"best {best:.4g}"] if best is not None else [])
        text = " · ".join(first) + "\n" + " · ".join(second)
        self.stats.setText(text)
        self.stats.setToolTip(text)                       # whole, if a narrow dock clips it

    def show_message(self, text: str, warning: bool = False) -> None:
        """An error (red) or a warning (brown) under the progress; "" clears it."""
        self.message.setStyleSheet(f"color: {WARNING if warning else ERROR};")
        self.message.setText(text)
