"""Benchmarks: `python -m bench [NAME…]` (or `make bench`). Each prints ratios to a baseline
measured in the same run, so the numbers mean the same on any machine."""
