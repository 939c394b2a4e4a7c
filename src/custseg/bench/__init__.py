"""Benchmarks: the project's build side by side with the notebook approach and the bare floor."""
