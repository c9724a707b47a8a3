"""The instruments a trial file may name: the table lives with the instruments (instruments/catalogue.py)."""

from __future__ import annotations

from securebase.instruments.catalogue import INSTRUMENTS, InstrumentInfo

__all__ = ["INSTRUMENTS", "InstrumentInfo"]
