"""User-story tasks, whose outputs a teacher model writes: the record shapes and their validators.

Three tasks, registered with `teacher=True`:

- `user-story-split`: a domain document -> the user tasks in it, a Markdown list, one task a line;
- `user-story`: one user task (and its domain) -> a story, "As a <role>, I want <goal>, so that
  <benefit>" (Chinese: 作为……，我想要……，以便……) and at least two acceptance criteria in
  Given/When/Then (假设/当/于是, or 那么);
- `api-to-user-story`: an API operation (an endpoint unit: an OpenAPI operation or a code endpoint)
  -> one or more such stories.

Nothing in the code holds these outputs, so the builders yield nothing on their own: the synthesis
stage (issue "synth") fills them, rendering the input with `split_input`, `story_input` or
`api_input` and an instruction from the task's wordings, asking the teacher, and keeping an answer
only when its validator (`validate_story_split`, `validate_user_story`, `validate_user_stories`)
finds no problem. No output is ever made up here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from minions.records import CodeUnit, InstructionRecord, Rejection, SourceFile
from minions.tasks.registry import TaskOptions, Wordings, dedent, fence, register_task

SPLIT_WORDINGS: Wordings = {
    "en": [
        (
            "user-story-split/en/1",
            "Read the domain description below and list the tasks its users need to do, one per line as a "
            "Markdown list.",
        ),
        (
            "user-story-split/en/2",
            "Split this domain into user tasks: a Markdown list with one short task per line, nothing else.",
        ),
        (
            "user-story-split/en/3",
            "Which tasks do users perform in the domain described below? List them, one per line.",
        ),
    ],
    "zh": [
        ("user-story-split/zh/1", "阅读下面的领域描述，列出用户需要完成的任务，每行一个，使用 Markdown 列表。"),
        ("user-story-split/zh/2", "把这个领域拆分成用户任务：用 Markdown 列表，每行一个简短的任务，不要写别的。"),
        ("user-story-split/zh/3", "在下面描述的领域中，用户要完成哪些任务？请逐行列出。"),
    ],
}
STORY_WORDINGS: Wordings = {
    "en": [
        (
            "user-story/en/1",
            'Write a user story for the task below: "As a <role>, I want <goal>, so that <benefit>", then at '
            "least two acceptance criteria in Given/When/Then form.",
        ),
        (
            "user-story/en/2",
            "Turn this user task into a user story (As a ..., I want ..., so that ...) with acceptance criteria "
            "written as Given ..., when ..., then ....",
        ),
        (
            "user-story/en/3",
            "Describe the task below as a user story with its role, goal and benefit, and give two or more "
            "Given/When/Then acceptance criteria.",
        ),
    ],
    "zh": [
        (
            "user-story/zh/1",
            "为下面的任务编写用户故事：“作为<角色>，我想要<目标>，以便<收益>”，并给出至少两条“假设/当/那么”形式的验收标准。",
        ),
        (
            "user-story/zh/2",
            "把这个用户任务写成用户故事（作为……，我想要……，以便……），验收标准写成“假设……，当……，那么……”。",
        ),
        ("user-story/zh/3", "用用户故事描述下面的任务，写明角色、目标和收益，并给出两条以上的“假设/当/那么”验收标准。"),
    ],
}
API_WORDINGS: Wordings = {
    "en": [
        (
            "api-to-user-story/en/1",
            "Write the user stories this API operation serves (As a ..., I want ..., so that ...), each with at "
            "least two Given/When/Then acceptance criteria.",
        ),
        (
            "api-to-user-story/en/2",
            "Which user needs does the operation below meet? Answer with user stories and Given/When/Then "
            "acceptance criteria.",
        ),
        (
            "api-to-user-story/en/3",
            "Read this API operation and describe it from the user's side: one or more user stories, each with "
            "acceptance criteria in Given/When/Then form.",
        ),
    ],
    "zh": [
        (
            "api-to-user-story/zh/1",
            "写出这个 API 操作所支撑的用户故事（作为……，我想要……，以便……），每个故事至少两条“假设/当/那么”验收标准。",
        ),
        ("api-to-user-story/zh/2", "下面的操作满足了用户的哪些需求？请用用户故事和“假设/当/那么”验收标准回答。"),
        ("api-to-user-story/zh/3", "阅读这个 API 操作，从用户的角度描述它：一个或多个用户故事，每个都附带验收标准。"),
    ],
}

_CJK = re.compile(r"[\u3400-\u9fff]")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*\S)\s*$")
_LINE = r"(?:[^\n]|\n(?!\s*\n))"  # a character of the paragraph: a story sentence may wrap, not cross a blank line
_STORY = {
    "en": re.compile(
        rf"\bAs an?\s+(?P<role>{_LINE}*?)\s*,?\s+I\s+want\s+(?:to\s+)?(?P<goal>{_LINE}*?)\s*,?\s+"
        rf"so\s+that\s+(?P<benefit>[^\n]*)",  # the benefit ends its line: criteria may follow at once
        re.IGNORECASE,
    ),
    "zh": re.compile(
        rf"作为\s*(?P<role>{_LINE}*?)[，,\s]*我想要\s*(?P<goal>{_LINE}*?)[，,\s]*以便\s*(?P<benefit>[^\n]*)"
    ),
}
_PARTS = {
    "en": [("As a", r"\bAs an?\b"), ("I want", r"\bI\s+want\b"), ("so that", r"\bso\s+that\b")],
    "zh": [("作为", "作为"), ("我想要", "我想要"), ("以便", "以便")],
}
_STEPS = {
    "en": re.compile(r"\b(?:(?P<given>given)|(?P<when>when)|(?P<then>then))\b", re.IGNORECASE),
    # 当 opens a clause (not 当前, 当然, ...); 于是 and 那么 both read "then"
    "zh": re.compile(r"(?P<given>假设)|(?<![\u3400-\u9fff])(?P<when>当)(?![前然地天中时])|(?P<then>于是|那么)"),
}
_STORY_START = {"en": re.compile(r"\bAs an?\s", re.IGNORECASE), "zh": re.compile(r"作为")}


def _lang_problem(text: str, lang: str) -> list[str]:
    if lang not in _STORY:
        raise ValueError(f"unknown instruction language {lang!r}")
    cjk = len(_CJK.findall(text))
    letters = sum(ch.isalpha() for ch in text) or 1
    if lang == "zh" and cjk == 0:
        return ["not written in Chinese"]
    if lang == "en" and cjk / letters > 0.1:
        return ["not written in English"]
    return []


def _criteria(text: str, lang: str) -> int:
    """How many complete Given -> When -> Then sequences the text holds, each step followed by words."""
    steps = list(_STEPS[lang].finditer(text))
    count, state = 0, ""
    for k, m in enumerate(steps):
        end = steps[k + 1].start() if k + 1 < len(steps) else len(text)
        if not re.search(r"\w", text[m.end() : end]):
            continue  # a step with nothing after it
        kind = m.lastgroup
        if kind == "given":
            state = "given"
        elif kind == "when" and state in ("given", "when"):
            state = "when"
        elif kind == "then":  # closes a criterion: complete only after a When
            count, state = count + (state == "when"), ""
    return count


def validate_user_story(text: str, lang: str) -> list[str]:
    """The problems of one user story in the given instruction language (en, zh); [] when it has a
    role, goal and benefit sentence and at least two Given/When/Then acceptance criteria."""
    if not text.strip():
        return ["empty"]
    problems = _lang_problem(text, lang)
    m = _STORY[lang].search(text)
    if m is None:
        missing = [name for name, pat in _PARTS[lang] if not re.search(pat, text, re.IGNORECASE)]
        what = ", ".join(f"'{w}'" for w in missing) if missing else "its parts in order on one line"
        problems.append(f"no story sentence (As a <role>, I want <goal>, so that <benefit>): missing {what}")
        rest = text
    else:
        for part in ("role", "goal", "benefit"):
            if not re.search(r"\w", m.group(part)):
                problems.append(f"the story sentence has no {part}")
        rest = text[m.end() :]
    found = _criteria(rest, lang)
    if found < 2:
        problems.append(f"fewer than 2 Given/When/Then acceptance criteria ({found})")
    return problems


def validate_user_stories(text: str, lang: str) -> list[str]:
    """The problems of an answer holding one or more user stories (api-to-user-story), each story
    starting at its own "As a" / "作为"; a problem names the story's number."""
    if not text.strip():
        return ["empty"]
    starts = [m.start() for m in _STORY_START[lang].finditer(text)] if lang in _STORY_START else []
    if not starts:
        return _lang_problem(text, lang) + ["no user story"]
    bounds = list(zip(starts, starts[1:] + [len(text)], strict=True))
    return [f"story {i}: {p}" for i, (a, b) in enumerate(bounds, 1) for p in validate_user_story(text[a:b], lang)]


