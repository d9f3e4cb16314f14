"""Exports of the approved events (the study's dataset) and of the codings (W3C, REFI-QDA)."""
