"""While an exercise is open, what would show its answers is locked: Run (the menu action,
Ctrl+R and every caller of window.run_graph), the animation (its dock, keys and the figure
after Run), the gradient check (in the Animation dock) and training."""

from __future__ import annotations

LOCKED = "Locked while the exercise is open (Exercise ▸ Reveal Answers unlocks it)"
ANIMATION_LOCKED = ("the exercise locks the animation until its answers are revealed "
                    "(Exercise ▸ Reveal Answers)")


def locked_graph(graph) -> bool:
    """Whether ``graph`` holds an exercise whose answers are not revealed: a window showing it
    keeps Run and the animation locked."""
    block = graph.nx.graph.get("exercise")
    return isinstance(block, dict) and not block.get("revealed", False)


def lock(window, locked: bool, run_graph, locked_run) -> None:
    window.run_graph = locked_run if locked else run_graph
    run = getattr(window, "actions", {}).get("run")
    if run is not None:
        run.setEnabled(not locked)
    anim = getattr(window, "animation", None)
    if anim is not None:
        anim.panel.setEnabled(not locked)
        anim.panel.setToolTip(LOCKED if locked else "")
        anim.figure_action.setEnabled(not locked)
        for widget in (window.view, window.view.viewport()):
            widget.removeEventFilter(anim.keys)
            if not locked:
                widget.installEventFilter(anim.keys)
        if locked:
            anim.controller.set_timeline(None)
            anim.overlay.forget()
    training = getattr(window, "training", None)
    if training is not None:
        training.view.setEnabled(not locked)
        training.view.setToolTip(LOCKED if locked else "")
