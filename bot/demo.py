"""`python main.py demo`: the real bot against the built-in fake Telegram, with a transcript."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.app import build_application
from bot.runtime import running
from core.numbers import NumberVault
from core.settings import Settings

if TYPE_CHECKING:
    # The fake is a dev-and-demo package (fakes/telegram), absent from the production image.
    from fakesmsc import FakeSmsc
    from faketg import FakeEvent, SentMessage
    from faketg.user import FakeUser

DEMO_DATABASE = Path("data/demo.db")
FAKE_MISSING = "The demo needs the fake Telegram: pip install -e ./fakes/telegram"


@dataclass(frozen=True)
class Person:
    """A resident in the seed story (names exist only in this transcript, never in storage)."""

    name: str
    chat_id: int
    language_code: str


AMINA = Person("Amina, Quetta", 1001, "en")
BILAL = Person("Bilal, Pasni", 1002, "en")
GUL = Person("Gul, Dalbandin", 1003, "ur")
ZARGHUNA = Person("Zarghuna, Nushki", 1004, "ps")
SAIMA = Person("Saima, admin", 9001, "en")
AMIR = Person("Amir, operator", 2001, "en")
BIBI = Person("Bibi, second operator", 2002, "en")
NADIA = Person("Nadia, NGO staff", 3001, "en")
PEOPLE = [AMINA, BILAL, GUL, ZARGHUNA, SAIMA, AMIR, BIBI, NADIA]
KARIM = Person("Karim, Dalbandin (feature phone, SMS only)", 0, "ur")
KARIM_PHONE = "923331234567"
RAIL_ALERT = (
    "/newalert\n"
    "kind: transport\n"
    "route: RAIL-QUETTA-TAFTAN\n"
    "mode: rail\n"
    "segment: Quetta–Dalbandin\n"
    "severity: severe\n"
    "urgency: immediate\n"
    "headline: Quetta–Taftan trains suspended after track attack\n"
    "instruction: Do not travel to the stations; buses on the N-40 still run.\n"
    "headline_ps: د کوټې–تفتان اورګاډي د پټلۍ پر برید وروسته ودرول شول\n"
    "instruction_ps: سټېشنونو ته سفر مه کوئ؛ د N-40 بسونه لا هم چلېږي.\n"
    "source: Pakistan Railways, Quetta division\n"
    "expires: 24h"
)


class Transcript:
    """Prints what each person does and what the bot shows them."""

    def __init__(self, out: TextIO, people: list[Person]) -> None:
        self.out = out
        self.names = {p.chat_id: p.name for p in people}

    def say(self, line: str = "") -> None:
        """Print one line."""
        print(line, file=self.out, flush=True)

    def action(self, person: Person, what: str) -> None:
        """Print what a person typed or tapped."""
        self.say(f"\n👤 {person.name}: {what}")

    def on_event(self, event: FakeEvent) -> None:
        """Print the bot's messages, edits and pop-up answers."""
        who = self.names.get(event.chat_id or 0, str(event.chat_id))
        if event.kind in ("bot_message", "bot_edit") and event.message is not None:
            verb = "edits its message" if event.kind == "bot_edit" else "replies"
            self.say(f"🤖 bot {verb} to {who}:")
            self._message(event.message)
        elif event.kind == "callback_answer" and event.text:
            self.say(f"🤖 bot pops up for {who}: {event.text}")

    def _message(self, message: SentMessage) -> None:
        for line in message.plain.splitlines():
            self.say(f"    │ {line}")
        for row in message.buttons:
            self.say("    │ " + "  ".join(f"[ {b.text} ]" for b in row))
        if message.reply_keyboard:
            labels = "  ".join(f"[ {b['text']} ]" for b in message.reply_keyboard)
            self.say(f"    │ ⌨ {labels} (under the text box)")


def _fake_smsc() -> type[FakeSmsc] | None:
    """The fake SMSC (fakes/smsc, which the README's demo command installs); None where it is
    not installed (the demo then leaves SMS out)."""
    try:
        from fakesmsc import FakeSmsc
    except ModuleNotFoundError:
        return None
    return FakeSmsc


