"""Text for people: the not-medical-advice line and the wrapping of evidence for an 80-column terminal.

Every output meant for a reader (``b12kg explain``, ``b12kg path``, the diagrams) carries
:data:`NOT_MEDICAL_ADVICE`.

>>> print(cited("§4", "A doctor can help tell whether a spasm has a nutritional cause or another one.", 30, 4))
    §4 A doctor can help tell
       whether a spasm has a
       nutritional cause or
       another one.
"""

from __future__ import annotations

from ..core.text import fill

__all__ = ["NOT_MEDICAL_ADVICE", "WIDTH", "cited", "wrapped"]

#: the line every reader-facing output carries
NOT_MEDICAL_ADVICE = ("Not medical advice: b12kg only records what one popular-science article says. "
                      "Ask a healthcare professional.")
#: the terminal width the text outputs are laid out for
WIDTH = 80


def wrapped(text: str, width: int = WIDTH, indent: int = 0, hang: int = 0, prefix: str = "") -> str:
    """``prefix`` then ``text`` wrapped to ``width`` columns, indented by ``indent``; continuation lines are
    indented by ``indent + hang``, or (with a prefix and no hang) aligned under the text."""
    text = " ".join(text.split())
    if not (indent or hang or prefix):  # the plain case (the notice under a table) without textwrap's import
        plain = fill(text, width)
        if plain is not None:
            return plain
    import textwrap

    first = " " * indent + prefix
    rest = " " * (len(first) if prefix and not hang else indent + hang)
    return textwrap.fill(text, width=width, initial_indent=first, subsequent_indent=rest,
                         break_on_hyphens=False) or first


def cited(cite: str, claim: str, width: int = WIDTH, indent: int = 0) -> str:
    """A claim after its citation (``§4 …``), wrapped so continuation lines align with the claim."""
    return wrapped(f"{cite} {claim}", width, indent, len(cite) + 1)
