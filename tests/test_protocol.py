"""The server ↔ kernel protocol: typed requests survive the wire; anything else is refused."""

from __future__ import annotations

import json

import pytest

from nbversion import protocol
from nbversion.kernel import remote


@pytest.mark.parametrize(
    "request_",
    [
        protocol.SaveRequest("a.ipynb", "msg", job_id="j1"),
        protocol.StatusRequest("a.ipynb"),
        protocol.PreviewRestoreRequest("a.ipynb", "HEAD", ["x"]),
        protocol.RestoreRequest("a.ipynb", "HEAD", None, True, "j2", "before"),
    ],
)
def test_requests_round_trip(request_: protocol.Request) -> None:
    assert protocol.decode_request(protocol.encode_request(request_)) == request_
    assert protocol.encode_request(request_) in protocol.expression(request_)


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        json.dumps({"format": 1, "op": "exec", "args": {}}),
        json.dumps(
            {"format": 1, "op": "save", "args": {"notebook": "a", "message": "m", "evil": 1}}
        ),
        json.dumps({"format": 1, "op": "save", "args": {"notebook": "a"}}),
        json.dumps({"format": 2, "op": "status", "args": {"notebook": "a"}}),
    ],
)
def test_malformed_requests_are_refused_by_the_kernel_side(text: str) -> None:
    with pytest.raises(protocol.ProtocolError):
        protocol.decode_request(text)
    reply = protocol.decode_reply(remote.handle(text))
    assert reply["ok"] is False
    assert reply["status"] == 400


def test_progress_lines() -> None:
    line = protocol.progress_line(3, 10, "df")
    assert protocol.parse_progress(line.strip()) == (3, 10, "df")
    assert protocol.parse_progress("hello") is None
    assert protocol.parse_progress(protocol.PROGRESS_PREFIX + "{bad") is None
