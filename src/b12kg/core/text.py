"""Text on a terminal: tables that fit its width and cells made safe to print, for every table of b12kg
(query results, the QC report, ``b12kg show``).

:func:`format_table` wraps long cells within their column at a given width, breaks no word unless the word
alone is wider than its column, and shows control characters (BEL, CR, ESC…) as visible escapes
(:func:`printable`). This module imports nothing heavy (a cold ``b12kg query`` prints its table with it);
:mod:`b12kg.core.results` builds on it.
"""

from __future__ import annotations

import unicodedata

from .prefixes import compress_fast as compress  # same answers as curies, no import cost

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["READABLE_COLUMN", "cell_text", "display_width", "fill", "format_table", "printable", "result_table",
           "wrap_text"]


def cell_text(kind: str, value: str, labels: Mapping[str, str] | None = None, ids: bool = False) -> str:
    """A result cell as text: an IRI as its CURIE (or its label from ``labels``, followed by the CURIE in
    parentheses when ``ids`` too), a blank node as ``_:id``, a literal as its value.

    >>> cell_text("iri", "https://w3id.org/b12kg/fatigue", {"https://w3id.org/b12kg/fatigue": "fatigue"}, True)
    'fatigue (b12kg:fatigue)'
    """
    if kind == "iri":
        curie = compress(value)
        if labels is not None and value in labels:
            label = labels[value]
            return f"{label} ({curie})" if ids and label != curie else label
        return curie
    if kind == "bnode":
        return f"_:{value}"
    return value


def result_table(variables: Sequence[str], cells: Sequence[Sequence[str]], width: int | None = None) -> str:
    """A query answer as a table (:func:`format_table`) followed by its number of rows.

    >>> print(result_table(["s"], [["fatigue (b12kg:fatigue)"]]))
    s
    -----------------------
    fatigue (b12kg:fatigue)
    (1 row)
    """
    n = len(cells)
    return f"{format_table(variables, cells, width=width)}\n({n} row{'s' if n != 1 else ''})"


def fill(text: str, width: int) -> str | None:
    """``text`` wrapped to ``width`` columns as :func:`textwrap.fill` wraps it (``break_on_hyphens=False``,
    no indent), for text whose words are separated by single spaces and all fit in ``width``; ``None`` for
    any other text (the caller then uses :mod:`textwrap`, which costs a few milliseconds to import).

    >>> print(fill("Ask a healthcare professional.", 13))
    Ask a
    healthcare
    professional.
    """
    words = text.split(" ")
    if width < 1 or any(not w or len(w) > width or not w.isprintable() for w in words):
        return None
    lines: list[str] = []
    line = words[0]
    for word in words[1:]:
        if len(line) + 1 + len(word) <= width:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return "\n".join(lines)


# -- printing text on a terminal ------------------------------------------------------------------
_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\x07": "\\a", "\x08": "\\b", "\x0b": "\\v", "\x0c": "\\f",
            "\x1b": "\\e"}
#: bidirectional overrides and isolates, which reorder what a terminal shows
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str) -> str:
    r"""``text`` safe to print on a terminal, on one line: control characters (tab, line break, BEL, CR,
    ESC…) and bidirectional overrides are shown as escapes, so nothing is hidden and nothing reaches the
    terminal raw.

    >>> printable("muscle\x07 spasm\r\nlegs")
    'muscle\\a spasm\\r\\nlegs'
    """
    if text.isprintable():
        return text
    out = []
    for c in text:
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif c in _BIDI or unicodedata.category(c) in ("Cc", "Cs", "Co", "Zl", "Zp"):
            out.append(f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return "".join(out)


def display_width(text: str) -> int:
    """The number of terminal columns ``text`` takes (wide East Asian characters count two, combining
    marks none).

    >>> display_width("spasm"), display_width("痙攣")
    (5, 4)
    """
    if text.isascii():
        return len(text)
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in text)


def _cut(word: str, width: int) -> tuple[str, str]:
    """Split a word wider than ``width`` columns: after the last ``:``, ``_``, ``/`` or ``-`` that fits,
    else at ``width`` columns."""
    fits, used = 0, 0
    for i, c in enumerate(word):
        used += display_width(c)
        if used > width:
            break
        fits = i + 1
    fits = max(fits, 1)
    soft = max((i + 1 for i in range(fits - 1) if word[i] in ":_/-"), default=0)
    at = soft if soft >= fits // 2 else fits
    return word[:at], word[at:]


