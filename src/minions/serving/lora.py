"""Many LoRA adapters in one forward pass: each adapter's weights stacked per target layer (a slot
each), and every row of the batch routed to its own slot with two batched matmuls per layer.

This is the gathered-weights step of punica and S-LoRA. peft's mixed batch (`adapter_names`) loops
over the distinct adapters of the batch in every layer (a gather and two small matmuls each), so a
batch spread over many adapters costs several times one over a single adapter; here it costs the
same two matmuls whatever the mix. A step whose rows all use one adapter takes a plain matmul, and
one with no adapter skips the LoRA path altogether.

Only plain LoRA on `nn.Linear` layers is served this way (also rsLoRA and per-module rank or alpha
patterns); any other variant (DoRA, biases, modules to save, ...) is refused with a one-line error.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

from minions.errors import UserError

PREFIX = "base_model.model."
# a decoding step multiplies by the A of every slot up to its highest at once up to this many columns
# (slots x rank); past it, gathering each row's pair is cheaper (measured on a 2-core CPU at 8 rows
# of rank 16: 9 slots 25 against 100-150 us a layer, 17 slots 72 against 98, 65 slots 292 against 142)
MASKED_COLUMNS = 512
# Config keys of LoRA variants whose weights or maths are not plain LoRA: each must be off.
VARIANTS = (
    "use_dora",
    "lora_bias",
    "modules_to_save",
    "trainable_token_indices",
    "layer_replication",
    "target_parameters",
    "fan_in_fan_out",
    "alora_invocation_tokens",
    "use_qalora",
    "arrow_config",
    "use_bdlora",
    "kasa_config",
    "monteclora_config",
    "velora_config",
)


@dataclass(frozen=True)
class LoraWeights:
    """One adapter's LoRA pairs by target module name: (A [in, r], B [r, out] scaled)."""

    pairs: dict[str, tuple[object, object]]


def check_config(folder: Path) -> dict:
    """The adapter's peft config, or a UserError when it is not plain LoRA this engine can batch."""
    config = json.loads((folder / "adapter_config.json").read_text())
    if config.get("peft_type", "LORA") != "LORA":
        raise UserError(
            f"{folder.name}: a {config.get('peft_type')} adapter is not LoRA; only LoRA adapters are served"
        )
    if config.get("use_dora"):
        raise UserError(
            f"{folder.name}: a DoRA adapter cannot share a batch with other adapters; "
            "serve its merged model instead (minions adapters merge)"
        )
    if (config.get("bias") or "none") != "none":
        raise UserError(
            f"{folder.name}: an adapter that trains biases cannot be served batched; serve its merged model"
        )
    on = [k for k in VARIANTS if config.get(k)]
    if on:
        raise UserError(
            f"{folder.name}: the LoRA variant settings {', '.join(on)} cannot be served batched; "
            "serve its merged model instead (minions adapters merge)"
        )
    return config


def _scale(config: dict, module: str, rank: int) -> float:
    from peft.utils.other import get_pattern_key

    patterns = config.get("alpha_pattern") or {}
    alpha = patterns.get(get_pattern_key(patterns, module), config.get("lora_alpha", 8))
    return alpha / math.sqrt(rank) if config.get("use_rslora") else alpha / rank


def read_lora(folder: Path, model) -> LoraWeights:
    """An adapter's weights as (A, B·scale) pairs in the model's dtype, checked against its layers."""
    import torch
    from peft.utils import load_peft_weights

    config = check_config(folder)
    state = load_peft_weights(str(folder), device="cpu")
    modules = dict(model.named_modules())
    found: dict[str, dict[str, object]] = {}
    for key, value in state.items():
        name = key.removeprefix(PREFIX)
        for part in ("lora_A", "lora_B"):
            if name.endswith(f".{part}.weight"):
                found.setdefault(name.removesuffix(f".{part}.weight"), {})[part] = value
                break
        else:
            raise UserError(f"{folder.name}: weight {key.rsplit('.', 2)[-2]} is not plain LoRA; serve its merged model")
    pairs = {}
    for module, ab in sorted(found.items()):
        layer = modules.get(module)
        if isinstance(layer, banked_linear()):
            layer = layer.base
        if not isinstance(layer, torch.nn.Linear):
            raise UserError(
                f"{folder.name}: it adapts {module}, which this base model has not as a linear layer; "
                "check the adapter was trained on this base, or serve its merged model"
            )
        a, b = ab.get("lora_A"), ab.get("lora_B")
        if a is None or b is None or a.shape[1] != layer.in_features or b.shape[0] != layer.out_features:
            raise UserError(f"{folder.name}: the LoRA weights of {module} do not fit the base model's layer")
        dtype = layer.weight.dtype
        scale = _scale(config, module, a.shape[0])
        pairs[module] = (a.t().contiguous().to(dtype), (b.t() * scale).contiguous().to(dtype))
    if not pairs:
        raise UserError(f"{folder.name}: the adapter has no LoRA weights")
    return LoraWeights(pairs)


