"""Response headers that make the browser refuse whole classes of attack."""

from flask import Response, current_app, request

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


def headers(response: Response) -> Response:
    """``after_request``: the same protective headers on every response.

    Strict-Transport-Security only when the session cookie is Secure (the
    production switch): sending it over plain HTTP in development would pin a
    browser to HTTPS for a host that has none.
    """
    response.headers.setdefault("Content-Security-Policy", CSP)
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
