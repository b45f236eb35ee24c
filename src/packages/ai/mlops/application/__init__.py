"""The model registry service, implementing the ``ModelRegistry`` port."""
