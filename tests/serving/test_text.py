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


def test_a_real_tokenizers_pieces_add_up_to_its_whole_decode_with_no_half_characters(session_ws):
    """The tiny model's byte-level tokenizer splits é, ï, 日本 and ✓ into bytes: the text grown from a
    window of tokens equals decoding them all, and never shows U+FFFD on the way."""
    from minions.models.base import load_tokenizer, resolve_base_model

    tok = load_tokenizer(resolve_base_model("tiny", session_ws))
    source = 'def café():\n\treturn "naïve 日本 ✓"  # done\n    x = 1\n'
    ids = tok(source, add_special_tokens=False)["input_ids"]
    decode = lambda t: tok.decode(t, skip_special_tokens=True)  # noqa: E731
    assert "\ufffd" in "".join(decode([i]) for i in ids), "the string splits characters into bytes"
    text = TextSoFar(decode)
    sent = []
    for i in ids:
        text.add(i)
        assert "\ufffd" not in text.text
        sent.append(text.delta())
    assert text.text == decode(ids) == source
    assert "".join(sent) + text.delta(final=True) == source
