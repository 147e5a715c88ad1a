"""The window's views, built from the registry (app.views.registry): the plane beside
the controls (the boundary for 2-D points, the test images for image data) and the
tabs (network, hidden space, ...), holding only the views that apply to the project.

Each view is made once, when a project first needs it, and kept for later projects.
``subscriptions()`` is the union of the probes of the views in sight: a hidden tab
costs the worker nothing, and switching tabs asks for the new one's probes
(``subscriptionsChanged``).

Two optional parts of a view's protocol are wired here too, so that no view needs the
window:

* asking once: a view with a signal ``asked(probe, args)`` gets the worker's reply in
  ``answer(probe, value, error)`` (the area re-emits ``asked`` with the view's name; the
  window sends it through the bridge and hands the answer back with ``deliver``);
* the selected sample: a view with a signal ``sampleSelected(int)`` (a click on a test
  image) selects it for every view that has ``set_selected_sample(index)``;
* editing the project: a view with a signal ``edited(text, mutate)`` (points drawn on
  the gan-2d plane) gets ``mutate(project)`` applied to a copy of the document's project
  as one undoable step named ``text`` (``edit``; the window sets ``document``).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStackedWidget, QTabWidget, QWidget

from app.views.registry import PLANE, TABS, ViewSpec, all_views, project_kinds, views_for
from app.views.sample_grid import QtNoted

DIAGRAM_INTERVAL = 1 / 12  # seconds between redraws of a tab while training


class ViewArea(QObject):
    """Not a widget itself: it owns ``plane`` (a stack) and ``tabs``, which the window
    lays out where it likes."""

    subscriptionsChanged = Signal()
    asked = Signal(str, str, object)  # view name, probe, arguments: one answer wanted

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.plane = QStackedWidget()
        self.tabs = QTabWidget()
        # many tabs in a narrow column scroll rather than widen the window past 1280 px
        self.tabs.setUsesScrollButtons(True)
        self.tabs.tabBar().setExpanding(False)
        self.views: dict[str, QWidget] = {}  # name -> view, every view made so far
        self.noted: dict[str, QtNoted] = {}  # name -> the tab page holding it
        self.specs: dict[str, ViewSpec] = {}
        self.kinds: set[str] = set()
        self._pending = None  # the latest snapshot, for a tab shown later
        self._last_tab = 0.0
        self.selected_sample = 0  # the test sample views about one sample show
        self.document = None  # app.document.Document: where views' edits go (``edit``)
        self.tabs.currentChanged.connect(self._tab_changed)

    # -- building ------------------------------------------------------------------
    def view(self, name: str) -> QWidget:
        """The view called ``name``, made (and connected) on first use."""
        if name not in self.views:
            spec = self.specs.get(name) or {s.name: s for s in all_views()}[name]
            widget = spec.factory()
            signal = getattr(widget, "subscriptionsChanged", None)
            if signal is not None:
                signal.connect(lambda w=widget: self._changed(w))
            if (asked := getattr(widget, "asked", None)) is not None:
                asked.connect(lambda probe, args, n=name: self.asked.emit(n, probe, args))
            if (edited := getattr(widget, "edited", None)) is not None:
                edited.connect(self.edit)
            if (chosen := getattr(widget, "sampleSelected", None)) is not None:
                chosen.connect(self.select_sample)
            if hasattr(widget, "set_selected_sample"):
                widget.set_selected_sample(self.selected_sample)
            self.views[name] = widget
        return self.views[name]

    def deliver(self, name: str, probe: str, value, error) -> None:
        """The worker's answer to what view ``name`` asked."""
        widget = self.views.get(name)
        if widget is not None and hasattr(widget, "answer"):
            widget.answer(probe, value, error)

    def edit(self, text: str, mutate) -> bool:
        """A view's edit of the project, as the Playground's are: ``mutate`` applied to a
        fresh copy (epoch 0, no weights), made current by the document when it can
        train; otherwise the document says why and nothing changes."""
        from engine.edits import edited
        from engine.errors import NodeplayError

        doc = self.document
        if doc is None or doc.project is None:
            return False
        try:
            project = edited(doc.base_project(), mutate)
        except NodeplayError as err:
            doc.refused.emit(str(err))
            return False
        return doc.replace(project, text)

    def select_sample(self, index: int) -> None:
        """Make test sample ``index`` the one every sample view shows."""
        self.selected_sample = int(index)
        for widget in self.views.values():
            if hasattr(widget, "set_selected_sample"):
                widget.set_selected_sample(self.selected_sample)
        self.subscriptionsChanged.emit()  # probes about one sample follow it

    def page(self, name: str) -> QtNoted:
        """The tab page of view ``name``: the view, or a sentence instead of it."""
        if name not in self.noted:
            self.noted[name] = QtNoted(self.view(name))
        return self.noted[name]

    def set_project(self, project, dataset) -> None:
        """Show the views that apply to ``project``, in the registry's order."""
        self.kinds = project_kinds(dataset, project.graph)
        self._pending = None
        planes = views_for(self.kinds, PLANE)
        tabs = views_for(self.kinds, TABS)
        self.specs.update({s.name: s for s in planes + tabs})
        for spec in planes:
            widget = self.view(spec.name)
            if self.plane.indexOf(widget) < 0:
                self.plane.addWidget(widget)
        if planes:
            self.plane.setCurrentWidget(self.views[planes[0].name])
        self.tabs.blockSignals(True)
        while self.tabs.count():
            self.tabs.removeTab(0)
        for spec in tabs:
            self.tabs.addTab(self.page(spec.name), spec.title)
            self.tabs.setTabToolTip(self.tabs.count() - 1, spec.tooltip)
        self.tabs.blockSignals(False)
        for spec in planes + tabs:
            widget = self.views[spec.name]
            widget.set_project(project, dataset)
            self.refresh_note(spec.name, project, dataset)
        self.tabs.setVisible(bool(tabs))
        self.subscriptionsChanged.emit()

    def refresh_note(self, name: str, project, dataset) -> None:
        """The sentence a tab shows instead of its view when it cannot draw the project."""
        widget, page = self.views.get(name), self.noted.get(name)
        if page is not None and hasattr(widget, "note_for"):
            page.set_note(widget.note_for(project, dataset))

    def names(self) -> list[str]:
        """The views on offer for this project: plane first, then the tabs."""
        planes = [self.plane.widget(i) for i in range(self.plane.count())]
        names = [n for n, w in self.views.items() if w in planes and self._applies(n)]
        tabs = [self.tabs.widget(i).view for i in range(self.tabs.count())]
        return names + [n for w in tabs for n, v in self.views.items() if v is w]

    def _applies(self, name: str) -> bool:
        spec = self.specs.get(name)
        return spec is not None and spec.applies_to(self.kinds)

    # -- what is in sight ----------------------------------------------------------
    def plane_view(self) -> QWidget | None:
        return self.plane.currentWidget()

    def tab_view(self) -> QWidget | None:
        page = self.tabs.currentWidget()
        if page is None or page.currentWidget() is not page.view:
            return None  # a note instead of the view: nothing to compute
        return page.view

    def visible(self) -> list[QWidget]:
        return [w for w in (self.plane_view(), self.tab_view()) if w is not None]

    def subscriptions(self) -> dict[str, dict]:
        """The union of the probes the views in sight ask for."""
        subs: dict[str, dict] = {}
        for widget in self.visible():
            for name, args in widget.subscriptions().items():
                subs[name] = {**subs.get(name, {}), **args}
        return subs

    def _changed(self, widget: QWidget) -> None:
        if widget in self.visible():
            self.subscriptionsChanged.emit()

    def _tab_changed(self, _index: int) -> None:
        self.subscriptionsChanged.emit()
        view = self.tab_view()
        if view is not None and self._pending is not None:
            view.show_snapshot(self._pending)

    # -- drawing -------------------------------------------------------------------
    def show_snapshot(self, snapshot) -> None:
        """The plane every snapshot; the tab at most every DIAGRAM_INTERVAL while
        playing (unless it ``redraws_every_snapshot``): it shows state, not history,
        so a skipped snapshot loses nothing, and redrawing hundreds of weight lines
        at 60 Hz would starve the worker of the GIL."""
        plane = self.plane_view()
        if plane is not None:
            plane.show_snapshot(snapshot)
        now = time.perf_counter()
        view = self.tab_view()
        # S-GUI: a tab that says its redraw is cheap (it changes only what the snapshot
        # carries, e.g. the network's neuron maps) follows every snapshot: the display rate
        live = getattr(view, "redraws_every_snapshot", False)
        if live or not snapshot.playing or snapshot.reset or now - self._last_tab >= DIAGRAM_INTERVAL:
            self._last_tab = now
            self._pending = snapshot
            if view is not None:
                view.show_snapshot(snapshot)
