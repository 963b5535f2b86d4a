"""Extraction accuracy on third-party gold annotations (TAC 2017 ADR, NLM DDI, LabeledIn).

Each benchmark writes its documents as files the real readers take, runs the real per-document
pipeline on them and scores the fact rows against the gold: `drugdata eval tac|ddi|labeledin`.
Nothing here is published; the gold is read from `../shared/gold` at run time, never copied.
"""
