"""Scores of a generated output against its reference, without a model: text similarity (exact match,
edit similarity, BLEU), CodeBLEU on tree-sitter, user-story structure, and the statistics that compare
two models (pass@k, paired bootstrap). Evaluation and the server's /ui page both use them."""