def story_split_items(text: str) -> list[str]:
    """The user tasks of a story-split answer: its Markdown list items."""
    return [m.group(1) for line in text.splitlines() if (m := _ITEM.match(line))]


def validate_story_split(text: str, lang: str) -> list[str]:
    """The problems of a list of user tasks: at least two, every line a list item, no duplicates,
    each a short phrase (2 to 30 words; 4 to 60 characters in Chinese)."""
    if not text.strip():
        return ["empty"]
    problems = _lang_problem(text, lang)
    lines = [line for line in text.splitlines() if line.strip()]
    stray = [i for i, line in enumerate(lines, 1) if not _ITEM.match(line)]
    if stray:
        problems.append(f"{len(stray)} line(s) that are not list items (first: line {stray[0]})")
    items = story_split_items(text)
    if len(items) < 2:
        problems.append(f"fewer than 2 user tasks ({len(items)})")
    seen: set[str] = set()
    for i, item in enumerate(items, 1):
        key = re.sub(r"\W+", " ", item.lower()).strip()
        if key in seen:
            problems.append(f"task {i} repeats an earlier one")
        seen.add(key)
        size = len(item) if lang == "zh" else len(item.split())
        low, high = (4, 60) if lang == "zh" else (2, 30)
        if not low <= size <= high:
            unit = "characters" if lang == "zh" else "words"
            problems.append(f"task {i} has {size} {unit} (expected {low} to {high})")
    return problems


