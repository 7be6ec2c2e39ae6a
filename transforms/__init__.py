"""Plain-Python stages of the newsetl pipeline: each takes a batch and returns tables."""
