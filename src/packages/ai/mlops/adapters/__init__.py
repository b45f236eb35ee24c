"""MLOps infrastructure: the event bus subscriptions that drive the registry."""
