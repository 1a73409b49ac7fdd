"""A seeded corpus for the scrub benchmark: realistic code and config files with planted values.

Files are Java, Kotlin, Python, YAML, XML, .properties, .env-like and hashed requirements files made
of ordinary code lines, many of them look-alikes that no rule should flag (getenv calls,
placeholders, versions, UUIDs, lock-file hashes, base64 test data, and every detector's negative
samples). Planted values come from every registered rewriting rule's positive samples (`DETECTORS` is
read at run time, so rules added later are planted too), each placed in a file kind where such a
line occurs. `truth.jsonl` lists every plant: file, lines, rule id and the planted (fake) value;
it lives only in the output folder, which is never committed.

Usage: python bench/scrub_corpus.py [OUT] [--mb 20] [--seed 7]
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import re
import shutil
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from minions.scrub import DETECTORS
from minions.scrub.samples import expand

OUT = Path(__file__).resolve().parent / ".out" / "corpus"
KINDS = ("java", "kt", "py", "yaml", "xml", "properties", "env", "toml", "requirements")
EXT = {"java": ".java", "kt": ".kt", "py": ".py", "yaml": ".yaml", "xml": ".xml", "properties": ".properties"}
EXT |= {"env": ".env", "toml": ".toml", "requirements": ".txt"}
WEIGHTS = {
    "java": 30,
    "kt": 13,
    "py": 25,
    "yaml": 11,
    "xml": 8,
    "properties": 6,
    "env": 3,
    "toml": 2,
    "requirements": 1,
}
CONFIG_KINDS = ("properties", "env", "toml")
RARE = 0.0005  # about one per 100 KB of code: constants whose names sound secret and values are not
COMMENT = {"java": "// ", "kt": "// ", "py": "# ", "yaml": "# ", "properties": "# ", "env": "# ", "toml": "# "}
NOUNS = [
    "order",
    "customer",
    "invoice",
    "payment",
    "cart",
    "product",
    "shipment",
    "inventory",
    "account",
    "session",
    "report",
    "price",
]
NOUNS += [
    "discount",
    "coupon",
    "warehouse",
    "supplier",
    "refund",
    "ledger",
    "catalog",
    "basket",
    "review",
    "address",
    "tax",
]
VERBS = [
    "find",
    "create",
    "update",
    "delete",
    "compute",
    "validate",
    "load",
    "save",
    "process",
    "handle",
    "build",
    "apply",
    "resolve",
]
PKG_WORDS = [
    "billing",
    "checkout",
    "catalog",
    "shipping",
    "accounts",
    "pricing",
    "search",
    "orders",
    "inventory",
    "reports",
]

# --- where a sample line belongs ------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    kind: str
    style: str  # "line": the sample is a line of that kind; "comment", "string", "yaml-value": wrapped


def placements(template: str) -> list[Placement]:
    """File kinds (and how) a sample can be embedded so that it reads like real code there."""
    t = template.strip("\n")
    if "\n" in t:
        if "-----BEGIN" in t:
            return [Placement(k, "block") for k in ("yaml", "py", "java", "kt")]
        return [Placement("java", "line")]
    s = t.lstrip()
    if s.endswith(";"):
        return [Placement("java", "line")]
    if re.match(r"(?:private |public )?va[lr] ", s):
        return [Placement("kt", "line")]
    if s.startswith("export "):
        return [Placement("env", "line")]
    if s.startswith("* ") or s.startswith("*\t"):
        return [Placement("java", "javadoc"), Placement("kt", "javadoc")]
    if s.startswith("#"):
        return [Placement(k, "line") for k in ("py", "yaml", "properties", "env")]
    if s.startswith("//"):
        return [Placement(k, "line") for k in ("java", "kt")]
    if s.startswith('"') and re.match(r'"[\w.-]+"\s*:', s):
        return [Placement("py", "dict-entry")]
    if re.match(r"[\w.-]+=\S", s):  # key=value
        if re.match(r"[A-Z][A-Z0-9_]*=", s):
            return [Placement("env", "line"), Placement("properties", "line")]
        return [Placement("properties", "line")]
    if re.match(r"[\w.-]+ = ", s):  # key = value
        rhs = s.split(" = ", 1)[1]
        if re.match(r"[\[{]", rhs) and " = " in rhs:
            return [Placement("toml", "line")]
        if re.match(r"[\"'\[{(]|\w+[.(]", rhs) and not re.match(r"\w+://", rhs):
            return [Placement("py", "line")]
        return [Placement("properties", "line"), Placement("toml", "comment")]
    if re.match(r"[\w.-]+:\s", s) and not re.match(r"\w+://", s):  # key: value
        return [Placement("yaml", "line")]
    out = [Placement(k, "comment") for k in ("java", "kt", "py", "yaml", "properties")]
    out.append(Placement("xml", "comment"))
    if '"' not in s:
        out += [Placement("java", "string"), Placement("py", "string"), Placement("yaml", "yaml-value")]
    return out


def embed(text: str, p: Placement, indent: str, rng: random.Random) -> list[str]:
    """The lines a sample becomes in its file."""
    lines = text.strip("\n").split("\n")
    if p.style == "block":
        if p.kind == "yaml":
            return [f"{indent}private_key: |"] + [f"{indent}  {x}" for x in lines]
        if p.kind == "py":
            return [f'{indent}SIGNING_KEY = """'] + lines + ['"""']
        return (
            [f'{indent}String signingKey = """' if p.kind == "java" else f'{indent}val signingKey = """']
            + [f"{indent}    {x}" for x in lines]
            + [f'{indent}    """' + (";" if p.kind == "java" else "")]
        )
    if p.style == "line":
        return [indent + x.strip() if i == 0 else x for i, x in enumerate(lines)]
    if p.style == "javadoc":
        return [f"{indent}/**", f"{indent} " + lines[0].strip(), f"{indent} */"]
    if p.style == "dict-entry":
        return [f"{indent}{lines[0].strip()},"]
    if p.style == "comment":
        if p.kind == "xml":
            return [f"{indent}<!-- {lines[0].strip()} -->"]
        return [indent + COMMENT[p.kind] + lines[0].strip()]
    if p.style == "string":
        v = lines[0].strip()
        if p.kind == "java":
            return [f'{indent}log.info("{v}");']
        return [f"{indent}logger.info({v!r})" if "'" not in v else f'{indent}logger.info("{v}")']
    if p.style == "yaml-value":
        return [f"{indent}{rng.choice(['note', 'description', 'target', 'endpoint'])}: {lines[0].strip()}"]
    raise ValueError(p.style)


