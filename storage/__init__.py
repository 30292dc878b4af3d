"""Persistence: SQLModel tables, async sessions, named queries and migrations."""
