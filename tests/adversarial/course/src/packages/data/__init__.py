"""Data domains."""
