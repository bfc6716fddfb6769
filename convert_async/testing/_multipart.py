"""multipart/form-data bodies as the fake reads them: text fields and uploaded files.

The body is parsed from the bytes already read (they were needed whole to check the request
signature), with the standard library's MIME parser.
"""

from __future__ import annotations

import email.parser
import email.policy
from dataclasses import dataclass

__all__ = ["FormFile", "FormValue", "parse_form"]


@dataclass(frozen=True, slots=True)
class FormFile:
    """One uploaded file of a form: its field's file name, content type and bytes."""

    filename: str
    content_type: str
    content: bytes


FormValue = str | FormFile


def parse_form(content_type: str, body: bytes) -> dict[str, FormValue]:
    """Fields of a ``multipart/form-data`` body (the last part wins for a repeated name).

    Raises ``ValueError`` when the body is not a multipart form.
    """
    if not content_type.lower().startswith("multipart/form-data"):
        raise ValueError(f"not a multipart form: {content_type or 'no content type'}")
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart() or message.defects:
        raise ValueError("malformed multipart body")
    fields: dict[str, FormValue] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise ValueError("a form part has no name")
        raw = part.get_payload(decode=True)
        content = raw if isinstance(raw, bytes) else b""
        filename = part.get_filename()
        if filename is None:
            fields[name] = content.decode(part.get_content_charset() or "utf-8")
        else:
            fields[name] = FormFile(filename, part.get_content_type(), content)
    return fields
