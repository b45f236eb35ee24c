"""Cross-domain integration patterns: adapters, locator, event bus and sagas."""
