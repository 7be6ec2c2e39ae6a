"""Data-quality suites for every warehouse table and the code that runs them."""
