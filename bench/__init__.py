"""Load benchmarks for Loket (see docs/benchmarks.md)."""
