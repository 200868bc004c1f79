"""The SSSOM mapping set of the graph, exported as it is (the file is the one source of the mappings).

>>> from b12kg import KnowledgeGraph
>>> mapping_set(KnowledgeGraph.bundled()).startswith(b"#")
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.errors import FormatError

if TYPE_CHECKING:
    from ..store.dataset import GraphData

__all__ = ["mapping_set"]


def mapping_set(kg: GraphData) -> bytes:
    """The bytes of the graph's SSSOM file (a ``*.sssom.tsv`` source).

    Raises :class:`FormatError` if the graph has none or several.
    """
    files = [s.path for s in kg.sources if s.path.name.endswith(".sssom.tsv")]
    if len(files) != 1:
        found = ", ".join(str(f) for f in files) or "none"
        raise FormatError(
            f"the sssom export needs exactly one SSSOM mapping set in the graph (found: {found})"
        )
    return files[0].read_bytes()
