"""The services every callback needs, and the typed context through which handlers reach them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from core.i18n import Catalogs, Translator
from core.jobs import JobGuard
from core.metrics import Metrics
from core.settings import Settings
from domain.delivery.policy import DeliveryPolicy
from domain.gazetteer import Gazetteer
from domain.roles import Role
from storage.db import Database
from storage.models import Resident

# Called with an alert's identifier right after a second operator verified it (delivery wakes).
VerifiedHook = Callable[[str], Awaitable[None]]


@dataclass(frozen=True)
class Services:
    """Long-lived collaborators, built once in the composition root."""

    settings: Settings
    database: Database
    gazetteer: Gazetteer
    catalogs: Catalogs
    delivery: DeliveryPolicy = field(default_factory=DeliveryPolicy)  # every wait of delivery
    metrics: Metrics = field(default_factory=Metrics)
    verified_hooks: list[VerifiedHook] = field(default_factory=list)
    jobs: JobGuard = field(default_factory=JobGuard)


class BotData:
    """Application-wide state; PTB instantiates it without arguments, the root fills it in."""

    __slots__ = ("_services",)

    def __init__(self) -> None:
        self._services: Services | None = None

    @property
    def services(self) -> Services:
        """The services, once the composition root has set them."""
        if self._services is None:
            raise RuntimeError("services are attached in build_application()")
        return self._services

    def attach(self, services: Services) -> None:
        """Attach the services (once, in the composition root)."""
        self._services = services


@dataclass(frozen=True, slots=True)
class Asker:
    """Who sent an update: their stored resident row, if any, and the role they act with."""

    resident: Resident | None
    role: Role | None


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """The context handed to Khabardar's callbacks."""

    # PTB builds one context per update (shared by the handlers of every group), so the asker
    # stored here is loaded once per update; handlers.common fills it in on first use.
    asker: Asker | None = None

    @property
    def services(self) -> Services:
        """Shortcut to the application's services."""
        return self.bot_data.services

    def translator(self, language: str | None) -> Translator:
        """The words of one language."""
        return self.services.catalogs.get(language)


KhabardarApp = Application[ExtBot[None], Context, dict[Any, Any], dict[Any, Any], BotData, Any]
