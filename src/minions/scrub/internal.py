"""Built-in detectors for internal infrastructure names: hosts and private addresses.

Company-specific names (product, team, domain words) come from the config's
`scrub.internal_names` and are applied by the scrubber.
"""

import re

from minions.scrub.rules import line_of, register_detector

_CODE_LINE = re.compile(r"^\s*(?:package|import)\b")


def _not_a_code_line(m: re.Match[str]) -> bool:
    """`package com.shop.internal;` names a package, not a host."""
    return not _CODE_LINE.match(line_of(m))


def _not_a_version(m: re.Match[str]) -> bool:
    """`version = "10.1.2.3"` is a version number, not an address."""
    return "version" not in line_of(m).lower()


register_detector(
    "internal-host",
    "internal",
    r"\b(?:[a-z0-9-]+\.){2,}(?:internal|corp|intranet|lan)\b(?![\w-]|\.\w)",
    "internal-host.example",
    description="host names under internal top-level domains (not package or import lines)",
    accept=_not_a_code_line,
    positives=("url = http://⟦db01.corp.shop⟧.internal:8080/x",),
    negatives=(
        "import io.netty.util.internal.PlatformDependent;",
        "package com.shop.billing.internal;",
        "return self.internal",
    ),
)
register_detector(
    "private-ip",
    "internal",
    r"\b(?:10\.\d{1,3}|192\.168|172\.(?:1[6-9]|2\d|3[01]))\.\d{1,3}\.\d{1,3}\b",
    "192.0.2.1",
    description="private IPv4 addresses (replaced by a documentation address), not version numbers",
    accept=_not_a_version,
    positives=(
        "host=⟦10.12.4.17⟧",
        "⟦192.168.1.20⟧",
    ),
    negatives=(
        "version 1.2.3.4 and 8.8.8.8",
        'version = "10.1.2.3"',
        "// multi-line\npackage com.shop.internal;",
    ),
)
