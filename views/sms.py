"""Alerts and replies as SMS read them: plain text, fitted within two segments."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from core.i18n import N_, Translator
from domain.alerts import Alert, MsgType, is_exercise
from domain.gazetteer import Gazetteer
from domain.sms import fit
from domain.sms.encoding import gsm_friendly
from domain.status import DistrictStatus
from usecases.sms import Answer, Reply
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
    pieces = [district_names(_, content.districts, gazetteer) + ".", _sentence(text.headline)]
    if alert.msg_type is MsgType.CANCEL and alert.note:
        pieces.append(alert.note.strip())
    if text.instruction:
        pieces.append(text.instruction.strip())
    tail = _.plain("Ref {reference}", reference=alert.identifier)
    return fit(" ".join(head), [gsm_friendly(" ".join(p.split())) for p in pieces], tail)


def _sentence(text: str) -> str:
    """A headline read as a sentence: it ends with a full stop unless it has its own."""
    text = text.strip()
    return text if not text or text[-1] in ".!?۔؟" else text + "."


def render_reply(_: Translator, reply: Reply, *, gazetteer: Gazetteer) -> str:
    """The answer to an inbound SMS, in its sender's language, within two segments."""
    district = district_names(_, (reply.district,), gazetteer) if reply.district else ""
    match reply.answer:
        case Answer.JOINED:
            text = _.plain(
                "Joined {district}: you will get verified alerts by SMS. STOP ends them.",
                district=district,
            )
        case Answer.ALREADY:
            text = _.plain("You already get alerts for {district}.", district=district)
        case Answer.STOPPED_ALL:
            text = _.plain(
                "Stopped: no more SMS alerts, and your number is erased. "
                "JOIN and a district starts them again."
            )
        case Answer.STOPPED_ONE:
            text = _.plain(
                "Stopped alerts for {district}. Still following: {districts}.",
                district=district,
                districts=district_names(_, reply.districts, gazetteer),
            )
        case Answer.STATUS:
            assert reply.status is not None
            return _status(_, reply.status, district)
        case Answer.NEED_PLACE:
            text = _.plain("Send a district after the keyword, for example: JOIN QUETTA")
        case Answer.UNKNOWN_PLACE:
            text = _.plain(
                "We do not know the place {place}. Send for example: JOIN QUETTA",
                place=reply.place[:40],
            )
        case Answer.SUGGEST:
            text = _.plain(
                "Did you mean {districts}? Send the keyword again with one of them.",
                districts=district_names(_, reply.districts, gazetteer),
            )
        case Answer.HELP:
            text = _.plain(
                "Khabardar alerts. JOIN district: subscribe. STATUS district: the situation. "
                "STOP district: end one. STOP: end all and erase your number."
            )
        case _:
            text = _.plain("Sorry, we did not understand. Send HELP for the keywords.")
    return fit(text, [], "")


def _status(_: Translator, status: DistrictStatus, district: str) -> str:
    count = status.active_count
    if not count:
        return fit(_.plain("{district}: no active alerts.", district=district), [], "")
    head = _.plain("{district}, alerts in force: {count}.", district=district, count=count)
    lines = [
        _.plain("{severity}:", severity=_.plain(SEVERITY_NAMES[a.content.severity]))
        + " "
        + " ".join(a.content.text(_.language).headline.split())
        for group in status.active.values()
        for a in group
    ]
    return fit(head, lines, "")


def shutdown_line(_: Translator, since: Mapping[str, datetime], *, gazetteer: Gazetteer) -> str:
    """Where a data shutdown is declared (empty when nowhere), for /status and /overview."""
    if not since:
        return ""
    names = district_names(_, tuple(since), gazetteer)
    return str(_("📵 Mobile data shutdown declared: {districts}", districts=names))


def shutdown_usage(_: Translator, since: Mapping[str, datetime], *, gazetteer: Gazetteer) -> str:
    """How to use /shutdown, and where one is declared now."""
    usage = str(
        _(
            "Send <code>/shutdown Quetta, Nushki on</code> when mobile data is cut there "
            "(residents with a fallback number get alerts by SMS), and "
            "<code>/shutdown Quetta off</code> when it is back."
        )
    )
    line = shutdown_line(_, since, gazetteer=gazetteer)
    return f"{usage}\n\n{line}" if line else usage


def shutdown_answer(
    _: Translator,
    on: bool,
    districts: list[str],
    changed: list[str],
    *,
    gazetteer: Gazetteer,
) -> str:
    """What /shutdown did."""
    names = district_names(_, tuple(changed or districts), gazetteer)
    if not changed:
        return str(_("Nothing changed: {districts} already as asked.", districts=names))
    if on:
        return str(
            _(
                "📵 Data shutdown declared for {districts}: residents there with a fallback "
                "number get alerts by SMS instead.",
                districts=names,
            )
        )
    return str(_("📶 Data shutdown ended for {districts}.", districts=names))


def sms_cost_line(_: Translator, messages: int, segments: int) -> str:
    """The SMS an approval will send, for the verifier (aggregators bill per segment)."""
    return str(
        _(
            "📱 By SMS: {messages} to send, {segments} segments in all (billed per segment).",
            messages=messages,
            segments=segments,
        )
    )
