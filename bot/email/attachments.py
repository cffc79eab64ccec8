"""Files attached to an email: the weekly report's workbook.

`compose` builds a multipart/alternative (text and HTML); attaching wraps it in a
multipart/mixed that carries the headers, the readable part first and each file after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from email import encoders
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BODY_HEADERS = ("Content-Type", "MIME-Version", "Content-Transfer-Encoding")


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    mimetype: str = XLSX


def attach(body: MIMEMultipart, *attachments: Attachment) -> MIMEMultipart:
    mixed = MIMEMultipart("mixed")
    for name, value in body.items():
        if name not in _BODY_HEADERS:
            mixed[name] = value
    for name in list(body.keys()):
        if name not in _BODY_HEADERS:
            del body[name]
    mixed.attach(body)
    for attachment in attachments:
        maintype, _, subtype = attachment.mimetype.partition("/")
        part = MIMEBase(maintype, subtype)
        part.set_payload(attachment.data)
        encoders.encode_base64(part)
        part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
        mixed.attach(part)
    return mixed
