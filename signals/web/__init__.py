"""The analysts' web app and JSON API (FastAPI, Jinja2 templates in Dutch)."""
