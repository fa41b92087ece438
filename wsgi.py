"""WSGI entry point: ``gunicorn 'wsgi:app'``."""

from crpm_cms import create_app

app = create_app()
