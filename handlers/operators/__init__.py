"""Operator commands and buttons: drafting, verification, corrections."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from core.context import Context, KhabardarApp
from domain.roles import Action
from handlers.access import requires
from handlers.operators import corrections, drafting, shutdown, verification
from handlers.operators.notify import CB_VERIFY
from handlers.operators.wizard import CB_WIZARD, WIZARD_NS
from storage import sessions
from views import keyboards

# Operators' typed answers are read before residents' handlers (group 0) see the message.
FLOW_GROUP = -1
_PICKER = "|".join(
    (
        keyboards.CB_DIVISIONS,
        keyboards.CB_DIVISION,
        keyboards.CB_ON,
        keyboards.CB_OFF,
        keyboards.CB_DONE,
    )
)


def register(app: KhabardarApp) -> None:
    """Add the operator handlers; every one declares the action it needs."""
    draft, verify = requires(Action.DRAFT), requires(Action.VERIFY)
    app.add_handlers(
        [
            CommandHandler("newalert", draft(drafting.new_alert)),
            CommandHandler("update", draft(corrections.update_alert)),
            CommandHandler("cancel", draft(corrections.cancel_alert)),
            CommandHandler("pending", requires(Action.VIEW_PENDING)(verification.show_pending)),
            CommandHandler("shutdown", draft(shutdown.shutdown_command)),
            CallbackQueryHandler(draft(drafting.wizard_button), pattern=rf"^{CB_WIZARD}:"),
            CallbackQueryHandler(
                draft(drafting.wizard_districts), pattern=rf"^{WIZARD_NS}({_PICKER})(:|$)"
            ),
            CallbackQueryHandler(
                verify(verification.verification_button), pattern=rf"^{CB_VERIFY}:(ok|no):[\w-]+$"
            ),
        ]
    )
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, flow_text), group=FLOW_GROUP)


async def flow_text(update: Update, context: Context) -> None:
    """A team member's typed answer to an open flow; anything else passes on to group 0."""
    user = update.effective_user
    if user is None or update.effective_chat is None or update.effective_chat.type != "private":
        return
    async with context.services.database.read() as session:
        flow = await sessions.get_flow(session, user_id=user.id)
    if flow is None:
        return
    if flow.name == drafting.NEW:
        await requires(Action.DRAFT)(lambda u, c: drafting.wizard_text(u, c, flow))(update, context)
    elif flow.name == verification.REJECT:
        await verification.reason_text(update, context, flow)
