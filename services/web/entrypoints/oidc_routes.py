"""Signing in through the city's OpenID Connect provider (authorization code flow with PKCE).

`GET /signin/oidc` sends the browser to the provider; what the callback must check (state,
nonce, the PKCE verifier, the redirect URI, where to go afterwards) travels in a short-lived
signed cookie, HttpOnly and SameSite=Lax so that it comes back with the provider's redirect,
never in a server-side store: any replica of the web can take the callback.
`GET /signin/oidc/callback` checks the state, exchanges the code with the verifier, has the ID
token validated (Authlib), maps its claims to a member of staff and starts the session with a
token the APIs verify. Every failure is a page: the refusal page with a reason, or 503 when the
provider cannot be reached, never 500.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass
from typing import Final

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from services.common.outage import RETRY_AFTER_SECONDS
from services.common.webapp.session import SessionCodec
from services.common.webapp.signin import safe_next, start_session
from services.web.adapters.oidc import OidcClient, OidcRefused
from services.web.application.ports import ApiUnavailable
from services.web.domain.navigation import start_page
from services.web.domain.oidc_claims import ClaimNames, ClaimsRefused, staff_member
from services.web.entrypoints.pages import deps_of, refusal_page, render
from services.web.settings import OidcSettings, Settings

router = APIRouter(tags=["sign-in"])
_log = structlog.get_logger(__name__)

FLOW_COOKIE: Final = "oidc_flow"
FLOW_PATH: Final = "/signin/oidc"
CALLBACK_PATH: Final = "/signin/oidc/callback"
FLOW_SALT: Final = "school-web-oidc-flow"
_PROVIDER_ERROR: Final = re.compile(r"[a-z_]{1,40}")
_PROVIDER_DOWN: Final = frozenset({"server_error", "temporarily_unavailable"})


@dataclass(frozen=True, slots=True)
class Flow:
    """A sign-in under way: what the callback checks, and where the person goes afterwards."""

    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str
    next: str


@dataclass(frozen=True, slots=True)
class Answer:
    """The provider's authorization response: a code and the state, or an error."""

    state: str
    code: str
    error: str
    iss: str


@router.get(FLOW_PATH, summary="Sign in through the city's account (OpenID Connect)")
async def oidc_start(request: Request, next: str | None = None) -> Response:
    client = _client(request)
    if client is None:
        return _off(request)
    redirect_uri = _public_base(request) + CALLBACK_PATH
    try:
        start = await client.begin(redirect_uri)
    except ApiUnavailable as exc:
        return _provider_down(request, exc)
    flow = Flow(start.state, start.nonce, start.code_verifier, redirect_uri, safe_next(next) or "")
    response = RedirectResponse(start.url, status_code=303)
    _write_flow(request, response, flow)
    return response


@router.get(CALLBACK_PATH, summary="Where the city's provider sends the browser back")
async def oidc_callback(
    request: Request,
    state: str = "",
    code: str = "",
    error: str = "",
    iss: str = "",
) -> Response:
    client = _client(request)
    if client is None:
        return _off(request)
    answer = Answer(state, code, error, iss)
    response = await _finish(request, client, _read_flow(request), answer)
    response.delete_cookie(FLOW_COOKIE, path=FLOW_PATH)  # one sign-in, one callback
    return response


@router.post("/signout/oidc", summary="Sign out here and at the city's provider")
async def oidc_signout(request: Request) -> Response:
    # Like /signout it needs no CSRF check: at worst a forged request signs someone out.
    client = _client(request)
    target = None
    if client is not None:
        target = await client.end_session_url(_public_base(request) + "/signin")
    response = RedirectResponse(target or "/signin", status_code=303)
    codec: SessionCodec = request.app.state.session_codec
    codec.clear(response)
    return response


async def _finish(
    request: Request, client: OidcClient, flow: Flow | None, answer: Answer
) -> Response:
    """The session, or the page that says why not."""
    if answer.error:
        return _provider_error(request, answer.error)
    refusal = _check_answer(request, flow, answer)
    if refusal is not None or flow is None:
        return _refuse(request, 401, refusal or _STALE)
    try:
        claims = await client.finish(
            answer.code,
            redirect_uri=flow.redirect_uri,
            code_verifier=flow.code_verifier,
            nonce=flow.nonce,
        )
    except ApiUnavailable as exc:
        return _provider_down(request, exc)
    except OidcRefused as exc:
        return _refuse(request, 401, ClaimsRefused(exc.reason, exc.detail))
    person = staff_member(claims, _claim_names(_settings(request).oidc))
    if isinstance(person, ClaimsRefused):
        return _refuse(request, 403, person)
    deps = deps_of(request)
    token = deps.issuer.mint(person.staff_id, person.roles, person.school, ttl=deps.session_ttl)
    _log.info("oidc_signed_in", staff_id=person.staff_id, roles=person.roles, school=person.school)
    return start_session(request, token, person.name, start_page(person.roles), flow.next)