# --- ordinary lines -------------------------------------------------------------------------------


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _b64(rng: random.Random, n: int) -> str:
    return base64.b64encode(rng.randbytes(n)).decode()


def _ver(rng: random.Random) -> str:
    return f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}"


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


_KT_DECL = re.compile(r"^(?:[A-Z]\w*(?:<[^>]*>)?|int|long|byte\[\]) (\w+) = ")


class Filler:
    """Ordinary lines per file kind; look-alikes mixed in at realistic rates."""

    def __init__(self, rng: random.Random, negatives: dict[str, list[list[str]]]):
        self.rng = rng
        self.negatives = negatives  # kind -> negative samples (as lines) that belong there

    def w(self) -> str:
        return self.rng.choice(NOUNS)

    def negative(self, kind: str) -> list[str] | None:
        if self.negatives.get(kind) and self.rng.random() < 0.5:
            return list(self.rng.choice(self.negatives[kind]))
        return None

    def java_stmt(self) -> list[str]:
        r, n, m = self.rng, self.w(), self.w()
        N = _cap(n)
        c = r.randrange(40)
        if r.random() < RARE:  # names that sound secret, values that are not
            return [
                r.choice(
                    [
                        f'private static final String TOKEN_HEADER = "X-{N}-Token";',
                        f'String secretName = "{n}-db-credentials";',
                    ]
                )
            ]
        if c < 22:
            return [
                r.choice(
                    [
                        f'log.info("Processing {n} {{}} for {m} {{}}", {n}Id, {m}Id);',
                        f"{N} {n} = {n}Repository.findById({n}Id).orElseThrow();",
                        f"List<{N}> {n}s = {n}Repository.findAll();",
                        f"BigDecimal total = {n}.getAmount().multiply(BigDecimal.valueOf(quantity));",
                        f'if ({n} == null) throw new IllegalArgumentException("{n} must not be null");',
                        f"for ({N} item : {n}s) {{ total = total.add(item.getPrice()); }}",
                        f"return {n}Repository.save({n});",
                        f'Map<String, Object> params = Map.of("page", page, "size", {r.choice([10, 20, 50])});',
                        f"Optional<{N}> cached = cache.get({n}Id);",
                        f"{n}.set{_cap(m)}({m}Service.{r.choice(VERBS)}{_cap(m)}({n}Id));",
                        f"int retries = {r.randint(1, 9)}; long timeoutMs = {r.choice([500, 1000, 30000])}L;",
                        f'String key = String.format("%s:%d", "{n}", {n}Id);',
                        f"events.publish(new {N}{r.choice(['Created', 'Updated', 'Deleted'])}Event({n}.getId()));",
                        f"assertThat({n}.getStatus()).isEqualTo(Status.{r.choice(['OPEN', 'PAID', 'SHIPPED'])});",
                        f'LocalDate due = LocalDate.parse("{r.randint(2010, 2030)}-0{r.randint(1, 9)}-15");',
                        f'String token = request.getHeader("X-{_cap(n)}-Token");',
                        f"String password = {m}.getPassword();",
                    ]
                )
            ]
        if c < 24:
            return [f'UUID {n}Id = UUID.fromString("{_uuid(r)}");']
        if c < 25:
            return [f'String version = "{_ver(r)}";']
        if c < 26:
            return [f'String checksum = "{_hex(r, 64)}";']
        if c < 27:
            return [f'byte[] fixture = Base64.getDecoder().decode("{_b64(r, r.choice([12, 24, 33]))}");']
        if c < 28:
            return [f'String {n}Password = System.getenv("{n.upper()}_DB_PASSWORD");']
        if c < 29:
            return ['headers.set("Authorization", "Bearer " + token);']
        if c < 30:
            return [f'String url = "jdbc:postgresql://localhost:5432/{n}s";']
        if c < 31:
            return [f'String commit = "{_hex(r, 40)}";']
        if c < 32:
            return [f'String apiKey = config.getProperty("{n}.api-key");']
        return self.negative("java") or [f"{n}.{r.choice(VERBS)}();"]

    def java(self, kind: str = "java") -> tuple[list[str], list[tuple[int, str]]]:
        r = self.rng
        kt = kind == "kt"
        pkg = f"com.example.{r.choice(PKG_WORDS)}.{r.choice(['service', 'web', 'internal', 'domain'])}"
        n = self.w()
        cls = _cap(n) + r.choice(["Service", "Controller", "Repository", "Handler", "Client", "Mapper"])
        semi = "" if kt else ";"
        lines = [f"package {pkg}{semi}", ""]
        for imp in r.sample(
            [
                "java.util.List",
                "java.util.Map",
                "java.util.Optional",
                "java.util.UUID",
                "java.math.BigDecimal",
                "java.time.LocalDate",
                "org.slf4j.Logger",
                "org.slf4j.LoggerFactory",
                "io.netty.util.internal.PlatformDependent",
                f"com.example.{r.choice(PKG_WORDS)}.internal.{_cap(self.w())}Dto",
                "org.springframework.stereotype.Service",
            ],
            6,
        ):
            lines.append(f"import {imp}{semi}")
        lines += ["", "/**", f" * {_cap(n)} operations: {r.choice(VERBS)}, {r.choice(VERBS)} and list.", " */"]
        slots: list[tuple[int, str]] = []
        if kt:
            lines += [f"class {cls}(private val {n}Repository: {_cap(n)}Repository) {{"]
            lines += [f'    private val log = LoggerFactory.getLogger("{cls}")', ""]
        else:
            lines += [
                f"public class {cls} {{",
                f"    private static final Logger log = LoggerFactory.getLogger({cls}.class);",
            ]
            lines += [f"    private static final int MAX_RETRIES = {r.randint(2, 6)};", ""]
        slots.append((len(lines), "    "))
        for _ in range(r.randint(8, 40)):
            m, v = self.w(), r.choice(VERBS)
            if kt:
                lines.append(f"    fun {v}{_cap(m)}({m}Id: Long): {_cap(m)}? {{")
            else:
                lines.append(f"    public {_cap(m)} {v}{_cap(m)}(long {m}Id) {{")
            for _ in range(r.randint(3, 12)):
                slots.append((len(lines), "        "))
                for s in self.java_stmt():
                    if kt:
                        s = _KT_DECL.sub("val \\1 = ", s.rstrip(";"))
                        if r.random() < 0.05:
                            s = f"val total = this@{cls}.total"
                    lines.append("        " + s)
            lines += ["        return null" + semi, "    }", ""]
        slots.append((len(lines), "    "))
        lines.append("}")
        return lines, slots

    def py(self) -> tuple[list[str], list[tuple[int, str]]]:
        r = self.rng
        lines = [f'"""{_cap(self.w())} helpers for the {r.choice(PKG_WORDS)} service."""', "", "import base64"]
        lines += ["import logging", "import uuid"]
        lines += ["import os", "from pathlib import Path", "", "logger = logging.getLogger(__name__)"]
        lines += [f"TIMEOUT = {r.choice([5, 10, 30])}", f'API_KEY = os.getenv("{r.choice(PKG_WORDS).upper()}_API_KEY")']
        lines += [""]
        slots = [(len(lines), "")]
        for _ in range(r.randint(8, 40)):
            n, v = self.w(), r.choice(VERBS)
            lines += ["", f"def {v}_{n}({n}_id, session=None):", f'    """{_cap(v)} one {n}."""']
            for _ in range(r.randint(3, 12)):
                slots.append((len(lines), "    "))
                c = r.randrange(40)
                if r.random() < RARE:  # names that sound secret, values that are not
                    lines.append(
                        r.choice(['    PASSWORD_RESET_URL = "/accounts/password/reset/"', '    TOKEN_TYPE = "Bearer"'])
                    )
                elif c < 24:
                    lines += (
                        "    "
                        + r.choice(
                            [
                                f'logger.info("{v} %s", {n}_id)',
                                f"{n} = session.get({_cap(n)}, {n}_id)",
                                f"if {n} is None:\n        raise KeyError({n}_id)",
                                f"total = sum(item.price for item in {n}.items)",
                                f"for item in {n}.items:\n        item.{r.choice(VERBS)}()",
                                f'params = {{"page": page, "size": {r.choice([10, 20, 50])}}}',
                                f'path = Path(__file__).parent / "{n}s.json"',
                                f"result = {{k: v for k, v in {n}.items() if v is not None}}",
                                f"return {n}",
                                f'token = request.headers.get("X-{_cap(n)}-Token")',
                                f"password = {n}.password",
                                f"assert {n}.status == {r.choice(['OPEN', 'PAID', 'SHIPPED'])!r}",
                            ]
                        )
                    ).split("\n")
                elif c < 26:
                    lines.append(f'    {n}_id = uuid.UUID("{_uuid(r)}")')
                elif c < 27:
                    lines.append(f'    __version__ = "{_ver(r)}"')
                elif c < 28:
                    lines.append(f'    fixture = base64.b64decode("{_b64(r, r.choice([12, 24, 33]))}")')
                elif c < 29:
                    lines.append(f'    digest = "{_hex(r, 64)}"')
                elif c < 30:
                    lines.append('    db_password = os.environ["DB_PASSWORD"]')
                elif c < 31:
                    lines += ['    if token.startswith("ghp_"):', '        return "github"']
                elif c < 32:
                    lines.append(f'    url = "postgresql://localhost:5432/{n}s"')
                else:
                    neg = self.negative("py")
                    lines += ["    " + x for x in neg] if neg else [f"    {n}.{v}()"]
        return "\n".join(lines).split("\n"), slots

    def yaml(self) -> tuple[list[str], list[tuple[int, str]]]:
        r = self.rng
        n = self.w()
        lines = ["spring:", "  application:", f"    name: {n}-service", "  datasource:"]
        lines += [f"    url: jdbc:postgresql://localhost:5432/{n}s", "    username: ${DB_USER}"]
        lines += ["    password: ${DB_PASSWORD}", "  jpa:", "    open-in-view: false", ""]
        slots = [(len(lines), "")]
        for i in range(r.randint(6, 30)):
            svc = f"{self.w()}-{r.choice(['api', 'worker', 'gateway'])}"
            lines += ["---", "apiVersion: apps/v1", "kind: Deployment", "metadata:", f"  name: {svc}-{i}"]
            lines += ["  annotations:", f"    checksum/config: {_hex(r, 64)}", f"  uid: {_uuid(r)}", "spec:"]
            lines += [f"  replicas: {r.randint(1, 6)}", "  template:", "    spec:", "      containers:"]
            lines += [f"        - name: {svc}", f"          image: registry.example.com/shop/{svc}:{_ver(r)}"]
            lines += ["          env:", "            - name: JAVA_OPTS", '              value: "-Xmx512m"']
            lines += ["            - name: DB_PASSWORD", "              valueFrom:", "                secretKeyRef:"]
            lines += [f"                  name: {svc}-db", "                  key: password"]
            slots.append((len(lines), "          "))
            lines += [
                "          resources:",
                "            limits:",
                f'              memory: "{r.choice([256, 512])}Mi"',
            ]
            neg = self.negative("yaml")
            if neg:
                slots.append((len(lines), ""))
                lines += neg
        return lines, slots

    def xml(self) -> tuple[list[str], list[tuple[int, str]]]:
        r = self.rng
        lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<project xmlns="http://maven.apache.org/POM/4.0.0">']
        lines += ["  <modelVersion>4.0.0</modelVersion>", f"  <artifactId>{self.w()}-service</artifactId>"]
        lines += [f"  <version>{_ver(r)}-SNAPSHOT</version>", "  <dependencies>"]
        slots = [(len(lines), "    ")]
        for _ in range(r.randint(15, 80)):
            lines += [
                "    <dependency>",
                f"      <groupId>org.{r.choice(['apache', 'springframework', 'slf4j'])}</groupId>",
            ]
            lines += [f"      <artifactId>{self.w()}-{r.choice(['core', 'api', 'starter'])}</artifactId>"]
            lines += [f"      <version>{_ver(r)}</version>", "    </dependency>"]
            if r.random() < 0.15:
                lines += [f"    <!-- sha256 {_hex(r, 64)} verified -->"]
            slots.append((len(lines), "    "))
        lines += ["  </dependencies>", "</project>"]
        return lines, slots

    def properties(self, env: bool = False) -> tuple[list[str], list[tuple[int, str]]]:
        r = self.rng
        lines, slots = [f"# {self.w()} service settings"], []
        for _ in range(r.randint(20, 120)):
            slots.append((len(lines), ""))
            n = self.w()
            if env:
                k = n.upper()
                lines.append(
                    r.choice(
                        [
                            f"{k}_HOST=localhost",
                            f"{k}_PORT={r.choice([5432, 6379, 8080, 9092])}",
                            f"{k}_LOG_LEVEL=info",
                            f"{k}_DB_PASSWORD=",
                            f"{k}_API_KEY=<your-api-key>",
                            f"{k}_SECRET=${{{k}_SECRET}}",
                            f"{k}_VERSION={_ver(r)}",
                            f"{k}_ID={_uuid(r)}",
                        ]
                    )
                )
            else:
                lines.append(
                    r.choice(
                        [
                            f"server.port={r.choice([8080, 8081, 9090])}",
                            f"spring.datasource.url=jdbc:postgresql://localhost:5432/{n}s",
                            "spring.datasource.password=${DB_PASSWORD}",
                            f"{n}.client.timeout-ms={r.choice([500, 1000, 5000])}",
                            "management.endpoints.web.exposure.include=health,info",
                            f"{n}.cache.ttl=PT{r.randint(1, 60)}M",
                            f"{n}.api.base-url=https://api.example.com/v{r.randint(1, 3)}/{n}s",
                            f"app.build.version={_ver(r)}",
                            f"{n}.token.header=X-{_cap(n)}-Token",
                            f"logging.level.com.example.{n}=DEBUG",
                        ]
                    )
                )
            neg = self.negative("env" if env else "properties")
            if neg and r.random() < 0.2:
                lines += neg
        return lines, slots

    def toml(self) -> tuple[list[str], list[tuple[int, str]]]:
        r = self.rng
        lines = ["[project]", f'name = "{self.w()}-tools"', f'version = "{_ver(r)}"', 'requires-python = ">=3.11"']
        lines += ["dependencies = ["] + [f'  "{self.w()}lib=={_ver(r)}",' for _ in range(r.randint(5, 30))] + ["]", ""]
        slots = [(len(lines), "")]
        lines += ["[tool.ruff]", "line-length = 120", ""]
        return lines, slots

    def requirements(self) -> tuple[list[str], list[tuple[int, str]]]:
        r = self.rng
        lines = ["# generated by pip-compile --generate-hashes"]
        for _ in range(r.randint(20, 80)):
            lines += [f"{self.w()}lib=={_ver(r)} \\"]
            lines += [f"    --hash=sha256:{_hex(r, 64)} \\", f"    --hash=sha256:{_hex(r, 64)}"]
        return lines, []

    def make(self, kind: str) -> tuple[list[str], list[tuple[int, str]]]:
        if kind in ("java", "kt"):
            return self.java(kind)
        if kind in ("properties", "env"):
            return self.properties(env=kind == "env")
        return getattr(self, kind)()


