"""Persistent settings (geometry, dock layout, recent files) and the recovery folder.

Set BACKPROP_STUDIO_SETTINGS to an .ini path to keep settings and recovery files there instead
of the user's profile; the tests do, so they never touch a real profile or each other.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

ENV = "BACKPROP_STUDIO_SETTINGS"
MAX_RECENT = 8


def settings() -> QSettings:
    path = os.environ.get(ENV)
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings("BackpropStudio", "Backprop Studio")


def recovery_dir() -> Path:
    path = os.environ.get(ENV)
    if path:
        base = Path(path).resolve().parent
    else:
        base = Path(QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.AppDataLocation) or Path.home() / ".backprop-studio")
    return base / "recovery"


def recent_files() -> list[str]:
    value = settings().value("recent_files", [])
    if isinstance(value, str):
        value = [value]
    return [v for v in (value or []) if v]


def add_recent(path: str) -> list[str]:
    path = str(Path(path).resolve())
    files = [path] + [f for f in recent_files() if f != path]
    files = files[:MAX_RECENT]
    settings().setValue("recent_files", files)
    return files


def clear_recent() -> None:
    settings().setValue("recent_files", [])
