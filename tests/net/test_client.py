"""The httpx2 client against the fake OpenAI server over loopback: tokens, headers, and every fault."""

from __future__ import annotations

import time

import pytest

from realtime_gui.api.request import build_request
from realtime_gui.config.connection import Connection, check_base_url
from realtime_gui.errors import ApiError, ConfigError, MintError, NetworkError, ResponseError, RetiredEndpointError
from realtime_gui.jsontext import Values
from realtime_gui.net.client import TokenClient, clock_offset
from realtime_gui.net.minted import MintedToken

from conftest import TEST_KEY, free_port
from hostile_server import HostileServer
from misbehaving import FakeOpenAI, Fault, FaultKind
from samples import minimal


def mint(
    client: TokenClient, connection: Connection, *, endpoint_id: str = "realtime", values: Values | None = None
) -> MintedToken:
    request = build_request(endpoint_id, {**minimal(endpoint_id), **(values or {})})
    return client.mint(request, connection=connection, api_key=TEST_KEY)


def assert_no_key(err: BaseException) -> None:
    assert TEST_KEY not in str(err)
    assert TEST_KEY not in repr(err)


@pytest.mark.parametrize(
    ("endpoint_id", "ttl_path", "ttl"),
    [
        ("realtime", "expires_after.seconds", 120),
        ("transcription", "expires_after.seconds", 300),
        ("translation", "expires_after.seconds", 45),
        ("beta-sessions", "client_secret.expires_after.seconds", 30),
        ("beta-transcription", "client_secret.expires_at.seconds", 90),
    ],
)
def test_each_endpoint_mints_a_token_with_the_requested_lifetime(
    token_client: TokenClient,
    connection: Connection,
    server: FakeOpenAI,
    endpoint_id: str,
    ttl_path: str,
    ttl: int,
) -> None:
    before = time.time()
    token = mint(token_client, connection, endpoint_id=endpoint_id, values={ttl_path: ttl})
    assert token.value.startswith("ek_")
    assert len(token.value) > 20
    assert token.endpoint == endpoint_id
    assert before + ttl - 1 <= token.expires_at <= time.time() + ttl
    assert token.session_id
    assert token.session_id.startswith("sess_")
    assert token.request_id
    assert token.request_id.startswith("req_")
    assert token.clock_offset == 0.0
    assert ttl - 2 <= token.seconds_left() <= ttl
    assert token.value not in repr(token)
    sent = server.requests[-1]
    assert sent.headers["authorization"] == f"Bearer {TEST_KEY}"
    assert sent.headers["content-type"] == "application/json"


def test_result_carries_model_processing_time_and_raw_response(
    token_client: TokenClient, connection: Connection
) -> None:
    token = mint(token_client, connection, values={"session.model": "gpt-realtime-mini"})
    assert token.model == "gpt-realtime-mini"
    assert token.processing_ms == 42
    assert token.response["session"]["model"] == "gpt-realtime-mini"
    assert token.response["value"] == token.value
    assert "x-ratelimit-remaining-requests" in token.headers


def test_azure_api_key_auth_and_organization_headers(token_client: TokenClient, server: FakeOpenAI) -> None:
    connection = Connection(base_url=server.base_url + "/", auth="api-key", organization="org-1", project="proj_2")
    mint(token_client, connection)
    headers = server.requests[-1].headers
    assert headers["api-key"] == TEST_KEY
    assert "authorization" not in headers
    assert headers["openai-organization"] == "org-1"
    assert headers["openai-project"] == "proj_2"


def test_wrong_key_is_an_api_error_without_the_key(token_client: TokenClient, connection: Connection) -> None:
    request = build_request("realtime", {})
    wrong = "sk-test-wrong-key-000000000000000000000000"
    with pytest.raises(ApiError) as caught:
        token_client.mint(request, connection=connection, api_key=wrong)
    assert caught.value.status == 401
    assert caught.value.code == "invalid_api_key"
    assert wrong not in str(caught.value)


