"""Placing a :class:`~b12kg.formats.drawing.Drawing`: a layered (Sugiyama) layout, left to right.

Two engines give the same kind of :class:`Layout` (box positions and the curves of the arrows):

* ``grandalf`` (the default) — the pure-Python `grandalf <https://pypi.org/project/grandalf/>`_ library:
  layers, crossing reduction and Brandes–Köpf placement. Boxes and arrows are fed to it in a fixed order,
  so the same drawing always gets the same layout, on every machine.
* ``dot`` — the Graphviz ``dot`` program, when it is installed (``apt-get install graphviz``): usually
  fewer crossings and smoother curves. Its output can differ between Graphviz versions.
* ``auto`` picks ``dot`` when it is on the ``PATH`` and ``grandalf`` otherwise.

A labelled arrow becomes two arrows through a small label box, so that the layout keeps room for every
label. Separate parts of a drawing are laid out one under the other.

>>> from b12kg.formats.drawing import Arrow, Box, Drawing
>>> d = Drawing("t", "d", [Box("a", ("A",)), Box("b", ("B",))], [Arrow("a", "b", "causes")])
>>> lay = layout(d, "grandalf")
>>> lay.boxes["a"].x < lay.boxes["b"].x
True
>>> [r.head for r in lay.routes]
[False, True]
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from ..core.errors import DiagramError
from .drawing import Arrow, Box, Drawing, wrap_label

__all__ = ["ENGINES", "Layout", "Placed", "Route", "layout", "prepare", "resolve_engine"]

ENGINES = ("auto", "grandalf", "dot")
#: gaps (px): between boxes of one column, between columns, between separate parts, around everything
BOX_GAP, COLUMN_GAP, PART_GAP, MARGIN = 10.0, 48.0, 28.0, 16.0
#: seconds the dot program may take (environment variable B12KG_DOT_TIMEOUT)
DOT_TIMEOUT = 60.0

Point = tuple[float, float]


@dataclass(frozen=True)
class Placed:
    """A box with its top-left corner and size (px)."""

    box: Box
    x: float
    y: float
    w: float
    h: float

    @property
    def centre(self) -> Point:
        return (self.x + self.w / 2, self.y + self.h / 2)


@dataclass(frozen=True)
class Route:
    """The curve of an arrow (or of one half of a labelled arrow) as cubic Bézier points
    ``p0 c1 c2 p1 c1 c2 p2…``; ``head`` says whether it ends in the arrowhead."""

    arrow: Arrow
    source: str
    target: str
    points: tuple[Point, ...]
    head: bool


@dataclass
class Layout:
    """Where everything of a drawing goes: boxes (by id, label boxes included), routes and the size."""

    drawing: Drawing
    width: float
    height: float
    boxes: dict[str, Placed] = field(default_factory=dict)
    routes: list[Route] = field(default_factory=list)
    engine: str = "grandalf"


@dataclass(frozen=True)
class _Link:
    source: str
    target: str
    arrow: Arrow
    head: bool


def _expand(drawing: Drawing) -> tuple[list[Box], list[_Link]]:
    """Boxes and links of the layout: a labelled arrow goes through a label box."""
    boxes = list(drawing.boxes)
    known = {b.id for b in boxes}
    links: list[_Link] = []
    for i, a in enumerate(drawing.arrows):
        if a.source not in known or a.target not in known:
            raise DiagramError(f"the arrow {a.source} -> {a.target} of {drawing.title!r} names a box it lacks")
        if a.label:
            mid = f"#label{i}"
            boxes.append(Box(mid, wrap_label(a.label, 26), label=True, tooltip=a.tooltip))
            links += [_Link(a.source, mid, a, False), _Link(mid, a.target, a, True)]
        else:
            links.append(_Link(a.source, a.target, a, True))
    return boxes, links


def resolve_engine(engine: str) -> str:
    """``grandalf`` or ``dot`` for an engine name (``auto``: dot when it is installed)."""
    if engine not in ENGINES:
        raise DiagramError(f"unknown layout engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine == "auto":
        return "dot" if shutil.which("dot") else "grandalf"
    return engine


def layout(drawing: Drawing, engine: str = "grandalf") -> Layout:
    """Lay out ``drawing`` left to right with ``engine`` (see the module docstring)."""
    which = resolve_engine(engine)
    boxes, links = _expand(drawing)
    return _dot(drawing, boxes, links) if which == "dot" else _grandalf(drawing, boxes, links)


def prepare() -> None:
    """Import the layout library now, so that processes forked afterwards share it (see the release build)."""
    import grandalf.graphs
    import grandalf.layouts  # noqa: F401


# -- grandalf -----------------------------------------------------------------------------------------------
class _View:
    """What grandalf needs of a vertex: a size (w across the layers' axis, h along it) and a position."""

    def __init__(self, w: float, h: float) -> None:
        self.w, self.h = w, h
        self.xy: Point = (0.0, 0.0)


class _EdgeView:
    def __init__(self) -> None:
        self.points: list[Point] = []

    def setpath(self, points: list[Point]) -> None:
        self.points = list(points)


def _components(ids: Sequence[str], links: Sequence[_Link]) -> list[list[str]]:
    """Connected parts of the graph, each in the order of ``ids``, the biggest first."""
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for link in links:
        a, b = find(link.source), find(link.target)
        if a != b:
            parent[max(a, b, key=ids.index)] = min(a, b, key=ids.index)
    groups: dict[str, list[str]] = {}
    for i in ids:
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), ids.index(g[0])))


