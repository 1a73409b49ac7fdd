"""A seeded corpus for the near-dedup benchmark: generated code documents with planted copies.

Originals are Java- and Python-like source files (a class with fields and methods, statements made
of identifiers drawn from a few thousand made-up words, literals and log messages), about 2 KB on
average, so that unrelated documents share little more than `import java.util.List;`. A share of
the originals gets one to three planted copies, each made for a band of similarity:

- `exact`: the same text;
- `format`: only comments, blank lines and indentation changed (the same code tokens);
- `[0.9,1.0)`, `[0.8,0.9)`, `[0.7,0.8)`, `[0.5,0.7)`: edits of the kinds a fork or a copy-paste
  makes (an identifier renamed everywhere, a literal changed, a statement deleted, inserted or
  changed), applied one by one until the Jaccard similarity of 5-gram shingles of a simple token
  split (`approx_tokens`) falls to a target drawn in the band.

Every document is shuffled into one list; `plants.jsonl` says for each copy its source, its band and
its edits. The exact similarity the benchmark scores against is computed there from minions'
`code_tokens`, not from the approximate split used here to aim at the bands.

Usage: python bench/dedup_corpus.py [OUT] [--docs 20000] [--mb 40] [--seed 11]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

OUT = Path(__file__).resolve().parent / ".out" / "dedup-corpus"
SHARDS = 2  # datatrove reads one file per task; two tasks on this 2-core machine
# band -> share of the planted copies; (low, high) of the target similarity
BANDS: dict[str, tuple[float, tuple[float, float] | None]] = {
    "exact": (0.14, None),
    "format": (0.10, None),
    "[0.9,1.0)": (0.20, (0.9, 1.0)),
    "[0.8,0.9)": (0.22, (0.8, 0.9)),
    "[0.7,0.8)": (0.14, (0.7, 0.8)),
    "[0.5,0.7)": (0.20, (0.5, 0.7)),
}
COPY_SHARE = 0.15  # of all documents, planted copies
SYLLABLES = [c + v for c in "bcdfghklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou", "er")]
JAVA_TYPES = ["String", "int", "long", "double", "boolean", "List<String>", "Map<String, Long>", "BigDecimal"]
JAVA_IMPORTS = ["java.util.List", "java.util.Map", "java.util.Optional", "java.math.BigDecimal", "java.time.Instant"]
JAVA_IMPORTS += ["java.util.ArrayList", "java.util.HashMap", "java.util.stream.Collectors", "java.io.IOException"]
PY_IMPORTS = ["import os", "import json", "import logging", "from pathlib import Path", "from typing import Any"]
PY_IMPORTS += ["import re", "from dataclasses import dataclass", "import time", "from collections import Counter"]
OPS = ["+", "-", "*", "/", "%"]
CMP = ["<", ">", "==", "!=", "<=", ">="]

_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/|#[^\n]*", re.S)
_TOKEN = re.compile(r"[A-Za-z_]\w*|\d+(?:\.\d+)?|\"[^\"\n]*\"|'[^'\n]*'|==|!=|<=|>=|&&|\|\||->|[^\w\s]")


def approx_tokens(text: str) -> list[str]:
    """A simple code token split (comments dropped) that the generator aims its bands with."""
    return _TOKEN.findall(_COMMENT.sub(" ", text))


def shingles(tokens: list[str], n: int = 5) -> set[tuple[str, ...]]:
    """The set of n-grams of `tokens`; a text shorter than n is one shingle."""
    if len(tokens) < n:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def jaccard(a: set, b: set) -> float:
    """|a & b| / |a | b|; two empty sets are equal (1.0)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


