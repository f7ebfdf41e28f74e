"""Hypothesis strategies for the requests a schema never describes, mixed into what Schemathesis generates.

hostile_case(case) draws one of: the body (or one of its fields) wrapped in 40-5,000 levels of arrays or
objects; a NUL or an unpaired surrogate inside a string or an object key, escaped (\\u0000, \\ud800) or
sent raw (bytes no UTF-8 decoder accepts); a string over the 2.5 MB body limit in a field; the body in latin-1, UTF-16,
UTF-32 or with bytes that are not UTF-8, under `Content-Type: application/json` with or without a charset
parameter, true or false; or, in the query string, the same kinds of text. A hostile body is sent as bytes,
which Schemathesis then counts as a negative case (it cannot validate bytes against the schema), so its
`negative_data_rejection` check asks for a 4xx.
"""

import json

from hypothesis import strategies as st

JSON = "application/json"

BAD_CHARACTERS = st.sampled_from(["\x00", "\ud800", "\udfff", "\udc80", "\ud83d"])  # NUL, lone surrogates
NESTING = st.integers(min_value=40, max_value=5000)
# Over the body limit (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB) whichever field it lands in: a huge value in a field
# the operation ignores (an unknown key) is rightly accepted below the limit, so it would not be a negative case.
HUGE = st.integers(min_value=(5 << 20) // 2 + 1, max_value=3 << 20)
WRONG_ENCODINGS = st.sampled_from(["latin-1", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252"])
# What a Content-Type's charset may claim: true, false, unknown, or the name of a codec that is not text.
CHARSETS = st.sampled_from(["", "utf-8", "UTF-16", "latin-1", "utf-7", "bogus", "rot13", "base64", "zlib", "idna"])
NOT_UTF8 = st.sampled_from([b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80"])


def leaf_paths(value, path=()):
    """The paths (keys and indexes) of every string, number, boolean and null in a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaf_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaf_paths(item, (*path, index))
    yield path


def replaced(value, path, new):
    """A copy of a JSON value with what is at `path` replaced by `new`."""
    if not path:
        return new
    head, *rest = path
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = replaced(value[head], rest, new)
    return copy


def dumps(value, raw: bool = False) -> bytes:
    """JSON bytes; raw: non-ASCII characters (lone surrogates too) written out instead of escaped."""
    if raw:
        return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return json.dumps(value).encode()


PLACEHOLDER = "\ue000placeholder\ue000"


@st.composite
def deep_body(draw, body) -> bytes:
    """The body, or one of its values, inside 40-5,000 arrays or objects (written as text: json.dumps recurses)."""
    path = draw(st.sampled_from(list(leaf_paths(body))))
    depth = draw(NESTING)
    if draw(st.booleans()):
        opening, closing = "[" * depth, "]" * depth
    else:
        key = draw(st.sampled_from(["a", "changes", "body", ""]))
        opening, closing = f'{{"{key}":' * depth, "}" * depth
    inner = json.dumps(_get(body, path))
    text = json.dumps(replaced(body, path, PLACEHOLDER))
    return text.replace(json.dumps(PLACEHOLDER), opening + inner + closing, 1).encode()


def _get(value, path):
    for step in path:
        value = value[step]
    return value


@st.composite
def bad_text_body(draw, body) -> bytes:
    """A NUL or unpaired surrogate inside a string value, or in an object key."""
    paths = [path for path in leaf_paths(body) if isinstance(_get(body, path), str)] or [()]
    path = draw(st.sampled_from(paths))
    bad = draw(BAD_CHARACTERS)
    current = _get(body, path)
    text = current if isinstance(current, str) else ""
    at = draw(st.integers(min_value=0, max_value=len(text)))
    text = text[:at] + bad + text[at:]
    as_key = isinstance(body, dict) and draw(st.booleans())
    new = {**body, text: "x"} if as_key else replaced(body, path, text)
    return dumps(new, raw=draw(st.booleans()))


@st.composite
def huge_body(draw, body) -> bytes:
    """A string over the body limit (2.5-3 MB) in place of one of the values (or as a new field)."""
    size = draw(HUGE)
    huge = draw(st.sampled_from(["x", "é", "\u4e00", "\\", '"'])) * size
    paths = list(leaf_paths(body))
    if isinstance(body, dict) and draw(st.booleans()):
        return dumps({**body, "extra": huge}, raw=True)
    return dumps(replaced(body, draw(st.sampled_from(paths)), huge), raw=True)


@st.composite
def badly_encoded_body(draw, body) -> tuple[bytes, str]:
    """The body in another encoding, or with bytes that are not UTF-8, and a charset that may or may not match."""
    text = json.dumps(body, ensure_ascii=False)
    if draw(st.booleans()):
        encoded = text.encode(draw(WRONG_ENCODINGS), "replace")
    else:
        raw = text.encode("utf-8", "surrogatepass")
        at = draw(st.integers(min_value=0, max_value=len(raw)))
        encoded = raw[:at] + draw(NOT_UTF8) + raw[at:]
    if draw(st.booleans()):  # a byte order mark the body may not be in
        encoded = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])) + encoded
    charset = draw(CHARSETS)
    if _reads_as(encoded, charset or "utf-8"):  # ASCII in latin-1, or UTF-16 that says so: a valid request
        encoded = draw(NOT_UTF8) + encoded
        if _reads_as(encoded, charset or "utf-8"):
            charset = "bogus"
    return encoded, f"{JSON}; charset={charset}" if charset else JSON


def _reads_as(encoded: bytes, charset: str) -> bool:
    """Whether a server that honours the charset reads the bytes as JSON at all."""
    try:
        json.loads(encoded.decode(charset))
    except (ValueError, LookupError):
        return False
    return True


@st.composite
def hostile_text(draw) -> str | bytes:
    """A query parameter's value: NUL, a lone surrogate (sent as its would-be UTF-8), bytes that are not UTF-8,
    brackets that look like deep JSON, or a string of 2.5-3 MB."""
    kind = draw(st.sampled_from(["nul", "surrogate", "not utf-8", "brackets", "huge"]))
    if kind == "nul":
        return "a\x00b"
    if kind == "surrogate":
        return ("a" + draw(BAD_CHARACTERS)).encode("utf-8", "surrogatepass")
    if kind == "not utf-8":
        return b"a" + draw(NOT_UTF8)
    if kind == "brackets":
        return "[" * draw(NESTING)
    return "x" * draw(HUGE)


@st.composite
def hostile_case(draw, case, real_path_parameters: dict[str, list]):
    """A copy of the case with a hostile body or query parameter.

    A path that names nothing is a 404 before the body is read: most of the time the path parameters are
    replaced with ones that exist (real_path_parameters: each name's values).
    """
    if case.path_parameters and draw(st.sampled_from([False, True, True, True])):
        case = case.derive(keep_auth=True)
        for name in case.path_parameters:
            if real_path_parameters.get(name):
                case.path_parameters = {**case.path_parameters, name: draw(st.sampled_from(real_path_parameters[name]))}
    has_json_body = case.media_type is not None and case.media_type.startswith(JSON) and _is_json(case.body)
    choices = (["deep", "bad text", "huge", "encoding"] if has_json_body else []) + ["query"]
    kind = draw(st.sampled_from(choices))
    headers = dict(case.headers or {})
    if kind == "query":
        names = [parameter.name for parameter in case.operation.query] or ["page"]
        query = {**(case.query or {}), draw(st.sampled_from(names)): draw(hostile_text())}
        return case.derive(query=query, keep_auth=True)
    if kind == "deep":
        body = draw(deep_body(case.body))
    elif kind == "bad text":
        body = draw(bad_text_body(case.body))
    elif kind == "huge":
        body = draw(huge_body(case.body))
    else:
        body, headers["Content-Type"] = draw(badly_encoded_body(case.body))
    derived = case.derive(keep_auth=True)
    derived.headers.update(headers)
    derived.body = body
    return derived


def _is_json(value) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True
