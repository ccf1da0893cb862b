#!/usr/bin/env python3
"""A stand-in LLM provider for pyharness's tests: no network, no model.

Serves POST /v1/chat/completions (OpenAI format) and POST /v1/messages
(Anthropic format) on 127.0.0.1, on a port chosen by the OS and printed alone
on the first line of stdout.  It grades every answer the same way (full
credit on every rubric point it finds in the request's JSON schema), so tests
can assert on what the client does around the answer: retries, backoff,
fallback, concurrency, caching and secrecy of the API key.

Behaviour ("mode"), chosen by --mode, by POST /control, or per request by a
marker ``FAKE_MODE=<mode>`` anywhere in the request body (the candidate's
answer is in the body, so a test can mix modes within one batch):

    normal      a well-formed grade
    slow        a well-formed grade after --delay seconds
    429         HTTP 429 with ``Retry-After: <retry_after>``
    500         HTTP 500
    malformed   HTTP 200 whose body is not JSON
    bad-score   HTTP 200, well-formed but ``score`` is 42 (out of 10)
    hang        never answers (until the client gives up)
    echo-key    HTTP 401 echoing the request's credentials in the body

``fail_times`` N > 0 applies a failing mode to the first N requests only and
answers normally afterwards (``-1``: always).  A marker ``FAKE_CREDIT=<x>``
sets the credit given to every rubric point (default 1), ``FAKE_SCORE=<x>``
the grader's own total (default 8), and ``FAKE_MISC=<id>`` cites that
misconception with the answer's first sentence as evidence
(``FAKE_MISC_UNQUOTED=<id>`` cites it with a quote not in the answer).

``--flavour`` reproduces what a local server checks and sends on its
OpenAI-compatible /v1/chat/completions endpoint:

    openai      response_format {"type": "json_schema", "json_schema": {...}}
    ollama      the same request (Ollama 0.5+ constrains decoding to the
                schema); the reply carries "system_fingerprint": "fp_ollama";
                a request with "stream" not false is refused, as the test
                client never streams
    llamacpp    response_format {"type": "json_object", "schema": {...}} (or
                json_schema with a "schema" inside); json_schema without one
                is refused with HTTP 400 as llama-server does; the reply
                carries llama-server's "timings" object

A request whose structured-output parameter the flavour does not accept gets
HTTP 400, so a client sending the wrong shape fails its test.

GET /stats returns JSON: requests, max_in_flight, in_flight, auth_present,
auth_missing, connections (distinct client sockets), times (arrival times,
seconds since start), paths, modes.  POST /reset clears the figures.
GET /last returns the last request body.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODES = ("normal", "slow", "429", "500", "malformed", "bad-score", "hang", "echo-key")


class State:
    """Shared, lock-protected configuration and statistics."""

    def __init__(self, mode: str, delay: float, retry_after: str, fail_times: int) -> None:
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.mode = mode
        self.delay = delay
        self.retry_after = retry_after
        self.fail_times = fail_times
        self.start = time.monotonic()
        self.reset()

    def reset(self) -> None:
        self.requests = 0
        self.failed = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.auth_present = 0
        self.auth_missing = 0
        self.connections: set[tuple[str, int]] = set()
        self.times: list[float] = []
        self.paths: dict[str, int] = {}
        self.modes: dict[str, int] = {}
        self.last_body = b""

    def stats(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "in_flight": self.in_flight,
            "max_in_flight": self.max_in_flight,
            "auth_present": self.auth_present,
            "auth_missing": self.auth_missing,
            "connections": len(self.connections),
            "times": self.times,
            "paths": self.paths,
            "modes": self.modes,
            "mode": self.mode,
        }


def schema_of(req: dict[str, Any], anthropic: bool) -> dict[str, Any] | None:
    """The JSON schema the client asked the reply to follow, wherever it sits."""
    try:
        if anthropic:
            return req["tools"][0]["input_schema"]
        rf = req["response_format"]
        if rf.get("type") == "json_object":
            return rf["schema"]
        return rf["json_schema"]["schema"]
    except (KeyError, IndexError, TypeError):
        return None


def rubric_ids(req: dict[str, Any], anthropic: bool) -> list[str]:
    """The rubric point ids the client's schema allows."""
    try:
        schema = schema_of(req, anthropic) or {}
        return list(schema["properties"]["points"]["items"]["properties"]["id"]["enum"])
    except (KeyError, IndexError, TypeError):
        return []


