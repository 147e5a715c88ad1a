"""A lesson file's shape as typed records, checked at the door (as
``engine.project_schema`` does for projects): a mistake becomes one sentence naming
the field, never a traceback. What the values mean (which checks, controls and
presets exist) is checked by ``engine.lessons.loader``."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct

from engine.errors import NodeplayError
from engine.project_schema import _sentence

Word = Annotated[str, Meta(min_length=1, max_length=40)]
Title = Annotated[str, Meta(min_length=1, max_length=80)]
Text = Annotated[str, Meta(min_length=1, max_length=4000)]
Formula = Annotated[str, Meta(min_length=1, max_length=400)]
TRAIN_ACTIONS = ("play", "pause", "step", "reset")


class CheckRecord(Struct, forbid_unknown_fields=True):
    """A measured check: a registered check function (``engine.lessons.checks``) and its
    arguments. It counts only once training has run ``after_epochs`` epochs; its
    measured value is kept under ``remember`` for the formulas of later steps."""

    name: Word
    args: Annotated[dict[Word, Any], Meta(max_length=16)] = {}
    after_epochs: Annotated[int, Meta(ge=0, le=100_000)] = 0
    remember: Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]{0,30}$")] | None = None


class StepRecord(Struct, forbid_unknown_fields=True):
    """One numbered step: what it says, the controls it sets (``engine.lessons.controls``),
    a training action, a view to open (a registered view's name) and a check."""

    text: Text
    set: Annotated[dict[Word, Any], Meta(max_length=16)] = {}
    train: Literal["play", "pause", "step", "reset"] | None = None
    view: Word | None = None
    check: CheckRecord | None = None


class LessonRecord(Struct, forbid_unknown_fields=True):
    title: Title
    preset: Word
    text: Text
    steps: Annotated[list[StepRecord], Meta(min_length=1, max_length=40)]
    format_version: Literal[1] = 1
    order: Annotated[int, Meta(ge=0, le=10_000)] = 100  # place in the menus
    settings: Annotated[dict[Word, Any], Meta(max_length=16)] = {}  # controls set at the start
    formulas: Annotated[list[Formula], Meta(max_length=12)] = []  # HTML with Unicode, sub and sup


def check_record(data: object, where: str) -> LessonRecord:
    """``data`` (a parsed TOML table) as a LessonRecord; one sentence naming the field
    when it does not fit."""
    try:
        return msgspec.convert(data, LessonRecord)
    except msgspec.ValidationError as err:
        raise NodeplayError(f"{where} cannot be used: {_lesson_sentence(str(err))}.") from None


def _lesson_sentence(message: str) -> str:
    text, _, at = message.partition(" - at `")
    at = at.rstrip("`").removeprefix("$").lstrip(".")
    unknown = re.match(r"Object contains unknown field `(.+)`", text)
    if unknown:
        return f"{at + ' has' if at else 'it has'} no field '{unknown.group(1)[:40]}'"
    if text.startswith("Invalid enum value") and at == "format_version":
        return "format_version must be 1: the file is from a newer Nodeplay"
    if text.startswith("Invalid enum value"):
        return f"{at} must be one of {', '.join(TRAIN_ACTIONS)}"
    return _sentence(message)
