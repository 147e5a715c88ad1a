"""A project's whole setup as one short, URL-safe string to paste or share.

The string holds the graph, the data and training settings (seeds included), the name,
the description and the user's points if any, but never trained weights:
``np1:`` + base64url(zlib(compact JSON of the project file's fields)). The ``np1``
prefix names the string format so that later versions can change it; the JSON inside
carries the project's ``format_version`` and goes through the project file's checks
and migrations.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib

from engine.errors import NodeplayError
from engine.project import Project, project_from_dict
from engine.project_schema import decode_json

PREFIX = "np1:"
MAX_JSON_BYTES = 64 * 2**20  # a guard against strings that inflate without end
_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")
_ANY_VERSION = re.compile(r"np(\d+):")


def to_share_string(project: Project) -> str:
    """The project's setup, without trained weights, as ``np1:...``."""
    data = project.to_dict()
    data.pop("state", None)
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    packed = zlib.compress(text.encode("utf-8"), 9)
    return PREFIX + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def _not_setup(why: str) -> NodeplayError:
    return NodeplayError(f"This is not a Nodeplay setup string: {why}.")


def from_share_string(text: str) -> Project:
    """The project a ``to_share_string`` string describes; whitespace (line breaks from
    mail or chat) is ignored. Anything else raises a ``NodeplayError`` sentence."""
    if not isinstance(text, str):
        raise _not_setup("it is not text")
    text = "".join(text.split())
    if not text:
        raise _not_setup("it is empty")
    if not text.startswith(PREFIX):
        version = _ANY_VERSION.match(text)
        if version and int(version.group(1)) > 1:
            raise NodeplayError(
                f"This setup string comes from a newer Nodeplay (format "
                f"np{version.group(1)}); update Nodeplay to open it."
            )
        raise _not_setup(f"it does not start with '{PREFIX}'")
    body = text[len(PREFIX) :].rstrip("=")  # padding is left out but harmless
    if not body:
        raise _not_setup("nothing follows the 'np1:' prefix")
    if not _ALPHABET.fullmatch(body):
        bad = next(c for c in body if not _ALPHABET.fullmatch(c))
        raise _not_setup(f"it holds the character {bad!r}, which such strings never contain")
    if len(body) % 4 == 1:
        raise _not_setup("it is incomplete; copy the whole string again")
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_JSON_BYTES)
        if inflater.unconsumed_tail:
            raise _not_setup("it unpacks to more than a setup can hold")
        if not inflater.eof:
            raise _not_setup("it is incomplete; copy the whole string again")
    except (binascii.Error, zlib.error):
        raise _not_setup("it is damaged; copy the whole string again") from None
    try:
        data = decode_json(raw, "The setup string")
    except NodeplayError:
        raise _not_setup("it does not hold a project setup") from None
    if not isinstance(data, dict) or data.get("app") != "nodeplay":
        raise _not_setup("it does not hold a project setup")
    data.pop("state", None)  # a setup never carries weights
    return project_from_dict(data, "The setup string")
