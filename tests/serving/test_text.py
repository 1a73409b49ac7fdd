"""Streaming text: stop strings found as tokens arrive, and only text that is safe to send goes out."""

from minions.serving.text import TextSoFar


def chars(tokens) -> str:
    """A toy decode: each token is one character code."""
    return "".join(chr(t) for t in tokens)


def feed(text: TextSoFar, s: str) -> list[str]:
    sent = []
    for ch in s:
        stopped = text.add(ord(ch))
        sent.append(text.delta(final=stopped))
        if stopped:
            break
    return sent


def test_a_stop_string_split_over_tokens_is_found_and_never_streamed():
    text = TextSoFar(chars, stops=("END",))
    sent = feed(text, "  x = 1\nENDmore")
    assert text.stopped and text.text == "  x = 1\n"
    assert "".join(sent) == "  x = 1\n", "leading indentation kept, the stop never sent"
    assert "E" not in "".join(sent)


def test_text_that_only_looks_like_a_stop_start_is_sent_once_it_is_not_one():
    text = TextSoFar(chars, stops=("###",))
    sent = feed(text, "a # b ## c")
    assert not text.stopped
    assert "".join(sent) + text.delta(final=True) == "a # b ## c"


def test_the_earliest_of_several_stops_wins():
    text = TextSoFar(chars, stops=("zz", "b"))
    feed(text, "aabzz")
    assert text.text == "aa"


def test_half_a_character_is_held_back():
    pieces = {1: "caf", 2: "\ufffd", 3: "é"}

    def decode(tokens):  # a byte-level tokenizer shows U+FFFD until the second byte arrives
        return "caf" + ("é" if 3 in tokens else "\ufffd" if 2 in tokens else "")

    text = TextSoFar(decode)
    text.add(1)
    assert text.delta() == "caf"
    text.add(2)
    assert text.delta() == "" and pieces
    text.add(3)
    assert text.delta() == "é"
