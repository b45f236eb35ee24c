"""Data science infrastructure: datasets to and from CSV."""
