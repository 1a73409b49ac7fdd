"""Base models and prompt templates: built-ins, local folders and GGUF files resolved to Hugging Face
folders identified by a content hash; templates per base family; encoded examples.

torch, transformers and peft are imported lazily inside the functions, so that importing this
package (for the CLI's help, say) stays light. Training, serving and evaluation load base models and
render prompts only through here.
"""
