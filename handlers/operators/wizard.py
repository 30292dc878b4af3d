"""The steps of the alert wizard and their buttons: which field comes next, and its choices."""

from __future__ import annotations

from collections.abc import Mapping

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.i18n import N_, Translator
from domain.alerts import AlertKind, Certainty, Severity, TransportMode, Urgency
from views.alerts import CERTAINTY_NAMES, KIND_NAMES, MODE_NAMES, SEVERITY_NAMES, URGENCY_NAMES

CB_WIZARD = "nw"  # nw:set:<field>:<value> | nw:go | nw:x | nw:list
WIZARD_NS = "w"  # prefix for the reused district picker: wdiv:3, won:quetta, wdone…

CHOICES: Mapping[str, list[tuple[str, str]]] = {
    "kind": [(k.value, KIND_NAMES[k]) for k in AlertKind],
    "status": [
        ("actual", N_("Real alert")),
        ("exercise", N_("Exercise")),
        ("test", N_("Test")),
    ],
    "severity": [(s.code, SEVERITY_NAMES[s]) for s in sorted(Severity, reverse=True)],
    "urgency": [
        (u.value, URGENCY_NAMES[u]) for u in (Urgency.IMMEDIATE, Urgency.EXPECTED, Urgency.FUTURE)
    ],
    "certainty": [
        (c.value, CERTAINTY_NAMES[c])
        for c in (Certainty.OBSERVED, Certainty.LIKELY, Certainty.POSSIBLE)
    ],
    "mode": [(m.value, MODE_NAMES[m]) for m in TransportMode],
    "expires": [
        ("-", N_("Default for this kind")),
        ("6h", N_("6 hours")),
        ("12h", N_("12 hours")),
        ("24h", N_("24 hours")),
        ("48h", N_("2 days")),
        ("7d", N_("7 days")),
    ],
}
TEXT_STEPS = frozenset(
    {"districts", "headline", "description", "instruction", "segment", "figures"}
)
PREVIEW = "preview"


# What a one-message form leaves out is taken as these; only required fields are asked for.
FORM_DEFAULTS = {
    "status": "actual",
    "urgency": "expected",
    "certainty": "observed",
    "description": "-",
    "instruction": "-",
    "segment": "-",
    "expires": "-",
}


def complete_form(fields: Mapping[str, str]) -> dict[str, str]:
    """A typed form with its optional fields defaulted, so the wizard asks only what's missing."""
    completed = {**FORM_DEFAULTS, **fields}
    if any(k in fields for k in ("families", "individuals")):
        completed["figures"] = "done"
    if fields.get("route"):
        completed.setdefault("districts", "")  # the route's districts, unless others are named
    return completed


def next_step(fields: Mapping[str, str]) -> str:
    """The first field still missing, in the order the wizard asks; 'preview' when complete."""
    kind = fields.get("kind")
    order = ["kind", "status", "districts", "severity", "urgency", "certainty", "headline"]
    order += ["description", "instruction"]
    if kind == AlertKind.TRANSPORT.value:
        order += ["mode", "segment"]
    if kind == AlertKind.DISPLACEMENT.value:
        order += ["figures"]
    order += ["expires"]
    for step in order:
        if step not in fields:
            return step
    return PREVIEW


def read_figures(text: str) -> dict[str, str]:
    """'120, 800, Nushki, Quetta' → families, individuals, from, to (empty parts allowed)."""
    parts = [p.strip() for p in text.replace("،", ",").split(",")] + ["", "", "", ""]
    keys = ("families", "individuals", "from", "to")
    return {key: value for key, value in zip(keys, parts[:4], strict=True) if value} | {
        "figures": "done"
    }


def step_keyboard(_: Translator, step: str) -> InlineKeyboardMarkup:
    """The buttons of a step: its choices (if any), the district list, and abandon."""
    rows: list[list[InlineKeyboardButton]] = []
    choices = [
        InlineKeyboardButton(
            _upper_first(_.plain(label)), callback_data=f"{CB_WIZARD}:set:{step}:{value}"
        )
        for value, label in CHOICES.get(step, [])
    ]
    rows += [choices[i : i + 2] for i in range(0, len(choices), 2)]
    if step == "districts":
        rows.append(
            [
                InlineKeyboardButton(
                    _.plain("Choose from the list"), callback_data=f"{CB_WIZARD}:list"
                )
            ]
        )
    if step == PREVIEW:
        rows.append(
            [
                InlineKeyboardButton(
                    _.plain("📨 Submit for verification"), callback_data=f"{CB_WIZARD}:go"
                )
            ]
        )
    rows.append([InlineKeyboardButton(_.plain("🗑 Abandon"), callback_data=f"{CB_WIZARD}:x")])
    return InlineKeyboardMarkup(rows)


def _upper_first(label: str) -> str:
    # "road" reads as a button label "Road"; "SEVERE" and Urdu labels stay as they are.
    return label[:1].upper() + label[1:]
