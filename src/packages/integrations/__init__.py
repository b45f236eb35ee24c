"""Integration domains: cloud (object storage)."""
