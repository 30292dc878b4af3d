"""A fake SMSC: an SMPP 3.4 server for tests and the demo."""

from fakesmsc.server import FakeSmsc, Submitted

__all__ = ["FakeSmsc", "Submitted"]
