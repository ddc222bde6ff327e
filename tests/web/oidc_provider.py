"""A stand-in OpenID Connect provider on loopback, for the gallery's sign-in tests.

It does what a real provider does for the authorization code flow, over real HTTP: discovery,
its signing keys (JWKS), an authorization endpoint that approves at once whoever the test says
is at the keyboard (``person``) and redirects back with a code (with ``consent``, it shows a
page whose link does, so that the way back begins on the provider's site), a token endpoint
that checks the client's secret, the redirect URI and the PKCE verifier and answers with an
RS256-signed ID token, and userinfo. ``tamper`` changes claims of the next ID tokens (a wrong
nonce, issuer or audience) so that tests can check the gallery refuses them;
``only_in_userinfo`` keeps claims out of the ID token, as some providers do.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Form, Header, HTTPException, Query
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from joserfc import jwt
from joserfc.jwk import RSAKey

from ideovault.web.serve import ServerThread

CLIENT_ID = "ideovault-gallery"
CLIENT_SECRET = "s3cret-of-the-client-0123456789"


class Provider:
    """The provider's state: its key, the person signing in, codes and tokens it issued."""

    def __init__(self, host: str = "127.0.0.1", *, consent: bool = False) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"})
        self.person: dict[str, Any] = {"sub": "u-1", "preferred_username": "vi"}
        self.tamper: dict[str, Any] = {}
        self.only_in_userinfo: set[str] = set()
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.seen: list[str] = []  # every request, to check what the gallery sent
        self.consent = consent  # a page with an "Approve" link instead of approving at once
        self.server = ServerThread(self.app())
        # "localhost" makes the provider another site than a gallery on 127.0.0.1
        self.issuer = self.server.url.replace("127.0.0.1", host)

    def __enter__(self) -> Provider:
        self.server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__(*exc)

    def id_token(self, grant: dict[str, Any]) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer, "sub": grant["person"]["sub"], "aud": CLIENT_ID,
            "iat": now, "exp": now + 300, "nonce": grant["nonce"],
        }  # fmt: skip
        claims |= {k: v for k, v in grant["person"].items() if k not in self.only_in_userinfo}
        claims |= self.tamper
        return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.key)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/.well-known/openid-configuration")
        def discovery() -> dict[str, Any]:
            self.seen.append("discovery")
            return {
                "issuer": self.issuer,
                "authorization_endpoint": self.issuer + "/authorize",
                "token_endpoint": self.issuer + "/token",
                "userinfo_endpoint": self.issuer + "/userinfo",
                "jwks_uri": self.issuer + "/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            }

        @app.get("/jwks")
        def jwks() -> dict[str, Any]:
            return {"keys": [self.key.as_dict(private=False)]}

        @app.get("/authorize")
        def authorize(
            client_id: str, redirect_uri: str, response_type: str, state: str, nonce: str,
            code_challenge: str, code_challenge_method: str, scope: str = Query(""),
        ) -> Response:  # fmt: skip
            self.seen.append("authorize")
            if client_id != CLIENT_ID or response_type != "code" or "openid" not in scope.split():
                raise HTTPException(400, "bad authorization request")
            if code_challenge_method != "S256":
                raise HTTPException(400, "PKCE S256 expected")
            code = secrets.token_urlsafe(16)
            self.codes[code] = {
                "person": dict(self.person), "nonce": nonce, "redirect_uri": redirect_uri,
                "challenge": code_challenge,
            }  # fmt: skip
            back = f"{redirect_uri}?{urlencode({'code': code, 'state': state})}"
            if self.consent:  # the person clicks on the provider's own page, as at a real one
                link = f'<a id="approve" href="{html.escape(back)}">Approve</a>'
                return HTMLResponse(f"<!doctype html><title>Provider</title>{link}")
            return RedirectResponse(back, status_code=302)

        @app.post("/token")
        def token(
            grant_type: str = Form(...), code: str = Form(...), redirect_uri: str = Form(...),
            code_verifier: str = Form(...), authorization: str = Header(""),
        ) -> JSONResponse:  # fmt: skip
            self.seen.append("token")
            basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if authorization != f"Basic {basic}":
                return JSONResponse({"error": "invalid_client"}, status_code=401)
            grant = self.codes.pop(code, None)
            if grant_type != "authorization_code" or grant is None:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            digest = hashlib.sha256(code_verifier.encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
                return JSONResponse({"error": "invalid_grant", "error_description": "PKCE"}, 400)
            if redirect_uri != grant["redirect_uri"]:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            access = secrets.token_urlsafe(16)
            self.tokens[access] = grant["person"]
            return JSONResponse({
                "access_token": access, "token_type": "Bearer", "expires_in": 300,
                "id_token": self.id_token(grant),
            })  # fmt: skip

        @app.get("/userinfo")
        def userinfo(authorization: str = Header("")) -> dict[str, Any]:
            self.seen.append("userinfo")
            person = self.tokens.get(authorization.removeprefix("Bearer "))
            if person is None:
                raise HTTPException(401, "unknown access token")
            return person

        return app
