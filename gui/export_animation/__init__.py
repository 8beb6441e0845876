"""The animation as a file (File ▸ Export ▸ Animation…, ``export FILE --to gif|mp4``): the
forward and backward passes as the Animation dock plays them, with each step's explanation in a
caption strip (frames.py, caption.py), written as GIF or MP4 (writers.py)."""

from __future__ import annotations

from pathlib import Path

FORMATS = ("gif", "mp4")


def export_animation(path, graph_path_or_graph, fmt: str, size=(960, 600), fps: float = 15,
                     progress=None, speed: float = 1.0, palette: str | None = None,
                     mode: str = "both") -> bool:
    """Render and write the animation; True when written, False when ``progress(done, total)``
    returned False (cancelled: no file is left). Raises GraphError for a graph that does not
    run, a bad size or an unwritable path. ``palette`` None keeps the current one."""
    from backprop_studio.engine import GraphError, fileformat
    from backprop_studio.gui.export_animation import frames as framing
    from backprop_studio.gui.export_animation import writers
    from backprop_studio.gui.offscreen import discard, figure_window

    if fmt not in FORMATS:
        raise GraphError(f"unknown animation format {fmt!r}; one of {', '.join(FORMATS)}")
    width, height = (int(v) for v in size)
    if fmt == "mp4":
        width, height = width - width % 2, height - height % 2      # H.264 wants even sides
    graph = graph_path_or_graph
    if isinstance(graph, (str, Path)):
        graph = fileformat.load(graph)
    else:
        graph = graph.copy()             # the hidden window's own: the user's stays untouched
    window = figure_window(graph, palette)
    try:
        if not window.last_result.trace:
            raise GraphError("nothing to animate: the graph has no output to seed the "
                             "backward pass (choose one with Edit ▸ Make Output)")
        window.animation.controller.set_speed(speed)
        painter = framing.FramePainter(window, (width, height))
        plan = framing.plan(painter.ctl, fps, mode)
        final = painter.paint(framing.Frame(len(painter.ctl), 1.0, 0.0, "end"))

        def images():
            for done, frame in enumerate(plan, 1):
                image = painter.paint(frame)
                if progress is not None and progress(done, len(plan)) is False:
                    raise writers.Cancelled()
                yield image

        durations = [f.duration for f in plan]
        try:
            if fmt == "gif":
                writers.write_gif(path, images(), durations, final)
            else:
                writers.write_mp4(path, images(), durations, (width, height), fps)
        except writers.Cancelled:
            return False
        return True
    finally:
        discard(window)
