"""Supplier price list import for Acme Shop."""

__version__ = "0.7.1"
