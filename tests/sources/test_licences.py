"""Licence detection from licence files and manifests, SPDX normalisation, and the allow-list decision."""

import email
import json
import re
import sysconfig
from pathlib import Path

import pytest

from licence_texts import BSD_CONDITIONS, COPYRIGHT, MIT_CONDITION, MIT_GRANT, TEXTS
from minions.errors import UserError
from minions.sources.licences import (
    UNKNOWN,
    LicenceInfo,
    allowed_licences,
    decide,
    detect_licence,
    spdx_expression,
    text_licence,
)
from minions.sources.walk import walk_folder


@pytest.mark.parametrize("spdx", sorted(TEXTS))
def test_each_common_licence_is_recognised_from_its_text(spdx):
    info = detect_licence({"LICENSE": TEXTS[spdx]})
    assert (info.spdx, info.evidence, info.method, info.confidence) == (spdx, "LICENSE", "licence text", "high")


def test_reflowed_commented_and_british_copies_match():
    words = (MIT_GRANT + MIT_CONDITION).split()
    commented = "".join(f"# {' '.join(words[i : i + 7])}\n" for i in range(0, len(words), 7))
    assert text_licence("# The MIT Licence\n#\n# " + COPYRIGHT + commented) == "MIT"
    assert text_licence(TEXTS["Apache-2.0"].upper()) == "Apache-2.0"


def test_close_relatives_are_told_apart():
    assert text_licence(COPYRIGHT + MIT_GRANT) == "MIT-0", "no notice condition: MIT No Attribution"
    assert text_licence(COPYRIGHT + BSD_CONDITIONS) == "BSD-2-Clause"
    advertising = "\n3. All advertising materials mentioning features or use of this software must display\n"
    assert text_licence(COPYRIGHT + BSD_CONDITIONS + advertising) == "BSD-4-Clause"
    zero_bsd = "Permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is"
    assert text_licence(zero_bsd + " hereby granted.\n\nTHE SOFTWARE IS PROVIDED AS IS") == "0BSD"


def test_a_file_that_only_names_a_licence_is_not_that_licence():
    prose = "We looked at the MIT license and the GNU GPL before choosing terms of our own. All rights reserved.\n"
    info = detect_licence({"LICENSE.md": prose * 5})
    assert (info.spdx, info.evidence, info.confidence) == (UNKNOWN, "LICENSE.md", "low")
    assert text_licence("Apache 2.0\n") == "Apache-2.0", "a file of a few words is a licence name"


def test_the_first_licence_in_a_file_is_the_projects_and_a_late_one_is_bundled():
    bundled = "\n\nThis product bundles left-pad, under the following licence:\n\n" + TEXTS["MIT"]
    assert text_licence(TEXTS["BSD-3-Clause"] + bundled) == "BSD-3-Clause"
    own_terms = "Shop licence agreement. The licensee may use the software as follows. " * 60
    assert text_licence(own_terms + bundled) is None, "an unknown licence of its own, then a bundled MIT one"


def test_lgpl3_projects_ship_the_gpl3_text_too():
    info = detect_licence({"COPYING": TEXTS["GPL-3.0-only"], "COPYING.LESSER": TEXTS["LGPL-3.0-only"]})
    assert info.spdx == "LGPL-3.0-only" and info.evidence == "COPYING.LESSER"


def test_several_licence_files_combine_with_and_unless_a_manifest_says_how():
    files = {"LICENSE-MIT": TEXTS["MIT"], "LICENSE-APACHE": TEXTS["Apache-2.0"], "README.md": "# shop\n"}
    assert detect_licence(files).spdx == "Apache-2.0 AND MIT"
    cargo = '[package]\nname = "shop"\nlicense = "MIT OR Apache-2.0"\n'
    info = detect_licence({**files, "Cargo.toml": cargo})
    assert (info.spdx, info.method) == ("MIT OR Apache-2.0", "licence text and manifest")
    assert info.evidence == "LICENSE-APACHE, LICENSE-MIT, Cargo.toml license"


