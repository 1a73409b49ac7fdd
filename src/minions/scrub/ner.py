"""The optional NER step: free-text PERSON names in comments and strings, found by a spaCy pipeline
the user installed, through presidio-analyzer.

Off unless the config names a pipeline (`scrub.ner_model`: a package such as `en_core_web_sm`, or a
folder saved with `nlp.to_disk`); spaCy and presidio are imported only then (`pip install
'minions-lora[ner]'`). The pipeline is loaded once per run, in the parent process: the scrub pool
forks, so its workers share it.

Where names are looked for: only in the prose of a file (comments, docstrings, string literals; the
values of YAML and properties files, XML text; the whole of a Markdown or text file). The pipeline
reads that prose, not the code around it: on code en_core_web_sm tags identifiers as people
(`ValueError`, `Request`, `urllib3`: 814 hits per MB), and code costs time without holding names;
a hit must also look like a name (`looks_like_name`). Measurements: README, "Names by NER".

Nothing here reaches the network: the pipeline is loaded from disk (never `spacy download`),
presidio gets no recognizer but spaCy's PERSON one (its e-mail and URL recognizers would fetch a
public-suffix list), and Hugging Face is set offline.
"""

from __future__ import annotations

import bisect
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from minions.errors import UserError

RULE = "person-name-ner"
ENTITY = "PERSON"
PERSON_LABELS = frozenset({"PERSON", "PER"})  # presidio maps both to PERSON

# code: comments and string literals, earliest first (a `//` inside a string is the string's)
_CODE_PROSE = re.compile(
    r"(?P<q>\"\"\"|''')(?P<triple>.*?)(?:(?P=q)|\Z)"  # Python docstrings, Kotlin raw strings, Java text blocks
    r"|/\*(?P<block>.*?)(?:\*/|\Z)"
    r"|<!--(?P<xml>.*?)(?:-->|\Z)"
    r"|(?:(?<![^\s(;])#|//|(?<![^\s])--(?=\s))(?P<line>[^\n]*)"  # `#` and `--` only as a comment's start
    r"|\"(?P<dq>(?:\\.|[^\"\\\n])*)\""
    r"|'(?P<sq>(?:\\.|[^'\\\n])*)'"
    r"|`(?P<bq>(?:\\.|[^`\\\n])*)`",
    re.DOTALL,
)
_GROUPS = ("triple", "block", "xml", "line", "dq", "sq", "bq")
# config files: the value of a `key: value` / `key = value` line
_CONFIG_VALUE = re.compile(r"^[ \t-]*[\w.\[\]\"'-]+[ \t]*[:=][ \t]*(?P<value>[^\n]+)", re.MULTILINE)
_XML_TEXT = re.compile(r">(?P<text>[^<>]+)<")
PROSE_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".rst", ".adoc"})
CONFIG_SUFFIXES = frozenset({".yml", ".yaml", ".properties", ".ini", ".cfg", ".conf", ".toml", ".env"})
XML_SUFFIXES = frozenset({".xml", ".html", ".htm", ".xhtml", ".vue", ".jsp"})
# a name's word: a capital, then letters (an inner ' or - between letters: O'Brien, Jean-Luc), or an initial (J.)
_NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*\.?")
_PARTICLES = frozenset({"al", "bin", "da", "de", "del", "della", "der", "di", "du", "la", "le", "van", "von", "y"})
_POSSESSIVE = re.compile(r"(?:['’]s?|\W)+$")
_CJK_NAME = re.compile(r"[\u4e00-\u9fff·]{2,5}")


def looks_like_name(value: str) -> bool:
    """Two or more capitalised words (`Doug Lea`, `Jean-Luc O'Brien`, `J. Smith`, `Ana de la Cruz`) or
    2-5 Chinese characters: what a model tags in code comments that is not a name is mostly one word
    (`Oracle`, `Runnable`) or code (`lock.isHeldByCurrentThread`, `poll(long`)."""
    if _CJK_NAME.fullmatch(value):
        return True
    caps = 0
    for word in value.split(" "):  # one line, single spaces
        if word in _PARTICLES:
            continue
        if not (_NAME_WORD.fullmatch(word) and word[0].isupper()):
            return False
        caps += 1
    return caps >= 2


def prose_spans(text: str, path: str = "") -> list[tuple[int, int]]:
    """The (start, end) spans of a text where a person's name may be written, sorted, disjoint:
    the whole text of a Markdown or text file; else comments and string literals, plus the values
    of config files and the text between XML tags."""
    suffix = Path(path).suffix.lower()
    if suffix in PROSE_SUFFIXES:
        return [(0, len(text))] if text else []
    spans = []
    for m in _CODE_PROSE.finditer(text):
        group = next(g for g in _GROUPS if m.group(g) is not None)
        spans.append(m.span(group))
    if suffix in CONFIG_SUFFIXES:
        spans += [m.span("value") for m in _CONFIG_VALUE.finditer(text)]
    if suffix in XML_SUFFIXES:
        spans += [m.span("text") for m in _XML_TEXT.finditer(text)]
    merged: list[tuple[int, int]] = []
    for s, e in sorted(sp for sp in spans if sp[1] > sp[0]):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