class Words:
    """Made-up words and the identifiers, literals and sentences built from them."""

    def __init__(self, rng: random.Random, size: int = 4000):
        self.rng = rng
        words: set[str] = set()
        while len(words) < size:
            words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))))
        self.words = sorted(words)

    def w(self) -> str:
        return self.rng.choice(self.words)

    def camel(self, parts: int | None = None) -> str:
        ws = [self.w() for _ in range(parts or self.rng.randint(1, 3))]
        return ws[0] + "".join(x.capitalize() for x in ws[1:])

    def snake(self) -> str:
        return "_".join(self.w() for _ in range(self.rng.randint(1, 3)))

    def cls(self) -> str:
        return "".join(self.w().capitalize() for _ in range(self.rng.randint(1, 3)))

    def sentence(self) -> str:
        return " ".join(self.w() for _ in range(self.rng.randint(2, 6)))

    def literal(self) -> str:
        r = self.rng.random()
        if r < 0.5:
            return str(self.rng.randint(0, 5000))
        if r < 0.7:
            return f"{self.rng.randint(0, 99)}.{self.rng.randint(0, 99)}"
        return f'"{self.sentence()}"'


# --- originals ------------------------------------------------------------------------------------


class JavaGen:
    lang = "java"

    def __init__(self, words: Words):
        self.v, self.rng = words, words.rng

    def expr(self, names: list[str]) -> str:
        r, v = self.rng.random(), self.v
        if r < 0.3:
            return f"{self.rng.choice(names)} {self.rng.choice(OPS)} {v.literal()}"
        if r < 0.55:
            return f"{self.rng.choice(names)}.{v.camel()}({self.rng.choice(names)})"
        if r < 0.7:
            return f"new {v.cls()}({self.rng.choice(names)}, {v.literal()})"
        if r < 0.85:
            return f"{v.camel()}({', '.join(self.rng.sample(names, min(len(names), self.rng.randint(1, 3))))})"
        return v.literal()

    def statement(self, names: list[str], ind: str) -> list[str]:
        r, v, rng = self.rng.random(), self.v, self.rng
        if r < 0.35:
            name = v.camel()
            line = f"{ind}{rng.choice(JAVA_TYPES)} {name} = {self.expr(names)};"
            names.append(name)
            return [line]
        if r < 0.5:
            return [
                f"{ind}if ({rng.choice(names)} {rng.choice(CMP)} {v.literal()}) {{",
                *self.statement(names, ind + "    "),
                f"{ind}}}",
            ]
        if r < 0.6:
            i = v.w()[:3]
            return [
                f"{ind}for (int {i} = 0; {i} < {rng.choice(names)}.size(); {i}++) {{",
                f"{ind}    {rng.choice(names)}.{v.camel()}({i}, {self.expr(names)});",
                f"{ind}}}",
            ]
        if r < 0.75:
            return [f'{ind}log.{rng.choice(["info", "debug", "warn"])}("{v.sentence()} {{}}", {rng.choice(names)});']
        if r < 0.85:
            return [f"{ind}{rng.choice(names)} = {self.expr(names)};"]
        return [f"{ind}{rng.choice(names)}.{v.camel()}({self.expr(names)});"]

    def document(self, target: int) -> str:
        v, rng = self.v, self.rng
        cls = v.cls()
        fields = [v.camel() for _ in range(rng.randint(2, 5))]
        lines = [f"package com.{v.w()}.{v.w()};", ""]
        lines += [f"import {x};" for x in sorted(rng.sample(JAVA_IMPORTS, rng.randint(1, 4)))]
        lines += [f"import com.{v.w()}.{v.w()}.{v.cls()};" for _ in range(rng.randint(0, 3))]
        lines += ["", f"/** {v.sentence().capitalize()}. */", f"public class {cls} {{"]
        lines += [f"    private final {rng.choice(JAVA_TYPES)} {f};" for f in fields]
        size = sum(len(x) + 1 for x in lines)
        while size < target:
            params = [v.camel() for _ in range(rng.randint(0, 3))]
            names = fields + params
            sig = ", ".join(f"{rng.choice(JAVA_TYPES)} {p}" for p in params)
            body = [""]
            if rng.random() < 0.4:
                body.append(f"    // {v.sentence()}")
            body.append(f"    public {rng.choice(JAVA_TYPES)} {v.camel()}({sig}) {{")
            for _ in range(rng.randint(2, 8)):
                body += self.statement(names, "        ")
            body += [f"        return {self.expr(names)};", "    }"]
            lines += body
            size += sum(len(x) + 1 for x in body)
        return "\n".join([*lines, "}"]) + "\n"


