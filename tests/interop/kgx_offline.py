"""Run the real ``kgx`` command line offline (a helper for tests/interop, run as a child process).

kgx and the Biolink Model Toolkit download the Biolink YAML, the predicate map and JSON-LD contexts
when they are imported. Here the Biolink YAML comes from the ``biolink-model`` package and the JSON-LD
context is a local file: Biolink's own prefix map (from the same package) merged with the contexts
given as arguments (the release's ``kgx/context.jsonld``), exactly what a user does to run kgx without
network access. Usage::

    python kgx_offline.py [--context FILE]... -- KGX-ARGS...
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path


def main(argv: list[str]) -> int:
    split = argv.index("--")
    contexts = [Path(argv[i + 1]) for i, a in enumerate(argv[:split]) if a == "--context"]
    import biolink_model
    import bmt.toolkit

    package = Path(biolink_model.__path__[0])
    bmt.toolkit.Toolkit.__init__.__defaults__ = (str(package / "schema" / "biolink_model.yaml"),
                                                 {"predicate mappings": []})
    merged = dict(json.loads((package / "prefixmaps" / "biolink_model_prefix_map.json").read_text()))
    for c in contexts:
        merged.update(json.loads(c.read_text())["@context"])
    with tempfile.NamedTemporaryFile("w", suffix=".jsonld", delete=False) as f:
        json.dump({"@context": merged}, f)
    import kgx.config

    cfg = kgx.config.get_config()
    cfg["jsonld-context"] = dict.fromkeys(("biolink", "monarch_context", "obo_context"), f.name)
    from kgx.cli import cli

    return int(cli.main(argv[split + 1:], prog_name="kgx", standalone_mode=False) or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
