"""Stage 7, training: LoRA fine-tuning of a base model (from `models`) on a dataset's train split.

torch, transformers and peft are imported lazily inside the functions.
"""