class PythonGen:
    lang = "python"

    def __init__(self, words: Words):
        self.v, self.rng = words, words.rng

    def expr(self, names: list[str]) -> str:
        r, v = self.rng.random(), self.v
        if r < 0.3:
            return f"{self.rng.choice(names)} {self.rng.choice(OPS)} {v.literal()}"
        if r < 0.55:
            return f"{self.rng.choice(names)}.{v.snake()}({self.rng.choice(names)})"
        if r < 0.7:
            return f"{v.cls()}({self.rng.choice(names)}, {v.snake()}={v.literal()})"
        if r < 0.85:
            return f"{v.snake()}({', '.join(self.rng.sample(names, min(len(names), self.rng.randint(1, 3))))})"
        return v.literal()

    def statement(self, names: list[str], ind: str) -> list[str]:
        r, v, rng = self.rng.random(), self.v, self.rng
        if r < 0.35:
            name = v.snake()
            line = f"{ind}{name} = {self.expr(names)}"
            names.append(name)
            return [line]
        if r < 0.5:
            return [
                f"{ind}if {rng.choice(names)} {rng.choice(CMP)} {v.literal()}:",
                *self.statement(names, ind + "    "),
            ]
        if r < 0.6:
            i = v.w()[:3]
            return [
                f"{ind}for {i} in {rng.choice(names)}:",
                f"{ind}    {rng.choice(names)}.{v.snake()}({i}, {self.expr(names)})",
            ]
        if r < 0.75:
            return [f'{ind}log.{rng.choice(["info", "debug", "warning"])}("{v.sentence()} %s", {rng.choice(names)})']
        if r < 0.85:
            return [f"{ind}{rng.choice(names)} = {self.expr(names)}"]
        return [f"{ind}{rng.choice(names)}.{v.snake()}({self.expr(names)})"]

    def document(self, target: int) -> str:
        v, rng = self.v, self.rng
        fields = [v.snake() for _ in range(rng.randint(2, 5))]
        lines = sorted(rng.sample(PY_IMPORTS, rng.randint(1, 4)))
        lines += [f"from {v.w()}.{v.w()} import {v.cls()}" for _ in range(rng.randint(0, 3))]
        lines += ["", "log = logging.getLogger(__name__)", "", "", f"class {v.cls()}:"]
        lines += [f'    """{v.sentence().capitalize()}."""', "", f"    def __init__(self, {', '.join(fields)}):"]
        lines += [f"        self.{f} = {f}" for f in fields]
        size = sum(len(x) + 1 for x in lines)
        while size < target:
            params = [v.snake() for _ in range(rng.randint(0, 3))]
            names = [f"self.{f}" for f in fields] + params
            body = [""]
            if rng.random() < 0.4:
                body.append(f"    # {v.sentence()}")
            body.append(f"    def {v.snake()}({', '.join(['self', *params])}):")
            for _ in range(rng.randint(2, 8)):
                body += self.statement(names, "        ")
            body.append(f"        return {self.expr(names)}")
            lines += body
            size += sum(len(x) + 1 for x in body)
        return "\n".join(lines) + "\n"


# --- planted copies -------------------------------------------------------------------------------

_IDENT = re.compile(r"\b[a-z][a-z]+(?:[A-Z_][a-z]+)*\b")
_LITERAL = re.compile(r"\b\d+(?:\.\d+)?\b|\"[^\"\n]*\"")
KEYWORDS = {"if", "for", "in", "new", "return", "self", "int", "long", "double", "boolean", "import", "from", "def"}
KEYWORDS |= {"class", "package", "public", "private", "final", "log", "info", "debug", "warn", "warning", "size"}


