"""AI domains."""
