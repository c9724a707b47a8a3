"""HTML pages from the Jinja2 templates beside this module, with the one stylesheet inlined.

Every page securebase writes (a run's summary, the report of the studies) extends
``templates/base.html``, which inlines ``templates/style.css``: a page is one
self-contained file (no scripts, nothing fetched). Autoescaping is on: text from
scenarios, studies and results is escaped wherever a template puts it.
"""

from __future__ import annotations

import base64
from functools import cache

import jinja2


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("securebase.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def data_uri(png: bytes) -> str:
    """A PNG image as a data URI for an ``<img src>`` (the page carries its figures)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render(template: str, **context: object) -> str:
    """The page ``templates/<template>`` rendered with ``context``."""
    return environment().get_template(template).render(**context)
