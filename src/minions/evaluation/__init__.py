"""Stage 9, evaluation: base model vs adapter on held-out records; results.json and report.html.

Metrics register in `metrics.py`; torch/transformers/peft are imported lazily.
"""
