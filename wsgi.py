"""The WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi ...``.

The only module-level application object in the project lives here.
"""

from competitions import create_app

app = create_app()
