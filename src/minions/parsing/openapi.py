"""OpenAPI 3 and Swagger 2 files (YAML or JSON) as endpoint units: one per operation.

A spec is a file whose top level has an `openapi` or `swagger` key and a `paths` mapping. Each
operation becomes an endpoint unit: name its `operationId` (else `VERB /path`), `http` as for code
endpoints (no handler: a spec names none), its code the operation's text in the file (YAML) or the
operation dumped as JSON, its span the lines of the path's entry.
"""

from __future__ import annotations

import json
import re

import yaml

from minions.records import CodeUnit, Rejection, SourceFile, stable_id

VERBS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_YAML_HEAD = re.compile(r"^[\"']?(?:openapi|swagger)[\"']?\s*:", re.MULTILINE)
_JSON_HEAD = re.compile(r"\"(?:openapi|swagger)\"\s*:")


def is_spec(f: SourceFile) -> bool:
    """A cheap test before parsing: a YAML file with a top-level `openapi:`/`swagger:` key, or a JSON
    file with such a key near its start."""
    if f.lang == "yaml":
        return bool(_YAML_HEAD.search(f.text[:4096]))
    return f.lang == "json" and bool(_JSON_HEAD.search(f.text[:4096]))


def _ref_name(schema, depth: int = 0) -> str:
    """`#/components/schemas/Pet` -> `Pet`; an array of refs -> `Pet[]`; an inline type -> its type.
    A YAML alias can make a schema its own item: past 10 levels of arrays it is `array`."""
    if not isinstance(schema, dict):
        return ""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        inner = _ref_name(schema.get("items"), depth + 1) if depth < 10 else ""
        return inner + "[]" if inner else "array"
    return str(schema.get("type", ""))


def _content_schema(part) -> str:
    """The schema name of a request body or response: OpenAPI 3 `content`, Swagger 2 `schema`."""
    if not isinstance(part, dict):
        return ""
    if "schema" in part:
        return _ref_name(part["schema"])
    content = part.get("content")
    if isinstance(content, dict):
        media = content.get("application/json") or next(iter(content.values()), None)
        return _ref_name(media.get("schema")) if isinstance(media, dict) else ""
    return ""


def _details(operation: dict, shared: list) -> dict:
    params, body = [], ""
    own = operation.get("parameters")
    for p in [*(shared if isinstance(shared, list) else []), *(own if isinstance(own, list) else [])]:
        if not isinstance(p, dict):
            continue
        if p.get("in") == "body":  # Swagger 2
            body = _ref_name(p.get("schema"))
        elif p.get("name"):
            kind = _ref_name(p.get("schema")) or str(p.get("type", ""))
            params.append({"name": str(p["name"]), "in": str(p.get("in", "")), "type": kind})
    body = _content_schema(operation.get("requestBody")) or body
    responses = operation.get("responses")
    responses = responses if isinstance(responses, dict) else {}
    ok = next((responses[c] for c in ("200", 200, "201", 201, "default") if c in responses), None)
    return {"handler": "", "params": params, "body": body, "response": _content_schema(ok)}


def _path_lines(text: str, paths: list[str]) -> dict[str, tuple[int, int]]:
    """For YAML, the (first, last) line of each path's entry; JSON gets the line of its key."""
    lines = text.split("\n")
    starts = {}
    for p in paths:
        key = re.compile(r"^(\s*)[\"']?" + re.escape(p) + r"[\"']?\s*:")
        starts[p] = next(((i, m.group(1)) for i, line in enumerate(lines) if (m := key.match(line))), None)
    out = {}
    for p, found in starts.items():
        if found is None:
            continue
        i, indent = found
        end = i
        for j in range(i + 1, len(lines)):
            stripped = lines[j].strip()
            if stripped and (len(lines[j]) - len(lines[j].lstrip())) <= len(indent):
                break
            if stripped:
                end = j
        out[p] = (i + 1, end + 1)
    return out


def openapi_units(f: SourceFile, module: str) -> tuple[list[CodeUnit], Rejection | None]:
    """The endpoint units of one spec file, or a rejection naming why it could not be read."""
    try:
        spec = json.loads(f.text) if f.lang == "json" else yaml.safe_load(f.text)
    except (ValueError, yaml.YAMLError) as e:
        reason = f"syntax error in OpenAPI file: {type(e).__name__}"
        return [], Rejection(id=f.id, task=None, stage="parse", reason=reason)
    if not isinstance(spec, dict) or not isinstance(spec.get("paths"), dict):
        return [], None
    base = ""
    if "swagger" in spec:
        base = str(spec.get("basePath") or "").rstrip("/")
    paths = {str(p): v for p, v in spec["paths"].items() if isinstance(v, dict)}
    spans = _path_lines(f.text, list(paths))
    info = spec.get("info") if isinstance(spec.get("info"), dict) else {}
    units = []
    for path, item in paths.items():
        shared = item.get("parameters") or []
        first, last = spans.get(path, (1, 1))
        for verb in VERBS:
            operation = item.get(verb)
            if not isinstance(operation, dict):
                continue
            full = base + path if path.startswith("/") else base + "/" + path
            name = str(operation.get("operationId") or f"{verb.upper()} {full}")
            code = (
                "\n".join(f.text.split("\n")[first - 1 : last])
                if f.lang != "json"
                else json.dumps({path: {verb: operation}}, indent=2)
            )
            http = {"method": verb.upper(), "path": full, "returns": "body", **_details(operation, shared)}
            units.append(
                CodeUnit(
                    id=stable_id(f.id, f"openapi#{verb.upper()} {path}"),  # the key as written: `/a` and `a` differ
                    kind="endpoint",
                    lang=f.lang or "",
                    path=f.path,
                    span=(first, last),
                    file_id=f.id,
                    source=f.provenance(),
                    module=module,
                    name=name,
                    class_name=str(info.get("title") or "") or None,
                    scope="file",
                    doc=str(operation.get("summary") or operation.get("description") or ""),
                    code=code,
                    http=http,
                )
            )
    return units, None
