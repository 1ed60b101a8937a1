"""Bearer tokens: every refusal reason, roles and school checks, JWKS keys, the mint command."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi import Depends, FastAPI
from pydantic import SecretStr, ValidationError

from services.common import tokens
from services.common.auth import (
    AuthError,
    Principal,
    current_principal,
    require_roles,
    require_school,
)
from services.common.dev_tokens import DevTokenIssuer
from services.common.http import install_error_handlers
from services.common.settings import AuthSettings
from services.common.token_verifier import TokenVerifier

SECRET = "test-secret-that-is-long-enough-for-hs256"
OTHER_SECRET = "another-secret-that-is-long-enough-for-hs256"


def dev_settings(**overrides: Any) -> AuthSettings:
    return AuthSettings(mode="dev", dev_secret=SecretStr(SECRET), **overrides)


def verifier() -> TokenVerifier:
    return TokenVerifier(dev_settings())


def issuer(secret: str = SECRET, **kwargs: str) -> DevTokenIssuer:
    return DevTokenIssuer(secret, **kwargs)


def reason_of(token: str, verify: TokenVerifier | None = None) -> str:
    with pytest.raises(AuthError) as caught:
        (verify or verifier()).verify(token)
    assert caught.value.status == 401
    return caught.value.reason


def signed(claims: dict[str, Any], secret: str = SECRET) -> str:
    now = datetime.now(UTC)
    base = {"iss": "school-journal", "aud": "school-journal", "iat": now}
    base["exp"] = now + timedelta(hours=1)
    return jwt.encode({**base, **claims}, secret, algorithm="HS256")


# --- verification ---------------------------------------------------------------------------


def test_minted_token_verifies_to_its_principal():
    token = issuer().mint("t-ivanova", ["teacher", "admin"], "s1", uid=123)

    principal = verifier().verify(token)

    assert principal.user_id == "t-ivanova"
    assert principal.roles == frozenset({"teacher", "admin"})
    assert principal.school == "s1"
    assert principal.uid == 123
    assert principal.token_id


def test_principal_has_any_of_the_given_roles():
    principal = Principal("t-1", frozenset({"teacher"}), "s1")

    assert principal.has("teacher", "admin")
    assert not principal.has("admin", "deputy")
    assert not principal.has()


def test_empty_token_is_missing():
    assert reason_of("") == "missing_token"


def test_garbage_is_a_malformed_token():
    assert reason_of("not-a-jwt") == "malformed_token"


def test_expired_token_is_refused():
    past = datetime.now(UTC) - timedelta(days=1)
    token = issuer().mint("t-1", ["teacher"], "s1", ttl=timedelta(hours=1), now=past)

    assert reason_of(token) == "expired_token"


def test_expiry_within_the_leeway_is_accepted():
    past = datetime.now(UTC) - timedelta(seconds=70)
    token = issuer().mint("t-1", ["teacher"], "s1", ttl=timedelta(seconds=60), now=past)

    assert verifier().verify(token).user_id == "t-1"


def test_token_signed_with_another_secret_has_an_invalid_signature():
    token = issuer(OTHER_SECRET).mint("t-1", ["teacher"], "s1")

    assert reason_of(token) == "invalid_signature"


def test_token_for_another_audience_is_refused():
    token = issuer(audience="someone-else").mint("t-1", ["teacher"], "s1")

    assert reason_of(token) == "wrong_audience"


def test_token_from_another_issuer_is_refused():
    token = issuer(issuer="someone-else").mint("t-1", ["teacher"], "s1")

    assert reason_of(token) == "wrong_issuer"


@pytest.mark.parametrize("claim", ["sub", "exp", "roles", "school"])
def test_token_without_a_required_claim_is_refused(claim: str):
    claims = signed({"sub": "t-1", "roles": ["teacher"], "school": "s1"})
    decoded = jwt.decode(claims, SECRET, algorithms=["HS256"], audience="school-journal")
    del decoded[claim]

    assert reason_of(jwt.encode(decoded, SECRET, algorithm="HS256")) == "missing_claim"


@pytest.mark.parametrize(
    "claims",
    [
        {"roles": ["wizard"]},
        {"roles": []},
        {"roles": "teacher"},
        {"roles": [["teacher"]]},
        {"school": ""},
        {"uid": "123"},
        {"uid": True},
        {"sub": ""},
    ],
)
def test_token_with_an_invalid_claim_is_refused(claims: dict[str, Any]):
    token = signed({"sub": "t-1", "roles": ["teacher"], "school": "s1", **claims})

    assert reason_of(token) == "invalid_claim"


def test_unsigned_token_is_refused():
    token = jwt.encode({"sub": "t-1"}, None, algorithm="none")

    assert reason_of(token) == "invalid_signature"


# --- settings and the issuer ----------------------------------------------------------------


def test_dev_mode_without_a_secret_fails_at_start():
    with pytest.raises(ValidationError, match="dev_secret"):
        AuthSettings(mode="dev")


def test_short_dev_secret_fails_at_start():
    with pytest.raises(ValidationError, match="at least 32 bytes"):
        AuthSettings(mode="dev", dev_secret=SecretStr("short"))


def test_jwks_mode_without_a_key_set_fails_at_start(tmp_path: Path):
    with pytest.raises(ValidationError, match="jwks_path"):
        AuthSettings(mode="jwks")
    with pytest.raises(ValidationError, match="not a readable file"):
        AuthSettings(mode="jwks", jwks_path=tmp_path / "absent.json")


def test_issuer_refuses_unknown_roles():
    with pytest.raises(ValueError, match="roles"):
        issuer().mint("t-1", ["wizard"], "s1")


def test_issuer_from_settings_mints_tokens_the_verifier_accepts():
    settings = dev_settings(issuer="iss-x", audience="aud-x")
    token = DevTokenIssuer.from_settings(settings).mint("h-1", ["head"], "s2")

    assert TokenVerifier(settings).verify(token).roles == frozenset({"head"})


# --- JWKS -----------------------------------------------------------------------------------


def write_key_set(path: Path, *keys: tuple[str, Any]) -> AuthSettings:
    documents = []
    for kid, private_key in keys:
        algorithm = (
            jwt.algorithms.RSAAlgorithm if kid.startswith("rsa") else jwt.algorithms.ECAlgorithm
        )
        document = json.loads(algorithm.to_jwk(private_key.public_key()))
        documents.append({**document, "kid": kid, "use": "sig"})
    path.write_text(json.dumps({"keys": documents}), encoding="utf-8")
    return AuthSettings(mode="jwks", jwks_path=path)


def sign_with(private_key: Any, kid: str | None, algorithm: str, **claims: Any) -> str:
    body = {"sub": "p-1", "roles": ["parent"], "school": "s1", "uid": 77, **claims}
    now = datetime.now(UTC)
    body |= {"iss": "school-journal", "aud": "school-journal", "iat": now}
    body["exp"] = now + timedelta(minutes=5)
    headers = {"kid": kid} if kid else None
    return jwt.encode(body, private_key, algorithm=algorithm, headers=headers)


def test_key_set_verifies_rs256_and_es256_tokens_by_kid(tmp_path: Path):
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    settings = write_key_set(tmp_path / "jwks.json", ("rsa-1", rsa_key), ("ec-1", ec_key))
    verify = TokenVerifier(settings)

    assert verify.verify(sign_with(rsa_key, "rsa-1", "RS256")).uid == 77
    assert verify.verify(sign_with(ec_key, "ec-1", "ES256")).roles == frozenset({"parent"})


def test_key_set_refuses_unknown_kid_wrong_key_and_missing_kid(tmp_path: Path):
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    settings = write_key_set(tmp_path / "jwks.json", ("rsa-1", rsa_key), ("ec-1", ec_key))
    verify = TokenVerifier(settings)

    assert reason_of(sign_with(rsa_key, "rsa-9", "RS256"), verify) == "invalid_signature"
    assert reason_of(sign_with(stranger, "rsa-1", "RS256"), verify) == "invalid_signature"
    assert reason_of(sign_with(rsa_key, None, "RS256"), verify) == "malformed_token"


def test_key_set_refuses_hs256_tokens_naming_a_public_key(tmp_path: Path):
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    verify = TokenVerifier(write_key_set(tmp_path / "jwks.json", ("rsa-1", rsa_key)))
    claims = {"sub": "x", "roles": ["admin"], "school": "s1", "iss": "school-journal"}
    claims |= {"aud": "school-journal", "exp": datetime.now(UTC) + timedelta(minutes=5)}
    forged = jwt.encode(claims, SECRET, algorithm="HS256", headers={"kid": "rsa-1"})

    assert reason_of(forged, verify) == "invalid_signature"


def test_key_set_with_a_single_key_accepts_tokens_without_kid(tmp_path: Path):
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    verify = TokenVerifier(write_key_set(tmp_path / "jwks.json", ("rsa-1", rsa_key)))

    assert verify.verify(sign_with(rsa_key, None, "RS256")).user_id == "p-1"


def test_key_set_with_a_symmetric_key_is_refused_at_start(tmp_path: Path):
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "h"}]}))

    with pytest.raises(ValueError, match="RS256 or ES256"):
        TokenVerifier(AuthSettings(mode="jwks", jwks_path=path))


# --- FastAPI dependencies -------------------------------------------------------------------

PrincipalDep = Annotated[Principal, Depends(current_principal)]
AdminDep = Annotated[Principal, Depends(require_roles("admin", "deputy"))]


def auth_app() -> FastAPI:
    app = FastAPI()
    app.state.token_verifier = verifier()
    install_error_handlers(app, {})

    @app.get("/schools/{school}/me")
    async def me(school: str, principal: PrincipalDep) -> dict[str, str]:
        require_school(principal, school)
        return {"user": principal.user_id}

    @app.get("/admin")
    async def admin(principal: AdminDep) -> dict[str, str]:
        return {"user": principal.user_id}

    return app


async def get(path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=auth_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(path, headers=headers)


def bearer(*roles: str, school: str = "s1") -> dict[str, str]:
    return {"Authorization": f"Bearer {issuer().mint('u-1', roles, school)}"}


async def test_request_with_a_valid_token_reaches_the_route():
    response = await get("/schools/s1/me", headers=bearer("teacher"))

    assert response.status_code == 200
    assert response.json() == {"user": "u-1"}


async def test_request_without_a_token_is_401_with_a_bearer_challenge():
    response = await get("/schools/s1/me")

    assert response.status_code == 401
    assert response.json()["reason"] == "missing_token"
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_request_with_a_bad_token_is_401_invalid_token():
    response = await get("/schools/s1/me", headers={"Authorization": "Bearer nope"})

    assert response.status_code == 401
    assert response.json()["reason"] == "malformed_token"
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


async def test_request_with_another_scheme_is_a_malformed_token():
    response = await get("/schools/s1/me", headers={"Authorization": "Basic dTpw"})

    assert response.status_code == 401
    assert response.json()["reason"] == "malformed_token"


async def test_token_of_another_school_is_403_wrong_school():
    response = await get("/schools/s2/me", headers=bearer("teacher"))

    assert response.status_code == 403
    assert response.json()["reason"] == "wrong_school"
    assert "WWW-Authenticate" not in response.headers


async def test_role_outside_the_allowed_ones_is_403_role_not_allowed():
    response = await get("/admin", headers=bearer("teacher"))

    assert response.status_code == 403
    assert response.json()["reason"] == "role_not_allowed"


async def test_any_allowed_role_passes_the_role_check():
    assert (await get("/admin", headers=bearer("deputy"))).status_code == 200


def test_require_roles_refuses_unknown_role_names():
    with pytest.raises(ValueError, match="wizard"):
        require_roles("wizard")


# --- the mint command -----------------------------------------------------------------------


def test_mint_command_prints_a_token_the_verifier_accepts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setenv("MY_SECRET", SECRET)
    argv = ["mint", "--sub", "t-ivanova", "--role", "teacher", "--role", "admin", "--school", "s1"]

    assert (
        tokens.main([*argv, "--uid", "123", "--ttl-hours", "2", "--secret-env", "MY_SECRET"]) == 0
    )

    principal = verifier().verify(capsys.readouterr().out.strip())
    assert principal == Principal(
        "t-ivanova", frozenset({"teacher", "admin"}), "s1", 123, principal.token_id
    )


def test_mint_command_with_json_prints_the_token_with_its_claims_and_expiry(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setenv(tokens.DEFAULT_SECRET_ENV, SECRET)
    argv = ["mint", "--sub", "t-1", "--role", "teacher", "--school", "s1", "--ttl-hours", "2"]
    before = datetime.now(UTC).replace(microsecond=0)

    assert tokens.main([*argv, "--json"]) == 0

    answer = json.loads(capsys.readouterr().out)
    principal = verifier().verify(answer.pop("token"))
    expires = datetime.fromisoformat(answer.pop("expires_at"))
    assert answer == {"sub": "t-1", "roles": ["teacher"], "school": "s1", "uid": None}
    assert principal.user_id == "t-1"
    assert before + timedelta(hours=2) <= expires <= datetime.now(UTC) + timedelta(hours=2)


def test_mint_command_without_a_secret_exits_with_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.delenv(tokens.DEFAULT_SECRET_ENV, raising=False)

    with pytest.raises(SystemExit) as exited:
        tokens.main(["mint", "--sub", "t-1", "--role", "teacher", "--school", "s1"])

    assert exited.value.code == 2
    assert tokens.DEFAULT_SECRET_ENV in capsys.readouterr().err


# --- token lifetime -------------------------------------------------------------------------


def test_a_staff_token_living_longer_than_12_hours_is_refused():
    token = issuer().mint("t-1", ["teacher"], "s1", ttl=timedelta(hours=13))

    assert reason_of(token) == "token_lifetime_too_long"


def test_a_portal_token_may_live_30_days_but_not_more():
    month = issuer().mint("parent-1", ["parent"], "s1", uid=101, ttl=timedelta(days=29))
    longer = issuer().mint("parent-1", ["parent"], "s1", uid=101, ttl=timedelta(days=31))

    assert verifier().verify(month).uid == 101
    assert reason_of(longer) == "token_lifetime_too_long"


def test_a_token_expiring_in_the_year_9999_is_refused():
    far = datetime(9999, 12, 31, tzinfo=UTC)

    assert reason_of(signed({"sub": "t-1", "roles": ["admin"], "school": "s1", "exp": far})) == (
        "token_lifetime_too_long"
    )


def test_a_token_without_iat_is_measured_from_now():
    soon = signed({"sub": "t-1", "roles": ["admin"], "school": "s1"})
    claims = jwt.decode(soon, SECRET, algorithms=["HS256"], audience="school-journal")
    del claims["iat"]
    far = {**claims, "exp": datetime.now(UTC) + timedelta(days=2)}

    assert verifier().verify(jwt.encode(claims, SECRET, algorithm="HS256")).user_id == "t-1"
    assert reason_of(jwt.encode(far, SECRET, algorithm="HS256")) == "token_lifetime_too_long"


def test_an_iat_in_the_future_cannot_stretch_the_lifetime():
    later = datetime.now(UTC) + timedelta(days=300)
    claims = {"sub": "t-1", "roles": ["admin"], "school": "s1", "iat": later}

    assert reason_of(signed({**claims, "exp": later + timedelta(hours=1)})) == (
        "token_not_yet_valid"
    )


def test_the_lifetime_caps_are_configurable():
    strict = TokenVerifier(dev_settings(max_staff_token_hours=1))

    token = issuer().mint("t-1", ["teacher"], "s1", ttl=timedelta(hours=2))

    assert reason_of(token, strict) == "token_lifetime_too_long"
    assert verifier().verify(token).user_id == "t-1"


@pytest.mark.parametrize(
    ("extra", "hours"), [([], "13"), (["--uid", "101"], str(31 * 24))], ids=["staff", "portal"]
)
def test_mint_command_refuses_a_lifetime_the_services_would_refuse(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    hours: str,
):
    monkeypatch.setenv(tokens.DEFAULT_SECRET_ENV, SECRET)
    argv = ["mint", "--sub", "u-1", "--role", "parent", "--school", "s1", *extra]

    with pytest.raises(SystemExit) as exited:
        tokens.main([*argv, "--ttl-hours", hours])

    assert exited.value.code == 2
    assert "--ttl-hours may be at most" in capsys.readouterr().err