_STALE: Final = ClaimsRefused(
    "oidc_flow_missing",
    "Вход устарел или был начат в другом окне или браузере. Начните вход заново.",
)


def _check_answer(request: Request, flow: Flow | None, answer: Answer) -> ClaimsRefused | None:
    """Why the authorization response cannot be taken, or None: it must belong to the sign-in
    this browser started (state), come from our provider (iss, RFC 9207) and carry a code."""
    if flow is None:
        return _STALE
    if not answer.state or not secrets.compare_digest(answer.state.encode(), flow.state.encode()):
        return ClaimsRefused(
            "oidc_state_mismatch",
            "Ответ городской учётной записи не относится к начатому входу. Начните вход заново.",
        )
    if answer.iss and answer.iss != _settings(request).oidc.issuer:
        return ClaimsRefused("oidc_issuer_mismatch", "Ответ пришёл не от городской учётной записи.")
    if not answer.code:
        return ClaimsRefused("oidc_no_code", "Городская учётная запись не подтвердила вход.")
    return None


def _provider_error(request: Request, error: str) -> Response:
    """The provider answered an error instead of a code (the person cancelled, or it failed)."""
    if error in _PROVIDER_DOWN:
        return _provider_down(request, ApiUnavailable("oidc", error))
    reason = f"oidc_{error}" if _PROVIDER_ERROR.fullmatch(error) else "oidc_error"
    if error == "access_denied":
        detail = "Вход отменён или не разрешён городской учётной записью."
        return _refuse(request, 403, ClaimsRefused(reason, detail))
    return _refuse(
        request, 401, ClaimsRefused(reason, "Городская учётная запись не выполнила вход.")
    )


def _refuse(request: Request, status: int, refusal: ClaimsRefused) -> Response:
    """The sign-in refusal page: what happened in Russian, the machine reason beside it."""
    _log.info("oidc_sign_in_refused", reason=refusal.reason, status=status)
    context = {"status": status, "reason": refusal.reason, "detail": refusal.detail}
    return render(request, "oidc/refused.html", context, status=status)


def _provider_down(request: Request, exc: ApiUnavailable) -> Response:
    _log.warning("oidc_provider_unavailable", detail=exc.detail)
    page = render(request, "oidc/unavailable.html", status=503)
    page.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return page


def _off(request: Request) -> Response:
    detail = "Вход через городскую учётную запись не настроен."
    return refusal_page(request, 404, "oidc_off", detail)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _client(request: Request) -> OidcClient | None:
    """The app's provider client (made on first use, kept for the process), None when off."""
    oidc = _settings(request).oidc
    if oidc.issuer is None:
        return None
    client: OidcClient | None = getattr(request.app.state, "oidc_client", None)
    if client is None:
        client = OidcClient(oidc)
        request.app.state.oidc_client = client
    return client


def _claim_names(oidc: OidcSettings) -> ClaimNames:
    return ClaimNames(oidc.staff_id_claim, oidc.roles_claim, oidc.school_claim, oidc.name_claim)


def _public_base(request: Request) -> str:
    """The web's address as people open it: configured, or that of this request."""
    public = _settings(request).oidc.public_url
    return str(public or request.base_url).rstrip("/")


def _serializer(request: Request) -> URLSafeTimedSerializer:
    secret = _settings(request).session_secret.get_secret_value()
    return URLSafeTimedSerializer(secret, salt=FLOW_SALT)


def _write_flow(request: Request, response: Response, flow: Flow) -> None:
    settings = _settings(request)
    response.set_cookie(
        FLOW_COOKIE,
        _serializer(request).dumps(asdict(flow)),
        max_age=int(settings.oidc.signin_minutes * 60),
        path=FLOW_PATH,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )


def _read_flow(request: Request) -> Flow | None:
    """The sign-in this browser started, or None (no cookie, a forged or an expired one)."""
    value = request.cookies.get(FLOW_COOKIE)
    if not value:
        return None
    max_age = int(_settings(request).oidc.signin_minutes * 60)
    try:
        content = _serializer(request).loads(value, max_age=max_age)
        return Flow(**content)
    except (BadSignature, TypeError):
        return None
