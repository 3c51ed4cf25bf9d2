"""Reading pages as a person does, to find UI strings left in English in another language."""

import functools
import re
from html.parser import HTMLParser
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils.translation import get_language_info

# Words that are the same in every language: names, acronyms, language autonyms, punctuation.
_AUTONYMS = {get_language_info(code)["name_local"].capitalize() for code, _name in settings.LANGUAGES}
SAME_IN_EVERY_LANGUAGE = {"RISE", "AMIF", "For-In", "SPRING", "LT", "EN", "BG", "·", "–", "—", "-", ":", "*"}
SAME_IN_EVERY_LANGUAGE |= _AUTONYMS | {f"– {name}" for name in _AUTONYMS}


class _VisibleText(HTMLParser):
    """Collects what a person sees or hears: text nodes and the text-bearing attributes."""

    SKIP = {"script", "style"}
    ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        attrs = dict(attrs)
        for name in self.ATTRIBUTES:
            if attrs.get(name):
                self.texts.append(attrs[name].strip())
        if tag == "meta" and attrs.get("name") == "description":
            self.texts.append(attrs.get("content", "").strip())
        if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
            self.texts.append(attrs["value"].strip())

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(html: str) -> set[str]:
    parser = _VisibleText()
    parser.feed(html)
    # Only texts with words: punctuation between links and numbers read the same in any language.
    return {text for text in parser.texts if any(c.isalpha() for c in text) and "@" not in text}


# --- The English msgids of the catalogues in use -------------------------------------------------------

_PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]|\{[a-z_]*\}")


def _catalogue_files() -> list[Path]:
    """The English catalogue (or, where a library ships none, any one: the msgids are the same) of
    Django, of each installed app and of the project."""
    import django

    roots = [Path(django.__file__).parent / "conf" / "locale"]
    roots += [Path(app.path) / "locale" for app in apps.get_app_configs()]
    roots += [Path(path) for path in settings.LOCALE_PATHS]
    files = []
    for root in dict.fromkeys(roots):
        if not root.is_dir():
            continue
        english = root / "en" / "LC_MESSAGES" / "django.po"
        found = [english] if english.exists() else sorted(root.glob("*/LC_MESSAGES/django.po"))[:1]
        files += found
    return files


@functools.cache
def english_msgids() -> tuple[frozenset[str], tuple[re.Pattern, ...]]:
    """The msgids (singular and plural forms) of the catalogues in use, as a set of plain texts and a
    list of patterns for those with placeholders ("The %(name)s “%(obj)s” was changed successfully.")."""
    from babel.messages.pofile import read_po

    plain: set[str] = set()
    patterns: list[re.Pattern] = []
    for path in _catalogue_files():
        with path.open("rb") as po:
            catalog = read_po(po)
        for message in catalog:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            for msgid in ids:
                text = " ".join(str(msgid).split())
                if not text:
                    continue
                if _PLACEHOLDER.search(text):
                    literal = _PLACEHOLDER.sub("", text)
                    # Patterns need some words of their own: "%(name)s: %(value)s" would match anything.
                    if sum(c.isalpha() for c in literal) >= 8:
                        parts = [re.escape(part) for part in _PLACEHOLDER.split(text)]
                        patterns.append(re.compile(".+?".join(parts)))
                elif any(c.isalpha() for c in text):
                    plain.add(text)
    return frozenset(plain), tuple(patterns)


def untranslated_msgids(html: str, allowed: set[str] = frozenset()) -> set[str]:
    """The visible texts of `html` that are exactly an English msgid (or a sentence made from one)."""
    plain, patterns = english_msgids()
    found = set()
    for text in visible_texts(html) - SAME_IN_EVERY_LANGUAGE - allowed:
        candidates = {text, text.rstrip(":").strip()}
        if candidates & plain or any(pattern.fullmatch(text) for pattern in patterns):
            found.add(text)
    return found


@functools.cache
def same_in(lang: str) -> frozenset[str]:
    """The msgids that `lang`'s catalogues translate as themselves ("Angola", "OK")."""
    from babel.messages.pofile import read_po

    same = set()
    for english in _catalogue_files():
        path = english.parent.parent.parent / lang / "LC_MESSAGES" / "django.po"
        if not path.exists():
            continue
        with path.open("rb") as po:
            for message in read_po(po):
                if message.id and message.id == message.string and isinstance(message.id, str):
                    same.add(" ".join(message.id.split()))
    return frozenset(same)
