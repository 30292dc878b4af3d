"""Telegram-free delivery rules: who gets which alert, in what order, how fast, and retries."""
