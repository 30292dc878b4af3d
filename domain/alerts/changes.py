"""An update written as a form: the original as fields, and what the author's fields change."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.alerts.form import TEXT_LANGUAGES, TRANSLATABLE, FormProblem, build_content
from domain.alerts.lifecycle import Changes
from domain.alerts.model import AlertContent
from domain.gazetteer import Gazetteer


def changes_from(
    fields: Mapping[str, str],
    *,
    gazetteer: Gazetteer,
    now: datetime,
    tz: ZoneInfo,
    base: AlertContent,
) -> tuple[Changes, list[FormProblem]]:
    """What an update changes: only the fields given; the rest stays as the original has it.

    A text changed in the author's language makes the original's translations of it untrue:
    a language whose translation of every changed text is not given anew loses all its texts,
    so its readers get the new primary text (with the "not in your language" note), never the
    superseded words.
    """
    original = fields_of(base, tz)
    changed = [f for f in TRANSLATABLE if f in fields and fields[f] != original.get(f, "")]
    for lang in TEXT_LANGUAGES:
        if changed and any(f"{f}_{lang}" not in fields for f in changed):
            for f in TRANSLATABLE:
                original.pop(f"{f}_{lang}", None)
    merged = {
        **original,
        **{k: v for k, v in fields.items() if k not in ("kind", "status")},
    }
    built = build_content(merged, gazetteer=gazetteer, now=now, tz=tz, language=base.language)
    if built.content is None:
        return Changes(), list(built.problems)
    new = built.content
    return (
        Changes(
            severity=new.severity,
            urgency=new.urgency,
            certainty=new.certainty,
            texts=new.texts,
            districts=new.districts,
            expires=new.expires if "expires" in fields else None,
            source=new.source,
            transport=new.transport,
            displacement=new.displacement,
        ),
        [],
    )


def fields_of(content: AlertContent, tz: ZoneInfo) -> dict[str, str]:
    """An alert's content written back as form fields (to show or to start an update from)."""
    text = content.texts[0]
    fields = {
        "kind": content.kind.value,
        "status": content.status.value,
        "districts": ", ".join(content.districts),
        "severity": content.severity.code,
        "urgency": content.urgency.value,
        "certainty": content.certainty.value,
        "headline": text.headline,
        "description": text.description,
        "instruction": text.instruction,
        "source": content.source,
        "expires": content.expires.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
        "language": text.language,
    }
    for other in content.texts[1:]:
        fields[f"headline_{other.language}"] = other.headline
        fields[f"description_{other.language}"] = other.description
        fields[f"instruction_{other.language}"] = other.instruction
    if content.transport is not None:
        fields.update(
            route=content.transport.route or "",
            mode=content.transport.mode.value if content.transport.mode else "",
            segment=content.transport.segment,
        )
    if content.displacement is not None:
        d = content.displacement
        fields.update(
            {
                "families": "" if d.families is None else str(d.families),
                "individuals": "" if d.individuals is None else str(d.individuals),
                "from": d.from_place,
                "to": d.to_place,
            }
        )
    return {k: v for k, v in fields.items() if v}
