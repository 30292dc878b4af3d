"""The delivery engine: a durable outbox of verified alerts, paced fan-out, crash-safe retries.

Wiring lives in delivery.wiring (configure_builder, install_delivery, wake_dispatch).
"""
