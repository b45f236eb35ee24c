"""Properties of sagas that must hold whichever step fails, shown with hypothesis."""

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.integration.cross_domain_patterns import (
    SagaContext,
    SagaOrchestrator,
    SagaStatus,
    SagaStep,
)


def build(
    size: int, failing_step: int | None, failing_compensations: frozenset[int], log: list[str]
) -> SagaOrchestrator:
    saga = SagaOrchestrator("property")
    for index in range(size):

        def action(context: SagaContext, i: int = index) -> int:
            log.append(f"do {i}")
            if i == failing_step:
                raise RuntimeError(f"step {i}")
            return i

        async def compensation(context: SagaContext, i: int = index) -> None:
            log.append(f"undo {i}")
            if i in failing_compensations:
                raise OSError(f"undo {i}")

        saga.add_step(SagaStep(f"s{index}", action, compensation))
    return saga


scenarios = st.integers(min_value=1, max_value=8).flatmap(
    lambda size: st.tuples(
        st.just(size),
        st.one_of(st.none(), st.integers(min_value=0, max_value=size - 1)),
        st.frozensets(st.integers(min_value=0, max_value=size - 1)),
    )
)


@settings(max_examples=300, deadline=None)
@given(scenarios)
def test_exactly_the_completed_steps_are_compensated_in_reverse_once_each(
    scenario: tuple[int, int | None, frozenset[int]],
) -> None:
    size, failing_step, failing_compensations = scenario
    log: list[str] = []

    result = asyncio.run(build(size, failing_step, failing_compensations, log).execute())

    if failing_step is None:
        assert result.status is SagaStatus.COMPLETED
        assert log == [f"do {i}" for i in range(size)]
        return
    completed = list(range(failing_step))
    assert log == [f"do {i}" for i in range(failing_step + 1)] + [
        f"undo {i}" for i in reversed(completed)
    ]
    assert result.failed_step == f"s{failing_step}"
    assert result.completed_steps == tuple(f"s{i}" for i in completed)
    broken = [i for i in reversed(completed) if i in failing_compensations]
    assert [f.step for f in result.compensation_errors] == [f"s{i}" for i in broken]
    assert result.compensated_steps == tuple(
        f"s{i}" for i in reversed(completed) if i not in failing_compensations
    )
    assert result.status is (SagaStatus.FAILED if broken else SagaStatus.COMPENSATED)


@settings(max_examples=60, deadline=None)
@given(
    failures_before_success=st.integers(min_value=0, max_value=4),
    retries=st.integers(min_value=0, max_value=4),
)
def test_a_step_succeeds_iff_it_fails_fewer_times_than_its_attempts(
    failures_before_success: int, retries: int
) -> None:
    attempts: list[int] = []

    def flaky(context: SagaContext) -> str:
        attempts.append(1)
        if len(attempts) <= failures_before_success:
            raise ConnectionError("busy")
        return "ok"

    saga = SagaOrchestrator("retry").add_step(SagaStep("call", flaky, retries=retries, backoff=0))

    result = asyncio.run(saga.execute())

    assert result.succeeded is (failures_before_success <= retries)
    assert len(attempts) == min(failures_before_success + 1, retries + 1)


@settings(max_examples=20, deadline=None)
@given(retries=st.integers(min_value=0, max_value=2))
def test_each_attempt_gets_its_own_timeout(retries: int) -> None:
    attempts: list[int] = []

    async def hangs(context: SagaContext) -> None:
        attempts.append(1)
        await asyncio.sleep(10)

    saga = SagaOrchestrator("timeout").add_step(
        SagaStep("hang", hangs, timeout=0.005, retries=retries, backoff=0)
    )

    result = asyncio.run(saga.execute())

    assert isinstance(result.error, TimeoutError)
    assert len(attempts) == retries + 1
