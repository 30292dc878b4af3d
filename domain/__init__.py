"""Telegram-free domain logic: gazetteer, preferences, alerts."""
