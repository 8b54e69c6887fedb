"""Response headers that make the browser refuse whole classes of attack."""

import secrets

from flask import Response, current_app, g, request

# No inline script anywhere: every script is a static file. Bootstrap's CSS
# uses data: URIs for its icons, hence img-src data:.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Powerful browser features the platform never uses, switched off for the page
# and anything it might embed.
PERMISSIONS = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
HSTS = "max-age=31536000; includeSubDomains"


def style_nonce() -> str:
    """A nonce for this response's one kind of inline style: the waveform player
    (wavesurfer.js) writes a <style> into its shadow DOM and is told the nonce
    (``cspNonce``). A page that never asks for one keeps ``style-src 'self'``."""
    if "style_nonce" not in g:
        g.style_nonce = secrets.token_urlsafe(16)
    return g.style_nonce


def policy() -> str:
    nonce = g.get("style_nonce")
    if nonce is None:
        return CSP
    return CSP.replace("style-src 'self'", f"style-src 'self' 'nonce-{nonce}'")


def headers(response: Response) -> Response:
    """``after_request``: the same protective headers on every response.

    Strict-Transport-Security only when the session cookie is Secure (the
    production switch): sending it over plain HTTP in development would pin a
    browser to HTTPS for a host that has none.
    """
    response.headers.setdefault("Content-Security-Policy", policy())
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", PERMISSIONS)
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint != "static" and "Cache-Control" not in response.headers:
        # Pages hold personal data: no copy in shared or back-button caches.
        response.headers["Cache-Control"] = "no-store"
    return response
