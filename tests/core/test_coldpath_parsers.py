"""The hand-written readers of the cold ``b12kg query`` path give the answers of the patterns (and library
functions) they stand in for, on many generated inputs made of the pieces that matter to each pattern
(seeded: the same inputs every run). Each stands in for a pattern so that a cold query imports no ``re``,
``json`` nor ``textwrap`` (tests/cli/test_coldpath.py checks the imports)."""

from __future__ import annotations

import json
import random
import re
import textwrap
from collections.abc import Callable, Sequence

import pytest

from b12kg.core import sparql
from b12kg.core.text import fill
from b12kg.queries import cold
from b12kg.store.cold import load_json

ROUNDS = 20_000


def _texts(pieces: Sequence[str], longest: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return [''.join(rnd.choice(pieces) for _ in range(rnd.randint(0, longest))) for _ in range(ROUNDS)]


def _agree(texts: list[str], ours: Callable[[str], object], theirs: Callable[[str], object]) -> None:
    wrong = [t for t in texts if ours(t) != theirs(t)]
    assert wrong == [], f"{len(wrong)} differ, e.g. {wrong[:3]!r}"


def test_nesting_depth_without_re() -> None:
    pattern = re.compile(sparql._TOKENS_PATTERN)

    def too_deep(text: str, limit: int) -> bool:
        depth = 0
        for m in pattern.finditer(text):
            depth += {"open": 1, "close": -1}.get(m.lastgroup or "", 0)
            if depth > limit:
                return True
        return False

    pieces = ["{", "(", "[", "]", ")", "}", '"', "'", '"""', "'''", "\\", "\n", "#", "<", ">", "a", "ex:", ":",
              "?", "$", "x", "_", ".", "-", " ", "é", "1", "<http://x/(>", '"(("', "# ((\n", "ab:c#d", "?v(", ";"]
    texts = _texts(pieces, 30, 1)
    for limit in (0, 1, 3):
        _agree(texts, lambda t, n=limit: sparql._too_deep(t, n), lambda t, n=limit: too_deep(t, n))
    assert sparql._too_deep("{" * 51, 50) and not sparql._too_deep('"' + "{" * 51 + '"', 50)


def test_select_star_without_re() -> None:
    pattern = re.compile(sparql._TOKEN, re.S | re.X)

    def written(query: str) -> list[str] | None:  # written_variables with the tokenizer alone
        tokens = iter(pattern.finditer(query))
        for m in tokens:
            word = (m.group("word") or "").upper()
            if word in ("ASK", "CONSTRUCT", "DESCRIBE"):
                return None
            if word == "SELECT":
                break
        else:
            return None
        for m in tokens:
            if (m.group("word") or "").upper() in ("DISTINCT", "REDUCED"):
                continue
            if m.group("star") is None:
                return None
            break
        else:
            return None
        seen: dict[str, None] = {}
        for m in tokens:
            if m.group("var"):
                seen.setdefault(m.group("var"))
        return list(seen)

    pieces = ["SELECT", "select", "*", "?x", "$y", "?", " ", "\n", "(", "{", "DISTINCT", "reduced", "# c\n", "#",
              "<http://x>", "<", '"s"', '"', "'", "WHERE", "ASK", "x", "ß", "a:b*", "COUNT(*)", "PREFIX"]
    _agree(_texts(pieces, 14, 2), sparql.written_variables, written)


def test_variable_names_without_re() -> None:
    var = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
    _agree(_texts(["a", "Z", "_", "0", "9", "é", "-", " ", "\n", "?"], 5, 3), sparql._is_var,
           lambda t: bool(var.match(t)))


def test_where_brace_without_re() -> None:
    """The WHERE group is found as by the version that matched IRIs and words with patterns."""

    def where_brace(query: str) -> int:  # the former implementation
        i, n, depth, groups_seen, last_word = 0, len(query), 0, 0, ""
        is_construct = re.match(r"\s*(?:(?:PREFIX|BASE)\b[^\n]*\n\s*|#[^\n]*\n\s*)*CONSTRUCT\b", query, re.I)
        while i < n:
            c = query[i]
            if c == "#":
                j = query.find("\n", i)
                i = n if j < 0 else j + 1
                continue
            if c in "\"'":
                triple = query[i:i + 3]
                if triple in ('"""', "'''"):
                    j = query.find(triple, i + 3)
                    i = n if j < 0 else j + 3
                else:
                    j = i + 1
                    while j < n and query[j] != c:
                        j += 2 if query[j] == "\\" else 1
                    i = j + 1
                continue
            if c == "<":
                m = re.match(r"<[^<>\"{}|^`\\\s]*>", query[i:])
                if m:
                    i += m.end()
                    continue
            if c == "{":
                if depth == 0:
                    if not is_construct or last_word.upper() == "WHERE" or groups_seen == 1:
                        return i
                    groups_seen += 1
                depth += 1
            elif c == "}":
                depth -= 1
            elif c.isalpha() and c.isascii():
                m = re.match(r"[A-Za-z_]+", query[i:])
                assert m
                last_word = m.group(0)
                i += m.end()
                continue
            i += 1
        return -1

    def ours(query: str) -> int:
        try:
            return sparql.where_brace(query)
        except ValueError:
            return -1

    pieces = ["{", "}", "WHERE", "where", "CONSTRUCT", "PREFIX x: <y>\n", "# {\n", "<a{>", "<a b>", "<", '"{"',
              "'''{'''", '"', "\\", " ", "\n", "?s", "x_y", "é"]
    _agree(_texts(pieces, 12, 4), ours, where_brace)


def test_param_lines_without_re() -> None:
    pattern = re.compile(r"^(\w+)\s+(iri|string|integer)(?:\s+default=(\S+))?\s*(?:--\s*(.*))?$")

    def theirs(value: str) -> tuple[str, str, str | None, str] | None:
        m = pattern.match(value)
        return (m.group(1), m.group(2), m.group(3), (m.group(4) or "").strip()) if m else None

    pieces = ["x", "_", "é", "1", " ", "\t", "\u00a0", "iri", "string", "integer", "ir", "default=", "=", "--", "-",
              "a", "b:c", "s"]
    _agree([t.strip() for t in _texts(pieces, 10, 5)], cold.param_fields, theirs)
    assert cold.param_fields("concept iri default=b12kg:x-- about it") == ("concept", "iri", "b12kg:x", "about it")


def test_names_and_iris_without_re() -> None:
    stem = re.compile(r"[\w-][\w.-]*")
    safe = re.compile(r"[^<>\"{}|^`\\\x00-\x20]+")
    texts = _texts(["a", "-", ".", "_", "é", "1", "/", " ", "<", ">", '"', "{", "|", "^", "`", "\\", "\x00", "\x7f",
                    ":", "#"], 6, 6)
    _agree(texts, cold.is_query_name, lambda t: bool(stem.fullmatch(t)))
    _agree(texts, cold.is_safe_iri, lambda t: bool(safe.fullmatch(t)))


@pytest.mark.parametrize("text", [
    "Not medical advice: b12kg only records what one popular-science article says. Ask a healthcare professional.",
    "a bb ccc dddd eeeee", "x", "",
])
def test_fill_is_textwrap(text: str) -> None:
    for width in range(1, 130):
        plain = fill(text, width)
        if plain is not None:
            assert plain == textwrap.fill(text, width=width, break_on_hyphens=False), width
    assert fill(text, 200) in (text, None)


def test_load_json_is_json() -> None:
    docs = ['{"format": "b12kg-store", "db_files": {"000012.sst": {"bytes": 3, "mtime_ns": 17, "blake2b": "ab"}}}',
            ' [1, -2.5e3, "é\\u00e9\\n", null, true, false, {}] ', '"x"', "NaN", "-Infinity", "0"]
    for doc in docs:
        assert repr(load_json(doc)) == repr(json.loads(doc))
    for bad in ["", " ", "{", '{"a": 1} x', "[1,]", "nul", '"\x01"', "{'a': 1}"]:
        with pytest.raises(ValueError):
            json.loads(bad)
        with pytest.raises(ValueError):
            load_json(bad)
