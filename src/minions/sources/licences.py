"""The licence of a repository, as an SPDX expression, and whether `sources.allowed_licences` lets it in.

Evidence, strongest first:

- licence files at the repository root (`LICENSE`, `LICENCE.md`, `COPYING`, `LICENSE-MIT`, `UNLICENSE`,
  ...), matched by the distinctive phrases of each licence on normalised text (lower case, words
  only), so reflowed, commented or British-spelt copies match and a file that merely names a licence
  does not. A file with a licence's title and phrases matches that licence; when a file holds
  several, the first one in it is the project's (later ones are bundled components).
- package manifests: `package.json` (`license`, the old `licenses` list), `pom.xml`
  (`<licenses><license>`: several are a choice, as Maven reads them), `pyproject.toml`
  (`project.license` as an SPDX expression, `{text = ...}` or `{file = ...}`, Poetry's
  `tool.poetry.license`, then trove classifiers), `setup.cfg` (`[metadata] license`, classifiers) and
  `Cargo.toml`. SPDX expressions are normalised with `license-expression`; free-text names
  (`The Apache Software License, Version 2.0`) and licence URLs go through a table of their own.

Licence text found at the root wins; a manifest expression naming the same licences (`MIT OR
Apache-2.0` beside `LICENSE-MIT` and `LICENSE-APACHE`) supplies how they combine, otherwise several
licence files combine with AND (the cautious reading). A licence file or name nothing here
recognises gives `LicenseRef-unknown`. No evidence at all, or npm's `UNLICENSED`, means the
company's own code.

scancode-toolkit's licence detection was considered: it matches whole texts against some 2,500
licences but is a heavy install (hundreds of MB with its index) for the dozen licences that matter
here.
"""

from __future__ import annotations

import configparser
import json
import re
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from license_expression import LicenseSymbol, LicenseWithExceptionSymbol, Licensing, get_spdx_licensing

from minions.errors import UserError

UNKNOWN = "LicenseRef-unknown"
LEAD_IN = 3000  # normalised characters before a file's own licence begins, at most
CONFIG_KEY = "sources.allowed_licences"

# A root file is a licence file when its name (without a text suffix) is LICENSE, LICENCE, COPYING or
# UNLICENSE, alone or with a qualifier: LICENSE-MIT, MIT-LICENSE, LICENSE.APACHE2, COPYING.LESSER
_LICENCE_FILE = re.compile(
    r"^(?:[a-z0-9.-]+[-_.])?(?:un)?licen[cs]es?(?:[-_.][a-z0-9.-]+)?$|^copying(?:[-_.][a-z0-9.-]+)?$", re.I
)
_TEXT_SUFFIXES = ("", ".txt", ".md", ".rst", ".markdown", ".text")
# ...but not the licences of bundled components, nor code that happens to be named license.py
_NOT_LICENCE_FILE = re.compile(
    r"third|3rd|party|bundled|dependenc|notice|\.(?:py|js|ts|java|go|json|xml|ya?ml|toml|html?)$"
)

