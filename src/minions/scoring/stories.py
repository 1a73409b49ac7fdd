"""The structure score of a generated user story, in English or Chinese.

What is looked for, in the format the `user-story` and `api-to-user-story` tasks ask for
(`minions.tasks.stories`):
- a title: a Markdown heading, a `Title:` / `标题：` line, or a short first line (at most 12 words, 30
  characters in Chinese) before the first story sentence;
- the story sentence: "As a <role>, I want <goal>, so that <benefit>" (Chinese: 作为<角色>，
  我想要/我希望/我想<目标>，以便/从而<收益>); each of role, goal and benefit found on its own;
- acceptance criteria: the `Scenario:` / `场景：` blocks when there are any, otherwise the list items
  (`-`, `*`, `+`, `1.`, `1)`) after the story sentence, otherwise the lines after it that hold a Given step;
- Given/When/Then criteria: a criterion with a Given, a When and a Then step in that order (Chinese:
  假设 or 给定, 当, 那么 or 于是 or 则).
"""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u9fff]")
_LINE = r"(?:[^\n]|\n(?!\s*\n))"  # a story sentence may wrap, not cross a blank line
# a role never runs past "I want", a goal never into the next story: without these tempered tokens a
# text of many "As a user I want ..." without "so that" took cubic time (4,400 characters: 5 s)
_ROLE_EN = rf"(?:(?!\bI\s+(?:want|would\s+like|need)\b){_LINE})"
_GOAL_EN = rf"(?:(?!\bAs\s+an?\s){_LINE})"
_ROLE_ZH = rf"(?:(?!我(?:想要|希望|想)){_LINE})"
_GOAL_ZH = rf"(?:(?!作为){_LINE})"
_STORY = {
    "en": re.compile(
        rf"\bAs\s+an?\s+(?P<role>{_ROLE_EN}*?)\s*,?\s+I\s+(?:want|would\s+like|need)\s+(?:to\s+)?(?P<goal>{_GOAL_EN}*?)"
        rf"\s*,?\s+so\s+that\s+(?P<benefit>[^\n]*)",
        re.IGNORECASE,
    ),
    "zh": re.compile(
        rf"作为\s*(?P<role>{_ROLE_ZH}*?)[，,\s]*我(?:想要|希望|想)\s*(?P<goal>{_GOAL_ZH}*?)[，,\s]*(?:以便|从而)\s*(?P<benefit>[^\n]*)"
    ),
}
_PARTS = {
    "en": {"role": r"\bAs\s+an?\s+\w", "goal": r"\bI\s+(?:want|would\s+like|need)\b", "benefit": r"\bso\s+that\b"},
    "zh": {"role": r"作为\s*\S", "goal": r"我(?:想要|希望|想)", "benefit": r"以便|从而"},
}
_STEPS = {
    "en": re.compile(r"\b(?:(?P<given>given)|(?P<when>when)|(?P<then>then))\b", re.IGNORECASE),
    # 当 opens a clause (not 当前, 当然, ...)
    "zh": re.compile(r"(?P<given>假设|给定)|(?<![\u3400-\u9fff])(?P<when>当)(?![前然地天中时])|(?P<then>那么|于是|则)"),
}
_SCENARIO = re.compile(r"^\s*(?:Scenario(?:\s+Outline)?\s*:|场景\s*[:：])", re.IGNORECASE | re.MULTILINE)
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)、])\s+\S")
_TITLE_LINE = re.compile(r"^\s*(?:#{1,6}\s+\S|(?:title|标题)\s*[:：]\s*\S)", re.IGNORECASE)


def story_lang(text: str) -> str:
    """zh when CJK characters are more than a tenth of the letters, en otherwise."""
    letters = sum(ch.isalpha() for ch in text) or 1
    return "zh" if len(_CJK.findall(text)) / letters > 0.1 else "en"


def _has_title(text: str, lang: str, story_start: int | None) -> bool:
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return False
    first = lines[0].strip()
    if _TITLE_LINE.match(first):
        return True
    if story_start is None or text.find(first) >= story_start or _STORY[lang].search(first):
        return False
    return len(first) <= 30 if lang == "zh" else len(first.split()) <= 12


def _criteria(rest: str, lang: str) -> list[str]:
    starts = [m.start() for m in _SCENARIO.finditer(rest)]
    if starts:
        return [rest[a:b] for a, b in zip(starts, starts[1:] + [len(rest)], strict=True)]
    lines = rest.splitlines()
    items = [i for i, line in enumerate(lines) if _ITEM.match(line)]
    if items:  # an item runs to the next item or a blank line
        ends = items[1:] + [len(lines)]
        out = []
        for a, b in zip(items, ends, strict=True):
            block = [lines[a]]
            for line in lines[a + 1 : b]:
                if not line.strip():
                    break
                block.append(line)
            out.append("\n".join(block))
        return out
    return [line for line in lines if any(m.lastgroup == "given" for m in _STEPS[lang].finditer(line))]


def _is_gwt(criterion: str, lang: str) -> bool:
    """A Given step, then a When step, then a Then step, each followed by words."""
    want = ["given", "when", "then"]
    steps = list(_STEPS[lang].finditer(criterion))
    for k, m in enumerate(steps):
        end = steps[k + 1].start() if k + 1 < len(steps) else len(criterion)
        if want and m.lastgroup == want[0] and re.search(r"\w", criterion[m.end() : end]):
            want.pop(0)
    return not want


def story_structure(text: str, lang: str | None = None) -> dict:
    """Score the structure of a user story (or several, as api-to-user-story answers hold).

    Returns `lang`, `has_title`, `role`, `goal`, `benefit` (found or not), `stories` (story sentences),
    `criteria` (acceptance criteria), `gwt_criteria` (those with Given/When/Then in order), `gwt_share`
    (gwt_criteria / criteria, 0 without criteria) and `score`, the mean of three parts in 0..1:
    - story: (role + goal + benefit) / 3;
    - criteria: min(criteria, 2 * stories) / (2 * stories) (stories at least 1): the tasks ask for two
      criteria per story;
    - gwt_share.
    The title is reported but not scored: the project's user-story tasks do not ask for one, and a
    story they accept scores 1.0.
    """
    lang = lang or story_lang(text)
    if lang not in _STORY:
        raise ValueError(f"unknown instruction language {lang!r}")
    matches = list(_STORY[lang].finditer(text))
    first = matches[0] if matches else None
    if first is not None:
        parts = {p: bool(re.search(r"\w", first.group(p))) for p in ("role", "goal", "benefit")}
        rest = text[first.end() :]
    else:
        parts = {p: bool(re.search(pat, text, re.IGNORECASE)) for p, pat in _PARTS[lang].items()}
        rest = text
    criteria = _criteria(rest, lang)
    gwt = sum(_is_gwt(c, lang) for c in criteria)
    stories = max(len(matches), 1)
    share = gwt / len(criteria) if criteria else 0.0
    story_part = sum(parts.values()) / 3
    criteria_part = min(len(criteria), 2 * stories) / (2 * stories)
    return {
        "lang": lang,
        "has_title": _has_title(text, lang, first.start() if first is not None else None),
        **parts,
        "stories": len(matches),
        "criteria": len(criteria),
        "gwt_criteria": gwt,
        "gwt_share": share,
        "score": (story_part + criteria_part + share) / 3,
    }
