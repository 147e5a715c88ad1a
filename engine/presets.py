"""Built-in presets: project files shipped in ``resources/presets``."""

from __future__ import annotations

import json

from engine.errors import NodeplayError
from engine.project import Project, project_from_dict
from resources import PRESETS

DEFAULT = "circle"


def preset_names() -> list[str]:
    return sorted(p.stem for p in PRESETS.glob("*.json"))


def preset_summaries() -> list[tuple[str, str]]:
    return [(name, load_preset(name).description) for name in preset_names()]


def load_preset(name: str) -> Project:
    path = PRESETS / f"{name}.json"
    if not path.is_file():
        raise NodeplayError(f"There is no preset '{name}'; run 'nodeplay presets' to list them.")
    return project_from_dict(json.loads(path.read_text(encoding="utf-8")), f"Preset '{name}'")
