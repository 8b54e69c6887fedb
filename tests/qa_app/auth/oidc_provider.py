"""A small but real OpenID Connect provider for the tests, on 127.0.0.1.

Built with Authlib's server side: an ``AuthorizationServer`` with the
authorization-code grant, ``OpenIDCode`` (ID tokens, nonce required) and
``CodeChallenge`` (PKCE, required), served by werkzeug in a thread. It
publishes a discovery document, its RSA key (JWKS), and authorize (which
approves ``provider.person`` without asking), token, userinfo and end-session
endpoints. Test code only.

What a test can bend, to see the application refuse it: ``id_token_claims``
(claims laid over the ID token's: ``aud``, ``exp``, ``nonce``...) and
``tamper`` (the signed ID token's payload changed after signing).
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify, request
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "qa-platform"
CLIENT_SECRET = "provider-test-secret"
REDIRECT_URI = "http://localhost/auth/oidc/callback"


@dataclass
class Client:
    """The application as the provider knows it: a confidential client."""

    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    redirect_uris: tuple[str, ...] = (REDIRECT_URI,)

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in scope.split() if s in ("openid", "email", "profile"))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "client_secret_basic"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    user: dict[str, Any]
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class Provider:
    """Start with ``start()``, stop with ``stop()``; ``reset()`` between tests."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"}, private=True)
        self.client = Client()
        self.codes: dict[str, Code] = {}
        self.tokens: dict[str, dict[str, Any]] = {}  # access token -> the person
        self.nonces: list[str] = []  # every nonce asked for, in order
        self.ended_sessions: list[dict[str, str]] = []
        self.reset()
        self.app = self._build()
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def reset(self) -> None:
        self.person: dict[str, Any] = {
            "sub": "idp-user-1",
            "email": "dana@example.test",
            "email_verified": True,
            "name": "Dana Quinn",
        }
        self.id_token_claims: dict[str, Any] = {}
        self.tamper = False

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def start(self) -> Provider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)

    # The provider's Flask application ------------------------------------
    def _build(self) -> Flask:
        app = Flask("test_oidc_provider")
        provider = self
        server = AuthorizationServer(
            app, query_client=self._query_client, save_token=self._save_token
        )

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]

            def save_authorization_code(self, code, req):
                data = req.payload.data
                provider.codes[code] = Code(
                    code=code,
                    user=dict(req.user),
                    redirect_uri=req.payload.redirect_uri,
                    scope=req.scope,
                    nonce=data.get("nonce"),
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                )

            def query_authorization_code(self, code, client):
                return provider.codes.get(code)

            def delete_authorization_code(self, authorization_code):
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                return authorization_code.user

        class IDTokens(OpenIDCode):
            def exists_nonce(self, nonce, req):
                return any(c.nonce == nonce for c in provider.codes.values())

            def resolve_client_private_key(self, client):
                return provider.key

            def get_client_claims(self, client):
                return {"iss": provider.issuer, "aud": [client.get_client_id()]}

            def generate_user_info(self, user, scope):
                # Laid over everything else in the token (aud, exp, nonce...).
                return dict(user) | provider.id_token_claims

            def encode_id_token(self, token, req):
                jwt = super().encode_id_token(token, req)
                return _tampered(jwt) if provider.tamper else jwt

        server.register_grant(
            CodeGrant, [IDTokens(require_nonce=True), CodeChallenge(required=True)]
        )

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(
                issuer=self.issuer,
                authorization_endpoint=f"{self.issuer}/authorize",
                token_endpoint=f"{self.issuer}/token",
                userinfo_endpoint=f"{self.issuer}/userinfo",
                jwks_uri=f"{self.issuer}/jwks",
                end_session_endpoint=f"{self.issuer}/logout",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
                code_challenge_methods_supported=["S256"],
                token_endpoint_auth_methods_supported=["client_secret_basic"],
                scopes_supported=["openid", "email", "profile"],
            )

        @app.get("/jwks")
        def jwks():
            return jsonify(keys=[self.key.as_dict(private=False, use="sig", alg="RS256")])

        @app.get("/authorize")
        def authorize():
            self.nonces.append(request.args.get("nonce", ""))
            # Auto-approves: the person is signed in at the provider already.
            person = dict(self.person)
            try:
                grant = server.get_consent_grant(end_user=person)
            except OAuth2Error as error:
                return jsonify(error=error.error, description=error.description), 400
            return server.create_authorization_response(grant=grant, grant_user=person)

        @app.post("/token")
        def issue_token():
            return server.create_token_response()

        @app.get("/userinfo")
        def userinfo():
            bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
            person = self.tokens.get(bearer)
            if person is None:
                return jsonify(error="invalid_token"), 401
            return jsonify(person)

        @app.get("/logout")
        def end_session():
            self.ended_sessions.append(request.args.to_dict())
            return "signed out at the provider"

        return app

    def _query_client(self, client_id: str) -> Client | None:
        return self.client if client_id == self.client.client_id else None

    def _save_token(self, token: dict[str, Any], req) -> None:
        self.tokens[token["access_token"]] = dict(req.user)


def _tampered(jwt: str) -> str:
    """The same signature over a different payload: the e-mail swapped."""
    header, payload, signature = jwt.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["email"] = "someone.else@example.test"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"