def _statement_lines(lines: list[str]) -> list[int]:
    """Lines that hold one simple statement (deleting one keeps the structure)."""
    return [
        i
        for i, x in enumerate(lines)
        if x.startswith("        ") and not x.rstrip().endswith(("{", ":", "}")) and "return" not in x
    ]


def edit(lines: list[str], gen, rng: random.Random) -> str:
    """Apply one random edit to `lines` in place; returns its kind."""
    kind = rng.choices(["rename", "literal", "delete", "insert", "change"], [1, 2, 2, 3, 2])[0]
    stmts = _statement_lines(lines)
    if kind == "rename":
        idents = sorted({m for x in lines for m in _IDENT.findall(x)} - KEYWORDS)
        if idents:
            old, new = rng.choice(idents), gen.v.camel() if gen.lang == "java" else gen.v.snake()
            pat = re.compile(rf"\b{re.escape(old)}\b")
            lines[:] = [pat.sub(new, x) for x in lines]
            return kind
        kind = "insert"
    if kind == "literal":
        at = [i for i, x in enumerate(lines) if _LITERAL.search(x)]
        if at:
            i = rng.choice(at)
            lines[i] = _LITERAL.sub(lambda _m: gen.v.literal(), lines[i], count=1)
            return kind
        kind = "insert"
    if kind == "delete" and len(stmts) > 3:
        del lines[rng.choice(stmts)]
        return kind
    if kind == "change" and stmts:
        i = rng.choice(stmts)
        idents = [m for m in _IDENT.findall(lines[i]) if m not in KEYWORDS]
        if idents:
            lines[i] = re.sub(rf"\b{re.escape(rng.choice(idents))}\b", gen.v.camel(), lines[i], count=1)
            return kind
    i = rng.choice(stmts) if stmts else len(lines) - 1
    names = [m for m in _IDENT.findall(lines[i]) if m not in KEYWORDS] or [gen.v.camel()]
    lines[i + 1 : i + 1] = gen.statement(list(names), "        ")
    return "insert"


def reformat(text: str, lang: str, rng: random.Random) -> str:
    """The same code tokens in other clothes: comments added or dropped, blank lines, indentation."""
    mark = "//" if lang == "java" else "#"
    out = []
    for line in text.split("\n"):
        s = line.strip()
        if s.startswith(mark) and rng.random() < 0.5:
            continue
        if lang == "java" and line.startswith("    ") and rng.random() < 0.3:
            line = line.replace("    ", "\t")
        if s and rng.random() < 0.08:
            out.append(line[: len(line) - len(line.lstrip())] + f"{mark} TODO check {rng.randint(1, 999)}")
        out.append(line.rstrip() + (" " if rng.random() < 0.1 else ""))
        if not s and rng.random() < 0.3:
            out.append("")
    new = "\n".join(out)
    return new if new != text else new + f"\n{mark} end\n"


def near_copy(text: str, gen, band: tuple[float, float], rng: random.Random) -> tuple[str, list[str], float]:
    """A copy of `text` edited until its approximate similarity falls in `band` (tries again if an edit
    jumps below it); returns the copy, its edits and that similarity."""
    base = shingles(approx_tokens(text))
    lo, hi = band
    best = None
    for _ in range(8):
        target = rng.uniform(lo, hi)
        lines, edits, j = text.split("\n"), [], 1.0
        while j >= target and len(edits) < 400:
            edits.append(edit(lines, gen, rng))
            j = jaccard(base, shingles(approx_tokens("\n".join(lines))))
        if lo <= j < hi:
            return "\n".join(lines), edits, j
        if best is None or abs(j - target) < abs(best[2] - target):
            best = ("\n".join(lines), edits, j)
    return best


