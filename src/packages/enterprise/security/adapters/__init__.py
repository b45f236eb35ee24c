"""Security infrastructure: reading a role policy from JSON."""
