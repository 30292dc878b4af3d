"""Texts the team reads: wizard prompts, problems, the verification queue, audit and team."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from core.i18n import N_, Translator
from domain.alerts import Alert, Problem, ProblemCode
from domain.alerts.form import FormIssue, FormProblem
from domain.roles import Role, TeamMember
from storage.audit import AuditEntry
from views.alerts import local_time

PROMPTS = {
    "kind": N_("<b>New alert.</b> What kind of alert is it?"),
    "status": N_("Is this a real alert, an exercise or a test?"),
    "districts": N_(
        "Which districts? Type district or town names (e.g. <i>Mastung, Kalat</i>), or a route "
        "code such as <i>N-25</i> to take every district along it. Or choose from the list."
    ),
    "severity": N_("How severe is it?"),
    "urgency": N_("How urgent is it?"),
    "certainty": N_("How certain is it?"),
    "headline": N_("Send the headline: one short line, at most 140 characters."),
    "description": N_("Send the details residents should know (or - to skip)."),
    "instruction": N_(
        "What should people do? For example: <i>Avoid the N-25 near Mastung.</i> (or - to skip)"
    ),
    "mode": N_("Which transport is suspended?"),
    "segment": N_("Which stretch? For example: <i>Mastung–Kalat</i> (or - to skip)"),
    "figures": N_(
        "Send the figures as: families, people, from, to. For example: "
        "<i>120, 800, Nushki, Quetta</i> (leave a part empty if unknown)."
    ),
    "expires": N_("How long should the alert stay active?"),
}
FIELD_NAMES = {
    "kind": N_("kind"),
    "status": N_("status"),
    "districts": N_("districts"),
    "route": N_("route"),
    "mode": N_("transport mode"),
    "segment": N_("segment"),
    "severity": N_("severity"),
    "urgency": N_("urgency"),
    "certainty": N_("certainty"),
    "headline": N_("headline"),
    "description": N_("details"),
    "instruction": N_("instruction"),
    "families": N_("families"),
    "individuals": N_("people"),
    "from": N_("from"),
    "to": N_("to"),
    "source": N_("source"),
    "effective": N_("start time"),
    "expires": N_("expiry"),
    "form": N_("form"),
}
ISSUES = {
    FormIssue.MISSING: N_("The {field} is missing."),
    FormIssue.UNKNOWN_KEY: N_("“{field}” is not a field of the alert form."),
    FormIssue.BAD_CHOICE: N_("“{value}” is not a valid {field}."),
    FormIssue.UNKNOWN_PLACE: N_("“{value}” is not a known place or route."),
    FormIssue.AMBIGUOUS_PLACE: N_("“{value}” is in several districts: name the district."),
    FormIssue.BAD_NUMBER: N_("The {field} must be a whole number, not “{value}”."),
    FormIssue.BAD_TIME: N_("“{value}” is not a time: use 24h, 3d or 2026-12-01 18:00."),
    FormIssue.TOO_LONG: N_("The form is too long for one alert."),
}
PROBLEMS = {
    ProblemCode.HEADLINE_MISSING: N_("The headline is missing."),
    ProblemCode.HEADLINE_TOO_LONG: N_("The headline is longer than {limit} characters."),
    ProblemCode.DESCRIPTION_TOO_LONG: N_("The details are longer than {limit} characters."),
    ProblemCode.INSTRUCTION_TOO_LONG: N_("The instruction is longer than {limit} characters."),
    ProblemCode.SOURCE_TOO_LONG: N_("The source is longer than {limit} characters."),
    ProblemCode.MESSAGE_TOO_LONG: N_("The alert would not fit in one Telegram message (4096)."),
    ProblemCode.NO_DISTRICTS: N_("Name at least one district."),
    ProblemCode.UNKNOWN_DISTRICT: N_("“{subject}” is not a known district."),
    ProblemCode.EXPIRES_NOT_AFTER_EFFECTIVE: N_("The expiry must be after the start."),
    ProblemCode.EXPIRES_IN_PAST: N_("The expiry is in the past."),
    ProblemCode.EXPIRES_TOO_FAR: N_("An alert can stay active for at most 30 days."),
    ProblemCode.TRANSPORT_MODE_MISSING: N_("Say which transport: road, rail, air or port."),
    ProblemCode.UNKNOWN_ROUTE: N_("“{subject}” is not a known route."),
    ProblemCode.ROUTE_MODE_MISMATCH: N_("The route does not match the transport mode."),
    ProblemCode.DISPLACEMENT_NO_FIGURES: N_("Give the number of families or of people."),
    ProblemCode.DISPLACEMENT_IMPLAUSIBLE: N_("The displacement figures do not look right."),
    ProblemCode.REASON_MISSING: N_("Please give a reason."),
    ProblemCode.REASON_TOO_LONG: N_("The reason is longer than {limit} characters."),
}
ROLE_NAMES = {Role.ADMIN: N_("admin"), Role.OPERATOR: N_("operator"), Role.STAFF: N_("staff")}


def problem_lines(
    _: Translator, form: Sequence[FormProblem] = (), rules: Sequence[Problem] = ()
) -> str:
    """Every problem on its own line, each saying what to fix."""
    lines = [
        "⚠️ "
        + _(ISSUES[p.issue], field=_.plain(FIELD_NAMES.get(p.field, p.field)), value=p.value[:60])
        for p in form
    ]
    for problem in rules:
        template = PROBLEMS.get(problem.code, N_("This alert cannot be sent as it is ({code})."))
        lines.append(
            "⚠️ "
            + _(
                template, subject=problem.subject or "", limit=problem.limit or 0, code=problem.code
            )
        )
    return "\n".join(lines)


def preview_heading(_: Translator) -> str:
    """Above the preview in the wizard."""
    return _(
        "<b>Preview</b>: exactly what residents will read. To change something, send it as "
        "<code>field: value</code>, e.g. <code>headline: …</code>."
    )


def pending_notice(_: Translator, alert: Alert, rendered: str, *, own: bool = False) -> str:
    """What another operator receives when an alert waits for verification; its author sees
    it in /pending as their own, waiting for someone else."""
    if own:
        return _(
            "<b>Your alert, waiting for another operator to verify it</b>: {reference}.\n\n{alert}",
            reference=alert.identifier,
            alert=rendered,
        )
    return _(
        "<b>Waiting for your verification</b>: {reference}, written by operator {author}.\n\n"
        "{alert}",
        reference=alert.identifier,
        author=alert.author_id,
        alert=rendered,
    )


def decided_notice(_: Translator, alert: Alert, tz: ZoneInfo) -> str:
    """A verification request once someone decided it: who, when, and nothing left to do."""
    verified = alert.verified_by is not None
    at = alert.verified_at if verified else alert.rejected_at
    template = (
        N_("✅ {reference} ({headline}) was verified by operator {operator}, {time}.")
        if verified
        else N_("❌ {reference} ({headline}) was rejected by operator {operator}, {time}.")
    )
    decided = _(
        template,
        reference=alert.identifier,
        headline=alert.content.text(_.language).headline,
        operator=alert.verified_by if verified else alert.rejected_by,
        time=local_time(_, at, tz) if at is not None else "",
    )
    return str(decided + "\n" + _("Nothing is left to do here."))


def audit_lines(_: Translator, entries: Sequence[AuditEntry], tz: ZoneInfo) -> str:
    """The audit log, newest first, one line each."""
    if not entries:
        return _("The audit log is empty.")
    lines = [_("<b>Audit log</b> (newest first):")]
    for entry in entries:
        subject = entry.alert or (str(entry.target_user) if entry.target_user else "")
        lines.append(
            _(
                "{time} · {actor} · {action} {subject}",
                time=local_time(_, entry.at, tz),
                actor=entry.actor_id if entry.actor_id is not None else "system",
                action=entry.action.value,
                subject=subject,
            )
        )
    return "\n".join(lines)


def team_lines(_: Translator, members: Sequence[TeamMember], admins: Sequence[int]) -> str:
    """Who is on the team, by role."""
    lines = [_("<b>Team</b>")]
    lines.extend(
        _("{user} · {role} (configured)", user=a, role=_.plain(ROLE_NAMES[Role.ADMIN]))
        for a in sorted(admins)
    )
    lines.extend(
        _("{user} · {role}", user=m.user_id, role=_.plain(ROLE_NAMES[m.role])) for m in members
    )
    if len(lines) == 1:
        lines.append(_("Nobody yet. Grant a role with /grant USER_ID operator."))
    return "\n".join(lines)