def wrap_text(text: str, width: int | None) -> list[str]:
    """``text`` (made :func:`printable`) as lines of at most ``width`` columns, breaking between words; a
    word wider than the width is split (never dropped). ``None`` or 0: one line.

    >>> wrap_text("fortified breakfast cereal (b12kg:fortified_breakfast_cereal)", 22)
    ['fortified breakfast', 'cereal', '(b12kg:fortified_', 'breakfast_cereal)']
    """
    text = printable(text)
    if not width or display_width(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        while display_width(word) > width:
            if line:
                lines.append(line)
                line = ""
            head, word = _cut(word, width)
            lines.append(head)
        if not line:
            line = word
        elif display_width(line) + 1 + display_width(word) <= width:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return lines


def _column_widths(natural: list[int], floor: list[int], room: int) -> list[int]:
    """Widths that fit ``room`` columns (or come as close as they can).

    Every column gets its natural width when everything fits. Otherwise the narrow columns that fit within
    a fair share keep their natural width, and the wide ones get at least their floor (their longest
    word) plus the rest of the room in proportion to what each still lacks.
    """
    if sum(natural) <= room:
        return natural
    widths = list(natural)
    rest = sorted(range(len(natural)), key=lambda i: natural[i])
    left = room
    while rest and natural[rest[0]] * len(rest) <= left:
        left -= natural[rest.pop(0)]
    floors = {i: min(floor[i], natural[i]) for i in rest}
    if sum(floors.values()) > left:  # even the longest words do not fit: share the room, words get split
        for n, i in enumerate(sorted(rest, key=lambda i: floors[i])):
            widths[i] = max(min(floors[i], left // (len(rest) - n)), 1)
            left -= widths[i]
        return widths
    lacking = {i: natural[i] - floors[i] for i in rest}
    extra, total = left - sum(floors.values()), sum(lacking.values())
    for i in rest:
        widths[i] = floors[i] + (extra * lacking[i] // total if total else 0)
    spare = left - sum(widths[i] for i in rest)
    for i in sorted(rest, key=lambda i: widths[i] - natural[i]):  # hand out what rounding kept
        if spare <= 0:
            break
        widths[i] += 1
        spare -= 1
    return widths


#: a column narrower than this (when its text is wider) makes a table switch to one block per row
READABLE_COLUMN = 16


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]], *, width: int | None = None,
                 gap: int = 2) -> str:
    """An aligned text table with a dashed rule under the header.

    With ``width``, long cells wrap inside their columns so that the table fits in ``width`` columns (a
    blank line then separates the rows); words are never dropped. When the columns would have to be
    narrower than :data:`READABLE_COLUMN` (or split a word such as a CURIE), each row is shown as a block
    of ``name  value`` lines instead, as ``psql``'s expanded display does. Control characters are escaped.

    >>> print(format_table(["kind", "claim"], [["cause", "B12 deficiency damages the myelin sheath"]], width=30))
    kind   claim
    -----  ----------------------
    cause  B12 deficiency damages
           the myelin sheath
    >>> print(format_table(["cause", "effect", "claim"],
    ...                    [["B12 deficiency", "demyelination", "B12 lack breaks down the myelin sheath"]], width=30))
    -[ 1 ]------------------------
    cause   B12 deficiency
    effect  demyelination
    claim   B12 lack breaks down
            the myelin sheath
    """
    head = [printable(h) for h in header]
    cells = [[printable(c) for c in row] for row in rows]
    ncol = len(head)
    natural = [max([display_width(head[i])] + [display_width(r[i]) for r in cells]) for i in range(ncol)]
    widths = natural
    if width:
        longest = [max([display_width(head[i])] + [display_width(w) for r in cells for w in r[i].split(" ")])
                   for i in range(ncol)]
        room = max(width - gap * (ncol - 1), ncol)
        widths = _column_widths(natural, longest, room)
        cramped = any(w < min(n, READABLE_COLUMN) or w < min(lw, 2 * READABLE_COLUMN)
                      for w, n, lw in zip(widths, natural, longest, strict=True))
        if cramped:  # give every column what it needs to stay readable first, then share the rest
            need = [max(min(lw, 2 * READABLE_COLUMN), min(n, READABLE_COLUMN)) for n, lw in zip(natural, longest,
                                                                                             strict=True)]
            if sum(need) <= room:
                widths = _share(need, natural, room)
                cramped = False
        if cramped and ncol > 1:
            return _records(head, cells, width, gap)
    sep = " " * gap
    wrapped_head = [wrap_text(h, w) if width else [h] for h, w in zip(head, widths, strict=True)]
    wrapped = [[wrap_text(c, w) if width else [c] for c, w in zip(r, widths, strict=True)] for r in cells]
    widths = [max(display_width(line) for row in [wrapped_head, *wrapped] for line in row[i]) for i in range(ncol)]

    def lines_of(row: list[list[str]]) -> list[str]:
        height = max((len(c) for c in row), default=1)
        return [sep.join(p + " " * (w - display_width(p))
                         for p, w in zip((c[k] if k < len(c) else "" for c in row), widths, strict=True)).rstrip()
                for k in range(height)]

    body = [lines_of(r) for r in wrapped]
    out = [*lines_of(wrapped_head), sep.join("-" * w for w in widths)]
    spaced = any(len(b) > 1 for b in body)
    for i, block in enumerate(body):
        if spaced and i:
            out.append("")
        out += block
    return "\n".join(out)


def _share(need: list[int], natural: list[int], room: int) -> list[int]:
    """``need`` plus the rest of ``room`` shared in proportion to what each column still lacks."""
    lacking = [max(n - w, 0) for n, w in zip(natural, need, strict=True)]
    extra, total = room - sum(need), sum(lacking)
    widths = [w + (extra * lk // total if total else 0) for w, lk in zip(need, lacking, strict=True)]
    spare = room - sum(widths)
    for i in sorted(range(len(widths)), key=lambda i: widths[i] - natural[i]):
        if spare <= 0:
            break
        if widths[i] < natural[i]:
            widths[i] += 1
            spare -= 1
    return [min(w, n) for w, n in zip(widths, natural, strict=True)]


def _records(head: list[str], cells: list[list[str]], width: int, gap: int) -> str:
    """One block per row: a numbered rule, then a ``name  value`` line per column (values wrapped)."""
    name_width = max(display_width(h) for h in head)
    room = max(width - name_width - gap, 20)
    out: list[str] = []
    for n, row in enumerate(cells, 1):
        rule = f"-[ {n} ]"
        out.append(rule + "-" * max(width - len(rule), 0))
        for h, c in zip(head, row, strict=True):
            lines = wrap_text(c, room)
            out.append((h + " " * (name_width - display_width(h) + gap) + lines[0]).rstrip())
            out += [" " * (name_width + gap) + line for line in lines[1:]]
    return "\n".join(out)