# (SPDX id, phrases that must all occur, phrases that must not), on normalised text: lower case words
# separated by single spaces. More specific licences come before those whose phrases they contain.
_W = r"(?:\S+ ){0,3}"  # a few words of anything: a project name, "the", a version
TEXT_RULES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("AGPL-3.0-only", ("gnu affero general public license version 3 19 november 2007",), ()),
    ("LGPL-3.0-only", ("gnu lesser general public license version 3 29 june 2007",), ()),
    ("LGPL-2.1-only", ("gnu lesser general public license version 2 1 february 1999",), ()),
    ("LGPL-2.0-only", ("gnu library general public license version 2 june 1991",), ()),
    ("GPL-3.0-only", ("gnu general public license version 3 29 june 2007",), ()),
    ("GPL-2.0-only", ("gnu general public license version 2 june 1991",), ()),
    ("GPL-1.0-only", ("gnu general public license version 1 february 1989",), ()),
    ("Apache-2.0", (r"apache license (?:version 2 0 january 2004|version 2 0|v2 0|2 0)",), ()),
    ("MPL-2.0", (r"mozilla public license (?:version|v) 2 0",), ()),
    ("MPL-1.1", (r"mozilla public license (?:version|v) 1 1",), ()),
    ("EPL-2.0", (r"eclipse public license (?:v|version) 2 0",), ()),
    ("EPL-1.0", (r"eclipse public license (?:v|version) 1 0",), ()),
    ("CC0-1.0", (r"cc0 1 0 universal|creativecommons org publicdomain zero 1 0",), ()),
    ("Unlicense", ("this is free and unencumbered software released into the public domain",), ()),
    ("BSL-1.0", ("boost software license version 1 0",), ()),
    (
        "Python-2.0",
        ("python software foundation license version 2", "beopen python open source license agreement"),
        (),
    ),
    ("PSF-2.0", ("python software foundation license version 2",), ()),
    (
        "BSD-4-Clause",
        (
            "redistribution and use in source and binary forms with or without modification are permitted",
            "all advertising materials mentioning features or use of this software must display",
        ),
        (),
    ),
    (
        "BSD-3-Clause",
        (
            "redistribution and use in source and binary forms with or without modification are permitted",
            "redistributions of source code must retain the above copyright notice",
            r"(?:endorse|promote) (?:or promote )?products derived from this software",
        ),
        (),
    ),
    (
        "BSD-2-Clause",
        (
            "redistribution and use in source and binary forms with or without modification are permitted",
            "redistributions of source code must retain the above copyright notice",
            "redistributions in binary form must reproduce the above copyright notice",
        ),
        (),
    ),
    (
        "MIT",
        (
            "permission is hereby granted free of charge to any person obtaining a copy",
            f"the above copyright notice and this permission notice {_W}shall be included in all copies",
        ),
        (),
    ),
    ("MIT-0", ("permission is hereby granted free of charge to any person obtaining a copy",), ()),
    (
        "MIT-CMU",
        (
            "by obtaining using and or copying this software and or its associated documentation you agree",
            "permission to use copy modify and distribute this software and its documentation for any purpose",
        ),
        (),
    ),
    (
        "HPND",
        (
            "permission to use copy modify and distribute this software and its documentation for any purpose "
            "and without fee is hereby granted",
        ),
        (),
    ),
    (
        "ISC",
        (
            r"permission to use copy modify and (?:or )?distribute this software for any purpose with or without "
            "fee is hereby granted provided that the above copyright notice and this permission notice appear",
        ),
        (),
    ),
    (
        "0BSD",
        (
            r"permission to use copy modify and (?:or )?distribute this software for any purpose with or without "
            "fee is hereby granted",
        ),
        ("provided that the above copyright notice",),
    ),
    (
        "Zlib",
        (
            "the origin of this software must not be misrepresented",
            "altered source versions must be plainly marked as such",
        ),
        (),
    ),
)

# free-text licence names (manifests, classifiers) -> SPDX id, on normalised names; first match wins
NAME_RULES: tuple[tuple[str, str], ...] = (
    (r"\b(?:gnu )?affero\b|\bagpl", "AGPL"),
    (r"\blesser\b|\blibrary general\b|\blgpl", "LGPL"),
    (r"\bgeneral public license\b|\bgpl", "GPL"),
    (r"\bapache\b|^asl 2 0$", "Apache-2.0"),
    (r"\bmozilla public license (?:version |v )?2 0\b|\bmpl 2 0\b", "MPL-2.0"),
    (r"\beclipse public license (?:version |v )?2 0\b|\bepl 2 0\b", "EPL-2.0"),
    (r"\beclipse public license (?:version |v )?1 0\b|\bepl 1 0\b", "EPL-1.0"),
    (r"\bmit no attribution\b", "MIT-0"),
    (r"\bmit\b|\bexpat\b", "MIT"),
    (r"\bbsd 3 clause\b|\b3 clause bsd\b|\b(?:new|revised|modified) bsd\b", "BSD-3-Clause"),
    (r"\bbsd 2 clause\b|\b2 clause bsd\b|\bsimplified bsd\b|\bfreebsd\b", "BSD-2-Clause"),
    (r"\bzero clause bsd\b|\b0bsd\b", "0BSD"),
    (r"\bisc\b", "ISC"),
    (r"\bthe unlicense\b|^unlicense$", "Unlicense"),
    (r"\bcc0\b", "CC0-1.0"),
    (r"\bboost software license\b|\bbsl 1 0\b", "BSL-1.0"),
    (r"\bpython software foundation\b|^psf(?: license| 2 0)?$", "PSF-2.0"),
    (r"\bzlib\b", "Zlib"),
)
# licence URLs (pom.xml `<url>`) -> SPDX id
URL_RULES: tuple[tuple[str, str], ...] = (
    (r"apache\.org/licenses/license-2\.0|opensource\.org/licenses/apache-2\.0", "Apache-2.0"),
    (r"opensource\.org/licenses/mit\b|mit-license\.org", "MIT"),
    (r"opensource\.org/licenses/bsd-3-clause", "BSD-3-Clause"),
    (r"opensource\.org/licenses/bsd-2-clause", "BSD-2-Clause"),
    (r"eclipse\.org/legal/epl-(?:v20|2\.0)|opensource\.org/licenses/epl-2\.0", "EPL-2.0"),
    (r"eclipse\.org/legal/epl-(?:v10|1\.0)", "EPL-1.0"),
    (r"mozilla\.org/mpl/2\.0", "MPL-2.0"),
    (r"gnu\.org/licenses/(?:old-licenses/)?lgpl-2\.1", "LGPL-2.1-only"),
    (r"gnu\.org/licenses/lgpl(?:-3\.0)?\b", "LGPL-3.0-only"),
    (r"gnu\.org/licenses/agpl", "AGPL-3.0-only"),
    (r"gnu\.org/licenses/old-licenses/gpl-2\.0", "GPL-2.0-only"),
    (r"gnu\.org/licenses/gpl(?:-3\.0)?\b", "GPL-3.0-only"),
    (r"creativecommons\.org/publicdomain/zero/1\.0", "CC0-1.0"),
    (r"unlicense\.org", "Unlicense"),
)


