"""Images shown inside an email (CID): the HTML part becomes a multipart/related with them.

`compose` builds multipart/alternative (text, HTML); here its HTML part is swapped for
related(HTML, image, image…), so a client shows the pictures where the HTML places them
(`<img src="cid:…">`) and one that blocks images still has the text part with the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from bot.email.compose import UTF8_QP


@dataclass(frozen=True)
class Inline:
    cid: str  # without the angle brackets: the HTML says src="cid:<this>"
    filename: str
    png: bytes


def inline_images(body: MIMEMultipart, html: str, images: list[Inline]) -> MIMEMultipart:
    """Replace `body`'s HTML part with `html` and the images it refers to; returns `body`."""
    related = MIMEMultipart("related")
    related.attach(MIMEText(html, "html", UTF8_QP))
    for image in images:
        part = MIMEImage(image.png, "png")
        part.add_header("Content-ID", f"<{image.cid}>")
        part.add_header("Content-Disposition", "inline", filename=image.filename)
        related.attach(part)
    parts = body.get_payload()
    for i, part in enumerate(parts):
        if part.get_content_type() == "text/html":
            parts[i] = related
            break
    else:
        body.attach(related)
    return body
