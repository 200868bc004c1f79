"""What a diagram is made of, before it is laid out: boxes, arrows, text sizes and colours.

A :class:`Drawing` is a directed graph of :class:`Box` (a concept, a class, a property…, with one or more
lines of text) and :class:`Arrow` (from one box to another, optionally labelled, in one of the
:data:`ARROW_STYLES`). :mod:`~b12kg.formats.layout` places it and :mod:`~b12kg.formats.svg` and
:mod:`~b12kg.formats.dot` write it. Text widths are estimated from per-character widths of a Helvetica-like
sans-serif font (a little generously, so that boxes fit the text in any sans-serif font), which keeps the
output the same on every machine: no font is read.

>>> round(text_width("muscle spasm", 12))
87
>>> Box("b12kg:x", ("a very long label for a box",)).lines
('a very long label for a box',)
>>> wrap_label("B12 deficiency-related muscle spasm", 22)
('B12 deficiency-related', 'muscle spasm')
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = [
    "ARROW_STYLES",
    "FONT_FAMILY",
    "KIND_COLOURS",
    "Arrow",
    "Box",
    "Drawing",
    "text_width",
    "wrap_label",
]

FONT_FAMILY = "Helvetica, Arial, sans-serif"
#: font sizes (px) of box titles, box detail lines and arrow labels
TITLE_SIZE, DETAIL_SIZE, LABEL_SIZE = 12.0, 10.5, 10.5
LINE_HEIGHT = 1.3

#: fill colours of boxes by the top-level class (kind) of what they show, by the class's local name
KIND_COLOURS = {
    "Condition": "#f4cccc",
    "PathologicalProcess": "#fce5cd",
    "ClinicalFinding": "#fff2cc",
    "BiologicalProcess": "#d9ead3",
    "ChemicalEntity": "#d0e0e3",
    "AnatomicalEntity": "#cfe2f3",
    "MedicalIntervention": "#d9d2e9",
    "Food": "#ead1dc",
    "FoodGroup": "#f2dfe8",
    "Diet": "#e2efda",
    "Population": "#e6f4ea",
    "Exposure": "#fbe9e7",
    "Organism": "#e0f2f1",
    "InformationEntity": "#eeeeee",
    "ValueSpecification": "#f5f5f5",
    "": "#ffffff",
}
#: arrow styles: (stroke colour, dash pattern, arrowhead)
ARROW_STYLES = {
    "causes": ("#990000", "", "arrow"),
    "plain": ("#555555", "", "arrow"),
    "form": ("#555555", "5 3", "arrow"),
    "denied": ("#cc0000", "2 3", "arrow"),
    "subclass": ("#555555", "", "triangle"),
    "link": ("#555555", "", ""),
}

# Approximate advance widths (in em) of a Helvetica-like font; unknown characters count as "m" wide.
_WIDTHS: dict[str, float] = {}
for _chars, _w in (
    ("ijl|!.,:;'`", 0.28), ("frt()[]{}-/\\\"", 0.36), (" ", 0.3), ("Jcksvxyz", 0.52), ("0123456789$", 0.58),
    ("abdeghnopqu_?#", 0.58), ("FLTZ§", 0.64), ("ABEKPSVXY&+<=>~", 0.7), ("CDHNRU", 0.74), ("GOQ", 0.8),
    ("wM", 0.84), ("mW%", 0.92), ("→—", 1.0),
):
    _WIDTHS.update(dict.fromkeys(_chars, _w))


@lru_cache(maxsize=1 << 14)  # the pictures of a site measure the same labels many times
def text_width(text: str, size: float) -> float:
    """The estimated width (px) of ``text`` at font size ``size`` (px), with a 6% margin."""
    return sum(_WIDTHS.get(c, 0.92 if not c.islower() else 0.6) for c in text) * size * 1.06


def wrap_label(text: str, width: int = 22) -> tuple[str, ...]:
    """A label broken into lines of about ``width`` characters (words never split)."""
    return tuple(textwrap.wrap(" ".join(text.split()), width, break_long_words=False, break_on_hyphens=False)) or (
        "",)


@dataclass(frozen=True)
class Box:
    """A box: an id (an IRI, CURIE or any unique text), its title lines, optional detail lines (smaller
    text under a rule, e.g. a class's subclasses), its kind (a key of :data:`KIND_COLOURS`), whether it is
    emphasised (drawn with a thick border), a link target and a tooltip."""

    id: str
    lines: tuple[str, ...]
    details: tuple[str, ...] = ()
    kind: str = ""
    emphasis: bool = False
    href: str = ""
    tooltip: str = ""
    label: bool = False  # an arrow label placed as a box on the arrow (drawn as text on white)

    @property
    def size(self) -> tuple[float, float]:
        """Width and height (px) of the box."""
        font = LABEL_SIZE if self.label else TITLE_SIZE
        pad_x, pad_y = (4.0, 2.0) if self.label else (10.0, 6.0)
        bold = 1.08 if (self.emphasis or self.details) and not self.label else 1.0  # titles drawn in bold
        widths = [text_width(t, font) * bold for t in self.lines] + [
            text_width(t.strip(), DETAIL_SIZE) + 5.0 * (len(t) - len(t.lstrip(" "))) for t in self.details]
        height = len(self.lines) * font * LINE_HEIGHT + 2 * pad_y
        if self.details:
            height += len(self.details) * DETAIL_SIZE * LINE_HEIGHT + 6
        return max(max(widths, default=0) + 2 * pad_x, 24.0), height


@dataclass(frozen=True)
class Arrow:
    """An arrow from one box to another (ids), with an optional label, a style and a tooltip."""

    source: str
    target: str
    label: str = ""
    style: str = "plain"
    tooltip: str = ""


@dataclass
class Drawing:
    """A diagram before layout: a title, a description, boxes, arrows, a legend and a footnote."""

    title: str
    description: str
    boxes: list[Box] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (kind or "arrow:<style>", text)
    note: str = ""

    def box(self, id: str) -> Box:
        return next(b for b in self.boxes if b.id == id)
