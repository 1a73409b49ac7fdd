"""User-story tasks: validators on hand-written answers, input shapes, teacher-only registration."""

from __future__ import annotations

import pytest

from helpers import EXAMPLE
from minions.parsing import parse_files
from minions.records import SourceFile
from minions.sources.collect import collect
from minions.tasks import TASKS, TaskOptions, run_tasks
from minions.tasks.stories import (
    API_WORDINGS,
    SPLIT_WORDINGS,
    STORY_WORDINGS,
    api_input,
    split_input,
    story_input,
    story_split_items,
    validate_story_split,
    validate_user_stories,
    validate_user_story,
)
from story_samples import GOOD_EN, GOOD_EN_GHERKIN, GOOD_ZH  # noqa: E402


def test_good_stories_have_no_problems():
    assert validate_user_story(GOOD_EN, "en") == []
    assert validate_user_story(GOOD_EN_GHERKIN, "en") == []
    assert validate_user_story(GOOD_ZH, "zh") == []


@pytest.mark.parametrize(
    ("text", "lang", "problem"),
    [
        ("", "en", "empty"),
        (
            "I want to cancel orders.\n\n1. Given a paid order, when I cancel it, then it is refunded.\n"
            "2. Given a shipped order, when I cancel it, then I get 409.",
            "en",
            "no story sentence (As a <role>, I want <goal>, so that <benefit>): missing 'As a', 'so that'",
        ),
        (
            "As a customer, I want to cancel orders, so that I save money.\n\n"
            "1. Given a paid order, when I cancel it, then it is refunded.",
            "en",
            "fewer than 2 Given/When/Then acceptance criteria (1)",
        ),
        (
            "As a customer, I want to cancel orders, so that I save money.\n\n"
            "1. Given a paid order, then it is refunded.\n2. When I cancel, then nothing happens.",
            "en",
            "fewer than 2 Given/When/Then acceptance criteria (0)",
        ),
        (
            "As a , I want to cancel orders, so that I save money.\n\n"
            "1. Given a paid order, when I cancel, then it is refunded.\n"
            "2. Given a shipped order, when I cancel, then I get 409.",
            "en",
            "the story sentence has no role",
        ),
        (GOOD_ZH, "en", "not written in English"),
        (GOOD_EN, "zh", "not written in Chinese"),
        (
            "作为顾客，我要取消订单。\n1. 假设订单已支付，当我取消时，那么退款。\n"
            "2. 假设订单已发货，当我取消时，那么报错。",
            "zh",
            "no story sentence (As a <role>, I want <goal>, so that <benefit>): missing '我想要', '以便'",
        ),
        (
            "作为顾客，我想要取消订单，以便节省开支。\n1. 假设订单已支付，当前状态不变，那么没有退款。",
            "zh",
            "fewer than 2 Given/When/Then acceptance criteria (0)",
        ),
    ],
)
def test_bad_stories_name_their_problem(text, lang, problem):
    assert problem in validate_user_story(text, lang)


def test_several_stories_are_checked_one_by_one():
    assert validate_user_stories(GOOD_EN + "\n" + GOOD_EN_GHERKIN, "en") == []
    bad = GOOD_EN + "\nAs a clerk, I want to see refunds, so that I can audit them.\n"
    assert validate_user_stories(bad, "en") == ["story 2: fewer than 2 Given/When/Then acceptance criteria (0)"]
    assert validate_user_stories("Cancels an order.", "en") == ["no user story"]
    assert validate_user_stories(GOOD_ZH + "\n" + GOOD_ZH, "zh") == []
    with pytest.raises(ValueError, match="unknown instruction language"):
        validate_user_story(GOOD_EN, "fr")


def test_story_split_validation():
    good = "- Cancel an unshipped order\n- Track a shipment\n- Request a refund for a cancelled order"
    assert validate_story_split(good, "en") == [] and story_split_items(good)[1] == "Track a shipment"
    assert validate_story_split("1. 取消未发货的订单\n2. 查询物流状态\n3. 申请退款", "zh") == []
    assert validate_story_split("- Cancel an order", "en") == ["fewer than 2 user tasks (1)"]
    assert validate_story_split("Users do things:\n- Cancel an order\n- Track a shipment", "en") == [
        "1 line(s) that are not list items (first: line 1)"
    ]
    assert validate_story_split("- Cancel an order\n- cancel an order!", "en") == ["task 2 repeats an earlier one"]
    assert validate_story_split("- Cancel\n- Track a shipment", "en") == ["task 1 has 1 words (expected 2 to 30)"]
    assert validate_story_split("- 取消\n- 查询物流状态", "zh") == ["task 1 has 2 characters (expected 4 to 60)"]
    assert "not written in Chinese" in validate_story_split(good, "zh")
    assert validate_story_split("  ", "en") == ["empty"]


def test_inputs_have_their_shapes():
    doc = SourceFile.from_raw("shop", "c", "docs/orders.md", "# Orders\n\nCustomers place orders.\n", "markdown")
    assert split_input(doc) == "Domain description (docs/orders.md):\n\n# Orders\n\nCustomers place orders."
    assert story_input(" Track a shipment ", "Orders") == "Domain: Orders\nUser task: Track a shipment"
    assert story_input("Track a shipment") == "User task: Track a shipment"
    spec = """openapi: 3.0.0
info:
  title: Shop
  version: "1"
paths:
  /orders/{id}:
    delete:
      operationId: cancelOrder
      parameters:
        - name: id
          in: path
          required: true
          schema:
            type: integer
      responses:
        "204":
          description: cancelled
"""
    units = parse_files([SourceFile.from_raw("shop", "c", "api/openapi.yaml", spec, "yaml")]).units
    (op,) = [u for u in units if u.kind == "endpoint"]
    text = api_input(op)
    assert text.startswith("Operation: DELETE /orders/{id}\nParameters: id (path")
    assert "operationId: cancelOrder" in text and text.endswith("\n```")


def test_teacher_tasks_are_registered_and_yield_nothing_without_a_teacher():
    for name, inputs, wordings in [
        ("user-story-split", "documents", SPLIT_WORDINGS),
        ("user-story", "documents", STORY_WORDINGS),
        ("api-to-user-story", "units", API_WORDINGS),
    ]:
        task = TASKS[name]
        assert task.teacher and task.inputs == inputs
        assert all(len(wordings[lang]) >= 3 for lang in ("en", "zh"))
        assert {t.split("/")[0] for lang in ("en", "zh") for t, _ in wordings[lang]} == {name}
    files, _ = collect(EXAMPLE)
    docs = [f for f in files if f.lang == "markdown"]
    records, rejected = run_tasks(
        parse_files(files).units, ["user-story-split", "user-story", "api-to-user-story"], TaskOptions(), docs
    )
    assert docs and records == [] and rejected == [], "no output is made up without a teacher"


def test_criteria_may_follow_the_story_sentence_without_a_blank_line():
    """Review finding: the benefit ran to the end of the paragraph and swallowed the criteria."""
    en = (
        "As a shopper, I want to save my cart, so that I can buy later.\nAcceptance criteria:\n"
        "1. Given a cart with items, when I log out, then the items stay.\n"
        "2. Given a saved cart, when I log in, then I see it."
    )
    zh = (
        "作为顾客，我想要保存购物车，以便稍后购买。\n验收标准：\n"
        "1. 假设购物车里有商品，当我退出登录，于是商品仍在。\n"
        "2. 假设购物车已保存，当我登录，那么我能看到它。"
    )
    assert validate_user_story(en, "en") == [] and validate_user_story(zh, "zh") == []
