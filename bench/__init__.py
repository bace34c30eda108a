"""Benchmarks against PostgreSQL; see docs/benchmarks.md."""
