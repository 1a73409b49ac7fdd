"""The /ui page's record reading, prompts and scores, in-process, against hand-computed values."""

import pytest

from minions.errors import UserError
from minions.records import SYSTEM_PROMPT
from minions.serving.compare import PREVIEW_CHARS, EvalRecord, load_eval_records, output_scores, prompt_messages
from minions.workspace import write_jsonl
from serving.conftest import STORY


def test_scores_against_a_reference_by_hand():
    # "kitten" -> "sitting": 3 edits over 7 characters
    assert output_scores("kitten", "sitting", "implement-method") == pytest.approx(
        {"exact_match": 0.0, "edit_similarity": 1 - 3 / 7, "bleu": 0.0}
    )
    same = output_scores("return a + b;  \r\n", "return a + b;", "implement-method")
    assert same == {"exact_match": 1.0, "edit_similarity": pytest.approx(13 / 17), "bleu": 1.0}


def test_story_tasks_get_the_structure_score_with_or_without_a_reference():
    # role, goal and benefit found (1), two criteria for one story (1), both Given/When/Then (1)
    assert output_scores(STORY, None, "user-story") == {"story_structure": 1.0}
    # no story sentence, no criteria: 0; "As a user" alone: role only -> (1/3 + 0 + 0) / 3
    assert output_scores("As a user", None, "api-to-user-story") == {"story_structure": pytest.approx(1 / 9)}
    assert output_scores(STORY, None, "implement-method") == {}, "other tasks: nothing without a reference"


def test_eval_records_of_both_forms(tmp_path):
    long_input = "x " * 200
    write_jsonl(
        tmp_path / "eval.jsonl",
        [
            {
                "id": "a",
                "task": "t1",
                "instruction": "Do",
                "input": long_input,
                "output": "done",
                "instruction_lang": "zh",
            },
            {
                "id": "b",
                "task": "t2",
                "messages": [
                    {"role": "system", "content": "Be terse."},
                    {"role": "user", "content": "Ask"},
                    {"role": "assistant", "content": "Answer"},
                ],
            },
        ],
    )
    a, b = load_eval_records(tmp_path)
    assert (a.instruction_lang, a.output, a.system) == ("zh", "done", None)
    assert a.preview()["input_preview"] == ("x " * (PREVIEW_CHARS // 2))[:PREVIEW_CHARS] + "…"
    assert b == EvalRecord("b", "t2", "Ask", "", "Answer", "en", "Be terse.")
    assert prompt_messages(b.instruction, b.input, b.system) == [
        {"role": "system", "content": "Be terse."},
        {"role": "user", "content": "Ask"},
    ]
    assert prompt_messages("Do", "this")[0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert prompt_messages("Do", "this")[1]["content"] == "Do\n\nthis"


def test_a_folder_without_eval_jsonl_is_refused(tmp_path):
    with pytest.raises(UserError, match="has no eval.jsonl"):
        load_eval_records(tmp_path)
