"""The LoRA bank against peft: every row of a mixed batch gets the logits peft gives that row's
adapter alone (different ranks, targets, rsLoRA, alpha patterns, rows with no adapter), a freed slot
gives the base's output, and what is not plain LoRA is refused before the model changes."""

import pytest
import torch

from minions.errors import UserError
from minions.models.base import load_model, resolve_base_model
from minions.serving.lora import LoraBank, check_config, read_lora

CONFIGS = [
    dict(r=8, target_modules=["q_proj", "v_proj", "down_proj"]),
    dict(r=4, target_modules=["q_proj", "o_proj", "gate_proj"], use_rslora=True, lora_alpha=16),
    dict(r=16, target_modules="all-linear", alpha_pattern={"up_proj": 3}, rank_pattern={"k_proj": 2}),
]


@pytest.fixture(scope="module")
def adapters(session_ws, tmp_path_factory):
    from peft import LoraConfig, get_peft_model

    base = resolve_base_model("tiny", session_ws)
    folders = []
    for k, config in enumerate(CONFIGS):
        torch.manual_seed(k)
        _, model = load_model(base)
        folder = tmp_path_factory.mktemp(f"lora{k}")
        get_peft_model(model, LoraConfig(init_lora_weights=False, **config)).save_pretrained(folder)
        folders.append(folder)
    return base, folders


def peft_logits(base, folder, ids):
    from peft import PeftModel

    _, model = load_model(base)
    if folder is None:
        return model(input_ids=ids).logits
    return PeftModel.from_pretrained(model, folder).eval()(input_ids=ids).logits


def rows_against_peft(model, bank, slots, routes, ids, base, folders) -> list:
    """Route each row to its adapter (None: no adapter), run one batch, and check every row's logits
    against peft's for that adapter alone; returns (row, route, peft's logits)."""
    bank.route.set([0 if r is None else slots[r] for r in routes])
    out = model(input_ids=ids).logits
    checked = []
    for row, r in enumerate(routes):
        expected = peft_logits(base, None if r is None else folders[r], ids[row : row + 1])
        torch.testing.assert_close(out[row : row + 1], expected, rtol=1e-4, atol=1e-4)
        checked.append((row, r, expected))
    return checked


def test_each_row_of_a_mixed_batch_gets_what_peft_gives_its_adapter_alone(adapters):
    base, folders = adapters
    torch.manual_seed(0)
    ids = torch.randint(5, 200, (5, 7))
    routes = [None, 0, 1, 2, 1]
    _, model = load_model(base)
    bank = LoraBank(model)
    slots = [bank.add(read_lora(f, model)) for f in folders]
    with torch.no_grad():
        for row, r, expected in rows_against_peft(model, bank, slots, routes, ids, base, folders):
            assert r is None or not torch.allclose(expected, peft_logits(base, None, ids[row : row + 1]))
        bank.route.set([slots[1]] * 2)  # one adapter for every row: the plain matmul path
        torch.testing.assert_close(
            model(input_ids=ids[:2]).logits, peft_logits(base, folders[1], ids[:2]), rtol=1e-4, atol=1e-4
        )


def test_a_freed_slot_gives_the_base_output_and_is_reused(adapters):
    base, folders = adapters
    ids = torch.randint(5, 200, (2, 6))
    _, model = load_model(base)
    with torch.no_grad():
        plain = model(input_ids=ids).logits
        bank = LoraBank(model)
        first = bank.add(read_lora(folders[0], model))
        second = bank.add(read_lora(folders[2], model))
        bank.remove(first)
        bank.route.set([first, 0])
        torch.testing.assert_close(model(input_ids=ids).logits, plain)
        assert bank.add(read_lora(folders[1], model)) == first != second
        bank.route.set([first, second])
        torch.testing.assert_close(
            model(input_ids=ids).logits[:1],
            peft_logits(base, folders[1], ids[:1]),
            rtol=1e-4,
            atol=1e-4,
        )


def test_many_slots_grow_the_bank_and_keep_earlier_adapters_right(adapters):
    base, folders = adapters
    ids = torch.randint(5, 200, (1, 5))
    _, model = load_model(base)
    bank = LoraBank(model)
    slots = [bank.add(read_lora(folders[k % 3], model)) for k in range(7)]
    assert slots == list(range(1, 8))
    with torch.no_grad():
        bank.route.set([slots[0], slots[6]])
        out = model(input_ids=ids.repeat(2, 1)).logits
    torch.testing.assert_close(out[:1], peft_logits(base, folders[0], ids), rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(out[1:], peft_logits(base, folders[0], ids), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (dict(use_dora=True), "DoRA"),
        (dict(bias="lora_only"), "biases"),
        (dict(modules_to_save=["lm_head"]), "modules_to_save"),
    ],
)
def test_what_is_not_plain_lora_is_refused_with_the_way_out(adapters, tmp_path, config, message):
    from peft import LoraConfig, get_peft_model

    base, _ = adapters
    _, model = load_model(base)
    get_peft_model(model, LoraConfig(r=4, target_modules=["q_proj"], **config)).save_pretrained(tmp_path)
    with pytest.raises(UserError, match=message) as e:
        check_config(tmp_path)
    assert "merge" in str(e.value)


def test_an_adapter_for_another_base_is_refused_before_the_model_changes(adapters, tmp_path):
    import json

    base, folders = adapters
    _, model = load_model(base)
    before = {n: type(m).__name__ for n, m in model.named_modules()}
    config = json.loads((folders[0] / "adapter_config.json").read_text())
    state = {"base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight": torch.zeros(4, 9)}
    state["base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"] = torch.zeros(64, 4)
    from safetensors.torch import save_file

    save_file(state, tmp_path / "adapter_model.safetensors")
    (tmp_path / "adapter_config.json").write_text(json.dumps(config))
    with pytest.raises(UserError, match="do not fit"):
        read_lora(tmp_path, model)
    state = {"base_model.model.model.layers.0.mlp.nope.lora_A.weight": torch.zeros(4, 64)}
    state["base_model.model.model.layers.0.mlp.nope.lora_B.weight"] = torch.zeros(64, 4)
    save_file(state, tmp_path / "adapter_model.safetensors")
    with pytest.raises(UserError, match="not as a linear layer"):
        read_lora(tmp_path, model)
    assert {n: type(m).__name__ for n, m in model.named_modules()} == before


@pytest.mark.parametrize("masked_columns", [512, 0])
def test_a_decoding_step_is_right_by_the_masked_matmul_and_by_gathering(adapters, monkeypatch, masked_columns):
    from minions.serving import lora

    monkeypatch.setattr(lora, "MASKED_COLUMNS", masked_columns)  # 0: every step gathers
    base, folders = adapters
    torch.manual_seed(1)
    ids = torch.randint(5, 200, (4, 1))  # one token per row, as a decoding step feeds
    routes = [2, None, 0, 1]
    _, model = load_model(base)
    bank = LoraBank(model)
    slots = [bank.add(read_lora(f, model)) for f in folders]
    for f in folders * 2:  # more slots than the step reaches: it multiplies by slots 0..3 only
        bank.add(read_lora(f, model))
    assert bank.slots > 4
    with torch.no_grad():
        rows_against_peft(model, bank, slots, routes, ids, base, folders)
