"""The MLOps model: an environment's deployment history and its rules."""
