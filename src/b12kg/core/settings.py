"""The limits and switches b12kg reads from the environment, each checked: a value it cannot use is a
:class:`~b12kg.core.errors.ConfigError` that names the variable and the values it takes, never silently
ignored.

=========================== ============ ==========================================================
variable                    default      meaning
=========================== ============ ==========================================================
``B12KG_QUERY_TIMEOUT``     ``60``       seconds a query may run (``--timeout``, API ``timeout=``)
``B12KG_ENDPOINT_TIMEOUT``  ``60``       seconds for one whole request to a SPARQL endpoint
``B12KG_PUSH_TIMEOUT``      ``600``      seconds for one whole upload to a graph store (``push``)
``B12KG_MAX_RESPONSE``      ``128M``     largest endpoint response read (``--max-response``)
``B12KG_MAX_NESTING``       ``50``       deepest nesting of ``{ ( [`` in a query
``B12KG_ALLOW_SERVICE``     (none)       hosts that ``SERVICE`` may call, comma-separated
``B12KG_INFERRED``          ``1``        include the OWL RL closure in the bundled graph
``B12KG_NO_CACHE``          ``0``        parse the bundled graph into memory instead of the cache
``B12KG_DEBUG``             ``0``        print tracebacks
=========================== ============ ==========================================================

>>> import os
>>> os.environ["B12KG_QUERY_TIMEOUT"] = "2.5"
>>> query_timeout()
2.5
>>> os.environ["B12KG_QUERY_TIMEOUT"] = "soon"
>>> query_timeout()
Traceback (most recent call last):
b12kg.core.errors.ConfigError: B12KG_QUERY_TIMEOUT='soon' is not a number of seconds; give a positive number such as 60
>>> del os.environ["B12KG_QUERY_TIMEOUT"]
>>> parse_size("256M"), parse_size("2G"), parse_size("1500")
(268435456, 2147483648, 1500)
"""

from __future__ import annotations

import os

from .errors import ConfigError, shorten

__all__ = [
    "ENDPOINT_METHODS",
    "allowed_service_hosts",
    "debug",
    "endpoint_timeout",
    "flag",
    "max_nesting",
    "max_response",
    "parse_seconds",
    "parse_size",
    "push_timeout",
    "query_timeout",
]

#: the SPARQL 1.1 Protocol forms a remote query can be sent in (see :mod:`b12kg.store.remote`)
ENDPOINT_METHODS = ("auto", "get", "post-form", "post-direct")

_TRUE = ("1", "yes", "true", "on")
_FALSE = ("0", "no", "false", "off")


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


def flag(name: str, default: bool) -> bool:
    """A yes/no environment variable (``1 yes true on`` / ``0 no false off``, any case; unset: ``default``)."""
    value = _env(name).lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}={shorten(os.environ[name], 40)!r} is not a yes/no value; "
                      f"use one of {', '.join(_TRUE + _FALSE)}")


def parse_seconds(value: str | float, what: str) -> float:
    """A positive number of seconds; ``what`` names the option or variable in the error."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{what}={shorten(str(value), 40)!r} is not a number of seconds; "
                          "give a positive number such as 60") from None
    if not seconds > 0 or seconds == float("inf"):
        raise ConfigError(f"{what}={value!r} must be a positive number of seconds (such as 60)")
    return seconds


def parse_size(value: str | int, what: str = "size") -> int:
    """Bytes from ``1500``, ``64K``, ``256M`` or ``2G`` (binary multiples; a trailing ``B`` is allowed)."""
    text = str(value).strip().upper().removesuffix("B")
    factor = 1
    if text[-1:] in ("K", "M", "G"):
        factor = 1024 ** ("KMG".index(text[-1]) + 1)
        text = text[:-1]
    try:
        size = int(float(text) * factor)
    except ValueError:
        raise ConfigError(f"{what}={shorten(str(value), 40)!r} is not a size; write e.g. 256M or 2G") from None
    if size <= 0:
        raise ConfigError(f"{what}={value!r} must be a positive size such as 256M")
    return size


def _seconds_env(name: str, default: float) -> float:
    value = _env(name)
    return parse_seconds(value, name) if value else default


def query_timeout() -> float:
    """Seconds a query may run (``B12KG_QUERY_TIMEOUT``, default 60)."""
    return _seconds_env("B12KG_QUERY_TIMEOUT", 60.0)


def endpoint_timeout() -> float:
    """Seconds one whole request to a SPARQL endpoint may take (``B12KG_ENDPOINT_TIMEOUT``, default 60)."""
    return _seconds_env("B12KG_ENDPOINT_TIMEOUT", 60.0)


def push_timeout() -> float:
    """Seconds one whole upload to a graph store may take (``B12KG_PUSH_TIMEOUT``, default 600)."""
    return _seconds_env("B12KG_PUSH_TIMEOUT", 600.0)


def max_response() -> int:
    """The largest endpoint response read, in bytes (``B12KG_MAX_RESPONSE``, default 128M)."""
    value = _env("B12KG_MAX_RESPONSE")
    return parse_size(value, "B12KG_MAX_RESPONSE") if value else 128 * 1024 * 1024


def max_nesting() -> int:
    """The deepest nesting of brackets allowed in a query (``B12KG_MAX_NESTING``, default 50)."""
    value = _env("B12KG_MAX_NESTING")
    if not value:
        return 50
    if not value.isdigit() or not 1 <= int(value) <= 1000:
        raise ConfigError(f"B12KG_MAX_NESTING={shorten(value, 40)!r} must be a whole number from 1 to 1000 "
                          "(deeper queries crash the SPARQL parsers)")
    return int(value)


def allowed_service_hosts() -> tuple[str, ...]:
    """Hosts that a query's ``SERVICE`` may call (``B12KG_ALLOW_SERVICE``, comma-separated; default none)."""
    return tuple(h.strip().lower() for h in _env("B12KG_ALLOW_SERVICE").split(",") if h.strip())


def debug() -> bool:
    """Whether to show tracebacks (``B12KG_DEBUG``)."""
    return flag("B12KG_DEBUG", False)
