"""REST rules for an HTTP endpoint: `check(method, path)` returns the rules it breaks.

| rule id | message |
|---|---|
| `verb-in-path` | path segments name resources (nouns), not actions: the HTTP method is the verb |
| `get-changes-state` | a state-changing verb is reachable by GET |
| `plural-collection` | a collection segment followed by a path parameter should be plural |
| `kebab-case` | path segments should be lowercase kebab-case |
| `one-method` | map the endpoint to one HTTP method, not every method |

How a path is read:

- Segments are split on `/`. Path parameters (`{id}`, `{name:.+}`, `:id`, `<int:id>`, `*`, `**`)
  are skipped by every rule; a last segment's file extension (`vets.html`, `index.json`) is
  dropped before checking. A segment's words come from its camelCase, snake_case and kebab-case
  parts (`orderItems` -> order, items).
- Version and API prefixes (`api`, `rest`, `v1`, `v2.1`) are not resources and are skipped.
- Well-known segments pass every rule: `search`, `login`, `logout`, `signin`/`sign-in`,
  `signup`/`sign-up`, `signout`/`sign-out`, `register`, `me`, `self`, `health`, `healthz`,
  `readyz`, `livez`, `ping`, `info`, `metrics`, `status`, `callback`, `webhook(s)`, `oauth`,
  `oauth2`, `token`, `refresh-token`, `revoke`, `introspect`, `authorize`, `auth`, `graphql`, `index`,
  `error`, `swagger-ui`, `api-docs`; everything from an `actuator` segment (Spring Boot's) or a
  dot segment (`/.well-known/...`) on is skipped.
- `verb-in-path`: a segment fails when its first word is a CRUD or generic verb (`CRUD_VERBS`:
  get, create, add, update, edit, delete, remove, do, save, list, find, query, fetch, set, make, ...:
  what the HTTP method already says), or when it is several words led by an action verb
  (`ACTION_VERBS`: cancel, confirm, import, upload, search, login, ...), as in `/cancelOrder`, or
  by a bare action verb before more path (`/upload/file`). A bare action verb as the last segment,
  after its resource (`POST /orders/{id}/cancel`), is the accepted "controller resource" pattern
  and passes (not by GET: see below). A kebab-case compound whose last word is plural names a
  collection, not an action (`process-definitions`, `export-jobs`, `change-requests`) and passes.
  Words that are nouns as often as verbs (view, show, read, order,
  post, sort, new as in `newProducts`) are in no list. The HTML-form pages `GET .../new` and
  `GET .../{id}/edit` (the Rails convention) pass; a bare `new` or `edit` under any other method
  (`POST /owners/new`) fails.
- `get-changes-state`: GET, HEAD or an unspecified method (`ANY`, which includes GET) with a
  segment led by a state-changing verb (`STATE_VERBS`: create, update, delete, remove, ...), or a
  GET/HEAD whose last segment is a state-changing action (`STATE_ACTIONS`: `GET
  /orders/{id}/cancel`, `/alipay/pay`).
- `plural-collection`: a static segment directly followed by a path parameter is a collection and
  its last word should be plural (`/users/{id}`, `/order-items/{id}`; `/user/{id}` fails). A word
  counts as plural when it is uncountable or already plural (`UNCOUNTABLE`, `IRREGULAR_PLURALS`:
  data, info, news, series, people, children, ...), or ends in `s` but not in `ss`, `us` or `is`
  (`address`, `status`, `analysis` are singular). An honest heuristic, English only: it cannot tell
  pinyin or other languages' words, and a singular word ending in `s` that is not listed passes.
  Verb segments are left to `verb-in-path`.
- `kebab-case`: a static segment must match `[a-z0-9]+(-[a-z0-9]+)*` (`/orderItems`,
  `/order_items` and `/Orders` fail).
- `one-method`: the method `ANY` (minions' word for a mapping without a method, such as a bare
  `@RequestMapping`) fails.

Each violation is reported once per (rule, segment); the message is the rule's fixed message, and
the offending segment is kept apart in `Violation.segment`, so a caller can count rules without
repeating path text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RULES: dict[str, str] = {
    "verb-in-path": "path segments name resources (nouns), not actions: the HTTP method is the verb",
    "get-changes-state": "a state-changing verb is reachable by GET",
    "plural-collection": "a collection segment followed by a path parameter should be plural",
    "kebab-case": "path segments should be lowercase kebab-case",
    "one-method": "map the endpoint to one HTTP method, not every method",
}


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


STATE_VERBS = _set(
    "create add insert save update edit modify change set put patch delete del remove clear reset enable disable"
)
CRUD_VERBS = STATE_VERBS | _set("get fetch find query list select load do make handle process")
ACTION_VERBS = _set(
    "cancel confirm generate import export upload download send submit apply approve reject alloc "
    "allocate assign refresh sync calc calculate execute run pay verify validate transfer bind unbind "
    "lock unlock publish init trigger search login logout register check"
)
WELL_KNOWN = _set(
    "search login logout signin sign-in signup sign-up signout sign-out register me self health healthz "
    "readyz livez ping info metrics status callback webhook webhooks oauth oauth2 token auth graphql "
    "index error swagger-ui api-docs refresh-token revoke introspect authorize"
)
PREFIXES = re.compile(r"^(api|rest|v\d+([._]\d+)*)$", re.IGNORECASE)
UNCOUNTABLE = _set(
    "data metadata info information news series species equipment feedback software hardware firmware "
    "media money music content traffic health staff stock inventory history settings config "
    "configuration analytics statistics stats goods sheep fish deer aircraft advice evidence "
    "knowledge luggage baggage furniture"
)
IRREGULAR_PLURALS = _set(
    "people children men women feet teeth mice geese indices matrices vertices criteria phenomena "
    "alumni cacti fungi radii menus gurus apis emus tutus tofus"
)
# action verbs that change state: a GET on them (`GET /orders/{id}/cancel`) breaks get-changes-state
STATE_ACTIONS = _set(
    "cancel confirm generate import upload send submit apply approve reject allocate assign refresh sync "
    "execute run pay transfer bind unbind lock unlock publish init trigger register"
)
_KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]+$")


@dataclass(frozen=True)
class Violation:
    """A broken rule: its id, its one-line message, and the path segment that broke it ('' when the
    rule is about the whole endpoint)."""

    rule: str
    message: str
    segment: str = ""


def is_param(segment: str) -> bool:
    """`{id}`, `{name:.+}`, `:id`, `<int:id>`, `*`, `**`."""
    return segment[:1] in "{:<*" or ("{" in segment and "}" in segment)


def words(segment: str) -> list[str]:
    """`orderItems` -> [order, items]; `order_items`, `order-items` alike; lowercase."""
    return [w.lower() for w in _WORDS.findall(segment)]


def is_plural(word: str) -> bool:
    """The heuristic of the module docstring: listed uncountable or irregular plurals, or a final
    `s` that is not `ss`, `us` or `is`."""
    w = word.lower()
    if w in UNCOUNTABLE or w in IRREGULAR_PLURALS:
        return True
    return w.endswith("s") and not w.endswith(("ss", "us", "is"))


def _verb_led(segment: str, last: bool) -> str | None:
    """The verb a segment is led by, when it breaks `verb-in-path` (a bare action verb passes as the
    last segment)."""
    ws = words(segment)
    if not ws:
        return None
    if len(ws) > 1 and "-" in segment and is_plural(ws[-1]):
        return None  # a kebab-case compound naming a collection: `process-definitions`, `export-jobs`
    if ws[0] in CRUD_VERBS:
        return ws[0]
    if ws[0] in ACTION_VERBS and (len(ws) > 1 or not last):
        return ws[0]
    return None


def check(method: str, path: str) -> list[Violation]:
    """The REST rules an endpoint (HTTP method, path) breaks, in path order; [] when it passes."""
    method = method.upper()
    out: list[Violation] = []

    def add(rule: str, segment: str = "") -> None:
        v = Violation(rule, RULES[rule], segment)
        if v not in out:
            out.append(v)

    if method == "ANY":
        add("one-method")
    segments = [s for s in path.split("?", 1)[0].split("/") if s]
    if segments and not is_param(segments[-1]):
        segments[-1] = _EXTENSION.sub("", segments[-1]) or segments[-1]
    for i, seg in enumerate(segments):
        low = seg.lower()
        if low == "actuator" or seg.startswith("."):  # Spring's actuator, `/.well-known/...`
            break
        if is_param(seg) or PREFIXES.match(seg) or low in WELL_KNOWN:
            continue
        last = i == len(segments) - 1
        form_page = (
            last
            and method in ("GET", "HEAD")
            and (low == "new" or (low == "edit" and i > 0 and is_param(segments[i - 1])))
        )
        if form_page:
            continue
        verb = "new" if low == "new" else _verb_led(seg, last)  # a bare `new` off a GET form page: `POST /owners/new`
        if verb is None and last and method in ("GET", "HEAD") and words(seg) and words(seg)[0] in STATE_ACTIONS:
            add("get-changes-state", seg)  # `GET /orders/{id}/cancel`: an action by GET
        if verb is not None:
            add("verb-in-path", seg)
            if method in ("GET", "HEAD", "ANY") and verb in STATE_VERBS:
                add("get-changes-state", seg)
        elif i + 1 < len(segments) and is_param(segments[i + 1]):
            ws = words(seg)
            if ws and not is_plural(ws[-1]):
                add("plural-collection", seg)
        if not _KEBAB.match(seg):
            add("kebab-case", seg)
    return out
