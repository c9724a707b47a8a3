"""The names a command's options offer, defined once and importing nothing.

The command line reads them to list its choices (``securebase run --help`` then loads neither NumPy nor the
kernels); the engine, the model and the studies take theirs from here, so the two cannot drift apart.
"""

from __future__ import annotations

#: the kernels a Simulation can run on (engine/kernels): compiled for the CPU, for an NVIDIA GPU, or uncompiled
KERNELS: tuple[str, ...] = ("cpu", "cuda", "readable")

#: precisions of the state: float64 (the default: the shipped calibration's figures) or float32 (half the memory)
PRECISIONS: tuple[str, ...] = ("float64", "float32")

#: every study, in the order of the claims it tests (securebase.studies)
STUDY_NAMES: tuple[str, ...] = (
    "responsiveness",
    "bids",
    "early-weeks",
    "repair",
    "exploration-support",
    "school",
    "change",
    "life-course",
    "recognise",
    "collaborate",
    "styles",
)