@dataclass(frozen=True)
class Finding:
    """One piece of evidence: what a file says (`spdx` None for a private marker such as UNLICENSED)."""

    spdx: str | None
    evidence: str  # the file, with the field when it is a manifest: `package.json license`
    method: str  # `licence text`, `manifest`, `classifier`, `private marker`


@dataclass(frozen=True)
class LicenceInfo:
    """A repository's licence: an SPDX expression (None: none found), where it was read and how surely."""

    spdx: str | None
    evidence: str | None
    method: str  # `licence text`, `licence text and manifest`, `manifest`, `classifier`, `none`
    confidence: str  # `high` (licence text), `medium` (an SPDX manifest field), `low` (a name, a classifier)
    findings: tuple[Finding, ...] = field(default=())


def detect_licence(files: Mapping[str, bytes | str]) -> LicenceInfo:
    """The licence of a repository from its files (posix paths relative to its root; only root licence
    files and manifests are read, and a file `pyproject.toml` names with `license = {file = ...}`)."""
    texts = [f for name in sorted(files) if _is_licence_file(name) if (f := _text_finding(name, files[name]))]
    manifests = _manifest_findings(files)
    findings = (*texts, *manifests)
    known_texts = [f.spdx for f in texts if f.spdx != UNKNOWN]
    if "LGPL-3.0-only" in known_texts:  # LGPL-3.0 builds on GPL-3.0: projects ship both texts
        known_texts = [s for s in known_texts if s != "GPL-3.0-only"]
    known_texts = sorted(set(known_texts))
    declared = [f for f in manifests if f.spdx not in (None, UNKNOWN)]
    if known_texts:
        evidence = ", ".join(f.evidence for f in texts if f.spdx in known_texts)
        for f in declared:
            if f.method == "manifest" and _families(f.spdx) >= _families(" AND ".join(known_texts)):
                return LicenceInfo(f.spdx, f"{evidence}, {f.evidence}", "licence text and manifest", "high", findings)
        return LicenceInfo(" AND ".join(known_texts), evidence, "licence text", "high", findings)
    if declared:
        best = declared[0]
        confidence = "medium" if best.method == "manifest" else "low"
        return LicenceInfo(best.spdx, best.evidence, best.method, confidence, findings)
    if unknown := next((f for f in findings if f.spdx == UNKNOWN), None):
        return LicenceInfo(UNKNOWN, unknown.evidence, unknown.method, "low", findings)
    if private := next((f for f in findings if f.method == "private marker"), None):
        return LicenceInfo(None, private.evidence, "private marker", "high", findings)
    return LicenceInfo(None, None, "none", "high", findings)


