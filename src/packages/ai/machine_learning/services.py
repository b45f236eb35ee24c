"""The machine learning domain's application services under their short names.

Other domains must never import this module: they use ``MLAdapter`` from
``shared.integration.domain_adapters``. It exists for the composition root and for
the course's "don't do this" examples, which import it directly to show the violation.
"""

from ai.machine_learning.application.training import TrainingService as MLService

__all__ = ["MLService"]
