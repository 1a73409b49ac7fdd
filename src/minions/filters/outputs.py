"""What each task's output is, declared per task (not guessed from the text), for the filters that
read code: syntax, smells and conventions.

- `file`: a whole source file or class (write-test, spring-controller, spring-service,
  spring-repository);
- `member`: one method or function cut out of its class or file (implement-method,
  implement-from-test, spring-data-method, controller-test);
- `sql`: a query, `lang` sql or jpql (text-to-sql);
- `endpoints`: a Markdown table of endpoints, `| verb | path | ... |` (design-restful-api);
- `fragment`: a piece of code that is not a whole construct (code-completion);
- `comment`: a doc comment (doc-generation);
- `text`: prose, Markdown or a diagram, not code (domain-qa, plantuml-data-structure, user-story-split,
  user-story, api-to-user-story).

A task missing here is not read by these filters (a test keeps the table complete).
"""

from __future__ import annotations

from typing import Literal

from minions.parsing.languages import LANGUAGES

OutputForm = Literal["file", "member", "sql", "endpoints", "fragment", "comment", "text"]

OUTPUT_FORMS: dict[str, OutputForm] = {
    "write-test": "file",
    "spring-controller": "file",
    "spring-service": "file",
    "spring-repository": "file",
    "implement-method": "member",
    "implement-from-test": "member",
    "spring-data-method": "member",
    "controller-test": "member",
    "text-to-sql": "sql",
    "design-restful-api": "endpoints",
    "code-completion": "fragment",
    "doc-generation": "comment",
    "domain-qa": "text",
    "plantuml-data-structure": "text",
    "user-story-split": "text",
    "user-story": "text",
    "api-to-user-story": "text",
}

TEST_TASKS = frozenset({"write-test", "controller-test"})  # outputs that are tests: the test smells apply


def output_form(task: str) -> OutputForm | None:
    """The declared form of a task's output (None for a task not declared here)."""
    return OUTPUT_FORMS.get(task)


def is_code(task: str, lang: str) -> bool:
    """Whether a record's output is code of a parsed language: a whole file or a member."""
    return output_form(task) in ("file", "member") and lang in LANGUAGES
