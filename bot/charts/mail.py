"""The weekly report email's charts: inline images (CID) in the HTML, the same numbers as text.

A client that blocks images still reads every figure: in the text part, and in the HTML under
each picture (and as its alt text).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from bot.charts.report import ChartCache, report_pictures
from bot.email.inline import Inline
from bot.email.render import EmailContent
from handlers.blocks.charts import alt_text
from handlers.blocks.incident_lists import week_lines
from handlers.i18n import Translator

_CACHE = ChartCache()  # the spool the Slack upload of the same report drew into: drawn once


def report_email(
    tr: Translator,
    content: EmailContent,
    figures: Mapping[str, Any],
    labels: Mapping[str, str],
    cache: ChartCache | None = None,
) -> tuple[EmailContent, list[Inline]]:
    pictures = report_pictures(tr, figures, labels, cache or _CACHE)
    heading = tr("chart.report_email_heading")
    text_parts = [content.text, heading]
    html_parts = [f"<h2>{html.escape(heading)}</h2>"]
    images = []
    for picture in pictures:
        text_parts.append("\n".join(picture.lines))
        cid = f"{picture.name}@ticketbot"
        images.append(Inline(cid, f"{picture.name}.png", picture.png))
        alt = html.escape(alt_text(picture.lines), quote=True)
        items = "".join(f"<li>{html.escape(line)}</li>" for line in picture.lines[1:])
        html_parts.append(
            f'<p><img src="cid:{cid}" alt="{alt}" width="600" style="max-width:100%;height:auto"></p>'
            f'<p style="color:#5e6066;font-size:13px"><b>{html.escape(picture.lines[0])}</b></p>'
            f'<ul style="color:#5e6066;font-size:13px">{items}</ul>'
        )
    incidents = week_lines(tr, figures.get("incidents"))  # their numbers as text, like the charts'
    if incidents:
        text_parts.append("\n".join(incidents))
        items = "".join(f"<li>{html.escape(line)}</li>" for line in incidents[1:])
        html_parts.append(
            f"<p><b>{html.escape(incidents[0])}</b></p>" + (f"<ul>{items}</ul>" if items else "")
        )
    body = content.html.replace("</body></html>", "".join(html_parts) + "</body></html>")
    return EmailContent(content.subject, "\n\n".join(text_parts), body), images
