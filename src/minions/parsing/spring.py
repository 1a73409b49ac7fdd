"""Spring MVC and JAX-RS endpoints, shared by Java and Kotlin: each language reads its own annotations
into (verbs, paths) and its handler's parameters, and this module makes one endpoint unit per (base,
path, verb)."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from minions.parsing.languages import HTTP_MAPPINGS, FileContext, join_http_path, make_unit
from minions.records import CodeUnit

MAPPINGS = {*HTTP_MAPPINGS, "RequestMapping"}
JAXRS_VERBS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}
# parameter annotation -> where the value comes from (Spring MVC and JAX-RS)
PARAM_SOURCES = {
    "PathVariable": "path",
    "RequestParam": "query",
    "RequestHeader": "header",
    "CookieValue": "cookie",
    "PathParam": "path",
    "QueryParam": "query",
    "HeaderParam": "header",
    "CookieParam": "cookie",
}
ENTITY_TYPES = ("ResponseEntity", "HttpEntity")


@dataclass(frozen=True)
class Mapping:
    """One mapping annotation of a handler method: its node (the endpoint's span) and what it maps."""

    node: Node
    verbs: list[str]
    paths: list[str]


def verbs_of(annotation: str, methods: list[str] | None) -> list[str]:
    """`@GetMapping` is GET; `@RequestMapping(method = ...)` each verb listed (`RequestMethod.POST` ->
    POST); a `@RequestMapping` without `method` maps every verb: `ANY`."""
    if annotation in HTTP_MAPPINGS:
        return [HTTP_MAPPINGS[annotation]]
    return [m.rsplit(".", 1)[-1].upper() for m in methods] if methods else ["ANY"]


def returns_of(view_controller: bool, method_annotations: set[str], return_type: str) -> str:
    """`view` for a method of a `@Controller` (no `@ResponseBody`) that does not return an entity."""
    entity = return_type.split("<")[0].strip().rsplit(".", 1)[-1] in ENTITY_TYPES
    return "view" if view_controller and "ResponseBody" not in method_annotations and not entity else "body"


def endpoint_units(
    method: Node,
    mappings: list[Mapping],
    bases: list[str],
    returns: str,
    ctx: FileContext,
    details: dict | None = None,
    **common,
) -> list[CodeUnit]:
    """One endpoint unit per (base, path, verb); the first keeps the plain id of its annotation's span,
    the others are told apart by verb and path. `details` (handler, params, body, response) go into
    each endpoint's `http`."""
    units: list[CodeUnit] = []
    for mapping in mappings:
        for base in bases or [""]:
            for path in mapping.paths or [""]:
                for verb in mapping.verbs:
                    http = {"method": verb, "path": join_http_path(base, path), "returns": returns, **(details or {})}
                    key = f"{verb} {http['path']}" if units else ""
                    units.append(
                        make_unit(method, ctx, span_node=mapping.node, id_key=key, kind="endpoint", http=http, **common)
                    )
    return units
