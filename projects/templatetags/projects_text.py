"""Staff-written text shown as simple HTML: every character escaped, then paragraphs (separated by an
empty line), headings (a line starting with "## ") and lists (lines starting with "- ")."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _flush(html: list[str], paragraph: list[str], items: list[str]) -> None:
    if paragraph:
        html.append("<p>" + "<br>".join(paragraph) + "</p>")
        paragraph.clear()
    if items:
        html.append("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
        items.clear()


@register.filter
def structured_text(value: str, heading_level: int = 2) -> SafeString:
    html: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    for block in str(value or "").replace("\r\n", "\n").split("\n\n"):
        for raw in block.split("\n"):
            line = raw.strip()
            if not line:
                continue
            if line.startswith("## "):
                _flush(html, paragraph, items)
                html.append(f"<h{heading_level}>{escape(line[3:].strip())}</h{heading_level}>")
            elif line.startswith("- "):
                if paragraph:
                    _flush(html, paragraph, items)
                items.append(escape(line[2:].strip()))
            else:
                if items:
                    _flush(html, paragraph, items)
                paragraph.append(escape(line))
        _flush(html, paragraph, items)
    return mark_safe("\n".join(html))  # noqa: S308 — every piece of text above is escaped
