"""Route paths for the languages that register endpoints in code (TypeScript, Go): one path style.

Endpoint paths are kept in one style whatever the framework wrote: a leading slash, no trailing
one, parameters as `{name}` (Express's and gin's `:id` and `*path`, Go 1.22's `{path...}`, chi's
`{id:[0-9]+}` all become `{id}` / `{path}`), so a test's request can be matched against any of them.
A route that takes every method (net/http without a method, Express `all`, gin `Any`) has the
verb `ANY`.
"""

from __future__ import annotations

import re

ANY = "ANY"
VERBS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")

_COLON_PARAM = re.compile(r"(?<=/):(\w+)(?:\([^)/]*\))?\??")  # :id, :id?, :id(\d+)
_STAR_PARAM = re.compile(r"(?<=/)\*(\w+)")  # gin's *filepath
_BRACE_PARAM = re.compile(r"\{(\w+)(?:\.\.\.|:[^{}]*(?:\{[^{}]*\}[^{}]*)*)?\}")  # {id...}, {id:[0-9]+}


def normalise_path(path: str) -> str:
    """`/orders/:id` -> `/orders/{id}`; a leading slash, no trailing one, `{$}` (Go's exact match) dropped."""
    path = path.replace("{$}", "")
    path = _COLON_PARAM.sub(r"{\1}", path)
    path = _STAR_PARAM.sub(r"{\1}", path)
    path = _BRACE_PARAM.sub(r"{\1}", path)
    return "/" + "/".join(p for p in path.split("/") if p)


def join_paths(*parts: str) -> str:
    """The parts joined with single slashes, normalised: ("/api", "orders/", ":id") -> /api/orders/{id}."""
    return normalise_path("/".join(parts))


_PATH_PARAM = re.compile(r"\{(\w+)\}")


def path_params(path: str) -> list[dict[str, str]]:
    """The parameters of a normalised path, as endpoint `params`: `/orders/{id}` -> [{id, path, ''}]
    (their types are not written in the path)."""
    return [{"name": n, "in": "path", "type": ""} for n in dict.fromkeys(_PATH_PARAM.findall(path))]