class Route:
    """Which slot each row of the next forward pass uses (slot 0: no adapter)."""

    def __init__(self):
        self.index = None  # LongTensor [rows] when rows use different slots
        self.single = 0  # the one slot every row uses, or None when they differ
        self.top = 0  # the highest slot any row uses
        self._masks: dict[tuple[int, int], object] = {}

    def set(self, slots: list[int]) -> None:
        import torch

        self._masks = {}
        self.top = max(slots)
        if len(set(slots)) == 1:
            self.single, self.index = slots[0], None
        else:
            self.single, self.index = None, torch.tensor(slots, dtype=torch.long)

    def mask(self, slots: int, rank: int, dtype):
        """[rows, 1, slots*rank]: 1 on each row's own slot's columns, for slots 0 .. slots-1 (made
        once per step and shape)."""
        import torch

        key = (slots, rank)
        if key not in self._masks:
            eye = torch.nn.functional.one_hot(self.index, slots).to(dtype)
            self._masks[key] = eye.repeat_interleave(rank, dim=1)[:, None, :]
        return self._masks[key]


@functools.cache
def banked_linear() -> type:
    """The banked layer class (made on first use: torch is imported lazily)."""
    import torch

    class BankedLinear(torch.nn.Module):
        """A linear layer plus every loaded adapter's LoRA pair for it, stacked by slot (all zeros
        in a slot whose adapter does not adapt this layer).

        A is kept twice: by slot ([slots, in, r], for gathering rows' pairs) and side by side
        ([slots*r, in], for one matmul over slots 0 .. k). A decoding step (one token per row) whose
        highest slot is low enough multiplies by the A of every slot up to it at once and masks
        each row to its own slot: two plain matmuls, cheaper on a CPU than gathering each row's
        pair; prefill (many tokens per row) gathers, so its cost does not grow with the slots."""

        def __init__(self, base, route: Route, slots: int):
            super().__init__()
            self.base, self.route = base, route
            w = base.weight
            self.a = torch.zeros(slots, base.in_features, 0, dtype=w.dtype, device=w.device)
            self.a_side = torch.zeros(0, base.in_features, dtype=w.dtype, device=w.device)
            self.b = torch.zeros(slots, 0, base.out_features, dtype=w.dtype, device=w.device)

        def forward(self, x):
            y = self.base(x)
            s = self.route.single
            if s is not None:
                return y if s == 0 else y + (x @ self.a[s]) @ self.b[s]
            rank = self.a.shape[2]
            cols = (self.route.top + 1) * rank  # the slots this step can reach
            if x.shape[1] == 1 and cols <= MASKED_COLUMNS:
                h = (x @ self.a_side[:cols].T) * self.route.mask(self.route.top + 1, rank, x.dtype)
                return y + h @ self.b.view(-1, self.b.shape[2])[:cols]
            index = self.route.index
            flat = x.reshape(x.shape[0], -1, x.shape[-1])
            return y + torch.bmm(torch.bmm(flat, self.a[index]), self.b[index]).reshape(y.shape)

        def grow(self, slots: int, rank: int) -> None:
            """Make room for `slots` slots of rank `rank` (zero padding changes no output)."""
            if slots <= self.a.shape[0] and rank <= self.a.shape[2]:
                return
            slots, rank = max(slots, self.a.shape[0]), max(rank, self.a.shape[2])
            a = self.a.new_zeros(slots, self.a.shape[1], rank)
            b = self.b.new_zeros(slots, rank, self.b.shape[2])
            a[: self.a.shape[0], :, : self.a.shape[2]] = self.a
            b[: self.b.shape[0], : self.b.shape[1]] = self.b
            self.a, self.b = a, b
            self._side()

        def put(self, slot: int, a, b) -> None:
            """Set one slot's pair (A [in, r], B [r, out])."""
            self.grow(slot + 1, a.shape[1])
            self.a[slot].zero_()
            self.b[slot].zero_()
            self.a[slot, :, : a.shape[1]] = a.to(self.a.device)
            self.b[slot, : b.shape[0]] = b.to(self.b.device)
            self._side()

        def clear(self, slot: int) -> None:
            self.a[slot].zero_()
            self.b[slot].zero_()
            self._side()

        def _side(self) -> None:
            self.a_side = self.a.permute(0, 2, 1).reshape(-1, self.a.shape[1]).contiguous()

    return BankedLinear


class LoraBank:
    """The adapters in memory, each in a slot of every adapted layer, and the per-step route.

    Every banked layer has the same number of slots, so a route is valid in all of them."""

    def __init__(self, model):
        self.model = model
        self.route = Route()
        self.layers: dict[str, object] = {}
        self.used: dict[int, list[str]] = {}  # slot -> the modules it has pairs in
        self.slots = 2  # slot 0 (no adapter) and one free

    def add(self, weights: LoraWeights) -> int:
        """Put an adapter in the lowest free slot (1, 2, ...) and return the slot."""
        import torch

        with torch.inference_mode():  # the stacks are inference tensors, changed in place
            return self._add(weights)

    def _add(self, weights: LoraWeights) -> int:
        slot = next(s for s in range(1, len(self.used) + 2) if s not in self.used)
        if slot >= self.slots:
            self.slots = max(slot + 1, 2 * self.slots)
            for layer in self.layers.values():
                layer.grow(self.slots, 0)
        for module, (a, b) in weights.pairs.items():
            self._layer(module).put(slot, a, b)
        self.used[slot] = list(weights.pairs)
        return slot

    def remove(self, slot: int) -> None:
        """Free a slot: its pairs become zeros (a row routed there would get the base's output)."""
        import torch

        with torch.inference_mode():
            for module in self.used.pop(slot, []):
                self.layers[module].clear(slot)

    def _layer(self, module: str):
        if module not in self.layers:
            parent, _, child = module.rpartition(".")
            owner = self.model.get_submodule(parent) if parent else self.model
            banked = banked_linear()(getattr(owner, child), self.route, self.slots)
            setattr(owner, child, banked)
            self.layers[module] = banked
        return self.layers[module]
