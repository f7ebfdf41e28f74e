"""Career-track HTML to PDF in a child process of low priority, so that a build never slows the pages.

WeasyPrint's layout is pure Python: built in a server thread, it would hold that process's GIL for
seconds and take a core from the pages beside it. Here each build is a short-lived child process
(`python -m skills.pdf_process`, which imports WeasyPrint and nothing of Django) with a nice value of
PDF_BUILD_NICE and, with PDF_BUILD_IDLE (off by default, Linux only), the SCHED_IDLE policy: the operating
system gives the pages the CPU first, the waiting server thread sleeps, and the child's memory (hundreds
of megabytes for a large role) is returned when it exits.

Why SCHED_IDLE and not only a nice value: a niced process still gets its share of the CPU (nice 10 about a
tenth of a page thread's), and a page's thread that wakes up waits for the child's time slice to end. A
SCHED_IDLE process is preempted as soon as any ordinary one wants the core (bench/RESULTS.md, notes, "A
flood of career-track PDFs"). The price: on a server whose cores are busy all the time, a build gets almost
no CPU and ends at PDF_BUILD_TIMEOUT (the visitor is offered the role's page instead).
"""

import contextlib
import os
import subprocess
import sys

UNAVAILABLE_EXIT = 3  # the child could not load WeasyPrint (Pango missing)


class PdfUnavailable(Exception):
    """No PDF can be made on this server: WeasyPrint or its system libraries are missing, or the build timed out."""


def html_to_pdf(html: str, *, base_url: str, nice: int, idle: bool, timeout: float) -> bytes:
    from django.conf import settings

    try:
        done = subprocess.run(
            _command(base_url, nice, idle),
            input=html.encode(),
            capture_output=True,
            timeout=timeout,
            cwd=settings.BASE_DIR,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise PdfUnavailable(f"the PDF took longer than {timeout} s") from exc
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
        raise PdfUnavailable(f"the PDF build exited with {done.returncode}: {reason[0]}")
    return done.stdout


def _command(base_url: str, nice: int, idle: bool) -> list[str]:
    return [sys.executable, "-m", "skills.pdf_process", base_url, str(nice), "idle" if idle else "normal"]


def render(html: str, *, base_url: str) -> bytes:
    """The PDF, made in this process (the child's work)."""
    # Imported here: it loads Pango through ctypes, which fails on a server without it.
    import weasyprint

    # Only data: URLs may be fetched: catalog text can never make the server request anything.
    fetcher = weasyprint.URLFetcher(allowed_protocols=["data"])
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()


def lower_priority(nice: int, idle: bool) -> None:
    """This process's CPU priority for a build: `nice`, and SCHED_IDLE when `idle` and the platform has it."""
    os.nice(nice)
    if idle and hasattr(os, "sched_setscheduler") and hasattr(os, "SCHED_IDLE"):
        with contextlib.suppress(OSError):  # a sandbox that refuses the call: the nice value still holds
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


def _main(base_url: str, nice: int, idle: bool = True) -> int:
    lower_priority(nice, idle)
    html = sys.stdin.buffer.read().decode()
    try:
        pdf = render(html, base_url=base_url)
    except (ImportError, OSError) as exc:
        print(f"WeasyPrint cannot load: {exc}", file=sys.stderr)
        return UNAVAILABLE_EXIT
    sys.stdout.buffer.write(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1], int(sys.argv[2]), sys.argv[3:] != ["normal"]))