# --- the corpus -------------------------------------------------------------------------------------


def build(out: Path, mb: float, seed: int) -> dict:
    rng = random.Random(seed)
    # gate-only rules never rewrite, so their samples are not scrub's to find: look-alikes only
    positives = [(d.name, t) for d in DETECTORS.values() if not d.gate_only for t in d.positives]
    sample_no = {(d.name, t): k for d in DETECTORS.values() for k, t in enumerate(d.positives)}
    by_kind: dict[str, list[tuple[str, str, Placement]]] = {k: [] for k in KINDS}
    for name, t in positives:
        for p in placements(t):
            by_kind[p.kind].append((name, t, p))
    negatives: dict[str, list[list[str]]] = {k: [] for k in KINDS}
    for d in DETECTORS.values():
        for t in d.negatives:
            for p in placements(t):
                if p.style in ("line", "comment"):
                    text, _ = expand(t, rng)
                    negatives[p.kind].append(embed(text, p, "", rng))
    filler = Filler(rng, negatives)
    used: Counter = Counter()
    if out.exists():
        shutil.rmtree(out)
    (out / "files").mkdir(parents=True)
    truth = []
    total, i = 0, 0
    kinds, weights = zip(*WEIGHTS.items(), strict=True)
    while total < mb * 1e6:
        kind = rng.choices(kinds, weights)[0]
        lines, slots = filler.make(kind)
        pool = by_kind[kind]
        inserts = []
        if pool and slots:
            for _ in range(max(1, len(lines) // (15 if kind in CONFIG_KINDS else 60))):
                # least-planted sample, weighted by its rule's number of samples: every rule is
                # planted about as often, and every sample of a rule about as often
                def key(x):
                    return used[(x[0], x[1])] * len(DETECTORS[x[0]].positives)

                least = min(key(x) for x in pool)
                name, t, p = rng.choice([x for x in pool if key(x) == least])
                used[(name, t)] += 1
                at, indent = rng.choice(slots)
                text, values = expand(t, rng)
                inserts.append(
                    (at, (name, sample_no[(name, t)], p.kind + "/" + p.style), embed(text, p, indent, rng), values)
                )
        # insert from the bottom up so earlier slot indices stay valid
        inserts.sort(key=lambda x: x[0], reverse=True)
        placed = []
        for at, name, block, values in inserts:
            lines[at:at] = block
            placed = [(a + len(block) if a >= at else a, nm, b, v) for a, nm, b, v in placed]
            placed.append((at, name, block, values))
        rel = f"{kind}/{rng.choice(PKG_WORDS)}/{filler.w()}_{i:05d}{EXT[kind]}"
        text = "\n".join(lines) + "\n"
        path = out / "files" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        total += len(text.encode())
        for at, name, block, values in placed:
            for v in values:
                first = v.split("\n")[0]
                off = next((k for k, x in enumerate(block) if first in x), 0)
                truth.append(
                    {
                        "file": rel,
                        "line": at + 1 + off,
                        "start": at + 1,
                        "end": at + len(block),
                        "rule": name[0],
                        "sample": name[1],
                        "placement": name[2],
                        "value": v,
                    }
                )
        i += 1
    with (out / "truth.jsonl").open("w") as fh:
        for row in truth:
            fh.write(json.dumps(row) + "\n")
    missing = sorted({n for n, _ in positives} - {r["rule"] for r in truth})
    meta = {
        "seed": seed,
        "files": i,
        "bytes": total,
        "plants": len(truth),
        "rules": sorted({r["rule"] for r in truth}),
        "unplanted_rules": missing,
        "rules_without_positives": sorted(n for n, d in DETECTORS.items() if not d.positives),
    }
    (out / "corpus.json").write_text(json.dumps(meta, indent=1))
    return meta


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", type=Path, default=OUT)
    ap.add_argument("--mb", type=float, default=20.0, help="corpus size in MB (default 20)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    meta = build(args.out, args.mb, args.seed)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