async def run_demo(out: TextIO = sys.stdout, database: Path = DEMO_DATABASE) -> int:
    """Play the seed story against the real Application and a fresh SQLite file."""
    try:
        from faketg import DEFAULT_TOKEN, FakeTelegram
        from faketg.user import FakeUser
    except ModuleNotFoundError as exc:
        if exc.name != "faketg":
            raise
        print(FAKE_MISSING, file=sys.stderr)
        return 2
    for leftover in database.parent.glob(database.name + "*"):
        leftover.unlink()
    people = PEOPLE
    transcript = Transcript(out, people)
    smsc_class = _fake_smsc()
    async with (
        FakeTelegram(DEFAULT_TOKEN, strict_html=True) as fake,
        contextlib.AsyncExitStack() as stack,
    ):
        smsc = await stack.enter_async_context(smsc_class()) if smsc_class else None
        sms: dict[str, object] = {}
        if smsc is not None:
            sms = {
                "smpp_host": "127.0.0.1",
                "smpp_port": smsc.port,
                "smpp_system_id": smsc.system_id,
                "smpp_password": smsc.password,
                "sms_number_key": NumberVault.new_key(),
            }
        settings = Settings(
            telegram_bot_token=DEFAULT_TOKEN,
            telegram_api_base_url=fake.base_url,
            database_url=f"sqlite+aiosqlite:///{database}",
            admin_ids=frozenset({SAIMA.chat_id}),
            **sms,  # type: ignore[arg-type]
        )
        app = build_application(settings)
        transcript.say(
            "Khabardar demo: the real bot, a built-in fake Telegram, a fresh SQLite file"
        )
        transcript.say(f"(database: {database}; no real Telegram is contacted)")
        async with running(app, poll_timeout=1):
            fake.on_event(transcript.on_event)
            users = {
                p.chat_id: FakeUser(fake, p.chat_id, language_code=p.language_code) for p in people
            }
            for step in story(users, smsc, map_file=database.parent / "demo-map.png"):
                await step(transcript)
        commands = fake.commands(language_code="ur")
        transcript.say(
            f"\nCommand menus registered: English, Urdu and Pashto ({len(commands)} commands each)."
        )
    transcript.say(
        "Demo finished: 4 residents subscribed (and one by SMS), one alert drafted, verified "
        "by a second operator and delivered; everything above went through HTTP."
    )
    return 0


Step = Callable[[Transcript], Awaitable[None]]


