"""Entry point for gunicorn: ``gunicorn wsgi:app``."""

from qa_app import create_app

app = create_app()
