"""Bringing authorities' alerts in: CAP 1.2 import from files, URLs and polled feeds."""
