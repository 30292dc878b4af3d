"""/shutdown: operators declare where mobile data is cut, so fallback numbers get SMS there."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update

from core.context import Context
from domain.gazetteer import ResolutionKind
from handlers.common import argument_text, load_resident, reply
from usecases import sms as sms_usecases
from views.sms import shutdown_answer, shutdown_usage

_RESOLVED = (ResolutionKind.DISTRICT, ResolutionKind.TOWN, ResolutionKind.CORRECTED)


async def shutdown_command(update: Update, context: Context) -> None:
    """Declare or end a data shutdown: /shutdown Quetta, Nushki on|off."""
    _resident, _ = await load_resident(update, context)
    assert update.effective_user is not None
    services = context.services
    places, _sep, switch = argument_text(update).strip().rpartition(" ")
    current = await sms_usecases.shutdowns(database=services.database)
    if switch.lower() not in ("on", "off") or not places.strip():
        await reply(update, shutdown_usage(_, current, gazetteer=services.gazetteer))
        return
    found = services.gazetteer.resolve_many(places[:500])
    unknown = [r.query for r in found if r.kind not in _RESOLVED or r.district is None]
    if unknown or not found:
        await reply(update, _("Unknown district: {names}.", names=", ".join(unknown)))
        return
    districts = sorted({r.district.slug for r in found if r.district is not None})
    on = switch.lower() == "on"
    changed = await sms_usecases.set_shutdown(
        database=services.database,
        districts=districts,
        on=on,
        by=update.effective_user.id,
        now=datetime.now(UTC),
    )
    await reply(update, shutdown_answer(_, on, districts, changed, gazetteer=services.gazetteer))
