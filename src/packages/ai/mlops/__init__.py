"""MLOps: which model version serves in which environment.

Owns each environment's deployment history and its rules (one active deployment,
rollback to the previous one), and the policy that auto-deploys well-trained models to
staging. Registered as ``("mlops", "registry")``: a
:class:`~ai.mlops.application.registry.ModelRegistryService`, subscribed to
``ModelTrained`` by the composition root through :mod:`ai.mlops.adapters.subscriptions`.
"""