def split_input(doc: SourceFile) -> str:
    """The input of a user-story-split record: the domain document."""
    return f"Domain description ({doc.path}):\n\n{doc.text.strip()}"


def story_input(task: str, domain: str = "") -> str:
    """The input of a user-story record: the user task, and the domain it belongs to when known."""
    return (f"Domain: {domain}\n" if domain else "") + f"User task: {task.strip()}"


def api_input(unit: CodeUnit) -> str:
    """The input of an api-to-user-story record: the operation's verb and path, its parameters,
    body and response types where known, and its text (the spec's operation or the handler)."""
    http = unit.http or {}
    lines = [f"Operation: {http.get('method', '')} {http.get('path', '')}".rstrip()]
    params = ", ".join(
        f"{p.get('name')} ({p.get('in')}{', ' + p['type'] if p.get('type') else ''})" for p in http.get("params") or []
    )
    if params:
        lines.append(f"Parameters: {params}")
    for key, label in (("body", "Request body"), ("response", "Response")):
        if http.get(key):
            lines.append(f"{label}: {http[key]}")
    return "\n".join(lines + [fence(dedent(unit.code), unit.lang)])


def _nothing() -> Iterator[InstructionRecord | Rejection]:
    yield from ()


@register_task(
    "user-story-split",
    "Split a domain description into the tasks its users perform (teacher-written).",
    needs="domain documents; outputs from a teacher model (synthesis stage)",
    teacher=True,
    inputs="documents",
)
def build_split(documents: list[SourceFile], options: TaskOptions) -> Iterator[InstructionRecord | Rejection]:
    """Nothing without a teacher: the synthesis stage writes these records (see the module doc)."""
    return _nothing()


@register_task(
    "user-story",
    "Write a user story with Given/When/Then acceptance criteria for a user task (teacher-written).",
    needs="user tasks (from user-story-split); outputs from a teacher model (synthesis stage)",
    teacher=True,
    inputs="documents",
)
def build_story(documents: list[SourceFile], options: TaskOptions) -> Iterator[InstructionRecord | Rejection]:
    """Nothing without a teacher: the synthesis stage writes these records (see the module doc)."""
    return _nothing()


@register_task(
    "api-to-user-story",
    "Describe an API operation as the user stories it serves (teacher-written).",
    needs="endpoint units (OpenAPI operations, code endpoints); outputs from a teacher model (synthesis stage)",
    teacher=True,
)
def build_api(units: list[CodeUnit], options: TaskOptions) -> Iterator[InstructionRecord | Rejection]:
    """Nothing without a teacher: the synthesis stage writes these records (see the module doc)."""
    return _nothing()