def _grandalf(drawing: Drawing, boxes: list[Box], links: list[_Link]) -> Layout:
    from grandalf.graphs import Edge, Vertex, graph_core
    from grandalf.layouts import SugiyamaLayout

    sizes = {b.id: b.size for b in boxes}
    by_id = {b.id: b for b in boxes}
    ids = [b.id for b in boxes]
    out = Layout(drawing, 0.0, 0.0, engine="grandalf")
    paths: dict[int, list[Point]] = {}
    halves: dict[float, float] = {}  # layer centre (x) -> half the width of its widest box
    top = MARGIN
    width = 0.0
    for part in _components(ids, links):
        members = set(part)
        vertices = {i: Vertex(i) for i in part}
        for i, v in vertices.items():
            w, h = sizes[i]
            v.view = _View(h, w)  # left to right: grandalf's layers run down, ours run across
        part_links = [(n, link) for n, link in enumerate(links) if link.source in members]
        edges = []
        for n, link in part_links:
            e = Edge(vertices[link.source], vertices[link.target])
            e.view = _EdgeView()
            edges.append((n, e))
        g = graph_core(list(vertices.values()), [e for _, e in edges])
        if len(part) == 1:
            vertices[part[0]].view.xy = (0.0, 0.0)
        else:
            sug = SugiyamaLayout(g)
            sug.xspace, sug.yspace = BOX_GAP, COLUMN_GAP
            sug.dw, sug.dh = 6.0, 6.0  # room taken by the bends of long arrows
            sug.init_all()
            sug.draw(4.5)  # a few rounds of crossing reduction
        # grandalf's (x, y) are our (y, x); its y is the centre of the layer
        centres = {i: (v.view.xy[1], v.view.xy[0]) for i, v in vertices.items()}
        left = min(c[0] - sizes[i][0] / 2 for i, c in centres.items())
        upper = min(c[1] - sizes[i][1] / 2 for i, c in centres.items())
        dx, dy = MARGIN - left, top - upper
        for i, (cx, cy) in centres.items():
            w, h = sizes[i]
            out.boxes[i] = Placed(by_id[i], cx - w / 2 + dx, cy - h / 2 + dy, w, h)
            width = max(width, cx + w / 2 + dx)
            key = round(cx + dx, 1)
            halves[key] = max(halves.get(key, 0.0), w / 2)
        bottom = max(out.boxes[i].y + out.boxes[i].h for i in part)
        for n, e in edges:
            pts = [(p[1] + dx, p[0] + dy) for p in e.view.points] if e.view.points else []
            if len(pts) < 2:
                pts = [out.boxes[links[n].source].centre, out.boxes[links[n].target].centre]
            paths[n] = pts
        top = bottom + PART_GAP
    out.width, out.height = width + MARGIN, top - PART_GAP + MARGIN
    out.routes = _curves(out, links, paths, halves)
    return out


