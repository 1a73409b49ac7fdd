"""The transformers engine: continuous batching over one base model and many LoRA adapters.

One thread owns the model. Requests wait in a bounded queue; between decoding steps the thread
admits as many as there is room for (prefilled together, left-padded, then merged into the running
batch's key/value cache), and every step decodes one token for every running sequence, each row
through its own adapter (the LoRA bank of lora.py), so requests for different adapters share one
forward pass. A sequence leaves the batch as soon as it ends (end token, stop string, token limit,
or its client gone), freeing its slot for the next request.

Adapters load on first use and the least recently used is unloaded beyond `max_loaded`.
"""

from __future__ import annotations

import collections
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from minions.serving.text import TextSoFar


class QueueFull(Exception):
    """More requests wait than the queue holds (the server answers 429)."""


@dataclass(frozen=True)
class Sampling:
    """How one sequence is generated."""

    max_new: int
    temperature: float = 0.0
    top_p: float = 1.0
    seed: int | None = None
    stops: tuple[str, ...] = ()
    end_ids: frozenset[int] = frozenset()  # beside the engine's own (a template's end-of-turn tokens)
    ignore_eos: bool = False  # go on past end tokens (vLLM's option: benchmarks, load tests)


@dataclass
class Sequence:
    """One generated sequence (one choice of a request) and what it has produced so far."""

    adapter: Path | None  # the adapter folder, None for the base model
    prompt: list[int]
    sampling: Sampling
    on_event: Callable[[Sequence, str], None]  # called from the engine thread: "token", "end" or "error"
    text: TextSoFar
    finish: str | None = None  # stop, length, cancelled, error
    generated: int = 0  # tokens sampled, an end token included
    error: str = ""
    cancelled: threading.Event = field(default_factory=threading.Event)
    generator: object = None

    @property
    def tokens(self) -> list[int]:
        return self.text.tokens


@dataclass
class Stats:
    """Counters the metrics endpoint reads."""

    running: int = 0
    waiting: int = 0
    steps: int = 0
    loaded_adapters: int = 0


