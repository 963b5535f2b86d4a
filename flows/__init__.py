"""Prefect flows: thin wiring around the pure functions in `drugdata`."""