@pytest.mark.parametrize(
    ("fault", "error_type", "fragment"),
    [
        (Fault(FaultKind.UNAUTHORIZED), ApiError, "Incorrect API key"),
        (Fault(FaultKind.BAD_PARAM, param="session.audio.output.voice"), ApiError, "Invalid value"),
        (Fault(FaultKind.RATE_LIMITED, seconds=7), ApiError, "Rate limit"),
        (Fault(FaultKind.SERVER_ERROR), ApiError, "The server had an error"),
        (Fault(FaultKind.BAD_GATEWAY_HTML), ResponseError, 'web page ("502 Bad Gateway")'),
        (Fault(FaultKind.EMPTY_BODY), ResponseError, "empty body"),
        (Fault(FaultKind.TRUNCATED), ResponseError, "not valid JSON; it may have been cut off"),
        (Fault(FaultKind.NO_TOKEN), ResponseError, "without a token"),
    ],
)
def test_faults_become_typed_errors_with_clear_messages(
    token_client: TokenClient,
    connection: Connection,
    server: FakeOpenAI,
    fault: Fault,
    error_type: type[MintError],
    fragment: str,
) -> None:
    server.inject(fault)
    with pytest.raises(error_type) as caught:
        mint(token_client, connection)
    assert fragment in str(caught.value)
    assert_no_key(caught.value)


def test_api_error_details(token_client: TokenClient, connection: Connection, server: FakeOpenAI) -> None:
    server.inject(Fault(FaultKind.BAD_PARAM, param="session.audio.output.voice"))
    with pytest.raises(ApiError) as caught:
        mint(token_client, connection)
    d = caught.value.details
    assert (d.status, d.type, d.code, d.param) == (
        400,
        "invalid_request_error",
        "invalid_value",
        "session.audio.output.voice",
    )
    assert d.request_id
    assert d.request_id.startswith("req_")


def test_rate_limit_reports_retry_after(token_client: TokenClient, connection: Connection, server: FakeOpenAI) -> None:
    server.inject(Fault(FaultKind.RATE_LIMITED, seconds=7))
    with pytest.raises(ApiError) as caught:
        mint(token_client, connection)
    assert caught.value.status == 429
    assert caught.value.details.retry_after == 7


def test_unknown_parameter_comes_back_with_its_param(
    token_client: TokenClient, connection: Connection, server: FakeOpenAI
) -> None:
    # Bypass our own validation to see the server's answer to a beta name on GA.
    from realtime_gui.api.catalog import endpoint
    from realtime_gui.api.request import MintRequest

    request = MintRequest(endpoint("realtime"), {"session": {"type": "realtime", "temperature": 0.8}})
    with pytest.raises(ApiError) as caught:
        token_client.mint(request, connection=connection, api_key=TEST_KEY)
    assert caught.value.code == "unknown_parameter"
    assert caught.value.param == "session.temperature"


def test_retired_beta_names_the_ga_endpoint(token_client: TokenClient, retired: FakeOpenAI) -> None:
    with pytest.raises(RetiredEndpointError) as caught:
        mint(token_client, Connection(base_url=retired.base_url), endpoint_id="beta-sessions")
    err = caught.value
    assert err.code == "beta_api_shape_disabled"
    assert err.ga_endpoint_id == "realtime"
    assert "retired the beta endpoint POST /v1/realtime/sessions" in str(err)
    assert "'realtime' (POST /v1/realtime/client_secrets)" in str(err)
    assert "no longer supported" in err.server_message


def test_skewed_server_clock_is_measured(token_client: TokenClient, connection: Connection, server: FakeOpenAI) -> None:
    server.inject(Fault(FaultKind.SKEWED_DATE, seconds=300))
    token = mint(token_client, connection, values={"expires_after.seconds": 60})
    assert 298 <= token.clock_offset <= 302
    # expires_at is on the server's clock, 5 minutes ahead; the time left is still about a minute.
    assert 57 <= token.seconds_left() <= 61


def test_slow_answer_within_the_timeout_succeeds(token_client: TokenClient, server: FakeOpenAI) -> None:
    server.inject(Fault(FaultKind.SLOW, seconds=0.3))
    token = mint(token_client, Connection(base_url=server.base_url, timeout=3))
    assert token.value.startswith("ek_")


def test_hanging_server_times_out_promptly(token_client: TokenClient, server: FakeOpenAI) -> None:
    # Only the deadline ends it as a timeout; a call without one would fail this test when the hang ends (the
    # server then hangs up without answering): in 30 s, not an hour with the suite stuck on it.
    server.inject(Fault(FaultKind.HANG, seconds=30))
    with pytest.raises(NetworkError) as caught:
        mint(token_client, Connection(base_url=server.base_url, timeout=0.5))
    assert caught.value.reason == "timeout"
    assert "Timed out after 0.5 s" in str(caught.value)