def _curves(out: Layout, links: list[_Link], paths: dict[int, list[Point]], halves: dict[float, float]
            ) -> list[Route]:
    """Curves through the bends of each link: straight across a column (the whole width of its widest box,
    so no curve crosses a box) and S-shaped in the gaps between columns, leaving and entering boxes at their
    sides; the links at one side of a box are spread along it in the order of where they come from or go
    to."""
    ends: dict[tuple[str, str], list[tuple[float, int, str]]] = {}
    for n, link in enumerate(links):
        pts = paths[n]
        src, dst = out.boxes[link.source], out.boxes[link.target]
        side_out = "right" if pts[1][0] >= src.centre[0] else "left"
        side_in = "left" if pts[-2][0] <= dst.centre[0] else "right"
        ends.setdefault((link.source, side_out), []).append((pts[1][1], n, "out"))
        ends.setdefault((link.target, side_in), []).append((pts[-2][1], n, "in"))
    ports: dict[tuple[int, str], Point] = {}
    for (box_id, side), items in ends.items():
        p = out.boxes[box_id]
        x = p.x + p.w if side == "right" else p.x
        items.sort()
        span = p.h - 8 if not p.box.label else 0.0
        for k, (_, n, end) in enumerate(items):
            y = p.y + p.h / 2 + (span * ((k + 1) / (len(items) + 1) - 0.5) if len(items) > 1 else 0.0)
            ports[(n, end)] = (x, y)
    routes = []
    for n, link in enumerate(links):
        centres = paths[n]
        way: list[Point] = [ports[(n, "out")]]
        for k, (x, y) in enumerate(centres):
            half = halves.get(round(x, 1), 0.0)
            prev_x = centres[k - 1][0] if k else None
            next_x = centres[k + 1][0] if k + 1 < len(centres) else None
            if prev_x is not None:  # entering this column
                end_y = ports[(n, "in")][1] if k == len(centres) - 1 else y
                way.append((x - half if prev_x < x else x + half, end_y))
            if next_x is not None:  # leaving this column
                way.append((x + half if next_x > x else x - half, way[-1][1] if k == 0 else y))
        way.append(ports[(n, "in")])
        curve: list[Point] = [way[0]]
        for a, b in pairwise(way):
            mid = (a[0] + b[0]) / 2
            curve += [(mid, a[1]), (mid, b[1]), b]
        routes.append(Route(link.arrow, link.source, link.target, tuple(curve), link.head))
    return routes


# -- the dot program ----------------------------------------------------------------------------------------
def _dot(drawing: Drawing, boxes: list[Box], links: list[_Link]) -> Layout:
    from .dot import layout_source, parse_plain

    exe = shutil.which("dot")
    if exe is None:
        raise DiagramError("the dot program (Graphviz) is not installed: install it (e.g. 'apt-get install "
                           "graphviz') or use --layout grandalf")
    names = {b.id: f"n{i}" for i, b in enumerate(boxes)}
    source = layout_source([(names[b.id], *b.size) for b in boxes],
                           [(names[link.source], names[link.target]) for link in links],
                           BOX_GAP, COLUMN_GAP)
    timeout = float(os.environ.get("B12KG_DOT_TIMEOUT", DOT_TIMEOUT))
    try:
        run = subprocess.run([exe, "-Tplain"], input=source.encode("utf-8"), capture_output=True,
                             timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise DiagramError(f"the dot program took longer than {timeout:g} s (raise B12KG_DOT_TIMEOUT or use "
                           "--layout grandalf)") from None
    except OSError as e:
        raise DiagramError(f"the dot program could not run ({exe}): {e}") from None
    if run.returncode != 0:
        last = run.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise DiagramError(f"the dot program failed (exit code {run.returncode}): {last[0]}")
    nodes, edges, (_, height) = parse_plain(run.stdout.decode("utf-8"))
    back = {v: k for k, v in names.items()}
    out = Layout(drawing, 0.0, 0.0, engine="dot")
    by_id = {b.id: b for b in boxes}

    def point(p: Point) -> Point:
        return (p[0] * 72 + MARGIN, (height - p[1]) * 72 + MARGIN)

    for name, (x, y) in nodes.items():
        b = by_id[back[name]]
        w, h = b.size
        cx, cy = point((x, y))
        out.boxes[b.id] = Placed(b, cx - w / 2, cy - h / 2, w, h)
    pending: dict[tuple[str, str], list[list[Point]]] = {}
    for tail, head, pts in edges:
        pending.setdefault((back[tail], back[head]), []).append([point(p) for p in pts])
    for link in links:
        curve = pending[(link.source, link.target)].pop(0)
        out.routes.append(Route(link.arrow, link.source, link.target, tuple(curve), link.head))
    out.width = max(p.x + p.w for p in out.boxes.values()) + MARGIN
    out.height = max(p.y + p.h for p in out.boxes.values()) + MARGIN
    return out
