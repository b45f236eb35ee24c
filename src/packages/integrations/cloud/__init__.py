"""Cloud: object storage, bytes under keys.

Owns the rules for object keys and two stores implementing the ``ObjectStore`` port
(:mod:`shared.interfaces.ports`): in memory and on the local file system. Registered as
``("cloud", "object_store")``: the file-system store when a root is configured, else
the in-memory one.
"""
