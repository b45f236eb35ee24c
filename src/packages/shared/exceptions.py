"""Every error the kernel raises, in one place.

All of them derive from :class:`IntegrationError`, so one ``except`` clause can catch
anything the kernel signals, while each keeps the built-in base a caller would expect
(``LookupError`` for a missing service, ``PermissionError`` for a refused call, ...).
"""

from __future__ import annotations

from collections.abc import Iterable


class IntegrationError(Exception):
    """Base class of every error raised by the kernel."""


class ServiceNotFound(IntegrationError, LookupError):
    """No service is registered under ``(domain, name)``.

    The message lists what *is* registered, because the usual cause is a typo or a
    composition root that forgot to wire a domain.
    """

    def __init__(self, domain: str, name: str, registered: Iterable[tuple[str, str]]) -> None:
        self.domain = domain
        self.name = name
        self.registered = tuple(sorted(registered))
        known = ", ".join(f"{d}/{n}" for d, n in self.registered) or "nothing yet"
        super().__init__(
            f"no service {name!r} is registered for domain {domain!r}; registered: {known}"
        )


class AdapterError(IntegrationError):
    """A cross-domain call made through an adapter failed.

    ``domain``, ``service`` and ``operation`` say which call; ``__cause__`` keeps the
    original exception for logs and debuggers.
    """

    def __init__(self, domain: str, service: str, operation: str, reason: str) -> None:
        self.domain = domain
        self.service = service
        self.operation = operation
        self.reason = reason
        super().__init__(f"{domain}.{service}.{operation} failed: {reason}")


class AdapterTimeout(AdapterError, TimeoutError):
    """A cross-domain call did not answer within its timeout."""


class SagaDefinitionError(IntegrationError, ValueError):
    """A saga was defined wrongly (no steps, two steps with one name, ...)."""


class SagaNotFound(IntegrationError, LookupError):
    """The saga log holds no saga with the given id."""


class NotAuthenticated(IntegrationError, PermissionError):
    """A protected call was made with no :class:`SecurityContext` at all."""


class PermissionDenied(IntegrationError, PermissionError):
    """The caller is known but lacks the permission the call requires."""

    def __init__(self, user_id: str, permission: str, target: str) -> None:
        self.user_id = user_id
        self.permission = permission
        self.target = target
        super().__init__(f"user {user_id!r} lacks permission {permission!r} for {target}")


class DuplicateRequirement(IntegrationError, ValueError):
    """The same compliance requirement was registered twice."""


class ComplianceViolation(IntegrationError):
    """An operation was blocked because its compliance report is not compliant.

    ``report`` is the :class:`~shared.infrastructure.compliance.ComplianceReport`.
    """

    def __init__(self, report: object, summary: str) -> None:
        self.report = report
        super().__init__(summary)


class ConfigurationError(IntegrationError, ValueError):
    """A setting has a value the kernel cannot use; the message names the setting."""
