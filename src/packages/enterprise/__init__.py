"""Enterprise domains: security (who may do what)."""
