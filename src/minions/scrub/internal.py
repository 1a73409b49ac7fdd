"""Built-in detectors for internal infrastructure names: hosts and private addresses.

Company-specific names (product, team, domain words) come from the config's
`scrub.internal_names`, and company domains from `scrub.internal_domains`; the scrubber applies both.
"""

import re

from minions.scrub.rules import line_of, register_detector

# package and import lines, also commented out (`// import io.x.internal.Y;`), but then only as code:
# `# import data from legacy.internal` is prose about a host
_CODE_LINE = re.compile(
    r"^\s*(?:(?:package|import|from\s+[\w.]+\s+import)\b"
    r"|(?://|#|\*|--)\s*(?:package\s+[\w.]+;?|import\s+(?:static\s+)?[\w.*]+;?(?:\s+as\s+\w+)?"
    r"|from\s+[\w.]+\s+import\s+[\w., *]+)\s*$)"
)
# the directives of a Java module declaration (module-info.java), whole lines of dotted names (the `;` optional:
# the same line in Kotlin-style code has none)
_MODULE_DIRECTIVE = re.compile(
    r"^\s*(?:(?:exports|opens)\s+[\w.]+(?:\s+to\s+[\w.]+(?:\s*,\s*[\w.]+)*)?"
    r"|requires(?:\s+(?:transitive|static))*\s+[\w.]+|uses\s+[\w.]+"
    r"|provides\s+[\w.]+\s+with\s+[\w.]+(?:\s*,\s*[\w.]+)*)\s*;?\s*$"
)
# prose that calls the name a package or module: `Subpackage app.internal`, "the `okhttp3.internal` package"
_PACKAGE_WORD_BEFORE = re.compile(r"\b(?:sub)?(?:package|module)\W{0,4}$", re.IGNORECASE)
_PACKAGE_WORD_AFTER = re.compile(r"\W{0,2}(?:sub)?(?:package|module)\b", re.IGNORECASE)
# `self.internal`, `this.corp`: an attribute of an object in code, not a two-label host
_RECEIVERS = frozenset({"self", "this", "cls", "super", "it", "obj"})


# first labels of package names that no host starts with (region or env prefixes such as cn. or dev. can)
_PACKAGE_ROOTS = frozenset({"com", "org", "net", "io", "edu", "gov"})
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
_IDENTIFIER_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")


def _names_packages(line: str) -> bool:
    """An identifier on the line of two words or more, one of them `package(s)`: `ignoredPackages +=
    "okhttp3.internal"`, `basePackages = ...`, `PACKAGE_PREFIX = ...`; the word alone is prose."""
    for ident in _IDENTIFIER.findall(line):
        words = [w.lower() for w in _IDENTIFIER_WORDS.findall(ident)]
        if len(words) > 1 and ("package" in words or "packages" in words):
            return True
    return False


def _a_host_not_code(m: re.Match[str]) -> bool:
    """`package com.shop.internal;`, `from a.internal import b`, `self.internal`, `x.internal()`,
    `Visibility.INTERNAL`, `ignoredPackages += "okhttp3.internal"` and `exports okhttp3.internal to x;` are
    code, and "the `okhttp3.internal` package" is prose about code, not hosts: a host's labels are each in
    one case (`DB01.corp.LAN`)."""
    labels = m.group(0).split(".")
    if any(label not in (label.lower(), label.upper()) for label in labels):
        return False
    if labels[0].lower() in _RECEIVERS or m.string[m.end() : m.end() + 1] == "(":
        return False
    if len(labels) > 2 and labels[0].lower() in _PACKAGE_ROOTS:
        return False  # `com.google.gson.internal` (a package in a pom or a manifest): hosts end in a TLD
    line = line_of(m)
    if _MODULE_DIRECTIVE.match(line) or _names_packages(line):
        return False
    start = m.string.rfind("\n", 0, m.start()) + 1
    end = m.string.find("\n", m.end())
    end = len(m.string) if end < 0 else end  # the words around it on its own line, never the next line's
    if _PACKAGE_WORD_BEFORE.search(m.string, start, m.start()) or _PACKAGE_WORD_AFTER.match(m.string, m.end(), end):
        return False
    if m.string[m.start() - 1 : m.start()] in ("'", '"') and m.string[m.end() : m.end() + 1] in ("/", "'", '"'):
        return True  # a quoted host, on an import line too: Go's `import "git.shop.corp/pay/ledger"`
    return not _CODE_LINE.match(line)


