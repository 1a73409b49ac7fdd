"""Stage 7, training: base models (built-ins, local folders, GGUF files) and LoRA fine-tuning.

torch, transformers and peft are imported lazily inside the functions, so that importing this
package (for the CLI's help, say) stays light.
"""