def text_licence(text: str) -> str | None:
    """The SPDX id of the licence a licence file states, or None.

    The first licence whose phrases the text holds, if it begins within the first 3,000 characters
    (after copyright lines, a project's history): one that begins later is a bundled component's,
    under a licence of the project's own this table does not know. A file of a few words is read as
    a licence name (`Apache 2.0`).
    """
    norm = normalise(text)
    best: tuple[int, str] | None = None
    for spdx, required, forbidden in TEXT_RULES:
        if any(re.search(p, norm) for p in forbidden):
            continue
        starts = [m.start() for p in required if (m := re.search(p, norm))]
        if len(starts) == len(required) and (best is None or min(starts) < best[0]):
            best = (min(starts), spdx)
    if best and best[0] < LEAD_IN:
        return best[1]
    return _name_licence(text) if len(norm) < 100 else None


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces, `licence` spelt `license`: what the phrase tables match."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("licenc", "licens"))
    return " ".join(words)


def spdx_expression(value: str) -> str:
    """A manifest's licence value as a normalised SPDX expression: an expression (`mit or Apache-2.0`),
    a name (`The Apache Software License, Version 2.0`) or a URL; `LicenseRef-unknown` when none fits."""
    return _parse_known(value.strip()) or _name_licence(value.strip()) or UNKNOWN


def decide(info: LicenceInfo, allowed: list[str] | None) -> tuple[bool, str]:
    """Whether a repository with this licence is kept, and why.

    No licence found: kept (the company's own code). `allowed` None: every licence is kept. Otherwise
    an expression is kept when the allowed ids satisfy it: one alternative of an OR, every part of an
    AND; `-only` and `-or-later` variants count as one licence, and an exception (`WITH
    Classpath-exception-2.0`) only adds permissions, so the licence alone decides.
    """
    if info.spdx is None:
        marker = f" ({info.evidence} marks it private)" if info.evidence else ""
        return True, f"no licence file: the company's own code{marker}"
    where = f"{info.spdx} (from {info.evidence})"
    if allowed is None:
        return True, f"licence {where}; kept, as {CONFIG_KEY} is not set"
    allowed_keys = {_family(a) for a in allowed_licences(allowed)}
    try:
        missing = _missing(_licensing().parse(info.spdx, validate=False), allowed_keys)
    except Exception:  # an expression license-expression cannot read: only allowed as written
        missing = [] if _family(info.spdx) in allowed_keys else [info.spdx]
    if not missing:
        return True, f"licence {where} is allowed"
    ids = " and ".join(dict.fromkeys(missing))
    return False, f"licence {where} is not in {CONFIG_KEY}; add {ids} there to keep this repository"


def allowed_licences(entries: list[str]) -> list[str]:
    """The entries of `sources.allowed_licences` as SPDX ids (`mit` -> `MIT`, `GPL-2.0` -> `GPL-2.0-only`).

    An entry must be one SPDX id (any case; `-only`/`-or-later` optional; `X WITH exception` allowed)
    or a `LicenseRef-`: a name (`Apache 2`), an expression or a bare family (`GPL`, which SPDX reads
    as GPL-1.0-or-later) raises UserError.
    """
    out = []
    for entry in entries:
        entry = str(entry).strip()
        spdx = _parse_known(entry)
        if spdx is None or re.search(r" (?:AND|OR) ", spdx) or _family(spdx) != _family(entry):
            raise UserError(
                f"{CONFIG_KEY}: {entry!r} is not an SPDX licence id; write ids such as MIT, Apache-2.0, "
                f"BSD-3-Clause or GPL-3.0-only (https://spdx.org/licenses/), one per entry, or {UNKNOWN} to "
                "keep licences minions cannot read"
            )
        out.append(spdx)
    return out


@cache
def _licensing() -> Licensing:
    return get_spdx_licensing()


def _parse_known(value: str) -> str | None:
    """`value` as a normalised SPDX expression when every licence in it is a known id or a LicenseRef."""
    licensing = _licensing()
    try:
        parsed = licensing.parse(value, validate=False)
        keys = licensing.license_keys(parsed) if parsed is not None else []
        if keys and all(k in licensing.known_symbols or k.startswith("LicenseRef-") for k in keys):
            return parsed.render("{symbol.key}")
    except Exception:  # license-expression raises several types (AttributeError too) on bad input
        pass
    return None


def _is_licence_file(path: str) -> bool:
    if "/" in path:
        return False
    name = path.lower()
    stem = next((name[: -len(s)] for s in _TEXT_SUFFIXES[1:] if name.endswith(s)), name)
    return bool(_LICENCE_FILE.match(stem)) and not _NOT_LICENCE_FILE.search(name)


