"""Cross-cutting infrastructure: permissions and compliance."""
