"""Benchmarks (not tests): each prints its figures; see the Makefile targets."""