def _decode(data: bytes | str | None) -> str:
    if data is None:  # a file the walk could not read
        return ""
    return data if isinstance(data, str) else data.decode("utf-8", errors="replace")


def _text_finding(path: str, data: bytes | str) -> Finding | None:
    text = _decode(data)
    if not text.strip():
        return None
    return Finding(text_licence(text) or UNKNOWN, path, "licence text")


def _name_licence(value: str) -> str | None:
    """The SPDX id of a free-text licence name or URL, or None."""
    lowered = value.lower()
    for pattern, spdx in URL_RULES:
        if re.search(pattern, lowered):
            return spdx
    if re.match(r"^\w+://", lowered):
        return None
    name = normalise(value)
    for pattern, spdx in NAME_RULES:
        if re.search(pattern, name):
            return _gnu(name, spdx, later="+" in value) if spdx in ("GPL", "LGPL", "AGPL") else spdx
    return None


def _gnu(name: str, family: str, later: bool) -> str | None:
    """`GNU General Public License v3 or later (GPLv3+)` -> GPL-3.0-or-later; None without a version."""
    match = re.search(r"(?:\bv|\bversion |gpl ?v?|license )(2 1|2 0|3 0|2|3)\b", name.replace("gplv", "gpl v"))
    if not match:
        return None
    version = {"2": "2.0", "3": "3.0", "2 0": "2.0", "3 0": "3.0", "2 1": "2.1"}[match.group(1)]
    if family == "AGPL":
        version = "3.0"
    later = later or bool(re.search(r"\bor (?:any )?later\b|\blater version\b", name))
    return f"{family}-{version}-{'or-later' if later else 'only'}"


def _manifest_findings(files: Mapping[str, bytes | str]) -> list[Finding]:
    """What the root manifests declare, in a fixed order; a manifest that does not parse says nothing."""
    out: list[Finding] = []
    readers = (
        ("package.json", _package_json),
        ("pom.xml", _pom_xml),
        ("pyproject.toml", _pyproject),
        ("setup.cfg", _setup_cfg),
        ("Cargo.toml", _cargo_toml),
    )
    for name, reader in readers:
        if name in files:
            try:
                out += reader(_decode(files[name]), files)
            except (ValueError, TypeError, AttributeError, KeyError, RecursionError, ET.ParseError, configparser.Error):
                continue
    return out


def _package_json(text: str, files: Mapping[str, bytes | str]) -> list[Finding]:
    data = json.loads(text)
    value = data.get("license")
    if isinstance(value, dict):  # the old {"type": "MIT", "url": ...}
        value = value.get("type")
    if value is None and isinstance(data.get("licenses"), list):
        types = [x.get("type") if isinstance(x, dict) else x for x in data["licenses"]]
        value = " OR ".join(f"({spdx_expression(t)})" for t in types if isinstance(t, str)) or None
    if not isinstance(value, str) or not value.strip():
        return []
    if value.strip().upper() == "UNLICENSED":
        return [Finding(None, "package.json license UNLICENSED", "private marker")]
    if see := re.match(r"(?i)see license in (.+)", value.strip()):
        named = see.group(1).strip()
        return [_file_finding(named, files, "package.json")] if named in files else []
    return [Finding(_normal(spdx_expression(value)), "package.json license", "manifest")]


def _pom_xml(text: str, files: Mapping[str, bytes | str]) -> list[Finding]:
    root = ET.fromstring(text)
    licences = next((child for child in root if _local(child.tag) == "licenses"), None)
    if licences is None:
        return []
    ids = []
    for licence in licences:
        name = next((c.text or "" for c in licence if _local(c.tag) == "name"), "")
        url = next((c.text or "" for c in licence if _local(c.tag) == "url"), "")
        spdx = spdx_expression(name) if name.strip() else UNKNOWN
        if spdx == UNKNOWN and url.strip():
            spdx = _name_licence(url.strip()) or UNKNOWN
        ids.append(spdx)
    if not ids:
        return []
    # Maven: "if multiple licenses are listed, it is assumed that the user can select any of them"
    return [Finding(_normal(" OR ".join(f"({i})" for i in ids)), "pom.xml licenses", "manifest")]


