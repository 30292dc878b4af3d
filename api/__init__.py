"""Khabardar over HTTP: the staff API, CAP feeds, health and metrics, the Telegram webhook, and
reading other authorities' CAP feeds."""
