"""Alerts and replies as SMS read them: plain text, fitted within two segments."""

from __future__ import annotations

from core.i18n import N_, Translator
from domain.alerts import Alert, MsgType, is_exercise
from domain.gazetteer import Gazetteer
from domain.sms import fit
from views.alerts import SEVERITY_NAMES

# Every language's exercise SMS starts with this word, so nobody mistakes one for a real alert.
EXERCISE_WORD = N_("EXERCISE")


def district_names(_: Translator, slugs: tuple[str, ...], gazetteer: Gazetteer) -> str:
    """Districts by their names in the reader's language."""
    names = []
    for slug in slugs:
        district = gazetteer.get(slug)
        names.append(district.display_name(_.language) if district else slug)
    return _.plain(", ").join(names)


def render_sms(_: Translator, alert: Alert, *, gazetteer: Gazetteer) -> str:
    """Severity word, districts, headline, instruction and reference; the instruction is
    shortened first, then the headline, never mid-word."""
    content = alert.content
    head: list[str] = []
    if is_exercise(content):
        head.append(_.plain(EXERCISE_WORD))
    if alert.msg_type is MsgType.UPDATE:
        head.append(_.plain("UPDATE to {reference}:", reference=alert.references or ""))
    elif alert.msg_type is MsgType.CANCEL:
        head.append(_.plain("CANCELLED {reference}:", reference=alert.references or ""))
    head.append(_.plain("{severity}:", severity=_.plain(SEVERITY_NAMES[content.severity])))
    text = content.text(_.language)
    pieces = [district_names(_, content.districts, gazetteer) + ".", text.headline.strip()]
    if alert.msg_type is MsgType.CANCEL and alert.note:
        pieces.append(alert.note.strip())
    if text.instruction:
        pieces.append(text.instruction.strip())
    tail = _.plain("Ref {reference}", reference=alert.identifier)
    return fit(" ".join(head), [" ".join(p.split()) for p in pieces], tail)
