"""Tokens to text while they are generated: stop strings found as soon as they appear, and the part
of the text that is safe to stream (never half a character, never the start of a stop string)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass
class TextSoFar:
    """The text of one generated sequence, grown a token at a time.

    `decode` turns all tokens so far into text (the tokenizer's own decode: merges of byte pieces and
    leading spaces come out right only from the whole sequence). `stops` are cut where they first
    appear; `sent` is how much of the text has been handed to the client.
    """

    decode: Callable[[Sequence[int]], str]
    stops: tuple[str, ...] = ()
    tokens: list[int] = field(default_factory=list)
    text: str = ""
    sent: int = 0
    stopped: bool = False
    _prefix: int = 0  # the window decoded each time: tokens[_prefix:], of which tokens[_prefix:_read]
    _read: int = 0  # are already in `text`

    def add(self, token: int) -> bool:
        """Add a token; True when a stop string ended the text (the stop and what follows are cut).

        Only a window of the last tokens is decoded (the text of tokens[_prefix:_read] is known), so
        the cost per token stays flat; the window starts a token back, where a tokenizer's handling of
        leading spaces and byte pieces is settled. Half a character waits for its next byte."""
        self.tokens.append(token)
        before = len(self.text)
        known = self.decode(self.tokens[self._prefix : self._read])
        window = self.decode(self.tokens[self._prefix :])
        if len(window) > len(known) and not window.endswith("\ufffd"):
            self.text += window[len(known) :]
            self._prefix, self._read = self._read, len(self.tokens)
        if self.stops:
            # a stop may start in text seen before: look back as far as the longest stop reaches
            start = max(0, min(before, len(self.text)) - max(len(s) for s in self.stops) + 1)
            hits = [at for s in self.stops if s and (at := self.text.find(s, start)) >= 0]
            if hits:
                self.text = self.text[: min(hits)]
                self.stopped = True
        return self.stopped

    def delta(self, final: bool = False) -> str:
        """New text that is safe to send: held back are a trailing replacement character (half of a
        multi-byte character) and, until the end, any tail that could be the start of a stop string."""
        end = len(self.text)
        if not final:
            while end > self.sent and self.text[end - 1] == "\ufffd":
                end -= 1
            end -= max((self._partial_stop(s, end) for s in self.stops), default=0)
        if end <= self.sent:
            return ""
        out, self.sent = self.text[self.sent : end], end
        return out

    def _partial_stop(self, stop: str, end: int) -> int:
        """Length of the longest start of `stop` that the unsent text up to `end` ends with."""
        for k in range(min(len(stop) - 1, end - self.sent), 0, -1):
            if self.text[end - k : end] == stop[:k]:
                return k
        return 0
