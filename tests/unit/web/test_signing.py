"""The tokens the web mints are the ones the services accept: the development secret, or a
private key whose public half is in the services' key set."""

from __future__ import annotations

import json
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import ValidationError

from services.common.settings import AuthSettings
from services.common.token_verifier import TokenVerifier
from services.common.webapp.signing import SigningSettings, token_issuer
from services.web.settings import Settings

SECRET = "s" * 40


def test_a_development_token_is_accepted_by_the_services():
    auth = AuthSettings(dev_secret=SECRET)
    token = token_issuer(SigningSettings(), auth).mint(
        "t015", ["teacher"], "s1", ttl=timedelta(hours=8)
    )

    principal = TokenVerifier(auth).verify(token)

    assert (principal.user_id, principal.roles, principal.school) == ("t015", {"teacher"}, "s1")


def test_a_key_signed_token_is_accepted_by_services_holding_the_public_key(tmp_path):
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (tmp_path / "web.pem").write_bytes(pem)
    public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
    key_set = {"keys": [{**public, "kid": "web-1", "use": "sig", "alg": "ES256"}]}
    (tmp_path / "jwks.json").write_text(json.dumps(key_set))
    signing = SigningSettings(mode="key", private_key_path=tmp_path / "web.pem", key_id="web-1")
    auth = AuthSettings(mode="jwks", jwks_path=tmp_path / "jwks.json")

    token = token_issuer(signing, auth).mint("dep1", ["deputy"], "s1", ttl=timedelta(hours=8))

    assert TokenVerifier(auth).verify(token).user_id == "dep1"
    assert jwt.get_unverified_header(token)["kid"] == "web-1"


def test_settings_refuse_a_short_session_secret_and_an_incomplete_key():
    auth = AuthSettings(dev_secret=SECRET)
    with pytest.raises(ValidationError, match="session_secret"):
        Settings(auth=auth, session_secret="short")
    with pytest.raises(ValidationError, match="private_key_path"):
        SigningSettings(mode="key")
