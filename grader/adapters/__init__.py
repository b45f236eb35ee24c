"""Implementations of the application's ports: files, notebooks, pytest, import-linter."""