def story(
    users: dict[int, FakeUser], smsc: FakeSmsc | None = None, *, map_file: Path
) -> list[Step]:
    """The scripted conversation, one awaitable step at a time."""
    amina, bilal, gul = users[AMINA.chat_id], users[BILAL.chat_id], users[GUL.chat_id]
    zarghuna = users[ZARGHUNA.chat_id]

    def send(person: Person, user: FakeUser, text: str, expect: str) -> Step:
        async def step(transcript: Transcript) -> None:
            transcript.action(person, text)
            await user.send(text)
            await user.expect(expect)

        return step

    def tap(person: Person, user: FakeUser, label: str, expect: str) -> Step:
        async def step(transcript: Transcript) -> None:
            transcript.action(person, f"taps [{label}]")
            await user.press(label)
            await user.expect(expect)

        return step

    amir, bibi = users[AMIR.chat_id], users[BIBI.chat_id]
    saima, nadia = users[SAIMA.chat_id], users[NADIA.chat_id]

    def share(person: Person, user: FakeUser, where: tuple[float, float], expect: str) -> Step:
        async def step(transcript: Transcript) -> None:
            transcript.action(person, f"taps [📍 Share my location] ({where[0]}, {where[1]})")
            await user.share_location(*where)
            await user.expect(expect)

        return step

    def save_map(person: Person, user: FakeUser) -> Step:
        async def step(transcript: Transcript) -> None:
            transcript.action(person, "/map")
            await user.send("/map")
            photo = await user.expect(lambda m: m.photo is not None)
            assert photo.photo is not None
            await asyncio.to_thread(map_file.write_bytes, photo.photo)
            transcript.say(f"    (the picture is saved as {map_file})")

        return step

    def receive(person: Person, user: FakeUser, expect: str) -> Step:
        async def step(transcript: Transcript) -> None:
            transcript.action(person, "(waits; the phone buzzes)")
            await user.expect(expect, timeout=15)

        return step

    def text_in(words: str, expect: str) -> Step:
        async def step(transcript: Transcript) -> None:
            assert smsc is not None
            transcript.action(KARIM, f"texts the service number: {words}")
            before = len(smsc.texts_to(KARIM_PHONE))
            await smsc.inject(KARIM_PHONE, words)
            await smsc.wait_for(lambda: len(smsc.texts_to(KARIM_PHONE)) > before)
            _sms(transcript, smsc.texts_to(KARIM_PHONE)[-1], expect)

        return step

    def text_arrives(expect: str) -> Step:
        async def step(transcript: Transcript) -> None:
            assert smsc is not None
            transcript.action(KARIM, "(waits; an SMS arrives)")
            await smsc.wait_for(
                lambda: any(expect in t for t in smsc.texts_to(KARIM_PHONE)), seconds=15
            )
            _sms(transcript, smsc.texts_to(KARIM_PHONE)[-1], expect)

        return step

    by_sms = [text_in("JOIN DALBANDIN", "Chagai")] if smsc else []
    sms_arrives = [text_arrives("Quetta-Taftan trains suspended")] if smsc else []
    return [
        send(AMINA, amina, "/start", "Choose your language"),
        tap(AMINA, amina, "English", "Choose the districts"),
        tap(AMINA, amina, "Quetta", "Tap a district"),
        tap(AMINA, amina, "Quetta", "You follow: Quetta"),
        tap(AMINA, amina, "✅ Done", "You will get verified alerts"),
        send(BILAL, bilal, "/subscribe Pasni", "Pasni is in Gwadar district"),
        send(BILAL, bilal, "/subscribe Dasht", "more than one district"),
        tap(BILAL, bilal, "Dasht (Kech)", "Subscribed to Kech"),
        send(BILAL, bilal, "/mysubs", "Your districts"),
        share(BILAL, bilal, (30.90, 66.47), "most likely in Chaman"),
        tap(BILAL, bilal, "✅ Chaman", "Subscribed to Chaman"),
        send(GUL, gul, "/start", "اپنی زبان"),
        tap(GUL, gul, "اردو", "اضلاع منتخب کریں"),
        send(GUL, gul, "دالبندین", "چاغی"),
        send(GUL, gul, "/mydata", "محفوظ"),
        send(ZARGHUNA, zarghuna, "/start", "خپله ژبه"),
        tap(ZARGHUNA, zarghuna, "پښتو", "ضلعې وټاکئ"),
        send(ZARGHUNA, zarghuna, "نوشكي", "نوشکي"),  # typed with an Arabic kaf
        *by_sms,
        send(SAIMA, saima, "/grant 2001 operator", "is now operator"),
        send(SAIMA, saima, "/grant 2002 operator", "is now operator"),
        send(SAIMA, saima, "/grant 3001 staff", "is now staff"),
        send(AMIR, amir, RAIL_ALERT, "Preview"),
        tap(AMIR, amir, "📨 Submit for verification", "waiting for a second operator"),
        receive(BIBI, bibi, "Waiting for your verification"),
        tap(BIBI, bibi, "✅ Approve", "You verified"),
        receive(AMINA, amina, "Quetta–Taftan trains suspended"),
        receive(GUL, gul, "Quetta–Taftan trains suspended"),
        receive(ZARGHUNA, zarghuna, "اورګاډي"),
        *sms_arrives,
        send(NADIA, nadia, "/status Dalbandin", "Chagai"),
        save_map(NADIA, nadia),
    ]


def _sms(transcript: Transcript, text: str, expect: str) -> None:
    transcript.say("📱 SMS from the service number:")
    transcript.say(f"    │ {text}")
    if expect not in text:
        raise AssertionError(f"the SMS should say {expect!r}")
