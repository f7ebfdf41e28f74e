"""Whole anonymous pages kept as files that every server process reads, and rendered ahead after a change.

A catalog of thousands of skills is read a page here and a page there: each
process's memory (fragments) holds the pages it rendered itself, and a visitor
of any other page would wait for a render. The pages a view offers for
pre-rendering (`cached_page(..., prerender=...)`) are also kept here, one file
each, in a folder named after the revisions they were built from. So:

- a page rendered by one process is served by every other (a file read, no render);
- after a change, the first anonymous visit to such a page in a process starts a
  background pass there that renders every page the view lists, for the visitor's host
  and language, into the new folder; the processes share it in chunks (an exclusive
  lock on a file per chunk). A pass stops when the revisions move again; the next
  visit starts the next one.

Never stale: the folder carries the revisions, read per request like every fragment
key, so the first request after any write looks in a folder that has no pages yet and
renders afresh. Files are written whole (a temporary file, then renamed); folders of
older revisions are removed once a pass of a newer one is complete.
"""

import contextlib
import contextvars
import fcntl
import hashlib
import io
import json
import logging
import os
import pickle
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.db import connections, router

from skills.freshness.current import revisions

logger = logging.getLogger(__name__)

# A page rendered by a pre-render pass goes to the files only: a pass over thousands of pages
# must not fill the memory of the process that runs it (fragments are bounded, but would be
# emptied of the pages its own visitors read).
prerendering: contextvars.ContextVar[bool] = contextvars.ContextVar("prerendering", default=False)


def _database() -> str:
    """The database the revisions count in: two databases (the site's, the bench's) may reach the same counts."""
    from skills.models import Revision

    database = connections[router.db_for_read(Revision)].settings_dict
    where = f"{database['HOST']}:{database['PORT']}/{database['NAME']}"
    return hashlib.sha256(where.encode()).hexdigest()[:12]


def _root(depends: tuple[str, ...]) -> Path:
    return Path(settings.STORED_ANSWERS_DIR) / _database() / "pages" / "+".join(depends)


def _folder(depends: tuple[str, ...], revision: str) -> Path:
    return _root(depends) / revision.replace("/", "_")


def _name(digest: str) -> str:
    return f"{digest}.page"


def read_page(depends: tuple[str, ...], revision: str, digest: str, full: str):
    """The page stored under `digest` in the folder of `revision`, or None; None too when it was rendered at
    other revisions of the page's own rows than `full` (all the revisions the page depends on)."""
    try:
        with open(_folder(depends, revision) / _name(digest), "rb") as file:
            stored_at, value = pickle.load(file)
    except FileNotFoundError:
        return None
    return value if stored_at == full else None


def write_page(depends: tuple[str, ...], revision: str, digest: str, full: str, value) -> None:
    """Store the page whole, rendered at the revisions `full`: readers see the old file, or none, or the new
    one, never part of it. A page whose own rows changed replaces its file in the folder of `revision`."""
    folder = _folder(depends, revision)
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as file:
            pickle.dump((full, value), file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, folder / _name(digest))
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


# --- pre-rendering --------------------------------------------------------------------------------------


def note_visit(request, depends: tuple[str, ...], paths: Callable[[], Iterable[str]]) -> None:
    """An anonymous visit to a page `paths` lists: make sure its pass has run at these revisions, host and language."""
    if not settings.PRERENDER_PAGES or prerendering.get():
        return
    revision = revisions(request).key(depends)
    visitor = _visitor(request)
    marker = (depends, revision, visitor)
    if marker in _started:
        return
    with _guard:
        if marker in _started or _running:
            return  # a pass of older revisions stops on its own; a later visit starts this one
        if len(_started) > 100:
            _started.clear()  # markers of revisions long gone
        _started.add(marker)
        _running.add(marker)
    thread = threading.Thread(target=_run_pass, args=(depends, revision, visitor, paths), name="prerender", daemon=True)
    thread.start()


def _visitor(request) -> tuple[tuple[str, str], ...]:
    """What an anonymous page's key and bytes depend on, besides its path: host, scheme and language."""
    from django.utils import translation

    meta = {
        "HTTP_HOST": request.get_host(),
        "SERVER_NAME": request.META.get("SERVER_NAME", "localhost"),
        "SERVER_PORT": str(request.META.get("SERVER_PORT", "80")),
        "wsgi.url_scheme": request.scheme,
        "HTTP_ACCEPT_LANGUAGE": translation.get_language() or settings.LANGUAGE_CODE,
    }
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy and proxy[0] in request.META:
        meta[proxy[0]] = request.META[proxy[0]]
    return tuple(sorted(meta.items()))


