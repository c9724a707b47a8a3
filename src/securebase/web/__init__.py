"""The rehearsal web app (``securebase rehearse``): Starlette, Jinja2 templates, one stylesheet, SQLite."""
