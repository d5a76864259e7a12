"""Counting contests through the engine, reviewing and publishing results."""