def flavour_error(flavour: str, req: dict[str, Any]) -> str | None:
    """Why a local server of this flavour would refuse the request, or None."""
    rf = req.get("response_format")
    if not isinstance(rf, dict):
        return "no response_format: the reply would not be constrained to the schema"
    kind = rf.get("type")
    if flavour in ("openai", "ollama"):
        if kind != "json_schema" or not isinstance(rf.get("json_schema", {}).get("schema"), dict):
            return "response_format must be {type: json_schema, json_schema: {schema}}"
        if flavour == "ollama" and req.get("stream", True) is not False:
            return "stream must be false"
        return None
    if kind == "json_object":
        return None if isinstance(rf.get("schema"), dict) else "json_object needs a schema here"
    if kind == "json_schema":
        sch = rf.get("json_schema", {})
        return None if isinstance(sch.get("schema"), dict) else \
            'response_format type "json_schema" needs json_schema.schema'
    return 'response_format type must be "json_object" or "json_schema"'


def answer_text(req: dict[str, Any], anthropic: bool) -> str:
    """The candidate's answer, cut out of the user message between its markers."""
    msgs = req.get("messages") or []
    user = next((m.get("content", "") for m in msgs if m.get("role") == "user"), "")
    m = re.search(r"<<<CANDIDATE ANSWER [0-9a-f]+>>>\n(.*)\n<<<END CANDIDATE ANSWER", user, re.S)
    return m.group(1) if m else ""


def grade(req: dict[str, Any], anthropic: bool, score: float, credit: float,
          misc: str | None, unquoted: bool) -> dict[str, Any]:
    first = re.split(r"(?<=[.!?])\s", answer_text(req, anthropic).strip())[0]
    return {
        "points": [
            {"id": pid, "credit": credit, "evidence": first}
            for pid in rubric_ids(req, anthropic)
        ],
        "misconceptions": [] if misc is None else [
            {"id": misc, "evidence": "a sentence the candidate never wrote" if unquoted else first}
        ],
        "score": score,
        "feedback": "Fake grader: clear explanation.",
        "injection": False,
    }


