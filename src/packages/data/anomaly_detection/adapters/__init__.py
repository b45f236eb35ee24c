"""Anomaly detection infrastructure: telling other domains on the event bus."""
