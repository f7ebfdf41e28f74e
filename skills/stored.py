"""Heavy answers built once per catalog revision and kept as files that every server process shares.

A career-track PDF or the whole catalog as JSON costs seconds and hundreds of megabytes
to build, and is the same for every visitor until the catalog changes. The first
request builds it into a file under settings.STORED_ANSWERS_DIR, in a folder named after
the revision; later requests, in any process, are sent that file.

- One build per answer: a request that finds no file takes an exclusive lock (flock)
  on a lock file beside the target, which serialises threads and processes alike, and
  looks again once it holds it: requests that arrive during a build wait for it.
- Few builds at once: a build also needs one of the server's HEAVY_BUILD_SLOTS (lock files
  that every process shares); a request that waits longer than HEAVY_BUILD_SLOT_WAIT for
  one is refused (Busy).
- Few threads held: a request that has to build or wait takes one of its process's
  HEAVY_REQUESTS_PER_PROCESS places first (`heavy_request()`, taken by the view before
  its lookups), and is refused at once (Busy) when none is free. A flood of heavy
  requests, the same answer or many, holds at most that many threads of each process,
  and every other page is served by the rest.
- Old revisions are removed after a new one is built.
"""

import contextlib
import fcntl
import gzip
import hashlib
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections, router
from django.http import FileResponse, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from skills import freshness
from skills.models import Revision

_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
_POLL_SECONDS = 0.05


class Busy(Exception):
    """No build could start in time; the client should come back after `retry_after` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"busy, retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Stored:
    """A built answer on disk, and its gzip twin when one was asked for."""

    path: Path
    gzipped: Path | None
    etag: str
    modified: float


class Shelf:
    """The answers of one kind (`kind`, a folder) at the catalog revision this request sees."""

    def __init__(self, kind: str, request):
        self.revision = freshness.revisions(request).key((freshness.CATALOG,)).replace("/", "_")
        self.root = Path(settings.STORED_ANSWERS_DIR) / _database() / kind
        self.folder = self.root / self.revision

    def find(self, name: str, *, gzip_too: bool = False) -> Stored | None:
        """The answer `name` if it was built at this revision; no build, no lock."""
        path = self.folder / name
        try:
            modified = path.stat().st_mtime
        except FileNotFoundError:
            return None
        gzipped = path.with_name(path.name + ".gz") if gzip_too else None
        tag = hashlib.sha256(f"{self.revision}/{name}/{modified}".encode()).hexdigest()[:32]
        return Stored(path=path, gzipped=gzipped, etag=f'"{tag}"', modified=modified)

    def get(self, name: str, *, build: Callable[[], bytes], gzip_too: bool = False, slot: bool = True) -> Stored:
        """The answer `name`: from its file, or built now by `build()` (once, whoever asks meanwhile).

        With `slot=False` the build needs no build slot (it is never refused as Busy for want of one):
        for answers of a second or so, which a limit per client already bounds.
        """
        found = self.find(name, gzip_too=gzip_too)
        if found is not None:
            return found
        self.folder.mkdir(parents=True, exist_ok=True)
        with _exclusive(self.folder / f"{name}.lock", wait=settings.HEAVY_BUILD_WAIT):
            found = self.find(name, gzip_too=gzip_too)
            if found is not None:  # built by the request we waited for
                return found
            with _build_slot() if slot else contextlib.nullcontext():
                content = build()
            if gzip_too:
                _write(self.folder / f"{name}.gz", gzip.compress(content, compresslevel=6))
            _write(self.folder / name, content)
        self._prune()
        return self.find(name, gzip_too=gzip_too)

    def _prune(self) -> None:
        """Remove the folders of other revisions that are older than this one's."""
        try:
            mine = self.folder.stat().st_mtime
        except FileNotFoundError:
            return
        for folder in self.root.iterdir():
            # A process whose counters lag a moment behind may be writing an older revision's folder
            # right now: it is newer than ours, and left for the next build to remove.
            if folder != self.folder and folder.is_dir() and folder.stat().st_mtime < mine:
                shutil.rmtree(folder, ignore_errors=True)


