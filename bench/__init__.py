"""Benchmark scripts (not tests): see bench/README.md."""
