"""End-to-end integration checks: the scenarios and their command line."""
