"""Graphviz DOT: a :class:`~b12kg.formats.drawing.Drawing` as DOT text for the user, and the two small pieces
the ``dot`` layout engine needs (the DOT it is given, and reading its ``-Tplain`` output).

DOT strings are quoted, with backslashes and double quotes escaped and line breaks written ``\\n``, as the
DOT language specifies; ids are ``n0``, ``n1``… so no text of the graph ever becomes syntax.

>>> from b12kg.formats.drawing import Arrow, Box, Drawing
>>> d = Drawing('say "hi"', "", [Box("a", ("A \\\\ B",)), Box("b", ("B",))], [Arrow("a", "b", "causes")])
>>> print(to_dot(d))  # doctest: +ELLIPSIS
digraph "b12kg" {
  graph [label="say \\"hi\\"", ...];
  ...
  n0 [label="A \\\\ B", ...];
  ...
  n0 -> n1 [label="causes", ...];
}
<BLANKLINE>
"""

from __future__ import annotations

from .drawing import ARROW_STYLES, FONT_FAMILY, KIND_COLOURS, Drawing

__all__ = ["layout_source", "parse_plain", "quote", "to_dot"]

Point = tuple[float, float]


def quote(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attrs(**values: str | float) -> str:
    return ", ".join(f"{k}={quote(v) if isinstance(v, str) else f'{v:g}'}" for k, v in values.items())


def to_dot(drawing: Drawing) -> str:
    """``drawing`` as a DOT digraph, left to right, with the colours and line styles of the SVG."""
    names = {b.id: f"n{i}" for i, b in enumerate(drawing.boxes)}
    title = "\n".join(x for x in (drawing.title, drawing.note) if x)
    graph = _attrs(label=title, labelloc="t", rankdir="LR", fontname=FONT_FAMILY, fontsize=14,
                   tooltip=drawing.description)
    node = _attrs(shape="box", style="rounded,filled", fontname=FONT_FAMILY, fontsize=12, color="#555555")
    lines = ['digraph "b12kg" {', f"  graph [{graph}];", f"  node [{node}];",
             f"  edge [{_attrs(fontname=FONT_FAMILY, fontsize=10)}];"]
    for b in drawing.boxes:
        text = "\n".join((*b.lines, *b.details))
        extra: dict[str, str | float] = {"penwidth": 2.5} if b.emphasis else {}
        if b.href:  # Graphviz copies URLs into SVG as they are: escape the XML special character they may hold
            extra["URL"] = b.href.replace("&", "&amp;")
        attrs = _attrs(label=text, fillcolor=KIND_COLOURS.get(b.kind, "#ffffff"), tooltip=b.tooltip or text, **extra)
        lines.append(f"  {names[b.id]} [{attrs}];")
    for a in drawing.arrows:
        colour, dash, head = ARROW_STYLES.get(a.style, ARROW_STYLES["plain"])
        extra = {"style": "dashed"} if dash else {}
        if head == "triangle":
            extra["arrowhead"] = "empty"
        elif not head:
            extra["arrowhead"] = "none"
        attrs = _attrs(label=a.label, color=colour, tooltip=a.tooltip or a.label, **extra)
        lines.append(f"  {names[a.source]} -> {names[a.target]} [{attrs}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def layout_source(nodes: list[tuple[str, float, float]], edges: list[tuple[str, str]], node_gap: float,
                  rank_gap: float) -> str:
    """What the dot layout engine is given: boxes of fixed size (px) without text, and plain edges."""
    lines = ["digraph layout {",
             f"  graph [rankdir=LR, nodesep={node_gap / 72:.4f}, ranksep={rank_gap / 72:.4f}, splines=true];",
             '  node [shape=box, fixedsize=true, label=""];',
             "  edge [arrowhead=none];"]
    lines += [f"  {name} [width={w / 72:.4f}, height={h / 72:.4f}];" for name, w, h in nodes]
    lines += [f"  {a} -> {b};" for a, b in edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


def parse_plain(text: str) -> tuple[dict[str, Point], list[tuple[str, str, list[Point]]], Point]:
    """Node centres, edge control points and the graph's size (inches) from ``dot -Tplain`` output.

    >>> parse_plain("graph 1 2 3\\nnode n0 1 2 0.5 0.5 \\"\\" solid box black lightgrey\\n"
    ...             "edge n0 n1 4 1 2 1.5 2 2 2 3 2 solid black\\nstop\\n")
    ({'n0': (1.0, 2.0)}, [('n0', 'n1', [(1.0, 2.0), (1.5, 2.0), (2.0, 2.0), (3.0, 2.0)])], (2.0, 3.0))
    """
    nodes: dict[str, Point] = {}
    edges: list[tuple[str, str, list[Point]]] = []
    size = (0.0, 0.0)
    for line in text.splitlines():
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "graph":
            size = (float(parts[2]), float(parts[3]))
        elif parts[0] == "node":
            nodes[parts[1]] = (float(parts[2]), float(parts[3]))
        elif parts[0] == "edge":
            n = int(parts[3])
            coords = [float(v) for v in parts[4:4 + 2 * n]]
            edges.append((parts[1], parts[2], list(zip(coords[::2], coords[1::2], strict=True))))
    return nodes, edges, size
