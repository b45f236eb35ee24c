"""Data quality infrastructure: reading schemas from JSON."""
