"""Extractors: one module per published fact table, each a pure function of a Document."""
