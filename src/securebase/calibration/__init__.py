"""Calibration: the published targets, the studies that measure them, and the fit of the constants."""
