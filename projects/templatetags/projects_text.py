"""Staff-written text shown as simple HTML: every character escaped, then paragraphs (separated by an
empty line), headings (a line starting with "## ") and lists (lines starting with "- ")."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def structured_text(value: str, heading_level: int = 2) -> SafeString:
    html = []
    for block in str(value or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        paragraph: list[str] = []
        items: list[str] = []

        def flush() -> None:
            if paragraph:
                html.append("<p>" + "<br>".join(paragraph) + "</p>")
                paragraph.clear()
            if items:
                html.append("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
                items.clear()

        for line in lines:
            if line.startswith("## "):
                flush()
                html.append(f"<h{heading_level}>{escape(line[3:].strip())}</h{heading_level}>")
            elif line.startswith("- "):
                if paragraph:
                    flush()
                items.append(escape(line[2:].strip()))
            else:
                if items:
                    flush()
                paragraph.append(escape(line))
        flush()
    return mark_safe("\n".join(html))  # noqa: S308 — every piece of text above is escaped
