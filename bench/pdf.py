"""The career-track PDF, first request (built) against second (served from storage), in-process.

    bench/pdf.py [SLUG]   the largest role a PDF is made for (PDF_MAX_CELLS), unless SLUG is given

Prints one JSON line (and writes bench/out/pdf.json when bench/out exists): the role, its cells,
both times, the ratio second/first (the target is under 0.05) and the PDF's size.
"""

import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def largest_role() -> tuple[str, int]:
    from django.conf import settings
    from django.db.models import Count

    from skills.models import Role

    roles = Role.objects.annotate(cells=Count("expectations")).filter(cells__lte=settings.PDF_MAX_CELLS)
    return roles.order_by("-cells", "slug").values_list("slug", "cells")[0]


def measure(slug: str, cells: int | None = None) -> dict:
    from django.conf import settings
    from django.test import Client

    from skills import stored
    from skills.freshness import revisions

    # Built afresh: remove what an earlier run stored for this database.
    shutil.rmtree(Path(settings.STORED_ANSWERS_DIR) / stored._database() / "career-track", ignore_errors=True)
    revisions()  # the first query of the process is not the PDF's
    client = Client(HTTP_HOST="127.0.0.1")
    url = f"/roles/{slug}/career-track.pdf"
    times, size = [], 0
    for _ in range(2):
        start = time.perf_counter()
        response = client.get(url)
        body = response.getvalue()
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
        size = len(body)
    first, second = times
    return {
        "role": slug,
        "cells": cells,
        "first_s": round(first, 3),
        "second_s": round(second, 5),
        "ratio": round(second / first, 5),
        "bytes": size,
    }


def main(argv: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillmatrix.settings")
    import django

    django.setup()
    slug, cells = (argv[0], None) if argv else largest_role()
    result = measure(slug, cells)
    print(json.dumps(result))
    if OUT.is_dir():
        (OUT / "pdf.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
