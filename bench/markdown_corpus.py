"""The Markdown renderers on the pathological corpus: CPU time per text at n and 2n characters, and the growth.

    .venv/bin/python bench/markdown_corpus.py             # the table of bench/MARKDOWN.md
    .venv/bin/python bench/markdown_corpus.py --compare   # where the two renderers' HTML differs

Two pipelines, each followed by the same heading shift and nh3 allowlist:
- python-markdown: Python-Markdown with fenced_code, tables and sane_lists, the renderer before issue 21
  (a dev dependency now, kept for this comparison);
- markdown-it: skills.templatetags.markdown_tags as it is, cache and budget out of the way.

Each figure is the best of --repeat runs (time.process_time, the garbage collector paused while the
text renders: its full collections are steps set by the whole process's heap). Python-Markdown is
measured up to --python-markdown-max characters: beyond, a single text can take minutes.
"""

import argparse
import gc
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillmatrix.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()


def python_markdown():
    try:
        import markdown
    except ImportError:
        return None
    import nh3

    from skills.templatetags import markdown_tags as tags

    converter = markdown.Markdown(extensions=["fenced_code", "tables", "sane_lists"], output_format="html")

    def render(text: str) -> str:
        html = tags._shift_headings(converter.reset().convert(text))
        return nh3.clean(
            html,
            tags=tags.ALLOWED_TAGS,
            attributes=tags.ALLOWED_ATTRIBUTES,
            url_schemes=tags.URL_SCHEMES,
            link_rel=tags.LINK_REL,
            strip_comments=True,
        )

    return render


def markdown_it():
    from django.conf import settings

    from skills.templatetags import markdown_tags as tags

    settings.MARKDOWN_RENDER_BUDGET = 3600.0
    return tags._sanitized_html.__wrapped__


def given_up(text: str) -> bool:
    from skills.templatetags import markdown_tags as tags

    try:
        tags._to_html(text, 3600.0)
    except tags.RenderingAbandoned:
        return True
    return False


class Failed(Exception):
    pass


def best_of(render, text: str, repeat: int) -> float:
    """CPU seconds, or Failed with the renderer's exception (Python-Markdown recurses per list level)."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            render(text)
            best = min(best, time.process_time() - start)
        except Exception as error:
            raise Failed(type(error).__name__) from error
        finally:
            gc.enable()
    return best


def ms(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds * 1000:.1f}"


def ratio(small: float | None, large: float | None) -> str:
    if small is None or large is None:
        return ""
    return f"{large / small:.2f}" if small > 0 else "-"


def table(args) -> None:
    from tests.payloads.markdown_pathological import CORPUS

    renderers = {"python-markdown": python_markdown(), "markdown-it": markdown_it()}
    if renderers["python-markdown"] is None:
        print("Python-Markdown is not installed (make install brings it as a dev dependency): its columns are empty.")
    header = ["input", "n"]
    for name in renderers:
        header += [f"{name} n (ms)", f"{name} 2n (ms)", f"{name} 2n/n"]
    header.append("shown escaped at 2n")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    totals = dict.fromkeys(renderers, 0.0)
    for kind, make in CORPUS.items():
        for n in args.sizes:
            small, large = make(n), make(2 * n)
            row = [kind.replace("|", "\\|"), f"{n:,}"]
            for name, render in renderers.items():
                if render is None or (name == "python-markdown" and 2 * n > args.python_markdown_max):
                    row += ["", "", ""]
                    continue
                cells = []
                for text in (small, large):
                    try:
                        cells.append(best_of(render, text, args.repeat))
                    except Failed as error:
                        cells.append(str(error))
                if all(isinstance(cell, float) for cell in cells):
                    totals[name] += cells[1]
                    row += [ms(cells[0]), ms(cells[1]), ratio(*cells)]
                else:
                    row += [cell if isinstance(cell, str) else ms(cell) for cell in cells] + [""]
            row.append("yes" if given_up(large) else "")
            print("| " + " | ".join(row) + " |", flush=True)
    for name, total in totals.items():
        print(f"\n{name}: {total:.2f} s in all at 2n (the sizes it was measured at)")


def compare() -> None:
    from skills.templatetags.markdown_tags import _sanitized_html
    from tests.payloads import xss_payloads
    from tests.payloads.markdown_pathological import catalog_descriptions

    old = python_markdown()
    if old is None:
        sys.exit("Python-Markdown is not installed.")
    new = _sanitized_html.__wrapped__
    descriptions = catalog_descriptions()
    differ = [text for text in descriptions if old(text) != new(text)]
    print(f"catalog descriptions: {len(differ)} of {len(descriptions)} render differently")
    for text in differ + [text for text in xss_payloads() if old(text) != new(text)]:
        print(f"\n{text!r}\n  python-markdown: {old(text)!r}\n  markdown-it:     {new(text)!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000], help="each n, measured with 2n")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--python-markdown-max", type=int, default=2000)
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()
    setup()
    compare() if args.compare else table(args)


if __name__ == "__main__":
    main()
