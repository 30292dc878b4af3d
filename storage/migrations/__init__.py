"""Alembic migrations for the Khabardar schema."""