register_detector(
    "internal-host",
    "internal",
    r"\b(?:[a-z0-9-]+\.)+(?:internal|corp|intranet|lan)\b(?![\w-]|\.[\w*])",
    "internal-host.example",
    flags=re.IGNORECASE,
    description="host names under internal top-level domains, any case, two labels or more (not code)",
    accept=_a_host_not_code,
    positives=(
        "# package mirror lives at ⟦nexus.build⟧.corp",
        "-- import nightly dump from ⟦db01.prod⟧.corp",
        "# import data from ⟦legacy⟧.internal",
        "url = http://⟦db01.corp.shop⟧.internal:8080/x",
        "jdbc:postgresql://⟦DB01.CORP.SHOP⟧.INTERNAL:5432/orders",
        "ssh ⟦build⟧.corp",
        "see https://⟦jenkins⟧.intranet/job/x",
        "host: ⟦nas-01⟧.lan",
        'import "⟦git.shop⟧.corp/payments/ledger"',
    ),
    negatives=(
        "<Export-Package>com.google.gson.internal</Export-Package>",
        "import io.netty.util.internal.PlatformDependent;",
        "// import io.netty.util.internal.PlatformDependent;",
        "    # from minions.scrub.internal import rules",
        "package com.shop.billing.internal;",
        "return self.internal",
        "from minions.scrub.internal import _CODE_LINE",
        "if (this.internal) { x = obj.corp; }",
        "modifiers.add(KModifier.INTERNAL); val v = Visibility.Internal",
        "val n = config.internal()",
        'import "github.com/shop/orders/internal"',
        "-dontnote module-info,jdk.internal.**",
        'ignoredPackages += "okhttp3.dnsoverhttps.internal"',
        "  exports okhttp3.internal to okhttp3.logging, okhttp3.sse, mockwebserver3;",
        "The `okhttp3.internal` package is not a published API and we change it frequently without warning.",
    ),
    pseudonym="host",
    keywords=("internal", "corp", "intranet", "lan"),
)

# Evidence, in the text right before a match, that it is a version and not an address:
# `version = "`, `appVersion: `, `<version>`, `<ojdbc.version>`, `ojdbc14:`, `com.oracle:ojdbc6:`,
# `mysql-connector-java-`, or more dotted digits (`1.10.1.2.3`).
_VERSION_BEFORE = re.compile(
    r"(?:version\w*(?:[ \t]*[=:]?[ \t]*[\"']?|>)|(?<![\w.-])(?P<key>[\w.-]+):|[A-Za-z_]-|\d\.)$", re.IGNORECASE
)
# `host:10.1.2.3` and `tcp:10.1.2.3` name an address, not a Maven coordinate
_ADDRESS_KEY = re.compile(r"(?:host|hostname|ip|addr|address|server|url|uri|endpoint|proxy|gateway|tcp|udp)$", re.I)
_MORE_DIGITS = re.compile(r"\.\d")
_DEPENDENCY_LINE = re.compile(
    r"\b(?:dependency|dependencies|implementation|api|compile|compileOnly|runtimeOnly|testImplementation|classpath"
    r"|artifactId)\b|<dependency>|\.jar\b",
    re.IGNORECASE,
)


# the attributes of SVG geometry: `d="M14.72-10.33.93.12,1.87.2"` is the numbers 10.33, .93 and .12
_SVG_GEOMETRY = re.compile(r"(?:^|\s)(?:d|points|transform|viewBox)\s*=\s*$")


