"""The API's one JSON parser: bounded size and nesting, and only text PostgreSQL can store.

Python's json module parses arrays and objects by recursion, so a body of a few thousand `[` is a
RecursionError (a 500) before any serializer sees it. The body is first scanned without recursion, and one
nested deeper than JSON_MAX_DEPTH is refused with a 400.

What json.loads accepts may still be text PostgreSQL cannot store: "\\u0000" decodes to NUL, and "\\ud800" to
an unpaired surrogate, which no encoder accepts (a choice field's error message that repeats it could not
even be written out). After parsing, every string, object keys included, is checked without recursion; a bad
one is a 400 that names it in the shape of a serializer's errors ({"changes": [{"proficiency": [...]}]}).

Bodies are at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes: DRF reads a JSON body through Django's
HttpRequest.body, which refuses a longer one, and skillmatrix.request_limits answers that before it is read.
"""

import re
from itertools import accumulate

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers
from rest_framework.utils import json

# Deeper than any request the API takes (a proposal is three levels: the body, its changes, a change).
JSON_MAX_DEPTH = 32

_ESCAPE = re.compile(r"\\.", re.DOTALL)  # inside a string: \" \\ \n \u00e9 ...
_STRING = re.compile(r'"[^"]*"')  # once the escapes are gone, a string runs from one quote to the next
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_NOT_STORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL, or half of a surrogate pair: never valid text


def nesting_depth(text: str) -> int:
    """How deep the arrays and objects of a JSON text nest, in a few linear passes and no recursion.

    Up to the first error in the text this is exactly the depth json.loads reaches; past it the count may
    run higher, never lower, which is safe: such a text is refused either way.
    """
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", _ESCAPE.sub("", text)))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def unstorable_strings(data) -> list[tuple]:
    """The paths (keys and indexes) of the strings in parsed JSON that PostgreSQL cannot store.

    A bad object key is reported at its own path, and what it holds is not looked into.
    """
    found = []
    stack = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if _NOT_STORABLE.search(value):
                found.append(path)
        elif isinstance(value, dict):
            for key, item in value.items():
                if _NOT_STORABLE.search(key):
                    found.append((*path, shown(key)))
                else:
                    stack.append(((*path, key), item))
        elif isinstance(value, list):
            stack.extend(((*path, index), item) for index, item in enumerate(value))
    return sorted(found, key=lambda path: [(isinstance(step, str), step) for step in path])


def shown(text: str) -> str:
    """The text with each character that cannot be stored written as its escape (\\u0000, \\ud800)."""
    return _NOT_STORABLE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def error_detail(paths: list[tuple], message: str):
    """The paths as a serializer would report them: {"changes": [{}, {"proficiency": [message]}]}."""
    if () in paths or isinstance(paths[0][0], int):  # the body itself, or a list where an object belongs
        return {"non_field_errors": [message]}
    root = {}
    for path in paths:
        node = root
        for step, following in zip(path, (*path[1:], None), strict=True):
            child = [message] if following is None else [] if isinstance(following, int) else {}
            if isinstance(step, int):
                node.extend({} for _ in range(step + 1 - len(node)))
                if node[step] == {}:  # a place kept for the items before it
                    node[step] = child
                node = node[step]
            else:
                node = node.setdefault(step, child)
    return root


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise exceptions.ParseError(body_too_large_message())
        try:
            text = raw.decode(parsers.get_encoding(parser_context or {}))
            # Counting brackets first keeps the scan off every ordinary body.
            if text.count("[") + text.count("{") > JSON_MAX_DEPTH and nesting_depth(text) > JSON_MAX_DEPTH:
                raise exceptions.ParseError(too_deep_message())
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except (ValueError, LookupError) as error:  # as DRF's own parser words it
            raise exceptions.ParseError(f"JSON parse error - {error}") from None
        if paths := unstorable_strings(data):
            message = _("Not valid text: it holds a NUL character or an unpaired surrogate (such as \\ud800).")
            raise exceptions.ValidationError(error_detail(paths, message))
        return data


def too_deep_message() -> str:
    return _("JSON nested deeper than %(limit)d arrays and objects.") % {"limit": JSON_MAX_DEPTH}


def body_too_large_message() -> str:
    return _("The request body is larger than %(limit)d bytes.") % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
