"""A fake OpenAI server on 127.0.0.1 that answers well, for the window's demo mode and the tests.

Serves the five token endpoints with realistic answers (`ek_…` tokens with the requested lifetime, `x-request-id`,
`Date`, `openai-processing-ms`) and requires an API key. On the same host and port it opens Realtime sessions over
WebSocket (`GET /v1/realtime?model=…` with `Authorization: Bearer ek_…`), only for tokens it issued that have not
expired: `session.created` with the session it minted, and a canned streamed reply to a text turn.

Misbehaving on demand (a 429, an HTML page, a hang, a refused upgrade, …) is the tests' business: tests/misbehaving.py
passes its own `DemoHandler` and `Session` that act out queued faults.

It knows the endpoints' paths and answers, not our catalog: request bodies are judged by a pluggable `RequestCheck`
(the tests plug in the official OpenAPI schemas, so `jsonschema` stays a test dependency). Not imported at start-up.
"""

from realtime_gui.demo.realtime import Session
from realtime_gui.demo.server import DEMO_KEY, RETIRED_MESSAGE, DemoHandler, FakeOpenAI, running
from realtime_gui.demo.state import ErrorReply, Issued, Recorded, RequestCheck

__all__ = [
    "DEMO_KEY",
    "RETIRED_MESSAGE",
    "DemoHandler",
    "ErrorReply",
    "FakeOpenAI",
    "Issued",
    "Recorded",
    "RequestCheck",
    "Session",
    "running",
]
