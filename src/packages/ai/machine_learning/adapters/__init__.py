"""Machine learning infrastructure: keeping trained models as JSON files."""
