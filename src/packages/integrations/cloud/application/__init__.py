"""The cloud domain's application layer: empty on purpose.

Storing bytes under a key has no use case beyond the ``ObjectStore`` port itself, so
the stores in ``adapters/`` implement the port directly, and the key rules they share
live in ``domain/``. A use case spanning several calls (copying a prefix between
stores, say) would go here.
"""