class Engine:
    """A base model, its adapters and the thread that generates for every request."""

    def __init__(
        self,
        tokenizer,
        model,
        *,
        end_ids: set[int],
        max_batch: int = 16,
        max_waiting: int = 64,
        max_loaded: int = 8,
    ):
        self.tokenizer = tokenizer
        self.model = model.eval()
        self.end_ids = set(end_ids)
        self.max_batch, self.max_waiting, self.max_loaded = max_batch, max_waiting, max_loaded
        self.loaded: collections.OrderedDict[Path, int] = collections.OrderedDict()  # folder -> bank slot
        self.bank = None  # the LoRA bank, made when the first adapter loads
        self.waiting: collections.deque[Sequence] = collections.deque()
        self.running: list[Sequence] = []
        self.stats = Stats()
        self._cv = threading.Condition()
        self._closing = False
        self._cache = None  # the running batch's key/value cache
        self._mask = None  # [rows, width]: 1 for a real token, 0 for left padding
        self._next = None  # [rows]: the token each row feeds next
        self._calls: collections.deque[Callable[[], None]] = collections.deque()
        self.loaded_now: frozenset[Path] = frozenset()
        self._thread = threading.Thread(target=self._loop, name="minions-engine", daemon=True)
        self._thread.start()

    # --- the request side (any thread) ------------------------------------------------------------

    def submit(self, seqs: list[Sequence]) -> None:
        """Queue the sequences of one request together (all or none); QueueFull when there is no room."""
        with self._cv:
            if self._closing:
                raise QueueFull("the server is shutting down")
            self._purge_cancelled()
            if len(self.waiting) + len(seqs) > self.max_waiting:
                raise QueueFull(f"{len(self.waiting)} requests are waiting (the limit is {self.max_waiting})")
            self.waiting.extend(seqs)
            self.stats.waiting = len(self.waiting)
            self._cv.notify()

    def _purge_cancelled(self) -> None:
        """Waiting sequences whose client gave up leave the queue (they hold no slot). Holds _cv."""
        gone = [s for s in self.waiting if s.cancelled.is_set()]
        if gone:
            self.waiting = collections.deque(s for s in self.waiting if not s.cancelled.is_set())
            self.stats.waiting = len(self.waiting)
            for seq in gone:
                self._end(seq, "cancelled")

    def new_sequence(
        self, adapter: Path | None, prompt: list[int], sampling: Sampling, on_event: Callable[[Sequence, str], None]
    ) -> Sequence:
        seq = Sequence(adapter, prompt, sampling, on_event, TextSoFar(self._decode, sampling.stops))
        if sampling.temperature:
            import torch

            seed = sampling.seed if sampling.seed is not None else secrets.randbits(63)
            seq.generator = torch.Generator().manual_seed(seed)
        return seq

    def close(self, timeout: float | None = None) -> None:
        """Finish what is running and waiting, then stop the thread."""
        with self._cv:
            self._closing = True
            self._cv.notify()
        self._thread.join(timeout)

    def _decode(self, tokens) -> str:
        return self.tokenizer.decode(tokens, skip_special_tokens=True)

    # --- the engine thread ----------------------------------------------------------------------

    def _loop(self) -> None:
        import torch

        while True:
            with self._cv:
                while not self.waiting and not self.running and not self._calls and not self._closing:
                    self._cv.wait()
                if self._closing and not self.waiting and not self.running and not self._calls:
                    return
                calls = list(self._calls)
                self._calls.clear()
                self._purge_cancelled()
                room = self.max_batch - len(self.running)
                new = [self.waiting.popleft() for _ in range(min(room, len(self.waiting)))]
                self.stats.waiting = len(self.waiting)
            try:
                for work in calls:
                    work()  # never raises: _run_call hands errors to its caller
                with torch.inference_mode():
                    self._drop_cancelled()
                    if new:
                        self._admit(new)
                    if self.running:
                        self._step()
            except Exception as e:  # noqa: BLE001 - one failure must not stop the server
                for seq in self.running + new:
                    if seq.finish is None:
                        self._end(seq, "error", f"generation failed: {type(e).__name__}: {e}")
                self.running, self._cache = [], None
            self.stats.running = len(self.running)

    def _slot(self, folder: Path | None, in_use: frozenset = frozenset()) -> int:
        """The bank slot of an adapter (0: none), loaded now if it is not; the least recently used is
        unloaded when more than `max_loaded` are in memory (never one in `in_use` or a running
        sequence's). A folder that fails to load leaves the model as it was."""
        from minions.serving.lora import LoraBank, read_lora

        if folder is None:
            return 0
        if folder in self.loaded:
            self.loaded.move_to_end(folder)
            return self.loaded[folder]
        weights = read_lora(folder, self.model)  # every check before the model changes
        if self.bank is None:
            self.bank = LoraBank(self.model)
        self.loaded[folder] = self.bank.add(weights)
        in_use = in_use | {s.adapter for s in self.running}
        for old in list(self.loaded):
            if len(self.loaded) <= self.max_loaded:
                break
            if old not in in_use and old != folder:
                self.bank.remove(self.loaded.pop(old))
        self._loaded_changed()
        return self.loaded[folder]

    def _loaded_changed(self) -> None:
        self.loaded_now = frozenset(self.loaded)  # what other threads read
        self.stats.loaded_adapters = len(self.loaded)

    def unload(self, folder: Path) -> bool:
        """Unload an adapter between steps (admin); False when it was not loaded (or is generating)."""

        def work() -> bool:
            if folder in self.loaded and folder not in {s.adapter for s in self.running}:
                self.bank.remove(self.loaded.pop(folder))
                self._loaded_changed()
                return True
            return False

        return self._run_call(work)

    def load(self, folder: Path) -> None:
        """Load an adapter now (admin) instead of on first use; its loading error is raised here."""
        self._run_call(lambda: self._slot(folder))

    def _run_call(self, work: Callable[[], object]):
        """Run `work` on the engine thread between steps and wait for its result or its error."""
        done, result = threading.Event(), {}

        def call():
            try:
                result["value"] = work()
            except Exception as e:  # noqa: BLE001 - handed to the caller
                result["error"] = e
            finally:
                done.set()

        self._call_soon(call)
        done.wait()
        if "error" in result:
            raise result["error"]
        return result.get("value")

    def _call_soon(self, work: Callable[[], None]) -> None:
        """Run `work` on the engine thread between steps (the model is never changed mid-step)."""
        with self._cv:
            self._calls.append(work)
            self._cv.notify()

    def _route(self, seqs: list[Sequence]) -> None:
        """Send each row of the next forward pass through its sequence's adapter."""
        if self.bank is not None:
            self.bank.route.set([self.loaded[s.adapter] if s.adapter else 0 for s in seqs])

    def _drop_cancelled(self) -> None:
        gone = [i for i, s in enumerate(self.running) if s.cancelled.is_set()]
        for i in gone:
            self._end(self.running[i], "cancelled")
        if gone:
            self._keep([i for i in range(len(self.running)) if i not in set(gone)])

    def _admit(self, new: list[Sequence]) -> None:
        """Prefill the new sequences together and merge them into the running batch."""
        import torch
        from transformers import DynamicCache

        ready: list[Sequence] = []
        later: list[Sequence] = []
        for seq in new:
            if seq.cancelled.is_set():
                self._end(seq, "cancelled")
                continue
            needed = {s.adapter for s in self.running + ready if s.adapter} | {seq.adapter} - {None}
            if seq.adapter not in self.loaded and len(needed) > self.max_loaded:
                later.append(seq)  # waits until a running adapter's sequences end
                continue
            try:
                self._slot(seq.adapter, frozenset(needed))
            except Exception as e:  # noqa: BLE001 - a broken adapter fails its own requests only
                self._end(seq, "error", f"cannot load the adapter: {type(e).__name__}: {e}")
                continue
            ready.append(seq)
        if later:
            with self._cv:
                self.waiting.extendleft(reversed(later))
                self.stats.waiting = len(self.waiting)
        if not ready:
            return
        width = max(len(s.prompt) for s in ready)
        pad = self.tokenizer.pad_token_id or 0
        ids = torch.tensor([[pad] * (width - len(s.prompt)) + s.prompt for s in ready], dtype=torch.long)
        mask = torch.tensor([[0] * (width - len(s.prompt)) + [1] * len(s.prompt) for s in ready], dtype=torch.long)
        positions = (mask.cumsum(-1) - 1).clamp(min=0)
        cache = DynamicCache()
        self._route(ready)
        out = self.model(
            input_ids=ids,
            attention_mask=mask,
            position_ids=positions,
            cache=cache,
            use_cache=True,
            logits_to_keep=1,
        )
        first = self._sample(out.logits[:, -1], ready)
        self._merge(ready, cache, mask, first)
        self._advance(first.tolist(), start=len(self.running) - len(ready))

    def _merge(self, seqs: list[Sequence], cache, mask, first) -> None:
        """Add prefilled rows to the running batch, left-padding the shorter side's cache."""
        import torch

        if not self.running:
            self.running, self._cache, self._mask, self._next = list(seqs), cache, mask, first
            return
        old_w, new_w = self._mask.shape[1], mask.shape[1]
        width = max(old_w, new_w)
        for mine, theirs in zip(self._cache.layers, cache.layers, strict=True):
            for attr in ("keys", "values"):
                a, b = getattr(mine, attr), getattr(theirs, attr)
                setattr(mine, attr, torch.cat([_left_pad(a, width - old_w), _left_pad(b, width - new_w)]))
        self._mask = torch.cat([_left_pad_2d(self._mask, width - old_w), _left_pad_2d(mask, width - new_w)])
        self._next = torch.cat([self._next, first])
        self.running += seqs

    def _step(self) -> None:
        """One token for every running sequence."""
        import torch

        rows = len(self.running)
        self._mask = torch.cat([self._mask, torch.ones((rows, 1), dtype=self._mask.dtype)], dim=1)
        positions = self._mask.sum(-1, keepdim=True) - 1
        self._route(self.running)
        out = self.model(
            input_ids=self._next[:, None],
            attention_mask=self._mask,
            position_ids=positions,
            cache=self._cache,  # grown in place
            use_cache=True,
        )
        self._next = self._sample(out.logits[:, -1], self.running)
        self.stats.steps += 1
        self._advance(self._next.tolist(), start=0)

    def _advance(self, tokens: list[int], start: int) -> None:
        """Hand each row's new token to its sequence; drop the rows that ended."""
        keep = list(range(start))
        for i, token in enumerate(tokens, start):
            seq = self.running[i]
            seq.generated += 1
            if not seq.sampling.ignore_eos and (token in self.end_ids or token in seq.sampling.end_ids):
                self._end(seq, "stop")
                continue
            stopped = seq.text.add(token)
            seq.on_event(seq, "token")
            if stopped:
                self._end(seq, "stop")
            elif seq.cancelled.is_set():
                self._end(seq, "cancelled")
            elif len(seq.tokens) >= seq.sampling.max_new:
                self._end(seq, "length")
            else:
                keep.append(i)
        if len(keep) < len(self.running):
            self._keep(keep)

    def _keep(self, rows: list[int]) -> None:
        """Only these rows stay in the batch; columns that are padding in every row are cut."""
        import torch

        if not rows:
            self.running, self._cache, self._mask, self._next = [], None, None, None
            return
        idx = torch.tensor(rows)
        self.running = [self.running[i] for i in rows]
        self._cache.batch_select_indices(idx)
        self._mask, self._next = self._mask[idx], self._next[idx]
        used = self._mask.any(dim=0).nonzero()
        cut = int(used[0]) if len(used) else 0
        if cut:
            self._mask = self._mask[:, cut:]
            for layer in self._cache.layers:
                layer.keys, layer.values = layer.keys[:, :, cut:], layer.values[:, :, cut:]

    def _sample(self, logits, seqs: list[Sequence]):
        """The next token of each row: greedy at temperature 0, else nucleus sampling with the row's
        own seeded generator (the same seed gives the same tokens)."""
        import torch

        out = logits.argmax(-1)
        for i, seq in enumerate(seqs):
            s = seq.sampling
            if not s.temperature:
                continue
            probs = torch.softmax(logits[i].float() / s.temperature, -1)
            if s.top_p < 1:
                sorted_p, order = probs.sort(descending=True)
                drop = sorted_p.cumsum(-1) - sorted_p > s.top_p
                sorted_p[drop] = 0
                probs = torch.zeros_like(probs).scatter(0, order, sorted_p)
            out[i] = torch.multinomial(probs, 1, generator=seq.generator)[0]
        return out

    def _end(self, seq: Sequence, finish: str, error: str = "") -> None:
        seq.finish, seq.error = finish, error
        seq.on_event(seq, "error" if finish == "error" else "end")


def _left_pad(t, n: int):
    """A [rows, heads, length, dim] cache tensor with n zero columns in front."""
    import torch

    if not n:
        return t
    return torch.cat([t.new_zeros((*t.shape[:2], n, t.shape[3])), t], dim=2)


def _left_pad_2d(t, n: int):
    import torch

    return torch.cat([t.new_zeros((t.shape[0], n)), t], dim=1) if n else t


def wait_until(predicate: Callable[[], bool], timeout: float) -> bool:
    """Poll `predicate` until it holds or `timeout` seconds pass (tests and shutdown)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def check_servable(folder: Path) -> None:
    """Refuse, before start-up, an adapter the batching engine cannot run beside others (see lora.py)."""
    from minions.serving.lora import check_config

    check_config(folder)