def build(out: Path, docs: int, mb: float, seed: int, progress: Callable[[str], None] = lambda s: None) -> dict:
    """Write a corpus of at least `docs` documents and `mb` MB to `out` and return its summary:
    `docs/0000K.jsonl` ({"id", "text", "lang"}, in corpus order over the shards) and `plants.jsonl`
    ({"copy", "source", "band", "edits"}, corpus indices)."""
    rng = random.Random(seed)
    words = Words(rng)
    gens = [JavaGen(words), PythonGen(words)]
    n_copies = int(docs * COPY_SHARE)
    n_orig = docs - n_copies
    target_avg = mb * 1e6 / docs
    texts: list[tuple[str, str]] = []  # (text, lang)
    size = 0
    # copies add about their share of the size again: stop once the originals make up the rest of `mb`
    while len(texts) < n_orig or size * (1 + n_copies / len(texts)) < mb * 1e6:
        gen = rng.choice(gens)
        # a document ends after the method that passes its target: about a fifth over it on average
        text = gen.document(int(rng.triangular(0.3, 2.2, 0.7) * target_avg * 0.8))
        texts.append((text, gen.lang))
        size += len(text.encode())
    progress(f"{len(texts)} originals, {size / 1e6:.1f} MB")
    names, weights = zip(*((k, v[0]) for k, v in BANDS.items()), strict=True)
    plants = []
    sources = rng.sample(range(len(texts)), k=min(len(texts), n_copies))
    by_lang = {g.lang: g for g in gens}
    k = 0
    while len(plants) < n_copies:
        src = sources[k % len(sources)]
        k += 1
        for _ in range(rng.choices([1, 2, 3], [6, 3, 1])[0]):
            if len(plants) >= n_copies:
                break
            text, lang = texts[src]
            band = rng.choices(names, weights)[0]
            if band == "exact":
                copy, edits = text, []
            elif band == "format":
                copy, edits = reformat(text, lang, rng), ["format"]
            else:
                copy, edits, _ = near_copy(text, by_lang[lang], BANDS[band][1], rng)
            texts.append((copy, lang))
            plants.append({"copy": len(texts) - 1, "source": src, "band": band, "edits": edits})
        if k % 250 == 0:
            progress(f"{len(plants)} copies")
    total = sum(len(t.encode()) for t, _ in texts)
    while total < mb * 1e6:  # the copies came out smaller than their share: top up with originals
        gen = rng.choice(gens)
        texts.append((gen.document(int(target_avg)), gen.lang))
        total += len(texts[-1][0].encode())
    order = list(range(len(texts)))
    rng.shuffle(order)
    where = {old: new for new, old in enumerate(order)}
    for p in plants:
        p["copy"], p["source"] = where[p["copy"]], where[p["source"]]
    if out.exists():
        shutil.rmtree(out)
    (out / "docs").mkdir(parents=True)
    per = -(-len(order) // SHARDS)
    for s in range(SHARDS):
        with open(out / "docs" / f"{s:05d}.jsonl", "w", encoding="utf-8") as f:
            for new in range(s * per, min(len(order), (s + 1) * per)):
                text, lang = texts[order[new]]
                f.write(json.dumps({"id": f"d{new:06d}", "text": text, "lang": lang}) + "\n")
    with open(out / "plants.jsonl", "w", encoding="utf-8") as f:
        for p in sorted(plants, key=lambda p: p["copy"]):
            f.write(json.dumps(p) + "\n")
    return {
        "docs": len(texts),
        "originals": len(texts) - len(plants),
        "copies": len(plants),
        "mb": round(total / 1e6, 2),
        "seed": seed,
    }


def load(out: Path) -> tuple[list[str], list[dict]]:
    """The corpus texts in order and its plants."""
    texts = []
    for path in sorted((out / "docs").glob("*.jsonl")):
        with open(path, encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line in f]
    plants = [json.loads(x) for x in (out / "plants.jsonl").read_text().splitlines()]
    return texts, plants


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, nargs="?", default=OUT)
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--mb", type=float, default=40.0)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    print(json.dumps(build(args.out, args.docs, args.mb, args.seed, print)))


if __name__ == "__main__":
    main()
