"""Telegram glue: one module per audience, each with register(app)."""
