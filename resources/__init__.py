"""Presets and lessons (graph JSON + text), icons, themes: data, no code."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent
PRESETS = ROOT / "presets"
THEMES = ROOT / "themes"
LESSONS = ROOT / "lessons"
