"""Run the Alembic migrations shipped in the package (at every start: a no-op when up to date)."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config


def config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("securebase.web").joinpath("migrations")))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(config(url), revision)
