"""A fake OpenAI server on 127.0.0.1, for the tests and the window's demo mode.

Serves the five token endpoints with realistic answers (`ek_…` tokens with the requested lifetime, `x-request-id`,
`Date`, `openai-processing-ms`), requires an API key, and can misbehave on demand: `inject(Fault(...))` queues one
fault per coming request (401, 400 with a param, 429 with Retry-After, 500, 502 with an HTML page, an empty or
truncated body, a slow or hanging answer, a skewed clock, the retired-beta answer, a 200 without a token).

On the same host and port it opens Realtime sessions over WebSocket (`GET /v1/realtime?model=…` with
`Authorization: Bearer ek_…`), only for tokens it issued that have not expired: `session.created` with the session
it minted, a canned streamed reply to a text turn, and faults of their own (the `WS_` kinds: refused upgrade,
silence, a close code, an `error` event, malformed, non-JSON and oversized frames).

It knows the endpoints' paths and answers, not our catalog: request bodies are judged by a pluggable `RequestCheck`
(the tests plug in the official OpenAPI schemas, so `jsonschema` stays a test dependency). Not imported at start-up.
"""

from realtime_gui.demo.server import DEMO_KEY, RETIRED_MESSAGE, FakeOpenAI, running
from realtime_gui.demo.state import ErrorReply, Fault, FaultKind, Issued, Recorded, RequestCheck

__all__ = [
    "DEMO_KEY",
    "RETIRED_MESSAGE",
    "ErrorReply",
    "FakeOpenAI",
    "Fault",
    "FaultKind",
    "Issued",
    "Recorded",
    "RequestCheck",
    "running",
]
