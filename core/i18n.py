"""Message catalogs: gettext .po files per language, compiled in memory when the bot starts."""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Mapping
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from markupsafe import Markup

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
RTL_LANGUAGES = frozenset({"ur", "ps", "bal", "ar", "fa", "sd"})
# Right-to-left mark: a line of Urdu that starts with a digit, a Latin name or an emoji would
# otherwise be laid out left-to-right by Telegram clients, which pick direction per paragraph.
RLM = "\u200f"
# The order the language picker and the menus list languages in; any other catalog follows.
LANGUAGE_ORDER = ("en", "ur", "ps")


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


class Translator:
    """The words of one language; formats values HTML-escaped so text is safe to send as HTML.

    Catalog strings are trusted (they come from this repository), so wrapping them in Markup is
    safe; every value filled into them is escaped by Markup.format.
    """

    def __init__(self, language: str, translations: gettext.NullTranslations) -> None:
        self.language = language
        self.rtl = language in RTL_LANGUAGES
        self._translations = translations

    def __call__(self, message: str, /, **values: object) -> Markup:
        """Translate a message and fill its {placeholders}, escaping every value for HTML."""
        template = Markup(self._translations.gettext(message))  # noqa: S704
        return self.finish(template.format(**values))

    def plural(self, singular: str, plural: str, count: int, /, **values: object) -> Markup:
        """Translate a message whose wording depends on a count (passed as {count})."""
        text = self._translations.ngettext(singular, plural, count)
        return self.finish(Markup(text).format(count=count, **values))  # noqa: S704

    def plain(self, message: str, /, **values: object) -> str:
        """Translate without HTML escaping, for button labels and other plain-text fields."""
        return self._translations.gettext(message).format(**values)

    def finish(self, text: str) -> Markup:
        """Give each line of right-to-left text an explicit direction; the result is safe HTML."""
        if not self.rtl:
            return Markup(text)  # noqa: S704 - already escaped by __call__
        lines = str(text).split("\n")
        # Values may already carry marks (nested translations): one per line is enough.
        marked = (RLM + line.lstrip(RLM) if line else line for line in lines)
        return Markup("\n".join(marked))  # noqa: S704


_Compiled = tuple[tuple[str, gettext.GNUTranslations], ...]


@functools.cache
def _compile(files: tuple[tuple[Path, int], ...]) -> _Compiled:
    """Parse and compile catalogs once per process (and again only if a file changed).

    Compiled catalogs are read-only, so every Application in the process may share them;
    parsing the .po files costs about 20 ms a language.
    """
    compiled = []
    for po_path, _mtime in files:
        language = po_path.parent.parent.name
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        compiled.append((language, gettext.GNUTranslations(buffer)))
    return tuple(compiled)


class Catalogs:
    """All languages the bot speaks, with a fallback for anything unknown."""

    def __init__(self, translations: Mapping[str, gettext.NullTranslations], default: str) -> None:
        self._translators = {lang: Translator(lang, t) for lang, t in translations.items()}
        self.default = default if default in self._translators else "en"

    @classmethod
    def load(cls, default: str = "en", directory: Path = LOCALES_DIR) -> Catalogs:
        """Read every <lang>/LC_MESSAGES/messages.po under the directory."""
        files = tuple(
            (path, path.stat().st_mtime_ns)
            for path in sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
        )
        translations: dict[str, gettext.NullTranslations] = dict(_compile(files))
        translations.setdefault("en", gettext.NullTranslations())
        return cls(translations, default)

    @property
    def languages(self) -> tuple[str, ...]:
        """Language codes with a catalog: English, Urdu, Pashto, then any other by code."""
        order = {lang: i for i, lang in enumerate(LANGUAGE_ORDER)}
        return tuple(sorted(self._translators, key=lambda lang: (order.get(lang, 99), lang)))

    def get(self, language: str | None) -> Translator:
        """The translator for a language, or the default one."""
        return self._translators.get(language or "", self._translators[self.default])

    def pick(self, telegram_language_code: str | None) -> str:
        """The language to greet a new chat in, from the client's language setting."""
        code = (telegram_language_code or "").split("-")[0].lower()
        return code if code in self._translators else self.default
