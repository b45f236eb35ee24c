"""Settings: defaults, ``HEX_*`` environment variables, and refused values."""

import dataclasses
from pathlib import Path

import pytest

from shared.configurations import Settings as ExportedSettings
from shared.configurations.settings import Settings
from shared.exceptions import ConfigurationError, IntegrationError

HEX_VARIABLES = (
    "HEX_ADAPTER_TIMEOUT",
    "HEX_HANDLER_TIMEOUT",
    "HEX_SAGA_LOG",
    "HEX_OBJECT_STORE",
    "HEX_ANOMALY_THRESHOLD",
    "HEX_DEPLOY_ACCURACY",
)
NUMBERS = (
    ("HEX_ADAPTER_TIMEOUT", "adapter_timeout"),
    ("HEX_HANDLER_TIMEOUT", "handler_timeout"),
    ("HEX_ANOMALY_THRESHOLD", "anomaly_threshold"),
    ("HEX_DEPLOY_ACCURACY", "deploy_accuracy"),
)
DEFAULTS = Settings(
    adapter_timeout=10.0,
    handler_timeout=30.0,
    saga_log_path=None,
    object_store_root=None,
    anomaly_threshold=3.0,
    deploy_accuracy=0.8,
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in HEX_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults() -> None:
    settings = Settings()

    assert settings.adapter_timeout == 10.0
    assert settings.handler_timeout == 30.0
    assert settings.saga_log_path is None
    assert settings.object_store_root is None
    assert settings.anomaly_threshold == 3.0
    assert settings.deploy_accuracy == 0.8
    assert settings == DEFAULTS
    assert ExportedSettings is Settings


def test_settings_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().adapter_timeout = 1.0  # type: ignore[misc]


def test_an_empty_environment_gives_the_defaults() -> None:
    assert Settings.from_env({}) == DEFAULTS


def test_unrelated_variables_are_ignored() -> None:
    assert Settings.from_env({"ADAPTER_TIMEOUT": "1", "HEX_OTHER": "x"}) == DEFAULTS


def test_from_env_reads_the_process_environment(clean_env: pytest.MonkeyPatch) -> None:
    assert Settings.from_env() == DEFAULTS

    clean_env.setenv("HEX_ADAPTER_TIMEOUT", "2.5")
    clean_env.setenv("HEX_SAGA_LOG", "/tmp/sagas.db")

    assert Settings.from_env() == dataclasses.replace(
        DEFAULTS, adapter_timeout=2.5, saga_log_path=Path("/tmp/sagas.db")
    )


@pytest.mark.parametrize(("variable", "field"), NUMBERS)
def test_each_number_is_read_from_its_variable(variable: str, field: str) -> None:
    settings = Settings.from_env({variable: "0.25"})

    assert getattr(settings, field) == 0.25
    assert type(getattr(settings, field)) is float
    assert settings == dataclasses.replace(DEFAULTS, **{field: 0.25})


def test_every_variable_at_once(tmp_path: Path) -> None:
    env = {
        "HEX_ADAPTER_TIMEOUT": "1",
        "HEX_HANDLER_TIMEOUT": "2.5",
        "HEX_SAGA_LOG": str(tmp_path / "sagas.sqlite"),
        "HEX_OBJECT_STORE": str(tmp_path / "objects"),
        "HEX_ANOMALY_THRESHOLD": "2",
        "HEX_DEPLOY_ACCURACY": "0.95",
    }

    assert Settings.from_env(env) == Settings(
        adapter_timeout=1.0,
        handler_timeout=2.5,
        saga_log_path=tmp_path / "sagas.sqlite",
        object_store_root=tmp_path / "objects",
        anomaly_threshold=2.0,
        deploy_accuracy=0.95,
    )


@pytest.mark.parametrize(
    ("variable", "field"),
    [("HEX_SAGA_LOG", "saga_log_path"), ("HEX_OBJECT_STORE", "object_store_root")],
)
def test_paths_are_read_as_paths(variable: str, field: str) -> None:
    settings = Settings.from_env({variable: "data/store"})

    assert getattr(settings, field) == Path("data/store")
    assert isinstance(getattr(settings, field), Path)


@pytest.mark.parametrize(("variable", "field"), NUMBERS)
@pytest.mark.parametrize("raw", ["abc", "1,5", "ten", "5s"])
def test_a_non_number_is_refused_naming_the_variable(variable: str, field: str, raw: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Settings.from_env({variable: raw})

    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, IntegrationError)
    assert str(caught.value) == f"{variable}={raw!r} is not a number"
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


@pytest.mark.parametrize(("variable", "field"), NUMBERS)
@pytest.mark.parametrize("raw", ["0", "0.0", "-1", "-0.5"])
def test_a_non_positive_number_is_refused_naming_the_variable(
    variable: str, field: str, raw: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Settings.from_env({variable: raw})

    assert str(caught.value) == f"{variable}={raw!r} must be a finite number greater than 0"


@pytest.mark.parametrize("variable", HEX_VARIABLES)
def test_an_empty_string_means_the_default(variable: str) -> None:
    assert Settings.from_env({variable: ""}) == DEFAULTS


def test_an_empty_string_in_the_process_environment_means_the_default(
    clean_env: pytest.MonkeyPatch,
) -> None:
    for name in HEX_VARIABLES:
        clean_env.setenv(name, "")

    assert Settings.from_env() == DEFAULTS


def test_numbers_may_be_written_with_spaces_or_exponents() -> None:
    settings = Settings.from_env({"HEX_ADAPTER_TIMEOUT": " 5 ", "HEX_HANDLER_TIMEOUT": "1e2"})

    assert (settings.adapter_timeout, settings.handler_timeout) == (5.0, 100.0)


@pytest.mark.parametrize(("variable", "field"), NUMBERS)
def test_nan_is_refused(variable: str, field: str) -> None:
    with pytest.raises(ConfigurationError, match=rf"^{variable}="):
        Settings.from_env({variable: "nan"})
