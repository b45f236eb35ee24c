"""Object stores implementing the ``ObjectStore`` port: in memory and on local disk."""
