"""domain-qa: sections of documents as question/answer records."""

from __future__ import annotations

import pytest

from helpers import EXAMPLE
from minions.records import SourceFile, stable_id
from minions.tasks import TASKS, TaskOptions, run_tasks
from minions.tasks.domain_qa import WORDINGS, Section, section_id, sections, words

DOC = """---
owner: team-a
---
# Order cancellation

Short intro.

## Rules

A customer may cancel an order that has not shipped yet. Paid orders are refunded in full before
the status changes to cancelled, and the customer receives an e-mail.

```bash
# not a heading: a shell comment in a fenced block
curl -X DELETE /api/orders/1
```

### Refunds

Refunds go back to the card that paid, within five working days, and partial refunds are not
possible for a cancellation before shipping.

## Out of scope

Returns.
"""

ZH = """# 积分等级

## 等级规则

客户每消费一元获得一个积分，积分满一千分升级为银卡会员，满五千分升级为金卡会员，等级每年一月一日重新计算一次。
"""


def _doc(path: str, text: str) -> SourceFile:
    return SourceFile.from_raw("shop", "c", path, text, "markdown")


def _run(docs, **kw):
    return run_tasks([], ["domain-qa"], TaskOptions(**kw), docs)


def test_sections_follow_atx_headings_but_not_fenced_code_or_front_matter():
    title, secs = sections(DOC)
    assert title == "Order cancellation"
    assert [s.path for s in secs] == [(), ("Rules",), ("Rules", "Refunds"), ("Out of scope",)]
    assert secs[0].text == "Short intro."
    assert "# not a heading" in secs[1].text and secs[1].text.endswith("curl -X DELETE /api/orders/1\n```")
    assert "owner" not in "".join(s.text for s in secs)
    assert sections("no headings at all")[0] is None
    assert sections("## Closed ##\n\ntext")[1] == [Section(("Closed",), "text", 0)]


def test_words_count_chinese_characters_as_half():
    assert words("a b c") == 3 and words("积分等级") == 2 and words("VIP 会员") == 2


def test_records_question_the_heading_path_and_answer_with_the_section():
    doc = _doc("docs/requirements/order-cancellation.md", DOC)
    records, rejected = _run([doc])
    assert TASKS["domain-qa"].inputs == "documents"
    by_path = {r.output.split()[0]: r for r in records}
    assert set(by_path) == {"A", "Refunds"}, "two sections have 20 words or more"
    r = by_path["Refunds"]
    assert r.output == (
        "Refunds go back to the card that paid, within five working days, and partial refunds are not\n"
        "possible for a cancellation before shipping."
    )
    assert r.instruction == dict(WORDINGS["en"])[r.template_id].format(
        doc="Order cancellation", section='"Rules > Refunds"'
    )
    assert r.input == "" and r.lang == "markdown" and r.task == "domain-qa" and r.instruction_lang == "en"
    assert r.unit_ids == [stable_id(doc.id, "Rules > Refunds", "2")]
    assert r.focal_class == "order-cancellation" and r.module == "docs/requirements"
    assert r.source.path == "docs/requirements/order-cancellation.md" and r.source.repo == "shop"
    assert sorted(x.reason for x in rejected) == ["section shorter than 20 words"] * 2
    short = [s for s in sections(DOC)[1] if s.path in [(), ("Out of scope",)]]
    assert {x.id for x in rejected} == {section_id(doc, s) for s in short}


def test_chinese_documents_and_instructions():
    (r,), rejected = _run([_doc("docs/loyalty.md", ZH)], zh_ratio=1.0)
    assert r.instruction_lang == "zh" and "《积分等级》" in r.instruction and "「等级规则」" in r.instruction
    assert r.output.startswith("客户每消费一元") and [x.reason for x in rejected] == []


def test_untitled_text_is_asked_about_by_its_path_and_empty_documents_rejected():
    body = " ".join(["word"] * 25)
    (r,), _ = _run([_doc("notes/plain.md", body)])
    assert '"plain"' in r.instruction and "notes/plain.md" in r.instruction and r.output == body
    empty = _doc("notes/empty.md", "\n\n")
    assert [(x.id, x.reason) for x in _run([empty])[1]] == [(empty.id, "document has no text")]


def test_ids_are_stable_and_distinct():
    doc = _doc("docs/a.md", DOC + "\n## Rules\n\n" + " ".join(["again"] * 30) + "\n")
    a, b = _run([doc])[0], _run([doc])[0]
    assert [r.id for r in a] == [r.id for r in b] and len({r.id for r in a}) == len(a) == 3
    assert len({r.unit_ids[0] for r in a}) == 3, "two sections of one heading path differ by index"


@pytest.mark.parametrize("zh_ratio", [0.0, 1.0])
def test_acme_shop_requirements_give_records(zh_ratio):
    docs = [_doc(f"docs/requirements/{p.name}", p.read_text()) for p in sorted(EXAMPLE.glob("docs/requirements/*.md"))]
    records, rejected = _run(docs, zh_ratio=zh_ratio)
    assert len(docs) == 5 and len(records) >= 10
    assert {r.focal_class for r in records} == {p.source.path.rsplit("/", 1)[1][:-3] for p in records}
    assert {r.focal_class for r in records} >= {"order-cancellation", "gdpr-erasure"}
    assert all(r.output == r.output.strip() and words(r.output) >= 20 for r in records)
    assert all(x.reason == "section shorter than 20 words" for x in rejected)
