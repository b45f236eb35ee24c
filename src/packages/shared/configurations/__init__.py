"""Settings for the kernel and the composition root, read from the environment."""

from shared.configurations.settings import Settings

__all__ = ["Settings"]
