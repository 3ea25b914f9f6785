"""Benchmarks (run as scripts: ``python benchmarks/store.py``)."""