def test_licence_text_wins_over_a_manifest_that_disagrees():
    info = detect_licence({"LICENSE": TEXTS["MIT"], "package.json": json.dumps({"license": "Apache-2.0"})})
    assert (info.spdx, info.method) == ("MIT", "licence text")
    assert {f.spdx for f in info.findings} == {"MIT", "Apache-2.0"}, "both pieces of evidence are kept"


def test_only_root_files_with_licence_names_are_read():
    files = {
        "vendor/lib/LICENSE": TEXTS["GPL-3.0-only"],
        "THIRD_PARTY_LICENSES.txt": TEXTS["GPL-2.0-only"],
        "src/license.py": "def license(): ...",
        "license.py": TEXTS["AGPL-3.0-only"],
        "MIT-LICENSE.txt": TEXTS["MIT"],
    }
    assert detect_licence(files).spdx == "MIT"


@pytest.mark.parametrize(
    ("manifest", "text", "spdx", "method"),
    [
        ("package.json", {"license": "mit or apache-2.0"}, "MIT OR Apache-2.0", "manifest"),
        ("package.json", {"license": {"type": "ISC", "url": "https://x"}}, "ISC", "manifest"),
        ("package.json", {"licenses": [{"type": "MIT"}, {"type": "Apache 2.0"}]}, "MIT OR Apache-2.0", "manifest"),
        ("package.json", {"license": "UNLICENSED"}, None, "private marker"),
        ("pyproject.toml", '[project]\nlicense = "BSD-3-Clause"\n', "BSD-3-Clause", "manifest"),
        ("pyproject.toml", '[project]\nlicense = {text = "MIT License"}\n', "MIT", "manifest"),
        ("pyproject.toml", '[tool.poetry]\nlicense = "GPL-3.0-or-later"\n', "GPL-3.0-or-later", "manifest"),
        (
            "pyproject.toml",
            '[project]\nclassifiers = ["Programming Language :: Python",'
            ' "License :: OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)"]\n',
            "LGPL-2.0-or-later",
            "classifier",
        ),
        (
            "setup.cfg",
            "[metadata]\nname = shop\nlicense = Apache Software License\nclassifiers =\n"
            "    License :: OSI Approved :: Apache Software License\n",
            "Apache-2.0",
            "manifest",
        ),
        (
            "Cargo.toml",
            '[package]\nlicense = "Apache-2.0 WITH LLVM-exception"\n',
            "Apache-2.0 WITH LLVM-exception",
            "manifest",
        ),
    ],
)
def test_manifests_declare_licences(manifest, text, spdx, method):
    info = detect_licence({manifest: json.dumps(text) if isinstance(text, dict) else text})
    assert (info.spdx, info.method) == (spdx, method)
    assert info.evidence.startswith(manifest)


POM = """<?xml version="1.0"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <artifactId>shop</artifactId>
  <licenses>
    <license><name>The Apache Software License, Version 2.0</name></license>
    <license><name>Shop terms</name><url>https://www.eclipse.org/legal/epl-2.0/</url></license>
  </licenses>
  <dependencies><dependency><artifactId>x</artifactId></dependency></dependencies>
</project>
"""


def test_pom_licences_are_a_choice_and_urls_name_them_too():
    info = detect_licence({"pom.xml": POM})
    assert (info.spdx, info.evidence, info.confidence) == ("Apache-2.0 OR EPL-2.0", "pom.xml licenses", "medium")


def test_manifests_that_point_at_a_licence_file_are_followed():
    files = {"pyproject.toml": '[project]\nlicense = {file = "docs/TERMS.txt"}\n', "docs/TERMS.txt": TEXTS["ISC"]}
    assert detect_licence(files).spdx == "ISC"
    files = {"package.json": json.dumps({"license": "SEE LICENSE IN TERMS.md"}), "TERMS.md": TEXTS["MPL-2.0"]}
    assert detect_licence(files).spdx == "MPL-2.0"


def test_a_broken_manifest_says_nothing_and_stops_nothing():
    files = {"package.json": "{not json", "pom.xml": "<project><licenses>", "setup.cfg": "[metadata\nlicense=MIT"}
    assert detect_licence(files) == LicenceInfo(None, None, "none", "high", ())
    assert detect_licence({**files, "pyproject.toml": '[project]\nlicense = "MIT"\n'}).spdx == "MIT"