def wrap(verdict: dict[str, Any], anthropic: bool, model: str,
         flavour: str = "openai") -> dict[str, Any]:
    if anthropic:
        return {
            "id": "msg_fake",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [
                {"type": "tool_use", "id": "toolu_fake", "name": "record_grade", "input": verdict}
            ],
            "stop_reason": "tool_use",
            "usage": {"input_tokens": 1, "output_tokens": 1},
        }
    reply: dict[str, Any] = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": json.dumps(verdict)},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
    if flavour == "ollama":
        reply["system_fingerprint"] = "fp_ollama"
    elif flavour == "llamacpp":
        reply["timings"] = {"prompt_n": 1, "prompt_ms": 1.0, "predicted_n": 1,
                            "predicted_ms": 1.0}
    return reply


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse is visible
    server: "Server"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        self.send_raw(status, json.dumps(obj).encode(), headers)

    def send_raw(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def read_body(self) -> bytes:
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def do_GET(self) -> None:
        st = self.server.state
        if self.path == "/stats":
            with st.lock:
                self.send_json(200, st.stats())
        elif self.path == "/last":
            with st.lock:
                body = st.last_body
            self.send_raw(200, body)
        else:
            self.send_json(404, {"error": "not found"})

    def do_POST(self) -> None:
        st = self.server.state
        body = self.read_body()
        if self.path == "/reset":
            with st.lock:
                st.reset()
            self.send_json(200, {"ok": True})
            return
        if self.path == "/control":
            ctl = json.loads(body or b"{}")
            with st.lock:
                st.mode = ctl.get("mode", st.mode)
                st.delay = float(ctl.get("delay", st.delay))
                st.retry_after = str(ctl.get("retry_after", st.retry_after))
                st.fail_times = int(ctl.get("fail_times", st.fail_times))
                st.failed = 0
            self.send_json(200, {"ok": True})
            return
        if self.path not in ("/v1/chat/completions", "/v1/messages"):
            self.send_json(404, {"error": {"message": "no such endpoint " + self.path}})
            return
        self.serve_grade(body)

    def serve_grade(self, body: bytes) -> None:
        st = self.server.state
        anthropic = self.path == "/v1/messages"
        auth = self.headers.get("x-api-key" if anthropic else "Authorization")
        marker = re.search(rb"FAKE_MODE=([a-z0-9-]+)", body)
        score_m = re.search(rb"FAKE_SCORE=([0-9.]+)", body)
        with st.lock:
            st.requests += 1
            st.in_flight += 1
            st.max_in_flight = max(st.max_in_flight, st.in_flight)
            st.connections.add(self.client_address)
            st.times.append(round(time.monotonic() - st.start, 3))
            st.paths[self.path] = st.paths.get(self.path, 0) + 1
            st.last_body = body
            if auth:
                st.auth_present += 1
            else:
                st.auth_missing += 1
            mode = marker.group(1).decode() if marker else st.mode
            if mode not in ("normal", "slow") and st.fail_times >= 0:
                if st.failed >= st.fail_times:
                    mode = "normal"
                else:
                    st.failed += 1
            st.modes[mode] = st.modes.get(mode, 0) + 1
            delay, retry_after = st.delay, st.retry_after
        try:
            self.respond(mode, body, anthropic, auth, delay, retry_after, score_m)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with st.lock:
                st.in_flight -= 1

    def respond(self, mode: str, body: bytes, anthropic: bool, auth: str | None, delay: float,
                retry_after: str, score_m: re.Match[bytes] | None) -> None:
        st = self.server.state
        if mode == "hang":
            st.stop.wait(120)
            self.close_connection = True
            return
        if mode == "slow" or delay > 0:
            time.sleep(delay)
        if mode == "429":
            self.send_json(429, {"error": {"type": "rate_limit", "message": "slow down"}},
                           {"Retry-After": retry_after})
            return
        if mode == "500":
            self.send_json(500, {"error": {"type": "server_error", "message": "boom"}})
            return
        if mode == "echo-key":
            self.send_json(401, {"error": {"message": "bad key: %s" % auth}})
            return
        try:
            req = json.loads(body)
        except ValueError:
            self.send_json(400, {"error": {"message": "request is not JSON"}})
            return
        if mode == "malformed":
            self.send_raw(200, b'{"choices": [ {"message": oops this is not json')
            return
        if not anthropic:
            why = flavour_error(self.server.flavour, req)
            if why is not None:
                self.send_json(400, {"error": {"code": 400, "message": why,
                                               "type": "invalid_request_error"}})
                return
        score = float(score_m.group(1)) if score_m else 8.0
        if mode == "bad-score":
            score = 42.0
        credit_m = re.search(rb"FAKE_CREDIT=([0-9.]+)", body)
        misc_m = re.search(rb"FAKE_MISC(_UNQUOTED)?=([a-z0-9-]+)", body)
        credit = float(credit_m.group(1)) if credit_m else 1.0
        misc = misc_m.group(2).decode() if misc_m else None
        verdict = grade(req, anthropic, score, credit, misc, bool(misc_m and misc_m.group(1)))
        self.send_json(200, wrap(verdict, anthropic, req.get("model", ""), self.server.flavour))


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a burst of concurrent clients must not be refused
    state: State
    flavour: str = "openai"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=MODES, default="normal")
    ap.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    ap.add_argument("--retry-after", default="1", help="Retry-After value sent with 429")
    ap.add_argument("--fail-times", type=int, default=-1,
                    help="fail only the first N requests (-1: all)")
    ap.add_argument("--flavour", choices=("openai", "ollama", "llamacpp"), default="openai",
                    help="whose OpenAI-compatible endpoint to reproduce")
    args = ap.parse_args(argv)
    server = Server(("127.0.0.1", 0), Handler)
    server.flavour = args.flavour
    server.state = State(args.mode, args.delay, args.retry_after, args.fail_times)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        server.state.stop.set()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
