"""Compliance requirements as data, validators as code, and a gate that enforces them.

Behaviour choices, stated once:

* A requirement is ``(framework, operation, validator)``, identified by
  ``framework/operation/requirement_id`` (the id defaults to the validator's name);
  registering the same one twice raises :class:`DuplicateRequirement`.
* A validator gets the operation's payload, may be sync or async, and returns ``True``
  / ``False`` or a :class:`CheckResult` (to say MANUAL, or to explain a FAIL).
  Anything else, or an exception, is an ERROR, never a pass.
* A report is ``compliant`` only when every requirement PASSed. MANUAL (a person must
  look) and ERROR both block. An operation with no requirement is compliant, and the
  report says that nothing was checked.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ParamSpec, TypeVar

from shared.exceptions import ComplianceViolation, DuplicateRequirement
from shared.integration._calls import invoke

P = ParamSpec("P")
R = TypeVar("R")


class Status(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    MANUAL = "MANUAL"
    ERROR = "ERROR"


@dataclass(frozen=True)
class CheckResult:
    """What a validator may return instead of a bool."""

    status: Status
    message: str = ""

    @classmethod
    def passed(cls, message: str = "") -> CheckResult:
        return cls(Status.PASS, message)

    @classmethod
    def failed(cls, message: str) -> CheckResult:
        return cls(Status.FAIL, message)

    @classmethod
    def manual(cls, message: str) -> CheckResult:
        return cls(Status.MANUAL, message)


Validator = Callable[[Any], bool | CheckResult | Awaitable[bool | CheckResult]]


@dataclass(frozen=True)
class Requirement:
    framework: str
    operation: str
    requirement_id: str
    validator: Validator
    description: str = ""

    @property
    def key(self) -> str:
        return f"{self.framework}/{self.operation}/{self.requirement_id}"


@dataclass(frozen=True)
class RequirementResult:
    requirement: Requirement
    status: Status
    message: str = ""

    def line(self) -> str:
        text = f"{self.status.value:6} {self.requirement.key}"
        return f"{text}: {self.message}" if self.message else text


@dataclass(frozen=True)
class ComplianceReport:
    operation: str
    results: tuple[RequirementResult, ...]

    @property
    def compliant(self) -> bool:
        return all(r.status is Status.PASS for r in self.results)

    @property
    def blocking(self) -> tuple[RequirementResult, ...]:
        return tuple(r for r in self.results if r.status is not Status.PASS)

    def summary(self) -> str:
        if not self.results:
            return f"{self.operation}: no requirement registered, nothing checked"
        verdict = "compliant" if self.compliant else "NOT compliant"
        return "\n".join([f"{self.operation}: {verdict}", *(r.line() for r in self.results)])


class ComplianceFramework:
    """A registry of requirements per operation, evaluated on each call's payload."""

    def __init__(self) -> None:
        self._requirements: dict[str, Requirement] = {}

    def register_requirement(
        self,
        framework: str,
        operation: str,
        validator: Validator,
        *,
        requirement_id: str | None = None,
        description: str = "",
    ) -> Requirement:
        if not callable(validator):
            raise TypeError(f"the validator for {framework}/{operation} must be callable")
        rid = requirement_id or getattr(validator, "__name__", None) or repr(validator)
        requirement = Requirement(
            framework, operation, rid, validator, description or (validator.__doc__ or "").strip()
        )
        if requirement.key in self._requirements:
            hint = " (name it with requirement_id=...)" if rid == "<lambda>" else ""
            raise DuplicateRequirement(f"requirement {requirement.key} is already registered{hint}")
        self._requirements[requirement.key] = requirement
        return requirement

    def requirements(self, operation: str | None = None) -> list[Requirement]:
        return [
            r for r in self._requirements.values() if operation is None or r.operation == operation
        ]

    async def evaluate(self, operation: str, payload: Any) -> ComplianceReport:
        """Run every requirement registered for ``operation`` on ``payload``."""
        results = [await _run(r, payload) for r in self.requirements(operation)]
        return ComplianceReport(operation, tuple(results))

    def enforce(
        self, operation: str, *, payload: str | None = None
    ) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
        """Decorate an async function so that it runs only when compliant.

        The payload is the argument named ``payload`` or, by default, the first one
        after ``self``. A non-compliant call raises :class:`ComplianceViolation` and
        the function body never runs.
        """

        def decorate(function: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
            if not inspect.iscoroutinefunction(function):
                raise TypeError(f"enforce() guards async functions; {function.__name__} is not")
            signature = inspect.signature(function)
            names = [n for n in signature.parameters if n not in ("self", "cls")]
            argument = payload or (names[0] if names else None)
            if argument is None or argument not in signature.parameters:
                raise TypeError(f"{function.__name__} has no argument {argument!r} to check")

            @functools.wraps(function)
            async def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
                bound = signature.bind(*args, **kwargs)
                bound.apply_defaults()
                report = await self.evaluate(operation, bound.arguments[argument])
                if not report.compliant:
                    raise ComplianceViolation(report, report.summary())
                return await function(*args, **kwargs)

            return guarded

        return decorate


async def _run(requirement: Requirement, payload: Any) -> RequirementResult:
    try:
        verdict = await invoke(requirement.validator, payload)
    except Exception as error:
        return RequirementResult(
            requirement, Status.ERROR, f"validator raised {type(error).__name__}: {error}"
        )
    if isinstance(verdict, CheckResult):
        return RequirementResult(requirement, verdict.status, verdict.message)
    if isinstance(verdict, bool):
        return RequirementResult(requirement, Status.PASS if verdict else Status.FAIL)
    return RequirementResult(
        requirement,
        Status.ERROR,
        f"validator returned {verdict!r}; it must return True, False or a CheckResult",
    )
