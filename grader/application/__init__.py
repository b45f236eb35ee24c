"""Use cases (grade, check, batch, validate) and the ports they need."""