def test_refused_connection(token_client: TokenClient) -> None:
    with pytest.raises(NetworkError) as caught:
        mint(token_client, Connection(base_url=f"http://127.0.0.1:{free_port()}/v1"))
    assert caught.value.reason == "refused"
    assert "refused the connection" in str(caught.value)


def test_unknown_host(token_client: TokenClient) -> None:
    with pytest.raises(NetworkError) as caught:
        mint(token_client, Connection(base_url="https://no-such-host.invalid/v1", timeout=5))
    assert caught.value.reason == "dns"
    assert "no-such-host.invalid" in str(caught.value)


def test_tls_failure(token_client: TokenClient, server: FakeOpenAI) -> None:
    # https:// to a plain-HTTP server: a real TLS handshake failure.
    with pytest.raises(NetworkError) as caught:
        mint(
            token_client,
            Connection(base_url=server.base_url.replace("http://", "https://"), timeout=5),
        )
    assert caught.value.reason == "tls"


@pytest.mark.parametrize(
    "url",
    [
        "http://api.example.com/v1",
        "http://192.168.1.10:8080/v1",
        "ftp://api.openai.com",
        "api.openai.com/v1",
        "https://user:pw@api.openai.com/v1",
        "https://api.openai.com/v1?x=1",
    ],
)
def test_unsafe_or_malformed_base_urls_are_refused_before_sending(url: str) -> None:
    with pytest.raises(ConfigError):
        check_base_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:4010",
        "http://localhost:8080/v1",
        "http://[::1]:1/v1",
        "https://api.openai.com/v1/",
    ],
)
def test_https_and_loopback_http_are_allowed(url: str) -> None:
    assert check_base_url(url) == url.rstrip("/")


def test_plain_http_to_another_host_sends_nothing(token_client: TokenClient) -> None:
    with pytest.raises(ConfigError) as caught:
        mint(token_client, Connection(base_url="http://api.example.com/v1"))
    assert "unencrypted" in str(caught.value)


def test_a_key_that_cannot_be_a_header_is_refused_without_quoting_it(
    token_client: TokenClient, connection: Connection
) -> None:
    bad = "sk-test-with space-and-more-characters"
    with pytest.raises(ConfigError) as caught:
        token_client.mint(build_request("realtime", {}), connection=connection, api_key=bad)
    assert bad not in str(caught.value)


def test_the_client_follows_no_redirects(token_client: TokenClient, hostile: HostileServer) -> None:
    with pytest.raises(ResponseError) as caught:
        mint(token_client, Connection(base_url=hostile.base_url("redirect")))
    assert "HTTP 307" in str(caught.value)
    # A client that followed would have sent the second request before mint() returned, and the server records a
    # request before it answers.
    assert len(hostile.requests) == 1, "the key went nowhere else"


def test_clock_offset_ignores_the_date_headers_rounding() -> None:
    from email.utils import formatdate

    now = 1_800_000_000.3
    assert clock_offset(formatdate(now, usegmt=True), now) == 0.0
    assert clock_offset(formatdate(now + 120, usegmt=True), now) == pytest.approx(120, abs=1)
    assert clock_offset(formatdate(now - 3600, usegmt=True), now) == pytest.approx(-3600, abs=1)
    assert clock_offset("garbage", now) == 0.0
    assert clock_offset(None, now) == 0.0


@pytest.mark.parametrize("when", [0.0, 951_782_400.0, 1_800_000_000.0, 4_102_444_799.0])
def test_http_date_reads_imf_fixdate_like_the_standard_library(when: float) -> None:
    from email.utils import formatdate

    from realtime_gui.net.client import http_date

    assert http_date(formatdate(when, usegmt=True)) == when


def test_http_date_falls_back_for_obsolete_formats_and_rejects_junk(monkeypatch: pytest.MonkeyPatch) -> None:
    from realtime_gui.net.client import http_date

    monkeypatch.setenv("TZ", "Asia/Tokyo")  # an asctime date names no zone: it is GMT, not this machine's time
    time.tzset()
    try:
        assert http_date("Sunday, 06-Nov-94 08:49:37 GMT") == 784_111_777.0
        assert http_date("Sun Nov  6 08:49:37 1994") == 784_111_777.0
        assert http_date("Tue, 31 Feb 2026 10:00:00 GMT") is None
        assert http_date("soon") is None
    finally:
        monkeypatch.undo()
        time.tzset()