@dataclass(frozen=True)
class NerRecognizer:
    """`recognizer(text, path)` -> the (start, end) spans of PERSON names in the prose of a text.

    Small and picklable (the model's name and threshold): the loaded pipeline stays in this module's
    cache, which forked workers inherit."""

    model: str
    threshold: float = 0.5

    def __call__(self, text: str, path: str = "") -> list[tuple[int, int]]:
        return person_spans(_engine(self.model, self.threshold), text, path)


class _Engine(NamedTuple):
    analyzer: object  # presidio's AnalyzerEngine
    lang: str  # the pipeline's language: presidio's key for it


_ENGINES: dict[tuple[str, float], _Engine] = {}


def _engine(model: str, threshold: float) -> _Engine:
    """The loaded pipeline, loaded on first use and kept for the process (and the workers it forks)."""
    key = (model, threshold)
    if key not in _ENGINES:
        _ENGINES[key] = _load(model, threshold)
    return _ENGINES[key]


def configured_recognizer(model: str, threshold: float) -> NerRecognizer | None:
    """The config's NER step (`scrub.ner_model`, `scrub.ner_threshold`), loaded; None when it is off."""
    return load_recognizer(model, threshold) if model else None


def load_recognizer(model: str, threshold: float = 0.5) -> NerRecognizer:
    """Load the pipeline now (a UserError names the problem and the fix) and return its recognizer."""
    _engine(model, threshold)
    return NerRecognizer(model, threshold)


def person_spans(engine: _Engine, text: str, path: str = "") -> list[tuple[int, int]]:
    """PERSON spans that presidio finds in the prose of `text`, in text offsets, sorted.

    The prose spans are read as one document, each on its own line(s), so a name never joins two
    of them; a name spanning lines (a wrapped comment) is left out."""
    spans = prose_spans(text, path)
    if not spans:
        return []
    parts, starts, at = [], [], 0
    for s, e in spans:
        starts.append(at)
        parts.append(text[s:e])
        at += e - s + 1
    doc = "\n".join(parts)
    found = set()
    for r in engine.analyzer.analyze(doc, language=engine.lang, entities=[ENTITY]):
        start, end = r.start, r.end
        value = _POSSESSIVE.sub("", doc[start:end])  # `Vance's` -> `Vance`: one pseudonym for both
        end = start + len(value)
        if not looks_like_name(value):
            continue
        i = bisect.bisect_right(starts, start) - 1
        offset = spans[i][0] - starts[i]
        found.add((start + offset, end + offset))
    return sorted(found)


@contextmanager
def _without_transformers() -> Iterator[None]:
    """Keep `transformers` out of this process while spaCy and presidio load (presidio's optional
    Hugging Face engine imports it, seconds for nothing); a pipeline that needs it is loaded again
    without this (see `_load`)."""
    if "transformers" in sys.modules:
        yield
        return
    sys.modules["transformers"] = None  # type: ignore[assignment]  # `import transformers` fails fast
    try:
        yield
    finally:
        if sys.modules.get("transformers", 0) is None:
            del sys.modules["transformers"]


def _load(model: str, threshold: float) -> _Engine:
    """spaCy's pipeline `model` in presidio's AnalyzerEngine, PERSON only; a UserError when it cannot be."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import spacy
    except ImportError:
        raise UserError(
            f"scrub.ner_model is {model!r} but spaCy is not installed: pip install 'minions-lora[ner]' "
            "(spacy and presidio-analyzer), or leave ner_model empty"
        ) from None
    folder = Path(model).expanduser()
    if not folder.exists() and not spacy.util.is_package(model):
        what = "no such folder" if any(c in model for c in "/\\") else "no such spaCy package"
        raise UserError(
            f"scrub.ner_model {model!r} is not installed ({what}): pip install the pipeline's package, or save "
            "one with nlp.to_disk and name its folder, or leave ner_model empty"
        )
    name = str(folder) if folder.exists() else model
    try:
        try:
            with _without_transformers():
                nlp = spacy.load(name)
        except Exception:  # a pipeline that needs transformers (en_core_web_trf): load it with them
            nlp = spacy.load(name)
    except Exception as e:
        why = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise UserError(
            f"scrub.ner_model {model!r} cannot be loaded ({why}); name a pipeline made for spaCy {spacy.__version__}, "
            "or leave ner_model empty"
        ) from None
    labels = {label for _, pipe in nlp.pipeline for label in getattr(pipe, "labels", ())}
    if not labels & PERSON_LABELS:
        raise UserError(
            f"scrub.ner_model {model!r} tags no person names (its pipes: {', '.join(nlp.pipe_names) or 'none'}); "
            "name a pipeline with an ner or entity_ruler component that has a PERSON label, or leave ner_model empty"
        )
    with _without_transformers():
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import SpacyNlpEngine
        from presidio_analyzer.predefined_recognizers import SpacyRecognizer

    engine = SpacyNlpEngine(models=[{"lang_code": nlp.lang, "model_name": name}])
    engine.nlp = {nlp.lang: nlp}  # already loaded: presidio's own load() would download a missing model
    registry = RecognizerRegistry(supported_languages=[nlp.lang])
    registry.add_recognizer(SpacyRecognizer(supported_language=nlp.lang, supported_entities=[ENTITY]))
    analyzer = AnalyzerEngine(
        registry=registry, nlp_engine=engine, supported_languages=[nlp.lang], default_score_threshold=threshold
    )
    return _Engine(analyzer, nlp.lang)