_started: set = set()
_running: set = set()
_guard = threading.Lock()


def _run_pass(depends, revision, visitor, paths) -> None:
    try:
        prerender(depends, revision, dict(visitor), paths)
    except Exception:
        logger.exception("pre-rendering pages failed")
    finally:
        with _guard:
            _running.clear()
        connections.close_all()


def prerender(depends: tuple[str, ...], revision: str, meta: dict, paths: Callable[[], Iterable[str]]) -> dict | None:
    """Render every page `paths` lists, as an anonymous visitor with `meta` gets it, into the files at `revision`.

    The pages go in chunks of PRERENDER_CHUNK, each taken by one process (a lock on a file shared by all):
    every process whose visitors start the pass shares the work. It stops when the revisions move on.
    Returns what the whole pass did once its last chunk is done (also written beside the pages as
    done-*.json), or None while other processes still work or when it stopped.
    """
    folder = _folder(depends, revision)
    _remove_older(folder, before=time.time() - ABANDONED_SECONDS)
    folder.mkdir(parents=True, exist_ok=True)
    tag = hashlib.sha256(repr(sorted(meta.items())).encode()).hexdigest()[:16]
    done = folder / f"done-{tag}.json"
    if done.exists():
        return json.loads(done.read_text())
    began = folder / f"began-{tag}"
    with contextlib.suppress(FileExistsError), open(began, "x") as file:
        file.write(str(time.time()))
    wall_started = time.time()
    listed = list(paths())
    chunks = [listed[start : start + PRERENDER_CHUNK] for start in range(0, len(listed), PRERENDER_CHUNK)]
    token = prerendering.set(True)
    try:
        for number, chunk in enumerate(chunks):
            if not _render_chunk(depends, revision, meta, chunk, folder / f"chunk-{tag}-{number}"):
                return None  # the revisions moved on: these pages are no longer anyone's
    finally:
        prerendering.reset(token)
    if not all((folder / f"chunk-{tag}-{number}.done").exists() for number in range(len(chunks))):
        return None  # another process is still on its chunk; it writes the result
    seconds = time.time() - float(began.read_text() or wall_started)
    result = {"revision": revision, "pages": len(listed), "seconds": round(seconds, 1)}
    done.write_text(json.dumps(result))
    # Older revisions only: a folder made since this pass started may be a newer revision's.
    _remove_older(folder, before=wall_started)
    return result


PRERENDER_CHUNK = 50
# A folder of other revisions that nothing has written to for this long is left from passes that stopped
# (the revisions kept moving): removed when a pass starts, so that a busy site's disk does not fill up.
ABANDONED_SECONDS = 120


def _remove_older(folder: Path, *, before: float) -> None:
    """Remove the folders of other revisions last written before `before`: a miss at worst, never a stale page."""
    with contextlib.suppress(FileNotFoundError):
        for other in folder.parent.iterdir():
            with contextlib.suppress(FileNotFoundError):
                if other != folder and other.is_dir() and other.stat().st_mtime < before:
                    shutil.rmtree(other, ignore_errors=True)


_handler = None


def _render_chunk(depends, revision, meta, chunk: list[str], name: Path) -> bool:
    """Render `chunk` unless another process has it or had it; False when the revisions moved on."""
    from django.core.handlers.wsgi import WSGIHandler, WSGIRequest

    global _handler
    if _handler is None:
        _handler = WSGIHandler()
    finished = name.with_suffix(".done")
    with open(name.with_suffix(".lock"), "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True  # another process renders it
        if finished.exists():
            return True
        for path in chunk:
            if revisions().key(depends) != revision:
                return False
            environ = {
                **meta,
                "REQUEST_METHOD": "GET",
                "PATH_INFO": path,
                "QUERY_STRING": "",
                "SCRIPT_NAME": "",
                "SERVER_PROTOCOL": "HTTP/1.1",
                "REMOTE_ADDR": "127.0.0.1",
                "wsgi.input": io.BytesIO(b""),
            }
            _handler.get_response(WSGIRequest(environ))  # the page wrapper keeps it (pages.whole_pages)
        finished.touch()
    return True


def passes_done(depends: tuple[str, ...]) -> list[dict]:
    """What the complete passes at the current revisions did (pages, seconds), one per host and language."""
    folder = _folder(depends, revisions().key(depends))
    return [json.loads(path.read_text()) for path in sorted(folder.glob("done-*.json"))]
