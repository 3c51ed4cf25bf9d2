"""Reading pages as a person does, to find UI strings left in English in another language."""

from html.parser import HTMLParser

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
