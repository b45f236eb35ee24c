"""The reference integration kernel: the only package a domain may import.

Sub-packages:

* ``shared.integration``: domain adapters, the service locator, the event bus, sagas.
* ``shared.infrastructure``: the permission decorator and the compliance registry.
* ``shared.interfaces``: the data types and ports that cross domain boundaries.
* ``shared.configurations``: settings read from the environment.

Everything here uses the Python standard library only, so the same code runs in a
terminal, in Jupyter and in a browser's Pyodide.
"""