def _pyproject(text: str, files: Mapping[str, bytes | str]) -> list[Finding]:
    data = tomllib.loads(text)
    project = data.get("project", {})
    out = []
    value = project.get("license")
    if isinstance(value, str):
        out.append(Finding(spdx_expression(value), "pyproject.toml project.license", "manifest"))
    elif isinstance(value, dict) and isinstance(value.get("file"), str) and value["file"] in files:
        out.append(_file_finding(value["file"], files, "pyproject.toml"))
    elif isinstance(value, dict) and isinstance(value.get("text"), str) and value["text"].strip():
        out.append(_free_text(value["text"], "pyproject.toml project.license.text"))
    poetry = data.get("tool", {}).get("poetry", {}).get("license")
    if isinstance(poetry, str):
        out.append(Finding(spdx_expression(poetry), "pyproject.toml tool.poetry.license", "manifest"))
    out += _classifiers(project.get("classifiers", []), "pyproject.toml")
    return out


def _setup_cfg(text: str, files: Mapping[str, bytes | str]) -> list[Finding]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    if not parser.has_section("metadata"):
        return []
    meta = parser["metadata"]
    out = []
    if (value := meta.get("license", "").strip()) and not value.startswith("file:"):
        out.append(_free_text(value, "setup.cfg license"))
    classifiers = [c.strip() for c in meta.get("classifiers", "").splitlines() if c.strip()]
    return out + _classifiers(classifiers, "setup.cfg")


def _cargo_toml(text: str, files: Mapping[str, bytes | str]) -> list[Finding]:
    value = tomllib.loads(text).get("package", {}).get("license")
    return [Finding(spdx_expression(value), "Cargo.toml license", "manifest")] if isinstance(value, str) else []


def _classifiers(classifiers: object, where: str) -> list[Finding]:
    if not isinstance(classifiers, list):
        return []
    ids = [
        spdx
        for c in classifiers
        if isinstance(c, str) and c.startswith("License ::")
        if (spdx := _name_licence(c.rsplit("::", 1)[-1]))
    ]
    if not ids:
        return []
    # several licence classifiers on one package are a choice, as with Maven's list
    return [Finding(_normal(" OR ".join(dict.fromkeys(ids))), f"{where} classifiers", "classifier")]


def _free_text(value: str, where: str) -> Finding:
    """A free-text licence field: an expression, a name, or a whole licence text."""
    spdx = spdx_expression(value) if len(value) < 200 else UNKNOWN
    if spdx == UNKNOWN:
        spdx = text_licence(value) or UNKNOWN
    return Finding(spdx, where, "manifest")


def _file_finding(path: str, files: Mapping[str, bytes | str], where: str) -> Finding:
    found = text_licence(_decode(files[path])) or UNKNOWN
    return Finding(found, f"{path} (named by {where})", "licence text")


def _normal(expression: str) -> str:
    """An expression rebuilt by license-expression (redundant brackets gone, duplicates kept)."""
    try:
        return _licensing().parse(expression, validate=False).render("{symbol.key}")
    except Exception:  # see spdx_expression
        return expression


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _family(spdx: str) -> str:
    """`GPL-2.0-or-later` -> `gpl-2.0`; `GPL-2.0-only WITH Classpath-exception-2.0` -> `gpl-2.0 with classpath-...`."""
    base, _, exception = re.sub(r"(?i) with ", " WITH ", spdx, count=1).partition(" WITH ")
    base = re.sub(r"-(?:only|or-later)$|\+$", "", base).lower()
    return f"{base} with {exception.lower()}" if exception else base


def _families(expression: str) -> set[str]:
    try:
        return {_family(k) for k in _licensing().license_keys(_licensing().parse(expression, validate=False))}
    except Exception:  # see spdx_expression
        return set()


def _missing(node: object, allowed: set[str]) -> list[str]:
    """The licence ids that would have to be allowed for `node` to be kept ([] when it is kept)."""
    if isinstance(node, LicenseWithExceptionSymbol):
        if f"{_family(node.license_symbol.key)} with {node.exception_symbol.key.lower()}" in allowed:
            return []
        return _missing(node.license_symbol, allowed)
    if isinstance(node, LicenseSymbol):
        return [] if _family(node.key) in allowed else [node.key]
    licensing = _licensing()
    parts = [_missing(arg, allowed) for arg in node.args]
    if isinstance(node, licensing.OR):
        return min(parts, key=len)
    return [key for part in parts for key in part]
