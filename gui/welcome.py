"""The empty canvas offers the examples: a panel over the canvas with one button per bundled
example (the CS231n gate graph first), each of which opens the example already Run, so the
values and gradients are there at once. It shows whenever the graph is empty and hides as soon
as it is not."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout

from backprop_studio.engine import fileformat

FIRST = "cs231n_add_multiply"
TITLES = {
    "cs231n_add_multiply": ("f = (x + y) · z", "CS231n's first circuit: add and multiply gates"),
    "max_gate": ("The max gate", "routes the gradient to the larger input"),
    "sigmoid_neuron": ("A sigmoid neuron", "CS231n's 2-D neuron, gate by gate"),
    "two_layer_sigmoid": ("A 2-2-2 sigmoid network", "the seeds' network, trained on one example"),
    "xor_mlp": ("XOR", "a small network learns XOR (train it in the Training dock)"),
    "spirals_mlp": ("Two spirals", "a deeper network draws a curved boundary"),
    "seed_matrix_form": ("Matrix form", "seed 001's x₁ = f₁(W₁x₀), E = ½‖x₃ − t‖²"),
    "seed_batch_cross_entropy": ("A batch", "seed 004's cross-entropy over E examples"),
}


def ordered_examples() -> list:
    """The bundled examples, the CS231n one first, then those with a title in TITLES' order,
    then any others by name."""
    paths = fileformat.example_paths()
    rank = {stem: i for i, stem in enumerate(TITLES)}
    return sorted(paths, key=lambda p: (p.stem != FIRST, rank.get(p.stem, len(rank)), p.stem))


def title_of(path) -> tuple[str, str]:
    return TITLES.get(path.stem, (path.stem.replace("_", " "), ""))


class Welcome(QFrame):
    """The panel; ``install`` puts it on the canvas and keeps it centred."""

    def __init__(self, window) -> None:
        super().__init__(window.view.viewport())
        self.window = window
        self.setObjectName("Welcome")
        self.setStyleSheet(
            "#Welcome { background: rgba(255, 255, 255, 235); border: 1px solid #c9c9c2;"
            " border-radius: 8px; }"
            "#Welcome QPushButton { text-align: left; padding: 6px 10px; }"
            "#Welcome QLabel#hint { color: #55554f; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(6)
        heading = QLabel("<b>Start with an example</b>")
        heading.setStyleSheet("font-size: 12pt;")
        layout.addWidget(heading)
        self.buttons: list[QPushButton] = []
        for path in ordered_examples():
            title, words = title_of(path)
            button = QPushButton(f"{title}  —  {words}" if words else title)
            button.setToolTip(f"Open {path.name}, already run: values green, gradients red")
            button.setCursor(Qt.PointingHandCursor)
            button.clicked.connect(lambda _=False, p=path: self.open(p))
            button.example = path
            layout.addWidget(button)
            self.buttons.append(button)
        hint = QLabel("…or drag an op from the palette, or press Tab on the canvas to add one.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.adjustSize()

    def open(self, path) -> bool:
        """Open the example as an untitled copy and run it (forward and backward)."""
        return self.window.files.open_example(path)

    def follow(self, *_args) -> None:
        """Shown on an empty graph, centred in the canvas; hidden otherwise."""
        empty = len(self.window.graph) == 0
        self.setVisible(empty)
        if empty:
            self.adjustSize()
            area = self.parentWidget().rect()
            self.move(max(0, (area.width() - self.width()) // 2),
                      max(0, (area.height() - self.height()) // 3))
            self.raise_()


class _Follower(QObject):
    def __init__(self, welcome: Welcome) -> None:
        super().__init__(welcome)
        self.welcome = welcome

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Resize:
            self.welcome.follow()
        return False


def install(window) -> Welcome:
    welcome = Welcome(window)
    window.view.viewport().installEventFilter(_Follower(welcome))
    window.graph_replaced.connect(welcome.follow)
    window.graph_edited.connect(welcome.follow)
    window.welcome = welcome
    welcome.follow()
    return welcome
