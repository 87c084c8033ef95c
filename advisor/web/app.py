"""The web chat and its HTTP API as a Starlette (ASGI) application.

    POST   /api/sessions                  -> 201 {"id": ..., "suggestions": [...]}
    POST   /api/sessions/{id}/messages    {"text": ...} -> the Reply JSON of `ask --json`
    GET    /api/sessions/{id}             -> {"id": ..., "transcript": [{question, answer}]}
    GET    /api/sessions/{id}/plan.md     -> the interview's plan as Markdown (a download)
    GET    /api/sessions/{id}/transcript.md
    DELETE /api/sessions/{id}             -> 204
    GET    /healthz                       -> {"status": "ok"}

Errors are JSON `{"error": message, "code": name}` with 400, 404, 405, 413 or 429.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
import yaml
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from knowledge import MAX_INPUT_CHARS
from knowledge.record import record

from ..core import Advisor
from ..jsonl import json_safe
from ..session import Session, SessionStateError
from ..textsafe import safe_text, without_surrogates
from .stores import (
    Saved,
    SessionStore,
    State,
    StoreError,
    StoreFull,
    encode,
    open_store,
    valid_id,
)
from .structure import structure

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
                   Awaitable[None]]

#: No inline script or style, nothing from elsewhere, no framing; Trusted Types make any
#: assignment of a string to innerHTML (or similar) throw, so text can only go in as text.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; "
       "require-trusted-types-for 'script'; trusted-types 'none'")
_SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
_PAGES = {"/": ("index.html", "text/html; charset=utf-8"),
          "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
          "/static/app.css": ("app.css", "text/css; charset=utf-8"),
          "/static/icon.svg": ("icon.svg", "image/svg+xml")}


@record
class Limits:
    """What one request, one client and the server as a whole may ask for."""

    max_body: int = 16_384
    max_text: int = MAX_INPUT_CHARS
    rate: float = 5.0  # requests per second per client, sustained (0: no limit)
    burst: int = 60  # requests a client may make at once
    max_sessions: int = 10_000
    ttl: float = 24 * 3600.0
    live_sessions: int = 4096  # conversations each worker keeps live between turns
    live_bytes: int = 64 * 2**20  # ... and at most this many bytes of their saved states
    #: Characters of a web conversation's transcript kept (the newest turns): with
    #: `max_sessions` and the store's byte budget, what bounds the server's memory.
    transcript_chars: int = 60_000


class ApiError(Exception):
    """A refusal: the HTTP status and the name of its message in messages.yaml."""

    def __init__(self, status: int, code: str, headers: Mapping[str, str] | None = None,
                 **values: Any) -> None:
        super().__init__(code)
        self.status, self.code, self.values = status, code, values
        self.headers = dict(headers or {})


class RateLimiter:
    """A token bucket per client address: `burst` at once, `rate` per second after that.

    Per process; at most `clients` addresses are remembered (the least recent forgotten).
    """

    def __init__(self, rate: float, burst: int, clients: int = 50_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self._clients, self._clock = rate, burst, clients, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def wait(self, client: str) -> float:
        """0 when the request may go ahead (and count it), else the seconds to wait."""
        if self.rate <= 0:
            return 0.0
        now = self._clock()
        tokens, last = self._buckets.pop(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        allowed = tokens >= 1.0
        self._buckets[client] = (tokens - 1.0 if allowed else tokens, now)
        if len(self._buckets) > self._clients:
            self._buckets.popitem(last=False)
        return 0.0 if allowed else (1.0 - tokens) / self.rate


class SecurityHeaders:
    """Adds the CSP and its companions to every response (a plain ASGI middleware: cheap)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *_SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class JSONResponse(Response):
    """JSON through orjson: a reply's JSON in a few microseconds, where the standard
    library's encoder took tens (the same compact JSON, non-ASCII kept as UTF-8)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        raw: bytes = orjson.dumps(content)
        if raw.isascii():
            return raw
        # (as `ask --json`: bidi overrides and C1 controls escaped, never raw to a terminal)
        return json_safe(raw.decode("utf-8")).encode("utf-8")


def load_messages() -> dict[str, str]:
    with (HERE / "messages.yaml").open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return {str(k): str(v) for k, v in data.items()}


class WebChat:
    """The handlers, around one Advisor and one session store."""

    def __init__(self, advisor: Advisor, store: SessionStore, limits: Limits) -> None:
        self.advisor, self.store, self.limits = advisor, store, limits
        self.messages = load_messages()
        self.limiter = RateLimiter(limits.rate, limits.burst)
        #: Session objects by id with the saved state they stand for, least recent first.
        self.live: OrderedDict[str, tuple[Any, Session]] = OrderedDict()
        self.live_bytes = 0  # of the saved states in `live`
        #: What every new conversation's saved state is: its first turn starts a Session
        #: afresh instead of decoding and checking that state.
        self.fresh = encode(advisor.session().to_dict())
        self.pages = {path: ((STATIC / name).read_bytes(), kind)
                      for path, (name, kind) in _PAGES.items()}

    # -- helpers --------------------------------------------------------------------------
    def error_response(self, exc: ApiError) -> JSONResponse:
        text = self.messages[exc.code].format(**exc.values)
        return JSONResponse({"error": text, "code": exc.code}, exc.status, headers=exc.headers)

    def _limit(self, request: Request) -> None:
        client = request.client.host if request.client else "unknown"
        wait = self.limiter.wait(client)
        if wait > 0:
            seconds = max(1, round(wait + 0.5))
            raise ApiError(429, "rate_limited", {"Retry-After": str(seconds)}, seconds=seconds)

    def _sid(self, request: Request) -> str:
        sid = str(request.path_params["sid"])
        if not valid_id(sid):
            raise self._unknown()
        return sid

    def _unknown(self) -> ApiError:
        return ApiError(404, "unknown_session", hours=round(self.limits.ttl / 3600))

    async def _body(self, request: Request) -> bytes:
        """The body, refused (413) as soon as it passes the limit, whatever the headers say."""
        limit = self.limits.max_body
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise ApiError(413, "body_too_large", limit=limit)
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ApiError(413, "body_too_large", limit=limit)
            chunks.append(chunk)
        return b"".join(chunks)

    def _question(self, body: bytes) -> tuple[str, bool]:
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
            detail = exc.msg if isinstance(exc, json.JSONDecodeError) else type(exc).__name__
            raise ApiError(400, "malformed_json", detail=detail) from None
        if not isinstance(data, dict):
            raise ApiError(400, "not_an_object")
        text, explain = data.get("text"), data.get("explain", False)
        if not isinstance(text, str):
            raise ApiError(400, "text_missing")
        if not isinstance(explain, bool):
            raise ApiError(400, "explain_not_bool")
        if len(text) > self.limits.max_text:
            raise ApiError(413, "text_too_long", length=len(text), limit=self.limits.max_text)
        # A lone surrogate ('\ud800') cannot be written as UTF-8 in the reply or the saved
        # transcript: it is read as U+FFFD, as the other modes do.
        return without_surrogates(text), explain

    async def _state(self, sid: str) -> State:
        try:
            return await self.store.load(sid)
        except StoreError as exc:
            raise self._store_error(exc) from None

    def _store_error(self, exc: StoreError) -> ApiError:
        if exc.code == "unknown_session":
            return self._unknown()
        if exc.code == "broken_state":
            return ApiError(500, "broken_state")
        if exc.code == "store_unavailable":
            return ApiError(503, exc.code, {"Retry-After": "5"})
        wait = exc.retry_after if isinstance(exc, StoreFull) else 5
        return ApiError(429, exc.code, {"Retry-After": str(wait)})

    def _session(self, state: State) -> Session:
        try:
            return self.advisor.session(state, transcript_chars=self.limits.transcript_chars)
        except SessionStateError:
            raise ApiError(500, "broken_state") from None

    # -- handlers -------------------------------------------------------------------------
    async def page(self, request: Request) -> Response:
        body, kind = self.pages[request.url.path]
        return Response(body, headers={"content-type": kind, "cache-control": "no-cache"})

    async def healthz(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def create(self, request: Request) -> Response:
        self._limit(request)
        client = request.client.host if request.client else "unknown"
        try:
            sid = await self.store.create(self.advisor.session().to_dict(), client)
        except StoreError as exc:
            raise self._store_error(exc) from None
        return JSONResponse({"id": sid, "suggestions": list(self.advisor.starter_questions)},
                            201)

    async def message(self, request: Request) -> Response:
        self._limit(request)
        sid = self._sid(request)
        text, explain = self._question(await self._body(request))
        advisor = self.advisor

        def turn(saved: Saved) -> tuple[State, tuple[dict[str, Any], Session]]:
            # This worker's live copy when the saved state is still the one it left (no
            # decoding, no restoring); taken out while in use, put back only on success.
            cached = self._drop_live(sid)
            if cached is not None and saved.same(cached[0]):
                session = cached[1]
            elif saved.same(self.fresh):
                session = advisor.session(transcript_chars=self.limits.transcript_chars)
            else:
                session = self._session(saved.state())
            reply = session.ask(text)
            data = {"question": text, **reply.to_dict(explain=explain)}
            data.update(structure(advisor, session, reply))
            return session.to_dict(), (data, session)

        try:
            (data, session), raw = await self.store.update(sid, turn)
        except StoreError as exc:
            raise self._store_error(exc) from None
        self._keep_live(sid, raw, session)
        return JSONResponse(data)

    def _drop_live(self, sid: str) -> tuple[Any, Session] | None:
        """Take a conversation out of the live ones (in use, or deleted)."""
        entry = self.live.pop(sid, None)
        if entry is not None:
            self.live_bytes -= _size(entry[0])
        return entry

    def _keep_live(self, sid: str, raw: Any, session: Session) -> None:
        """This worker keeps the conversation live for its next turn; the least recent go
        first past `live_sessions` conversations or `live_bytes` bytes of saved state."""
        live = self.live
        self._drop_live(sid)
        live[sid] = (raw, session)
        self.live_bytes += _size(raw)
        while live and (len(live) > self.limits.live_sessions
                        or self.live_bytes > self.limits.live_bytes):
            _, (gone, _) = live.popitem(last=False)
            self.live_bytes -= _size(gone)

    async def transcript(self, request: Request) -> Response:
        self._limit(request)
        sid = self._sid(request)
        pairs = self._session(await self._state(sid)).transcript  # (checked: a planted
        return JSONResponse({"id": sid, "transcript": [  # row is a broken state, no crash)
            {"question": q, "answer": a} for q, a in pairs]})

    async def plan(self, request: Request) -> Response:
        self._limit(request)
        session = self._session(await self._state(self._sid(request)))
        return _download(session.plan_markdown(), "radiology-plan.md")

    async def transcript_markdown(self, request: Request) -> Response:
        self._limit(request)
        session = self._session(await self._state(self._sid(request)))
        parts = []
        for question, answer in session.transcript:
            quoted = "\n".join("> " + line for line in question.splitlines() or [""])
            parts.append(f"{quoted}\n\n{answer}\n")
        # (a file someone will `cat`: no escape sequence or bidi override a message held)
        return _download(safe_text("\n".join(parts)), "radiology-advisor-transcript.md")

    async def delete(self, request: Request) -> Response:
        self._limit(request)
        sid = self._sid(request)
        self._drop_live(sid)
        if not await self.store.delete(sid):
            raise self._unknown()
        return Response(status_code=204)

    # -- errors ---------------------------------------------------------------------------
    async def on_api_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return self.error_response(exc)

    async def on_http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 405:
            return self.error_response(ApiError(405, "method_not_allowed",
                                                exc.headers, method=request.method))
        return self.error_response(ApiError(404, "not_found"))

    async def on_crash(self, request: Request, exc: Exception) -> Response:
        return self.error_response(ApiError(500, "internal_error", error=type(exc).__name__))


def _size(raw: Any) -> int:
    """Bytes of a saved state as a store returned it (bytes or text; else a guess)."""
    return len(raw) if isinstance(raw, (bytes, str)) else 4096


def _download(text: str, filename: str) -> Response:
    return Response(text, headers={"content-type": "text/markdown; charset=utf-8",
                                   "content-disposition": f'attachment; filename="{filename}"',
                                   "cache-control": "no-store"})


def create_app(advisor: Advisor | None = None, store: SessionStore | str | None = None,
               limits: Limits | None = None, cors_origins: tuple[str, ...] = ()) -> Starlette:
    """The web chat: the page, the API and the session store, ready for any ASGI server.

    `store` is a SessionStore or its spelling (`memory`, `sqlite:PATH`, `redis://...`);
    `cors_origins` lists the other sites allowed to call the API from a browser (none).
    """
    limits = limits or Limits()
    advisor = advisor or Advisor()
    if not isinstance(store, SessionStore):
        store = open_store(store, limits.ttl, limits.max_sessions)
    chat = WebChat(advisor, store, limits)
    sid = "/api/sessions/{sid}"
    routes = [  # the busiest first: the router tries each pattern in turn
        Route(sid + "/messages", chat.message, methods=["POST"]),
        Route("/healthz", chat.healthz, methods=["GET"]),
        *(Route(path, chat.page, methods=["GET"]) for path in _PAGES),
        Route("/api/sessions", chat.create, methods=["POST"]),
        Route(sid, chat.transcript, methods=["GET"]),
        Route(sid, chat.delete, methods=["DELETE"]),
        Route(sid + "/plan.md", chat.plan, methods=["GET"]),
        Route(sid + "/transcript.md", chat.transcript_markdown, methods=["GET"]),
    ]
    middleware = [Middleware(SecurityHeaders)]
    if cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        middleware.append(Middleware(CORSMiddleware, allow_origins=list(cors_origins),
                                     allow_methods=["GET", "POST", "DELETE"],
                                     allow_headers=["content-type"]))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        yield
        await store.close()

    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={ApiError: chat.on_api_error,
                                        HTTPException: chat.on_http_error,
                                        Exception: chat.on_crash})
    app.state.chat = chat
    return app
