"""QR codes drawn on the server as inline SVG (no image request, no script: the strict CSP allows it)."""

import qrcode
import qrcode.image.svg
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str, *, label: str) -> SafeString:
    """An inline `<svg>` of the QR code of `data`, named `label` for screen readers; sized by CSS (`.qr`)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    # Drop the fixed size (in mm) and the XML prolog; the class sizes it on screen and on paper.
    start = svg.index("<svg")
    svg = svg[start:]
    head, rest = svg.split(">", 1)
    attributes = " ".join(part for part in head[len("<svg") :].split() if not part.startswith(("width=", "height=")))
    return mark_safe(f'<svg class="qr" role="img" aria-label="{escape(label)}" {attributes}>{rest}')  # noqa: S308