def in_svg_geometry(prefix: str) -> bool:
    """The text before a match on its line ends inside an SVG path (`d`), `points`, `transform` or
    `viewBox` attribute's value."""
    quote = max(prefix.rfind('"'), prefix.rfind("'"))
    return quote >= 0 and not any(c in prefix[quote:] for c in "<>") and bool(_SVG_GEOMETRY.search(prefix, 0, quote))


def _not_a_version(m: re.Match[str]) -> bool:
    """`version = "10.1.2.3"`, `ojdbc14:10.2.0.4`, `<version>10.2.0.4</version>` and `10.1.2.3.4` are
    versions, not addresses; judged by the tokens around the match, not by a word anywhere on its line.
    Nor is an octet over 255 (`192.168.0.257`) or SVG path data an address."""
    text = m.string
    if _MORE_DIGITS.match(text, m.end()) or any(int(octet) > 255 for octet in m.group(0).split(".")):
        return False
    prefix = text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
    if in_svg_geometry(prefix):
        return False
    before = _VERSION_BEFORE.search(prefix)
    if before is None:
        return True
    key = before.group("key")
    if key is None:
        return False  # version=, <version>, artifact-10.1.2.3, 1.10.1.2.3
    if _ADDRESS_KEY.search(key):
        return True
    # `name:10.1.2.3` is a coordinate only as `group:artifact:version` or on a dependency line;
    # `mysql-master:172.16.0.10`, `--add-host=db:10.1.2.3`, `broker:10.2.3.4:9092` are addresses
    if prefix.endswith(":" + key + ":"):
        return False
    # on a dependency line, a coordinate is quoted or an element's text: `'ojdbc14:10.2.0.4'`, `>ojdbc14:...`
    opens = prefix[-len(key) - 2 : -len(key) - 1]
    return not (opens in ("'", '"', ">", "(") and _DEPENDENCY_LINE.search(line_of(m)))


register_detector(
    "private-ip",
    "internal",
    r"\b(?:10\.\d{1,3}|192\.168|172\.(?:1[6-9]|2\d|3[01]))\.\d{1,3}\.\d{1,3}\b",
    "192.0.2.1",
    description="private IPv4 addresses (replaced by a documentation address), not version numbers",
    accept=_not_a_version,
    positives=(
        "ARTIFACTORY_HOST=artifactory:⟦10.20.30.40⟧",
        "--add-host=artifact-cache:⟦10.1.2.3⟧",
        "echo compile on build-box:⟦10.9.8.7⟧",
        "host=⟦10.12.4.17⟧",
        "⟦192.168.1.20⟧",
        "host=⟦10.12.4.17⟧  # version 2",
        "redis: host:⟦172.16.0.5⟧",
        "version 3 runs on ⟦10.0.0.7⟧:8080",
        '  - "mysql-master:⟦172.16.0.10⟧"',
        "docker run --add-host=db:⟦10.1.2.3⟧ app",
        "kafka.bootstrap=broker:⟦10.2.3.4⟧:9092",
        "REDIS_NODES=redis-1:⟦10.0.0.11⟧,redis-2:⟦10.0.0.12⟧",
    ),
    negatives=(
        "version 1.2.3.4 and 8.8.8.8",
        'version = "10.1.2.3"',
        "// multi-line\npackage com.shop.internal;",
        "<dependency>ojdbc14:10.2.0.4</dependency>",
        "<version>10.2.0.4</version>",
        "<ojdbc.version>10.2.0.4</ojdbc.version>",
        "implementation 'com.oracle:ojdbc6:10.2.0.4'",
        "lib/mysql-connector-java-10.1.2.3.jar",
        "release 10.1.2.3.4 and 1.10.1.2.3",
        '<path d="M47.17-27-21.37,2.44-11.56,2.84-11.83,14.72-10.33.93.12,1.87.2,2.8.36"/>',
        '("Parsing: <http://192.168.0.257> against <http://other.com/>", "192.168.1.999/24")',
    ),
    pseudonym="ip",
    keywords=("10.", "192.168", "172."),
)