@pytest.mark.parametrize(
    ("name", "spdx"),
    [
        ("The Apache Software License, Version 2.0", "Apache-2.0"),
        ("Apache License 2.0", "Apache-2.0"),
        ("GNU General Public License v3 or later (GPLv3+)", "GPL-3.0-or-later"),
        ("GPLv2+", "GPL-2.0-or-later"),
        ("GNU General Public License, version 2", "GPL-2.0-only"),
        ("GNU Affero General Public License v3", "AGPL-3.0-only"),
        ("Eclipse Public License - v 2.0", "EPL-2.0"),
        ("MIT License", "MIT"),
        ("New BSD License", "BSD-3-Clause"),
        ("GPL-2.0", "GPL-2.0-only"),
        ("(MIT AND BSD-2-Clause) OR Apache-2.0", "(MIT AND BSD-2-Clause) OR Apache-2.0"),
        ("http://www.apache.org/licenses/LICENSE-2.0.txt", "Apache-2.0"),
        ("BSD", UNKNOWN),
        ("GNU General Public License (GPL)", UNKNOWN),
        ("Proprietary", UNKNOWN),
    ],
)
def test_names_and_expressions_normalise_to_spdx(name, spdx):
    assert spdx_expression(name) == spdx


def info(spdx, evidence="LICENSE"):
    return LicenceInfo(spdx, evidence, "licence text", "high")


def test_no_licence_means_the_companys_own_code():
    assert decide(detect_licence({"README.md": "# shop"}), ["MIT"]) == (True, "no licence file: the company's own code")
    kept, why = decide(detect_licence({"package.json": '{"license": "UNLICENSED"}'}), ["MIT"])
    assert kept and "private" in why


def test_without_an_allow_list_every_licence_is_kept_and_named():
    kept, why = decide(info("GPL-3.0-only"), None)
    assert kept and "GPL-3.0-only" in why and "sources.allowed_licences" in why


@pytest.mark.parametrize(
    ("spdx", "allowed", "kept"),
    [
        ("MIT", ["MIT"], True),
        ("MIT", ["mit"], True),
        ("MIT OR Apache-2.0", ["Apache-2.0"], True),
        ("MIT AND BSD-3-Clause", ["MIT"], False),
        ("MIT AND BSD-3-Clause", ["BSD-3-Clause", "MIT"], True),
        ("GPL-2.0-or-later", ["GPL-2.0"], True),
        ("GPL-2.0-only WITH Classpath-exception-2.0", ["GPL-2.0-only"], True),
        ("GPL-2.0-only WITH Classpath-exception-2.0", ["GPL-2.0-only WITH Classpath-exception-2.0"], True),
        ("GPL-2.0-only", ["GPL-2.0-only WITH Classpath-exception-2.0"], False),
        ("GPL-3.0-only", ["MIT", "Apache-2.0"], False),
        (UNKNOWN, ["MIT"], False),
        (UNKNOWN, [UNKNOWN], True),
    ],
)
def test_the_allow_list_decides_expressions(spdx, allowed, kept):
    assert decide(info(spdx), allowed)[0] is kept


def test_a_dropped_repository_says_which_licence_and_how_to_allow_it():
    kept, why = decide(info("(MIT AND BSD-3-Clause) OR GPL-3.0-only", "COPYING"), ["MIT"])
    assert not kept
    assert why == (
        "licence (MIT AND BSD-3-Clause) OR GPL-3.0-only (from COPYING) is not in sources.allowed_licences;"
        " add BSD-3-Clause there to keep this repository"
    )


def test_allow_list_entries_are_normalised():
    entries = ["mit", "GPL-2.0", "GPL-3.0+", "gpl-2.0-only with classpath-exception-2.0", "LicenseRef-shop", UNKNOWN]
    assert allowed_licences(entries) == [
        "MIT",
        "GPL-2.0-only",
        "GPL-3.0-or-later",
        "GPL-2.0-only WITH Classpath-exception-2.0",
        "LicenseRef-shop",
        UNKNOWN,
    ]


