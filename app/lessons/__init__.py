"""The lesson side panel (a layer beside app.views: it talks to the document, never to
the worker; the shell docks it and carries out what needs the worker)."""

from app.lessons.panel import LessonPanel

__all__ = ["LessonPanel"]
