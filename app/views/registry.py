"""The table of views: what each one is called, which probes it needs, which projects
it applies to, where it goes and how it is made. The window builds its plane and tabs
from this table (app.views.area) and ``nodeplay render`` draws any entry by name, so a
new view is one ``register`` call and no edit to either.

A view widget made by ``factory()`` offers (duck-typed, see app.views.area):

* ``set_project(project, dataset)``: a new project is on show;
* ``subscriptions() -> dict[str, dict]``: probe name -> arguments for its current
  settings ("boundary" {size}, "neurons" {size}, "hidden" {node}, "thumbnails" {},
  "predictions" {}, "weights" {}), with a ``subscriptionsChanged`` signal when they change;
* ``show_snapshot(snapshot)``;
* ``view_data() -> dict[str, np.ndarray]``: the numbers behind the picture (Save data, --data);
* optionally ``note() -> str | None``: one sentence shown instead of the view when it
  cannot draw this project.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from engine.data.regression1d import SETS as ONE_D_SETS
from engine.graph.gan import is_gan

POINTS, IMAGES, GENERATIVE = "points", "images", "generative"
# G1 (issue 11): a GAN, whatever its data, and which data: GANs get their own views only
ADVERSARIAL, GAN_POINTS, GAN_IMAGES = "adversarial", "adversarial points", "adversarial images"
# L2 (issue #12): points that sample a function of x₁ (engine.data.regression1d)
FUNCTION_1D = "function of x1"
KINDS = (POINTS, IMAGES, GENERATIVE, ADVERSARIAL, GAN_POINTS, GAN_IMAGES, FUNCTION_1D)
PLANE, TABS, BOTTOM, WINDOW = "plane", "tabs", "bottom", "window"


@dataclass(frozen=True)
class ViewSpec:
    name: str  # what ``render --view`` takes
    title: str  # the tab's text
    applies: frozenset[str]  # project kinds (POINTS, IMAGES, GENERATIVE, ADVERSARIAL)
    factory: Callable  # () -> the view widget
    place: str = TABS  # PLANE (beside the controls), TABS, BOTTOM (the loss) or WINDOW
    order: int = 100  # tabs and planes are sorted by it
    tooltip: str = ""
    size: tuple[int, int] = (720, 560)  # what render draws it at
    extra: dict = field(default_factory=dict)

    def applies_to(self, kinds: set[str]) -> bool:
        return bool(self.applies & kinds)


VIEWS: dict[str, ViewSpec] = {}


def register(spec: ViewSpec) -> ViewSpec:
    """Add (or replace) a view; windows opened or projects loaded afterwards show it."""
    VIEWS[spec.name] = spec
    return spec


def unregister(name: str) -> None:
    VIEWS.pop(name, None)


def project_kinds(dataset, graph) -> set[str]:
    """The kinds of a project: 2-D points, images, and generative (a graph that samples a
    latent code or reconstructs its input)."""
    if is_gan(graph):  # the supervised views have nothing to say about a GAN's two networks
        return {ADVERSARIAL, GAN_POINTS if dataset.is_2d else GAN_IMAGES}
    kinds = set()
    x = getattr(dataset, "x_train", None)
    if dataset.is_2d:
        kinds.add(POINTS)
        if getattr(dataset, "name", None) in ONE_D_SETS:  # L2 (issue #12)
            kinds.add(FUNCTION_1D)
    elif x is not None and getattr(x, "ndim", 0) == 4:
        kinds.add(IMAGES)
    types = [n.type for n in graph.nodes.values()]
    outputs = [n for n in graph.nodes.values() if n.type == "Output"]
    inputs = {i for i, n in graph.nodes.items() if n.type == "Input"}
    # an Output whose target is an Input's x rebuilds its input: an autoencoder, whatever its loss
    rebuilds = any(e.src in inputs and e.src_port == "x" and e.dst_port == "target" for e in graph.edges)
    mse = IMAGES in kinds and any(n.params.get("loss") == "mse" for n in outputs)
    # the latent views decode images: a 2-D points autoencoder (pca-2d) has the PCA view
    if IMAGES in kinds and ("Sampling" in types or rebuilds or mse):
        kinds.add(GENERATIVE)
    return kinds


def views_for(kinds: set[str], place: str | None = None) -> list[ViewSpec]:
    """The registered views that apply to ``kinds`` (at ``place``), in their order."""
    _builtins()
    found = [s for s in VIEWS.values() if s.applies_to(kinds) and (place is None or s.place == place)]
    return sorted(found, key=lambda s: (s.order, s.name))


def all_views() -> list[ViewSpec]:
    _builtins()
    return sorted(VIEWS.values(), key=lambda s: (s.order, s.name))


_loaded = False


def _builtins() -> None:
    """Register Nodeplay's own views on first use (they import pyqtgraph)."""
    global _loaded
    if not _loaded:
        _loaded = True
        from app.views import builtin  # noqa: F401 - registers on import
