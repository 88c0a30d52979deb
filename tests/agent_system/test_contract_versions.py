"""How the kit reads an adapter's capabilities and errors across contract versions."""

from libraries.agent_system.contract import (
    CONTRACT_VERSION,
    AgentSystemAdapter,
    Capability,
    ErrorKind,
    RunError,
    declared_capabilities,
)


def adapter_of(version: int, *capabilities: str) -> AgentSystemAdapter:
    class Adapter(AgentSystemAdapter):
        name = "a system"
        contract_version = version

        def start(self, config): ...
        def stop(self): ...
        def submit(self, goal, *, provider, model, deadline_s=None): ...
        def run(self, run_id): ...

    Adapter.capabilities = frozenset(capabilities)
    return Adapter()


def test_a_version_1_kill_worker_also_means_resume_with_a_warning() -> None:
    capabilities, warning = declared_capabilities(adapter_of(1, Capability.KILL_WORKER))

    assert capabilities == {Capability.KILL_WORKER, Capability.RESUMES_AFTER_CRASH}
    assert "contract version 1" in warning and "resumes_after_crash" in warning


def test_a_version_2_kill_worker_means_only_kill() -> None:
    capabilities, warning = declared_capabilities(adapter_of(CONTRACT_VERSION, Capability.KILL_WORKER))

    assert capabilities == {Capability.KILL_WORKER}
    assert warning is None


def test_a_version_1_adapter_without_kill_worker_gets_no_warning() -> None:
    assert declared_capabilities(adapter_of(1, Capability.CANCEL)) == ({Capability.CANCEL}, None)


def test_a_plain_string_error_reads_as_kind_unknown() -> None:
    assert RunError.of("it broke") == RunError(ErrorKind.UNKNOWN, "it broke")
    assert RunError.of(None) is None


def test_an_error_shows_kind_provider_status_and_text() -> None:
    error = RunError(ErrorKind.RATE_LIMITED, "gave up after 3 attempts", "openai", 429)

    assert str(error) == "rate_limited (openai 429): gave up after 3 attempts"
