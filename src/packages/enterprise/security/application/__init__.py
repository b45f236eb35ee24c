"""The authorization service: security contexts from roles."""