def _database() -> str:
    """The database the revisions count in: two databases (the site's, the bench's) may reach the same counts."""
    database = connections[router.db_for_read(Revision)].settings_dict
    where = f"{database['HOST']}:{database['PORT']}/{database['NAME']}"
    return hashlib.sha256(where.encode()).hexdigest()[:12]


def respond(request, stored: Stored, *, content_type: str, filename: str | None = None, stream: bool = True):
    """The stored file as a FileResponse, 304 when the client has it, gzip when the client takes it.

    With `stream=False`, an answer of a few hundred kilobytes is read whole into an HttpResponse instead.
    """
    use_gzip = stored.gzipped is not None and _ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", ""))
    etag = stored.etag[:-1] + '-gzip"' if use_gzip else stored.etag
    response = get_conditional_response(request, etag=etag, last_modified=int(stored.modified))
    if response is None:
        path = stored.gzipped if use_gzip else stored.path
        if stream:
            body = open(path, "rb")  # noqa: SIM115 (FileResponse closes it)
            response = FileResponse(body, content_type=content_type, filename=filename or "")
            if not filename:
                response.headers.pop("Content-Disposition", None)
        else:
            response = HttpResponse(path.read_bytes(), content_type=content_type)
        if use_gzip:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(int(stored.modified))
    patch_cache_control(response, no_cache=True)
    if stored.gzipped is not None:
        patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _write(path: Path, content: bytes) -> None:
    """Write `content` to `path` whole or not at all: a reader never sees half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".building-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class _exclusive:
    """An exclusive flock on `path`, waited for up to `wait` seconds (then Busy)."""

    def __init__(self, path: Path, *, wait: float):
        self.path, self.wait = path, wait

    def __enter__(self):
        self.handle = open(self.path, "a")
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    self.handle.close()
                    raise Busy(retry_after=settings.HEAVY_BUILD_RETRY_AFTER) from None
                time.sleep(_POLL_SECONDS)

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


_places: dict[int, threading.BoundedSemaphore] = {}
_places_guard = threading.Lock()


class heavy_request:
    """One of this process's HEAVY_REQUESTS_PER_PROCESS places for a thread that builds or waits, or Busy at once.

    Taken by a view around everything it does for an answer not yet stored (lookups included), before
    Shelf.get: `with stored.heavy_request(): ... shelf.get(...)`.
    """

    def __enter__(self):
        size = settings.HEAVY_REQUESTS_PER_PROCESS
        with _places_guard:
            self.semaphore = _places.setdefault(size, threading.BoundedSemaphore(size))
        if not self.semaphore.acquire(blocking=False):
            raise Busy(retry_after=settings.HEAVY_BUILD_RETRY_AFTER)
        return self

    def __exit__(self, *exc):
        self.semaphore.release()


class _build_slot:
    """One of the server's HEAVY_BUILD_SLOTS, waited for up to HEAVY_BUILD_SLOT_WAIT seconds (then Busy).

    A slot is an exclusive flock on one of HEAVY_BUILD_SLOTS lock files beside the database's answers,
    so the bound holds across every server process (and thread: each holder opens the file itself).
    """

    def __enter__(self):
        folder = Path(settings.STORED_ANSWERS_DIR) / _database() / ".build-slots"
        folder.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + settings.HEAVY_BUILD_SLOT_WAIT
        while True:
            for number in range(settings.HEAVY_BUILD_SLOTS):
                handle = open(folder / f"{number}.lock", "a")
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    handle.close()
                    continue
                self.handle = handle
                return self
            if time.monotonic() >= deadline:
                raise Busy(retry_after=settings.HEAVY_BUILD_RETRY_AFTER)
            time.sleep(_POLL_SECONDS)

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()
