"""What the grader reasons about; no I/O here."""