@pytest.mark.parametrize("entry", ["Apachee-2.0", "GPL", "Apache 2", "MIT OR Apache-2.0", ""])
def test_an_allow_list_entry_that_is_no_licence_id_is_refused(entry):
    with pytest.raises(UserError, match=r"sources\.allowed_licences: .* is not an SPDX licence id"):
        allowed_licences(["MIT", entry])


def test_the_walk_feeds_detection(tmp_path):
    root = tmp_path / "shop"
    (root / "node_modules" / "gpl-thing").mkdir(parents=True)
    (root / "node_modules" / "gpl-thing" / "LICENSE").write_text(TEXTS["GPL-3.0-only"])
    (root / "LICENCE.txt").write_text(TEXTS["BSD-3-Clause"])
    (root / "package.json").write_text(json.dumps({"name": "shop", "license": "BSD-3-Clause"}))
    files = {e.path: e.data for e in walk_folder(root, 1_000_000) if e.data is not None}
    result = detect_licence(files)
    assert (result.spdx, result.method) == ("BSD-3-Clause", "licence text and manifest")


DEBIAN_LICENCES = Path("/usr/share/common-licenses")
DEBIAN_IDS = {
    "Apache-2.0": "Apache-2.0",
    "BSD": "BSD-3-Clause",
    "CC0-1.0": "CC0-1.0",
    "GPL-1": "GPL-1.0-only",
    "GPL-2": "GPL-2.0-only",
    "GPL-3": "GPL-3.0-only",
    "LGPL-2": "LGPL-2.0-only",
    "LGPL-2.1": "LGPL-2.1-only",
    "LGPL-3": "LGPL-3.0-only",
    "MPL-1.1": "MPL-1.1",
    "MPL-2.0": "MPL-2.0",
}


@pytest.mark.parametrize("name", sorted(DEBIAN_IDS))
def test_the_full_texts_debian_ships_are_recognised(name):
    path = DEBIAN_LICENCES / name
    if not path.is_file():
        pytest.skip(f"{path} is not installed (Debian's base-files ships it)")
    assert detect_licence({"COPYING": path.read_bytes()}).spdx == DEBIAN_IDS[name]


# Real-world texts: the licence files of the packages installed beside minions (wheels keep them in
# *.dist-info/ or *.dist-info/licenses/), checked against what each package's METADATA declares.
SITE = Path(sysconfig.get_paths()["purelib"])


def _installed_packages() -> list[tuple[str, dict[str, bytes], str | None]]:
    out = []
    for dist in sorted(SITE.glob("*.dist-info")):
        files = {
            f.name: f.read_bytes()
            for folder in (dist, dist / "licenses")
            if folder.is_dir()
            for f in folder.iterdir()
            if f.is_file() and re.search(r"licen[cs]|copying", f.name, re.I)
        }
        meta = email.message_from_bytes((dist / "METADATA").read_bytes()) if (dist / "METADATA").is_file() else None
        declared = str(meta.get("License-Expression") or "") if meta else ""
        if files:
            out.append((dist.name, files, spdx_expression(declared) if declared.strip() else None))
    return out


def _families(spdx: str) -> set[str]:
    return {re.sub(r"-(only|or-later)$", "", k) for k in re.findall(r"[A-Za-z0-9.+-]+", spdx) if k not in ("AND", "OR")}


def test_the_licence_files_of_installed_packages_are_recognised():
    packages = _installed_packages()
    if len(packages) < 20:
        pytest.skip(f"only {len(packages)} installed packages ship licence files in {SITE}")
    found = {name: detect_licence(files).spdx for name, files, _ in packages}
    recognised = [name for name, spdx in found.items() if spdx not in (None, UNKNOWN)]
    assert len(recognised) / len(found) >= 0.95, sorted(set(found) - set(recognised))
    declared = [(name, spdx) for name, _, spdx in packages if spdx not in (None, UNKNOWN)]
    agree = [name for name, spdx in declared if found[name] and _families(found[name]) & _families(spdx)]
    assert len(agree) >= 0.9 * len(declared), sorted({n for n, _ in declared} - set(agree))
