"""The composition root and the monorepo's tools.

* :mod:`deployment.bootstrap`: ``bootstrap()`` builds every domain's service, registers
  it with one service locator and wires the event subscriptions. It is the only package
  allowed to import the domains.
* :mod:`deployment.validation`: end-to-end integration scenarios, run by
  ``validation/simplified_integration_test.py``.
* :mod:`deployment.boundaries` and ``deployment/scripts``: the boundary check and the
  pre-commit hook installer.
"""
