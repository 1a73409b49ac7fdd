"""User-story structure scores against hand-counted parts."""

from __future__ import annotations

import pytest

from minions.scoring.stories import story_lang, story_structure
from minions.tasks.stories import validate_user_stories, validate_user_story

# the shapes the user-story task asks for and its validator accepts (as in tests/tasks/test_stories.py)
from story_samples import GOOD_EN, GOOD_EN_GHERKIN, GOOD_ZH  # noqa: E402


@pytest.mark.parametrize(("text", "lang"), [(GOOD_EN, "en"), (GOOD_EN_GHERKIN, "en"), (GOOD_ZH, "zh")])
def test_what_the_task_accepts_scores_one(text, lang):
    assert validate_user_story(text, lang) == []
    s = story_structure(text)
    assert s["lang"] == lang
    assert (s["role"], s["goal"], s["benefit"]) == (True, True, True)
    assert (s["stories"], s["criteria"], s["gwt_criteria"]) == (1, 2, 2)
    assert s["score"] == 1.0
    assert s["has_title"] is False


def test_title_is_found_and_not_scored():
    for title in ("# Cancel an order", "Title: Cancel an order", "Cancel an unshipped order"):
        s = story_structure(f"{title}\n\n{GOOD_EN}")
        assert s["has_title"] is True, title
        assert s["score"] == 1.0
    assert story_structure("## 取消订单\n\n" + GOOD_ZH)["has_title"] is True


def test_partial_story_hand_counted():
    text = (
        "As a customer, I want to cancel orders.\n\n"
        "1. Given a paid order, when I cancel it, then it is refunded.\n"
        "2. Given a shipped order, when I cancel it.\n"
    )
    s = story_structure(text)
    # no full sentence: role and goal found, benefit not -> story 2/3; 2 criteria of 2 needed -> 1;
    # one of two has Given/When/Then -> 0.5; score (2/3 + 1 + 1/2) / 3
    assert (s["role"], s["goal"], s["benefit"]) == (True, True, False)
    assert (s["criteria"], s["gwt_criteria"], s["gwt_share"]) == (2, 1, 0.5)
    assert s["score"] == pytest.approx((2 / 3 + 1 + 0.5) / 3)


def test_chinese_variants_hand_counted():
    # 我希望 / 从而 and 给定 / 当 / 则: a full story sentence -> 1; one criterion of two needed -> 0.5;
    # it has all three steps -> 1; score (1 + 0.5 + 1) / 3
    text = "作为管理员，我希望导出月度报表，从而按月对账。\n\n- 给定报表已生成，当我点击导出时，则下载一个 CSV 文件。\n"
    s = story_structure(text)
    assert s["lang"] == "zh"
    assert (s["stories"], s["criteria"], s["gwt_criteria"]) == (1, 1, 1)
    assert s["score"] == pytest.approx((1 + 0.5 + 1) / 3)


def test_steps_out_of_order_or_empty_do_not_count():
    text = (
        "As a user, I want to log in, so that I see my orders.\n\n"
        "- When I log in, given a password, then I see my orders.\n"  # When before Given
        "- Given a password, when I log in, then\n"  # Then with nothing after it
    )
    s = story_structure(text)
    # story 1; criteria 2 -> 1; none is Given/When/Then -> 0; score 2/3
    assert (s["criteria"], s["gwt_criteria"]) == (2, 0)
    assert s["score"] == pytest.approx(2 / 3)


def test_current_is_not_when_in_chinese():
    # 当前 ("current") is not the When step: the only criterion lacks a When
    text = "作为顾客，我想要查看订单，以便了解进度。\n\n1. 假设当前有一个订单，那么显示它。\n"
    assert story_structure(text)["gwt_criteria"] == 0


def test_criteria_without_list_markers():
    text = (
        "As a clerk, I want to print labels, so that parcels ship.\n"
        "Given a paid order, when I print, then a label comes out.\n"
        "Given no printer, when I print, then I see an error.\n"
    )
    s = story_structure(text)
    assert (s["criteria"], s["gwt_criteria"], s["score"]) == (2, 2, 1.0)


def test_several_stories_need_two_criteria_each():
    text = (
        "As a buyer, I want to pay by card, so that I finish quickly.\n"
        "- Given a valid card, when I pay, then the order is paid.\n\n"
        "As a buyer, I want a receipt, so that I can claim expenses.\n"
        "- Given a paid order, when I open it, then I can download the receipt.\n"
    )
    assert validate_user_stories(text, "en")  # the task would reject it: one criterion per story
    s = story_structure(text)
    # 2 stories need 4 criteria, 2 found -> 0.5; story 1; both Given/When/Then -> 1; score 2.5 / 3
    assert (s["stories"], s["criteria"], s["gwt_criteria"]) == (2, 2, 2)
    assert s["score"] == pytest.approx(2.5 / 3)


def test_no_story_scores_zero():
    s = story_structure("")
    assert s["score"] == 0.0
    assert s["has_title"] is False
    assert story_structure("Here is some text about orders.")["score"] == 0.0


def test_story_lang():
    assert story_lang(GOOD_ZH) == "zh"
    assert story_lang(GOOD_EN) == "en"
    assert story_lang("作为 admin user, I want 导出") == "zh"


@pytest.mark.timeout(30)
def test_review_a_long_degenerate_story_is_scored_in_linear_time():
    # many "As a user I want ..." without "so that": the lazy role and goal groups used to backtrack
    # in cubic time (4,400 characters took 5 s; these 22,000 would take about ten minutes)
    en = story_structure("As a user I want to x " * 1000, "en")
    zh = story_structure("作为用户我想要看到列表 " * 1000, "zh")
    assert en["benefit"] is False and zh["benefit"] is False
