"""Benchmarks (run as scripts: ``python bench/intake.py``)."""
