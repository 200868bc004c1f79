"""SVG of a laid-out diagram (:class:`~b12kg.formats.layout.Layout`): a standalone SVG 1.1 document that any
browser, GitHub's README view and vector editors display the same way.

The document is built as an :mod:`xml.etree.ElementTree` tree and written as ``ElementTree`` writes it
(every text and attribute escaped); it has ``xmlns``, ``width``, ``height`` and a ``viewBox`` (so it scales), a
``<title>`` and ``<desc>`` for screen readers, presentation attributes only (no CSS or scripts), and numbers
rounded to 0.1 px, so the same layout always gives the same bytes. Boxes and arrows carry ``<title>`` tooltips
(the CURIE of a concept, the sections and claims behind a statement); boxes with a link are wrapped in
``<a href>``.

>>> from b12kg.formats.drawing import Arrow, Box, Drawing
>>> from b12kg.formats.layout import layout
>>> d = Drawing("A & B", "", [Box("a", ("<a>",)), Box("b", ("b",))], [Arrow("a", "b")])
>>> text = to_svg(layout(d))
>>> text.startswith('<?xml version="1.0" encoding="UTF-8"?>') and "&lt;a&gt;" in text and "A &amp; B" in text
True
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from .drawing import (
    ARROW_STYLES,
    DETAIL_SIZE,
    FONT_FAMILY,
    KIND_COLOURS,
    LABEL_SIZE,
    LINE_HEIGHT,
    TITLE_SIZE,
    text_width,
)
from .layout import Layout, Placed, Point

__all__ = ["to_svg"]

SVG_NS = "http://www.w3.org/2000/svg"
HEADER, FOOTER_LINE = 30.0, 15.0
INK, MUTED, STROKE = "#222222", "#666666", "#555555"


def _n(v: float) -> str:
    """A coordinate: one decimal at most, no trailing zeros."""
    text = f"{v:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    e = ET.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attrs.items()})
    if text is not None:
        e.text = text
    return e


def _marker(defs: ET.Element, style: str) -> str:
    colour, _, head = ARROW_STYLES[style]
    mid = f"b12kg-head-{style}"
    m = _el(defs, "marker", id=mid, viewBox="0 0 10 10", refX="10", refY="5", markerWidth="7", markerHeight="7",
            orient="auto", markerUnits="strokeWidth")
    if head == "triangle":
        _el(m, "path", d="M0,0 L10,5 L0,10 z", fill="#ffffff", stroke=colour, stroke_width="1")
    else:
        _el(m, "path", d="M0,0 L10,5 L0,10 z", fill=colour)
    return mid


def _path(points: tuple[Point, ...]) -> str:
    head, rest = points[0], points[1:]
    d = f"M{_n(head[0])},{_n(head[1])}"
    for i in range(0, len(rest) - len(rest) % 3, 3):
        (a, b), (c, e), (f, g) = rest[i:i + 3]
        d += f" C{_n(a)},{_n(b)} {_n(c)},{_n(e)} {_n(f)},{_n(g)}"
    return d


def _box(parent: ET.Element, p: Placed) -> None:
    b = p.box
    holder = _el(parent, "a", href=b.href) if b.href else parent
    g = _el(holder, "g")
    if b.tooltip:
        _el(g, "title", b.tooltip)
    if b.label:
        _el(g, "rect", x=_n(p.x), y=_n(p.y), width=_n(p.w), height=_n(p.h), rx="3", fill="#ffffff",
            fill_opacity="0.9")
        for i, line in enumerate(b.lines):
            _el(g, "text", line, x=_n(p.x + p.w / 2), y=_n(p.y + 2 + LABEL_SIZE * (LINE_HEIGHT * i + 1.0)),
                text_anchor="middle", font_size=_n(LABEL_SIZE), font_style="italic", fill="#333333")
        return
    _el(g, "rect", x=_n(p.x), y=_n(p.y), width=_n(p.w), height=_n(p.h), rx="6",
        fill=KIND_COLOURS.get(b.kind, "#ffffff"), stroke=INK if b.emphasis else STROKE,
        stroke_width="2.5" if b.emphasis else "1")
    y = p.y + 6
    for line in b.lines:
        _el(g, "text", line, x=_n(p.x + p.w / 2), y=_n(y + TITLE_SIZE * 1.05), text_anchor="middle",
            font_size=_n(TITLE_SIZE), fill=INK, font_weight="bold" if b.emphasis or b.details else "normal")
        y += TITLE_SIZE * LINE_HEIGHT
    if b.details:
        _el(g, "line", x1=_n(p.x), y1=_n(y + 3), x2=_n(p.x + p.w), y2=_n(y + 3), stroke=STROKE, stroke_width="0.6")
        y += 6
        for line in b.details:  # leading spaces indent a line (a subclass under its superclass)
            indent = (len(line) - len(line.lstrip(" "))) * 5.0
            _el(g, "text", line.strip(), x=_n(p.x + 10 + indent), y=_n(y + DETAIL_SIZE * 1.05),
                font_size=_n(DETAIL_SIZE), fill=INK)
            y += DETAIL_SIZE * LINE_HEIGHT


def _legend(parent: ET.Element, lay: Layout, top: float, markers: dict[str, str]) -> float:
    """The legend under the diagram, wrapped to its width; returns where it ends."""
    x, y = 16.0, top
    limit = max(lay.width, 360.0) - 16
    for key, text in lay.drawing.legend:
        item = 30 + text_width(text, DETAIL_SIZE) + 18
        if x + item > limit and x > 16:
            x, y = 16.0, y + 20
        if key.startswith("arrow:"):
            style = key.split(":", 1)[1]
            colour, dash, _ = ARROW_STYLES[style]
            attrs = {"stroke_dasharray": dash} if dash else {}
            line = _el(parent, "path", d=f"M{_n(x)},{_n(y)} L{_n(x + 24)},{_n(y)}", stroke=colour, fill="none",
                       stroke_width="1.4", **attrs)
            if style in markers:
                line.set("marker-end", f"url(#{markers[style]})")
        else:
            _el(parent, "rect", x=_n(x), y=_n(y - 6), width="24", height="12", rx="3",
                fill=KIND_COLOURS.get(key, "#ffffff"), stroke=STROKE, stroke_width="0.8")
        _el(parent, "text", text, x=_n(x + 30), y=_n(y + 4), font_size=_n(DETAIL_SIZE), fill=INK)
        x += item
    return y + 16 if lay.drawing.legend else top - 8


def _lines(text: str, width: float, size: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` px at font size ``size``."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def to_svg(lay: Layout) -> str:
    """The SVG document of a layout (UTF-8 text, ending in a newline)."""
    d = lay.drawing
    root = ET.Element("svg", {"xmlns": SVG_NS, "version": "1.1", "role": "img",
                              "aria-labelledby": "b12kg-title b12kg-desc", "font-family": FONT_FAMILY})
    _el(root, "title", d.title, id="b12kg-title")
    _el(root, "desc", " ".join(x for x in (d.description, d.note) if x), id="b12kg-desc")
    defs = _el(root, "defs")
    styles = sorted({r.arrow.style for r in lay.routes if r.head}
                    | {k.split(":", 1)[1] for k, _ in d.legend if k.startswith("arrow:")})
    markers = {s: _marker(defs, s) for s in styles if ARROW_STYLES.get(s, ("", "", ""))[2]}
    background = _el(root, "rect", x="0", y="0", fill="#ffffff")
    _el(root, "text", d.title, x="16", y="21", font_size="15", font_weight="bold", fill=INK)
    body = _el(root, "g", transform=f"translate(0,{_n(HEADER)})")
    arrows = _el(body, "g", fill="none")
    for r in lay.routes:
        colour, dash, _ = ARROW_STYLES.get(r.arrow.style, ARROW_STYLES["plain"])
        attrs = {"stroke_dasharray": dash} if dash else {}
        path = _el(arrows, "path", d=_path(r.points), stroke=colour, stroke_width="1.3", **attrs)
        if r.head and r.arrow.style in markers:
            path.set("marker-end", f"url(#{markers[r.arrow.style]})")
        if r.arrow.tooltip:
            _el(path, "title", r.arrow.tooltip)
    boxes = _el(body, "g")
    for p in sorted(lay.boxes.values(), key=lambda p: (not p.box.label, p.y, p.x)):
        _box(boxes, p)
    bottom = _legend(root, lay, HEADER + lay.height + 4, markers)
    width = max(lay.width, 360.0)
    notes = _lines(d.note, width - 32, 10.0) if d.note else []
    for i, line in enumerate(notes):
        _el(root, "text", line, x="16", y=_n(bottom + 12 + FOOTER_LINE * i), font_size="10", fill=MUTED)
    width, height = math.ceil(width), math.ceil(bottom + 12 + FOOTER_LINE * len(notes))  # whole pixels
    for e, attrs in ((root, {"width": _n(width), "height": _n(height), "viewBox": f"0 0 {_n(width)} {_n(height)}"}),
                     (background, {"width": _n(width), "height": _n(height)})):
        for k, v in attrs.items():
            e.set(k, v)
    out: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    _write(out, root, 0)
    return "".join(out) + "\n"


def _write(out: list[str], e: ET.Element, level: int) -> None:
    """``e`` as ``ET.indent(root, space=" ")`` and ``ET.tostring`` write it (the same bytes: the tests compare
    them), without changing the tree and in a fraction of the time; ``level`` is the depth of ``e``."""
    out.append(f"<{e.tag}")
    for k, v in e.attrib.items():
        out.append(f' {k}="{_attribute(v)}"')
    children = list(e)
    text = e.text
    if children:
        inner = "\n" + " " * (level + 1)
        out.append(">" + (_escape(text) if text and text.strip() else inner))
        for i, child in enumerate(children):
            _write(out, child, level + 1)
            tail = child.tail
            if not tail or not tail.strip():
                tail = inner if i < len(children) - 1 else "\n" + " " * level
            out.append(_escape(tail))
        out.append(f"</{e.tag}>")
    elif text:
        out.append(f">{_escape(text)}</{e.tag}>")
    else:
        out.append(" />")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(text: str) -> str:
    return (_escape(text).replace('"', "&quot;").replace("\r", "&#13;").replace("\n", "&#10;")
            .replace("\t", "&#09;"))
