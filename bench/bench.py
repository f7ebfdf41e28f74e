"""Helpers for bench/run, in-process with the same settings as the server under test.

bench.py targets           JSON: the pages to measure in the current catalog
bench.py token             create the bench members and print their API tokens
bench.py cookie [USERNAME] a signed-in session of the first bench member (or USERNAME), as a Cookie header value
bench.py slugs             every skill's slug, one a line (skill-any picks among them)
bench.py prerendered OUT   wait for the server's pass over every skill page at the current revisions; JSON to OUT
bench.py render DIR PATH…  write each page's bytes (as an anonymous visitor gets them) into DIR
bench.py profile OUT PATH… per page: queries, time in SQL, time in total, top functions (cProfile);
                           NAME=PATH, as a signed-in member for member-NAME (member-first-NAME: no copy kept)
bench.py machine           JSON: nproc, memory, Python, PostgreSQL, wrk, git commit
bench.py mixed_setup DIR N the mixed-all run's cast: N open proposals for the reviewer, in-place requests (JSON out)
bench.py inplace_profile OUT DIR [RUNS]  the in-place requests of DIR/mixed-inplace.txt in-process: ms, queries, bytes
bench.py approve_profile OUT [RUNS]  a reviewer's approvals in-process, one at a time: ms (without and with the
                           emails sent at commit), queries; JSON to OUT, a cProfile of one to OUT's .txt
bench.py report            bench/RESULTS.md from bench/out/*.json (keeps the notes section)
"""

import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "RESULTS.md"
NOTES_MARK = "<!-- notes: everything below this line is kept when make bench rewrites the file -->"
SEED_SKILL = "ml-experiment-tracking"
SEARCH_TERM = "testing"
BENCH_USER = "bench"


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillmatrix.settings")
    # These tools are not the server: their visits (render, profile) must not start a pre-render pass.
    os.environ["PRERENDER_PAGES"] = "false"
    import django

    django.setup()


# --- targets ------------------------------------------------------------------------


def targets() -> dict:
    from django.db.models import Count

    from skills.models import Expectation, Role, RoleLevel, Skill

    def biggest(queryset) -> str:
        return queryset.annotate(n=Count("expectations")).order_by("-n", "slug").values_list("slug", flat=True)[0]

    from teams.models import Membership

    largest_team = (
        Membership.objects.active()
        .values("team__slug")
        .annotate(n=Count("pk"))
        .order_by("-n", "team__slug")
        .values_list("team__slug", flat=True)
        .first()
    )
    team_lead = (
        Membership.objects.leads()
        .filter(team__slug=largest_team)
        .order_by("pk")
        .values_list("user__username", flat=True)
        .first()
    )
    skills = Skill.objects.all()
    fixture_skills = skills.exclude(slug__startswith="gen-")
    # Comments go to a skill other than the measured one, so the skill page stays the same size.
    comment_skill = fixture_skills.exclude(slug=SEED_SKILL).order_by("slug").values_list("slug", flat=True)[0]
    role_largest = biggest(Role.objects.all())
    # The role-at-level page: the largest role at its highest level.
    top_level = RoleLevel.objects.filter(role__slug=role_largest).order_by("-level__position")
    return {
        "skill": SEED_SKILL,
        "skill_largest": biggest(skills),
        "role_largest": role_largest,
        "role_level": f"{role_largest}/{top_level.values_list('level__slug', flat=True)[0]}",
        "role_fixture_largest": biggest(Role.objects.exclude(slug__startswith="gen-")),
        "comment_skill": comment_skill,
        "search": SEARCH_TERM,
        "skills": skills.count(),
        "roles": Role.objects.count(),
        "cells": Expectation.objects.count(),
        "team": largest_team or "",  # the team with the most members (a generated one: generate_catalog --teams)
        "team_lead": team_lead or "",
        "plan_member": _plan_member(largest_team),
    }


def _plan_member(team_slug: str | None) -> str:
    """The first member of the team (by username) whose growth plan has a next level: the growth plan's run.

    A generated member, so the plan is one of a generated role (the largest team's: about 300 skills).
    """
    from growth.models import PlanProfile
    from growth.selectors import PlanState, next_level_of, role_levels
    from teams.models import Membership

    if not team_slug:
        return ""
    memberships = (
        Membership.objects.active().filter(team__slug=team_slug).select_related("user").order_by("user__username")
    )
    profiles = {p.user_id: p for p in PlanProfile.objects.filter(user__in=[m.user_id for m in memberships])}
    for membership in memberships:
        profile = profiles.get(membership.user_id)
        if profile is not None and next_level_of(role_levels(role=profile.role), profile.level)[0] == PlanState.READY:
            return membership.user.get_username()
    return ""


def slugs() -> str:
    """Every skill's slug, one a line: skill-any asks for one of them at random on every request."""
    from skills.models import Skill

    return "\n".join(Skill.objects.order_by("slug").values_list("slug", flat=True))


def prerendered(out: str, timeout: float = 900) -> None:
    """Wait until the server has rendered every skill page ahead (skills/freshness/shared_pages.py) at the
    current revisions, after the visit bench/run made; write what its pass reported (pages, seconds)."""
    from skills import freshness
    from skills.freshness import shared_pages

    started = time.monotonic()
    while not (done := shared_pages.passes_done((freshness.NAMES,))):
        if time.monotonic() - started > timeout:
            raise SystemExit(f"no pre-render pass completed in {timeout:.0f} s")
        time.sleep(0.5)
    result = {**done[0], "waited": round(time.monotonic() - started, 1)}
    Path(out).write_text(json.dumps(result))
    print(f"pre-rendered {result['pages']:,} skill pages in {result['seconds']} s (waited {result['waited']} s)")


def pdf_paths() -> str:
    """The career-track PDF of every role a PDF is made for, in every language, one path a line."""
    from django.conf import settings
    from django.db.models import Count

    from skills.models import Role

    roles = Role.objects.annotate(cells=Count("expectations")).filter(cells__lte=settings.PDF_MAX_CELLS)
    languages = [code for code, _ in settings.LANGUAGES]
    return "\n".join(
        f"/roles/{slug}/career-track.pdf?lang={language}"
        for slug in roles.order_by("slug").values_list("slug", flat=True)
        for language in languages
    )


def token() -> str:
    """API tokens of BENCH_USERS members (16), comma-separated: comments come from many members at once,
    as on the site, not from one member posting on eight connections (whose rate-limit row they would share)."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    keys = []
    for number in range(1, int(os.environ.get("BENCH_USERS", "16")) + 1):
        username = BENCH_USER if number == 1 else f"{BENCH_USER}-{number}"
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.com"}
        )
        keys.append(Token.objects.get_or_create(user=user)[0].key)
    return ",".join(keys)


def cookie(username: str = BENCH_USER) -> str:
    """A member's session cookie (the first bench member's by default): pages as members see them."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def mixed_setup(directory: str, proposals: int) -> dict:
    """What the mixed-all run needs besides the readers and the commenters (bench/wrk/reviewer.lua, inplace.lua).

    DIR/mixed-approve.txt: the approve address of `proposals` open proposals, each on a cell of its own (so
    that none is stale when its turn comes), spread over the catalog's skills, by the bench members in turn.
    DIR/mixed-inplace.txt: the in-place answers a member asks for, "PATH<TAB>BODY" a line, in pairs that
    undo each other (tick and untick, watch and unwatch), then a self assessment and a lead's assessment of a
    teammate. Prints the reviewer's API token and the in-place member's cookie and CSRF token.
    """
    import secrets
    import string
    from urllib.parse import urlencode

    from django.contrib.auth import get_user_model

    from growth import selectors as growth_selectors
    from growth import services as growth_services
    from skills.models import Level, Role
    from teams import services as team_services

    users = get_user_model().objects
    reviewer = _reviewer()
    approve = [f"/api/proposals/{pk}/approve/" for pk in _open_proposals(proposals)]
    Path(directory, "mixed-approve.txt").write_text("\n".join(approve) + "\n")

    # The in-place member: a Middle Data Scientist who leads a team of one teammate.
    role, middle = Role.objects.get(slug="data-scientist"), Level.objects.get(slug="middle")
    member, _ = users.get_or_create(username="bench-inplace", defaults={"email": "bench-inplace@example.com"})
    teammate, _ = users.get_or_create(username="bench-teammate", defaults={"email": "bench-teammate@example.com"})
    for user in (member, teammate):
        growth_services.plan_settings_save(user=user, role=role, level=middle)
    team = team_services.team_create(user=member, name=f"Bench mixed {secrets.token_hex(3)}")
    team_services.member_invite(team=team, by=member, identifier=teammate.get_username())
    team_services.invitation_accept(team=team, user=teammate)
    plan = growth_selectors.plan_for(user=member)
    item = plan.items[0].next
    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))

    def line(path: str, **fields) -> str:
        return f"{path}\t{urlencode({'csrfmiddlewaretoken': csrf, **fields})}"

    skill = item.skill.slug
    lines = [
        line(f"/me/plan/ticks/{skill}/{plan.next_level.slug}/", action="done"),
        line(f"/me/plan/ticks/{skill}/{plan.next_level.slug}/", action="undo"),
        line(f"/skills/{SEED_SKILL}/watch/", action="watch"),
        line(f"/skills/{SEED_SKILL}/watch/", action="unwatch"),
        line(f"/me/skills/{skill}/", **{f"{skill}-level": "senior", f"{skill}-note": "Bench: ran it for a quarter."}),
        line(f"/teams/{team.slug}/people/{teammate.get_username()}/{skill}/", **{f"{skill}-level": "junior"}),
    ]
    Path(directory, "mixed-inplace.txt").write_text("\n".join(lines) + "\n")
    return {
        "reviewer_token": _token_of(reviewer),
        "inplace_cookie": f"{cookie(member.get_username())}; csrftoken={csrf}",
    }


def _reviewer():
    """The bench's reviewer (bench-reviewer, in the reviewers' group): the mixed run's and approve_profile's."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from proposals.access import REVIEWERS_GROUP

    reviewer, _ = get_user_model().objects.get_or_create(
        username="bench-reviewer", defaults={"email": "bench-reviewer@example.com"}
    )
    reviewer.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
    return reviewer


def _token_of(user) -> str:
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=user)[0].key


def _open_proposals(count: int) -> list[int]:
    """`count` new open proposals (ids), each on a cell of its own that no open proposal touches (so that none is
    stale when its turn comes), spread over the catalog's skills, by the bench members in turn."""
    import random

    from django.contrib.auth import get_user_model

    from proposals import services as proposal_services
    from proposals.models import ProposalChange, ProposalStatus
    from skills.models import Expectation

    authors = list(
        get_user_model()
        .objects.filter(username__startswith=BENCH_USER)
        .exclude(username="bench-reviewer")
        .order_by("pk")
    )
    taken = set(
        ProposalChange.objects.filter(proposal__status=ProposalStatus.OPEN).values_list(
            "proposal__skill_id", "role_id", "level_id"
        )
    )
    cells = [
        cell
        for cell in Expectation.objects.select_related("skill", "role", "level").order_by("pk")
        if (cell.skill_id, cell.role_id, cell.level_id) not in taken
    ]
    random.Random(1).shuffle(cells)
    if len(cells) < count:
        raise SystemExit(f"{count} proposals wanted, {len(cells)} cells free")
    opened = []
    for number, cell in enumerate(cells[:count]):
        change = proposal_services.ChangeInput(
            role=cell.role,
            level=cell.level,
            description=f"{cell.description}\n\nBench revision {number}.",
            required=cell.required,
            proficiency=cell.proficiency,
            base_version=cell.version,
        )
        proposal = proposal_services.proposal_create(
            author=authors[number % len(authors)],
            skill=cell.skill,
            rationale="Bench: one more detail.",
            changes=[change],
        )
        opened.append(proposal.pk)
    return opened


# --- render and profile -------------------------------------------------------------------


def client():
    from django.test import Client

    return Client(HTTP_HOST="127.0.0.1")


def render(directory: str, paths: list[str]) -> None:
    """Each argument NAME=PATH: write the page's bytes to DIR/NAME."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    c = client()
    for item in paths:
        name, _, path = item.partition("=")
        response = c.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        (target / name).write_bytes(response.content)
        print(f"{name}: {len(response.content):,} bytes from {path}")


def profile(out: str, paths: list[str]) -> None:
    """Per page: SQL queries, time in SQL and in total (median of 5), and where the rest goes."""
    from django.db import connection

    c = client()
    summary = {}
    text = io.StringIO()
    for item in paths:
        name, _, path = item.partition("=")
        request = _profile_request(_member_client() if name.startswith("member-") else c, path)
        if name.startswith("member-first-"):
            request = _without_member_copies(request)
        path = path.removeprefix("POST ")
        request()  # warm caches (templates, translations)
        runs = []
        for _ in range(5):
            sql: list[tuple[float, str]] = []

            def timed(execute, query, params, many, context, sql=sql):
                started = time.perf_counter()
                try:
                    return execute(query, params, many, context)
                finally:
                    sql.append((time.perf_counter() - started, query))

            started = time.perf_counter()
            with connection.execute_wrapper(timed):
                response = request()
            runs.append((time.perf_counter() - started, len(sql), sum(t for t, _ in sql), len(response.content)))
        total, queries, sql_time, size = (statistics.median(values) for values in zip(*runs, strict=True))
        profiler = cProfile.Profile()
        profiler.enable()
        request()
        profiler.disable()
        stats = pstats.Stats(profiler, stream=text)
        text.write(f"\n=== {name} {path}: {total * 1000:.1f} ms, {queries:.0f} queries, SQL {sql_time * 1000:.1f} ms\n")
        for seconds, query in sorted(sql, reverse=True)[:3]:
            text.write(f"SQL {seconds * 1000:.1f} ms: {' '.join(query.split())[:600]}\n")
        stats.sort_stats("tottime").print_stats(12)
        summary[name] = _figures(path, total, queries, sql_time, size) | {"top": _top_areas(stats)}
    Path(out).with_suffix(".txt").write_text(text.getvalue())
    Path(out).write_text(json.dumps(summary, indent=2))
    for name, row in summary.items():
        print(f"  {name:16} {row['ms']:8.1f} ms {row['queries']:3d} queries, SQL {row['sql_ms']:7.1f} ms; {row['top']}")


def _figures(path: str, seconds: float, queries: float, sql_seconds: float, size: float) -> dict:
    """One request's medians as the report shows them."""
    return {
        "path": path,
        "ms": round(seconds * 1000, 1),
        "queries": int(queries),
        "sql_ms": round(sql_seconds * 1000, 1),
        "bytes": int(size),
    }


INPLACE_NAMES = ["tick", "untick", "watch", "unwatch", "self-assessment", "lead-assessment"]


def _timed_into(sql: list[float]):
    """A database execute wrapper that appends each query's seconds to `sql`."""

    def timed(execute, query, params, many, context):
        started = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            sql.append(time.perf_counter() - started)

    return timed


def inplace_profile(out: str, directory: str, runs: int = 9) -> dict:
    """The mixed-all run's in-place answers (DIR/mixed-inplace.txt from mixed_setup), one at a time in-process.

    Asked as static/js/inplace.js asks them, by the member mixed_setup made; each pair that undoes itself
    (tick, untick; watch, unwatch) in turn, so that every request does its write. Per answer: median ms of
    `runs`, queries, SQL ms, bytes. JSON to OUT.
    """
    from urllib.parse import parse_qsl

    from django.contrib.auth import get_user_model
    from django.db import connection

    c = client()
    c.force_login(get_user_model().objects.get(username="bench-inplace"))
    requests = []
    for name, line in zip(INPLACE_NAMES, Path(directory, "mixed-inplace.txt").read_text().splitlines(), strict=True):
        path, _, body = line.partition("\t")
        requests.append((name, path, dict(parse_qsl(body))))
    samples: dict[str, list[tuple[float, int, float, int]]] = {name: [] for name, *_ in requests}
    for attempt in range(runs + 1):  # the first round warms templates and translations
        for name, path, fields in requests:
            sql: list[float] = []

            started = time.perf_counter()
            with connection.execute_wrapper(_timed_into(sql)):
                response = c.post(path, fields, HTTP_X_REQUESTED_WITH="partial")
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"{name} {path} answered {response.status_code}: {response.content[:300]!r}")
            if attempt:
                samples[name].append((elapsed, len(sql), sum(sql), len(response.content)))
    summary = {}
    for name, path, _fields in requests:
        total, queries, sql_time, size = (statistics.median(v) for v in zip(*samples[name], strict=True))
        summary[name] = _figures(path, total, queries, sql_time, size)
        row = summary[name]
        figures = f"{row['queries']:3d} queries, SQL {row['sql_ms']:6.1f} ms, {row['bytes']:,} bytes"
        print(f"  {name:16} {row['ms']:8.1f} ms {figures}")
    Path(out).write_text(json.dumps(summary, indent=2))
    return summary


def approve_profile(out: str, runs: int = 15) -> dict:
    """A reviewer's approvals one at a time in-process, as the mixed run's reviewer asks them (bench/wrk/reviewer.lua).

    Opens runs + 1 proposals (as mixed_setup does), then approves each through the API with the reviewer's token
    (the first one warms templates and translations). Per approval: total ms, queries and SQL ms, and how much of
    it the work done at commit took (the emails: transaction.on_commit's callbacks, ms, CPU ms, queries, and the
    messages they returned as sent); medians of `runs`. Then one more approval under cProfile: OUT's .txt has its
    top functions. JSON to OUT.
    """
    from django.db import connection, transaction

    c = client()
    headers = {"HTTP_AUTHORIZATION": f"Token {_token_of(_reviewer())}", "HTTP_ACCEPT": "application/json"}
    proposals = _open_proposals(runs + 2)
    mailing: list[tuple[float, float, int, int]] = []  # per callback: seconds, CPU seconds, queries, messages
    on_commit = transaction.on_commit

    def timed_on_commit(func, *args, **kwargs):
        def timed_callback():
            sql: list[int] = []
            started, cpu = time.perf_counter(), time.thread_time()
            with connection.execute_wrapper(lambda execute, *a: sql.append(1) or execute(*a)):
                sent = func()
            mailing.append((time.perf_counter() - started, time.thread_time() - cpu, len(sql), sent or 0))
            return sent

        return on_commit(timed_callback, *args, **kwargs)

    samples = []
    transaction.on_commit = timed_on_commit
    try:
        for attempt, pk in enumerate(proposals[:-1]):
            sql: list[float] = []

            mailing.clear()
            started, cpu = time.perf_counter(), time.thread_time()
            with connection.execute_wrapper(_timed_into(sql)):
                response = c.post(f"/api/proposals/{pk}/approve/", "{}", content_type="application/json", **headers)
            elapsed, cpu = time.perf_counter() - started, time.thread_time() - cpu
            if response.status_code != 200:
                raise SystemExit(f"approve {pk} answered {response.status_code}: {response.content[:300]!r}")
            if attempt:
                emails = [sum(values) for values in zip(*mailing, strict=True)] or [0.0, 0.0, 0, 0]
                samples.append((elapsed, len(sql), sum(sql), len(response.content), cpu, *emails))
        profiler = cProfile.Profile()
        profiler.enable()
        c.post(f"/api/proposals/{proposals[-1]}/approve/", "{}", content_type="application/json", **headers)
        profiler.disable()
    finally:
        transaction.on_commit = on_commit
    columns = [statistics.median(values) for values in zip(*samples, strict=True)]
    total, queries, sql_time, size, cpu, email_time, email_cpu, email_queries, messages = columns
    without = [statistics.median(s[0] - s[5] for s in samples), statistics.median(s[4] - s[6] for s in samples)]
    summary = {
        "approve": _figures("/api/proposals/<id>/approve/", total, queries, sql_time, size)
        | {
            "cpu_ms": round(cpu * 1000, 1),
            "without_emails_ms": round(without[0] * 1000, 1),
            "without_emails_cpu_ms": round(without[1] * 1000, 1),
            "emails_ms": round(email_time * 1000, 1),
            "emails_cpu_ms": round(email_cpu * 1000, 1),
            "email_queries": int(email_queries),
            "emails": int(messages),
        }
    }
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    Path(out).with_suffix(".txt").write_text(text.getvalue())
    Path(out).write_text(json.dumps(summary, indent=2))
    row = summary["approve"]
    print(
        f"  approve {row['ms']:6.1f} ms (CPU {row['cpu_ms']}) {row['queries']:3d} queries, SQL {row['sql_ms']} ms, "
        f"{row['bytes']:,} bytes; without the emails {row['without_emails_ms']} ms (CPU "
        f"{row['without_emails_cpu_ms']}), emails {row['emails_ms']} ms (CPU {row['emails_cpu_ms']}; "
        f"{row['emails']} sent, {row['email_queries']} queries)"
    )
    return summary


def _member_client():
    """The first bench member, signed in: "member-NAME" pages are profiled as they see them."""
    from django.contrib.auth import get_user_model

    c = client()
    c.force_login(get_user_model().objects.get(username=BENCH_USER))
    return c


def _without_member_copies(request):
    """The "member-first-NAME" pages: the member's first request after a change, with no copy of their page kept."""
    from django.core.cache import caches

    def first():
        caches["member-pages"].clear()
        return request()

    return first


def _profile_request(c, path: str):
    """A GET of the path, or for "POST <path>" a comment posted by the bench members in turn (API token)."""
    if not path.startswith("POST "):
        return lambda: c.get(path)
    keys = token().split(",")
    turn = iter(range(10**9))

    def post():
        key = keys[next(turn) % len(keys)]
        body = json.dumps({"body": "Benchmark comment: how does this skill change between Senior and Lead?"})
        response = c.post(
            path.removeprefix("POST "), body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
        )
        if response.status_code != 201:
            raise SystemExit(f"{path} answered {response.status_code}: {response.content[:200]!r}")
        return response

    return post


def _top_areas(stats: pstats.Stats) -> str:
    """Own time (tottime) grouped by package, the three biggest: where a page spends its Python."""
    areas: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():
        if "site-packages/" in filename:
            area = filename.split("site-packages/", 1)[1].split("/", 2)
            area = "/".join(area[:2]) if area[0] == "django" else area[0]
        elif filename.startswith(str(ROOT)):
            area = "app:" + filename[len(str(ROOT)) + 1 :]
        else:
            area = "builtins/stdlib"
        areas[area] = areas.get(area, 0.0) + tottime
    total = sum(areas.values()) or 1
    top = sorted(areas.items(), key=lambda item: -item[1])[:3]
    return ", ".join(f"{area} {seconds / total:.0%}" for area, seconds in top)


# --- machine and report --------------------------------------------------------------------


def _run(*command: str) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "?"


def machine() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    memory = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")),
        "0",
    )
    wrk = _run("wrk", "--version") or "?"
    import django
    import gunicorn

    return {
        "nproc": os.cpu_count(),
        "cpu": next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        ),
        "memory_gib": round(int(memory) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "postgresql": postgres,
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "wrk": wrk.splitlines()[0] if wrk else "?",
        "commit": _run("git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_before": Path("/proc/loadavg").read_text().split()[:3],
    }


FLOOD_PAGE_CONNECTIONS = int(os.environ.get("FLOOD_PAGE_CONNECTIONS", "4"))
FLOOD_CONNECTIONS = int(os.environ.get("FLOOD_CONNECTIONS", "8"))


def _rps(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def _load_results() -> list[dict]:
    lines = (OUT / "results.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def report() -> None:
    results = _load_results()
    meta = json.loads((OUT / "meta.json").read_text())
    by = {(r["phase"], r["name"]): r for r in results}

    def row(phase, name):
        return by.get((phase, name))

    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/run); the notes at the end are kept between runs.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
    ]
    m = meta["machine"]
    lines += [
        f"| CPU | {m['nproc']} cores ({m['cpu']}), shared with the load generator and PostgreSQL |",
        f"| Memory | {m['memory_gib']} GiB |",
        f"| Python / Django / gunicorn | {m['python']} / {m['django']} / {m['gunicorn']} |",
        f"| PostgreSQL | {m['postgresql']} (embedded, pgserver, Unix socket) |",
        f"| Load generator | {m['wrk']} |",
        f"| Commit | `{m['commit']}`, {m['date']}; load average before the run {' '.join(m['load_before'])} |",
        "",
        "## How it was run",
        "",
        "```sh",
        "make bench      # = bench/run",
        "```",
        "",
        f"- Server: `{meta['server']}` with production settings "
        "(`DEBUG=false`, `SECRET_KEY`, `ALLOWED_HOSTS=127.0.0.1`, `SECURE_SSL_REDIRECT=false`, "
        "`collectstatic` first, WhiteNoise), its own embedded database in `.data/bench-pg` "
        f"(`DB_CONN_MAX_AGE={meta['conn_max_age']}`), `BENCH_FLOOR=1`, "
        "`RATE_LIMIT_COMMENTS=1000/s`: the comment post measures the endpoint, not its limit (never reached; the "
        "check reads the member's comments of the last second, about 30, near the 20 it reads at most at the "
        "default 20/min).",
        f"- Load: `{meta['wrk']}` per endpoint after a 2 s warm-up (and, for floors, one render per worker), "
        "closed loop, "
        "anonymous GETs (no cookies) except the member-* runs (a signed-in member's session cookie), "
        "skill-any a skill page chosen at random among all the catalog's skills on every request, "
        "the comment post with `Authorization: Token` and a JSON body.",
        f"- Small catalog: `fixtures/catalog.json` ({meta['small']['skills']} skills, "
        f"{meta['small']['roles']} roles, {meta['small']['cells']:,} cells). "
        f"Big catalog: the same plus `manage.py generate_catalog {meta['generate_args']}` "
        f"({meta['big']['skills']:,} skills, {meta['big']['roles']} roles, {meta['big']['cells']:,} cells), "
        f"generated in {meta['generate_seconds']:.0f} s.",
        "- Floor: `/__bench__/floor/?page=<path>` answers with the page's bytes rendered once, "
        "through the same middleware (bench/floor.py). "
        "Static: the same bytes as a file in `staticfiles/bench/` (STATIC_ROOT, after collectstatic), "
        "served by WhiteNoise like every collected file.",
        f"- Whole run: {meta['run_seconds']:.0f} s.",
        "",
        "## Figures",
        "",
        "In the order they ran: the two runs of each ratio go back to back. "
        "Latency in milliseconds; requests/s over the whole run. Non-2xx counts every answer outside 200 to 299. "
        "Load: the machine's 1-minute load average as the run started (2 cores; other work on the machine "
        "shows here and slows every figure).",
        "",
        "| Catalog | Endpoint | Path | Bytes | Requests/s | p50 | p99 | Requests | Non-2xx | Socket errors | Load |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['phase']} | {r['name']} | `{r['path']}` | {r.get('bytes', 0):,} | {_rps(r['rps'])} | "
            f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['requests']:,} | {r['non2xx']} | {r['socket_errors']} "
            f"| {r.get('load', '?')} |"
        )
    total_bad = sum(r["non2xx"] + r["socket_errors"] for r in results)
    lines += ["", f"Non-2xx and socket errors over all runs: **{total_bad}**.", ""]

    lines += [
        "## Ratios",
        "",
        "- (a) big ÷ small catalog, on **p50 latency** (target ≤ 1.3 for the skill and role pages).",
        "- (b) page ÷ floor, on **requests/s** (target ≥ 0.5 for the skill and role pages).",
        "- (c) floor ÷ static file of the same size, on **requests/s**.",
        "",
        "| Endpoint | (a) big ÷ small p50 | (b) small: page ÷ floor | (b) big: page ÷ floor "
        "| (c) small: floor ÷ static | (c) big: floor ÷ static |",
        "|---|---:|---:|---:|---:|---:|",
    ]

    def ratio(a, b, key):
        return f"{a[key] / b[key]:.2f}" if a and b and b[key] else "n/a"

    pairs = [
        ("skill", "skill", "skill"),
        ("skill, signed-in member", "member-skill", "member-skill"),
        ("role (largest role)", "role", "role"),
        ("role (same fixture role)", "role", "role-same"),
        ("role at level", "role-level", "role-level"),
        ("search", "search", "search"),
        ("skill API", "api", "api"),
        ("comment post", "comment", "comment"),
        ("team heatmap (generated 50-person team, its lead)", "team", "team"),
        ("growth plan (a generated member of that team)", "plan", "plan"),
    ]
    for label, small_name, big_name in pairs:
        small, big = row("small", small_name), row("big", big_name)
        if not big:
            continue
        cells = [label, ratio(big, small, "p50_ms")]
        # A page measured in the big phase only (the generated team) has its floor there.
        same_page = big_name == small_name and (row("small", f"floor-{small_name}") or row("big", f"floor-{big_name}"))
        for phase in ("small", "big"):
            floor = row(phase, f"floor-{small_name}")
            cells.append(ratio(row(phase, small_name), floor, "rps") if same_page else "n/a")
        for phase in ("small", "big"):
            floor = row(phase, f"floor-{small_name}")
            cells.append(ratio(floor, row(phase, f"static-{small_name}"), "rps") if same_page else "n/a")
        lines.append("| " + " | ".join(cells) + " |")
    member_pages = ("skill", "role", "role-level", "search")
    lines += [
        "",
        "Signed-in ÷ anonymous, on **requests/s**, the two runs back to back (target ≥ 0.5):",
        "",
        "| Catalog | " + " | ".join(member_pages) + " |",
        "|---|" + "---:|" * len(member_pages),
    ]
    for phase in ("small", "big"):
        cells = [ratio(row(phase, f"member-{name}"), row(phase, name), "rps") for name in member_pages]
        lines.append(f"| {phase} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Targets on p99, per catalog:",
        "",
        "| Catalog | search p99 ÷ skill p99 (≤ 3) | comment p99 ÷ skill p99 (≤ 2) "
        "| mixed: comment p99 ÷ skill p99, same run | comment p99 ÷ member's skill page p99 |",
        "|---|---:|---:|---:|---:|",
    ]
    for phase in ("small", "big"):
        skill, comment = row(phase, "skill"), row(phase, "comment")
        search = ratio(row(phase, "search"), skill, "p99_ms")
        mixed = ratio(row(phase, "mixed-comment"), row(phase, "mixed-skill"), "p99_ms")
        member = ratio(comment, row(phase, "member-skill"), "p99_ms")
        lines.append(f"| {phase} | {search} | {ratio(comment, skill, 'p99_ms')} | {mixed} | {member} |")
    lines += [
        "",
        "Separate runs put each endpoint alone at the same concurrency: eight members posting comments "
        "without pause against eight visitors reading a cached page. The mixed run is a busy site: the "
        "skill page at the same concurrency while one connection posts comments (members in turn), "
        "both measured at once. The member's skill page is the same page as a signed-in member gets it "
        "(session cookie): rendered around the cached content with their own watch and comment blocks, "
        "the page a member reads before posting.",
    ]

    lines += _cold_lines(by)
    lines += _flood_lines(by)
    lines += _mixed_all_lines(by)
    lines += ["", "## Where the time goes (big catalog, one request at a time, in-process)", ""]
    prof_path = OUT / "profile-big.json"
    if prof_path.exists():
        prof = json.loads(prof_path.read_text())
        lines += [
            "Median of 5 requests through Django's test client with the server's settings; "
            "SQL time measured around each query; own Python time grouped by package (cProfile). "
            "Full listings: `bench/out/profile-big.txt`.",
            "",
            "| Page | Bytes | Total ms | Queries | SQL ms | Python own time, biggest |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for name, p in prof.items():
            lines.append(
                f"| {name} `{p['path']}` | {p['bytes']:,} | {p['ms']} | {p['queries']} | {p['sql_ms']} | {p['top']} |"
            )
    lines += _inplace_lines()
    lines += _approve_lines()
    notes = ""
    if RESULTS.exists() and NOTES_MARK in RESULTS.read_text():
        notes = RESULTS.read_text().split(NOTES_MARK, 1)[1]
    lines += ["", NOTES_MARK]
    RESULTS.write_text("\n".join(lines) + (notes if notes else "\n"))
    print(f"Wrote {RESULTS.relative_to(ROOT)}")


def _inplace_lines() -> list[str]:
    """The mixed run's in-place answers one at a time (bench.py inplace_profile): each answer's own cost."""
    path = OUT / "inplace-big.json"
    if not path.exists():
        return []
    lines = [
        "",
        "## The in-place answers, one at a time (big catalog, in-process)",
        "",
        "The six requests of the mixed run's in-place connection, asked as the page's script asks them by the "
        "same member, each pair that undoes itself in turn; median of 9 through Django's test client with the "
        "server's settings. Under the mixed load each waits behind other requests too: this is its own cost.",
        "",
        "| Answer | Path | Bytes | ms | Queries | SQL ms |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, row in json.loads(path.read_text()).items():
        lines.append(
            f"| {name} | `{row['path']}` | {row['bytes']:,} | {row['ms']} | {row['queries']} | {row['sql_ms']} |"
        )
    return lines


def _approve_lines() -> list[str]:
    """The mixed run's approvals one at a time (bench.py approve_profile OUT/approve-big.json): each one's own cost."""
    path = OUT / "approve-big.json"
    if not path.exists():
        return []
    row = json.loads(path.read_text())["approve"]
    return [
        "",
        "## An approval, one at a time (big catalog, in-process)",
        "",
        "A reviewer's approval through the API with a token, as the mixed run's reviewer asks it, each of a proposal "
        "of one change; median of 15 through Django's test client with the server's settings. CPU is the thread's "
        "own time; the emails are the work done at commit (transaction.on_commit's callbacks).",
        "",
        "| | ms | CPU ms | Queries |",
        "|---|---:|---:|---:|",
        f"| the approval, all of it | {row['ms']} | {row['cpu_ms']} | {row['queries']} |",
        f"| without the emails | {row['without_emails_ms']} | {row['without_emails_cpu_ms']} | "
        f"{row['queries'] - row['email_queries']} |",
        f"| the emails ({row['emails']} sent) | {row['emails_ms']} | {row['emails_cpu_ms']} | {row['email_queries']} |",
    ]


MIXED_KINDS = [
    ("anonymous", "anonymous readers of the skill page", 3),
    ("member", "signed-in readers of the skill page", 3),
    ("comment", "members posting comments (API, token)", 1),
    ("review", "one reviewer approving proposals (API, token; pauses between approvals)", 1),
    ("inplace", "in-place answers: tick/untick, watch/unwatch, self and lead assessment", 1),
    ("static", "a reader of the page's static twin (same bytes, WhiteNoise): the machine's own tail", 1),
]

THINKERS = ("member", "comment", "inplace")  # the kinds whose pause (think_ms) the busy run's text names

MIXED_RUNS = [
    (
        "mixed-all",
        "Mixed load, everyone at once, saturated",
        "Every kind is its own wrk for the same time, measured at once, and every connection asks again as soon "
        "as it is answered: nine connections on two cores keep the server saturated, so this run measures how "
        "much each kind gets done, and a request's latency is mostly its wait behind the others. Every answer "
        "must be 2xx (the in-place answers are asked as the page's script asks them, so they are 200 fragments, "
        "not 302s).",
    ),
    (
        "mixed-busy",
        "Mixed load, a busy site",
        "The same cast, each connection pausing after every answer (at random, around a mean: readers {member} "
        "ms, the commenter {comment} ms, the in-place member {inplace} ms; the reviewer as above): each kind at "
        "about half the rate it reached saturated (the column Rate ÷ saturated), so the server is busy but not "
        "saturated and latency is what a visitor waits. One more reader asks for the page's static twin at the "
        "readers' pace: the same bytes from WhiteNoise, which no write can slow down but the machine can.",
    ),
]


def _mixed_all_lines(by: dict) -> list[str]:
    """Everyone at once (bench/run measure_mixed_all), saturated and paced: each kind's latency, errors, targets;
    for the paced run, each kind's rate as a share of the saturated run's (how busy the busy site is)."""
    lines = []
    for name, title, intro in MIXED_RUNS:
        for phase in ("small", "big"):
            rows = [(kind, label, conns, by.get((phase, f"{name}-{kind}"))) for kind, label, conns in MIXED_KINDS]
            if not any(r for *_, r in rows):
                continue
            think = {kind: (by.get((phase, f"{name}-{kind}")) or {}).get("think_ms") for kind in THINKERS}
            lines += [
                "",
                f"## {title} ({phase} catalog)",
                "",
                intro.format(**think),
                "",
                "| Kind | Connections | Requests/s | Rate ÷ saturated | p50 ms | p95 ms | p99 ms | p99 ÷ p50 "
                "| Requests | Non-2xx | Socket errors |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            ]
            for kind, label, conns, r in rows:
                if r:
                    saturated = by.get((phase, f"mixed-all-{kind}"))
                    share = f"{r['rps'] / saturated['rps']:.2f}" if saturated and name != "mixed-all" else "—"
                    lines.append(
                        f"| {label} | {conns} | {_rps(r['rps'])} | {share} | {r['p50_ms']:.1f} | "
                        f"{r.get('p95_ms', 0):.1f} | {r['p99_ms']:.1f} | {r['p99_ms'] / r['p50_ms']:.2f} | "
                        f"{r['requests']:,} | {r['non2xx']} | {r['socket_errors']} |"
                    )
            member, inplace = by.get((phase, f"{name}-member")), by.get((phase, f"{name}-inplace"))
            errors = sum(r["non2xx"] + r["socket_errors"] for *_, r in rows if r)
            lines.append("")
            lines.append(f"Errors, all kinds: **{errors}** (target 0).")
            if member:
                ratio = member["p99_ms"] / member["p50_ms"]
                lines.append(f"Signed-in skill page p99 ÷ p50: **{ratio:.2f}** (target ≤ 3).")
            if inplace:
                lines.append(f"In-place answers p95: **{inplace.get('p95_ms', 0):.1f} ms** (target < 100 ms).")
            answers = _inplace_answers().get((phase, f"{name}-inplace"))
            if answers:
                each = [
                    f"{INPLACE_NAMES[int(line) - 1]} {a['p50_ms']:.0f} / {a['p95_ms']:.0f}"
                    for line, a in sorted(answers.items(), key=lambda item: int(item[0]))
                ]
                lines.append(f"Each in-place answer, p50 / p95 ms: {', '.join(each)}.")
    return lines


def _inplace_answers() -> dict:
    """(phase, run name) -> the in-place connection's latency by answer (bench/wrk/inplace.lua): line number ->
    n, p50_ms, p95_ms."""
    path = OUT / "inplace-answers.jsonl"
    if not path.exists():
        return {}
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return {(row["phase"], row["name"]): row["answers"] for row in rows}


def _flood_lines(by: dict) -> list[str]:
    """The PDF flood: the skill page alone and beside a flood of PDFs being built (target: p50 and p99 within 2x),
    and beside as many connections of ordinary traffic (the fair comparison: what any crowd of that size costs)."""
    alone, beside = by.get(("big", "flood-alone")), by.get(("big", "flood-page"))
    crowd = by.get(("big", "flood-ordinary"))
    flood_path, ordinary_path = OUT / "flood.jsonl", OUT / "ordinary.jsonl"
    if not (alone and beside and flood_path.exists()):
        return []
    flood = json.loads(flood_path.read_text().splitlines()[-1])
    p50, p99 = beside["p50_ms"] / alone["p50_ms"], beside["p99_ms"] / alone["p99_ms"]
    met = "met" if max(p50, p99) <= 2 else "**not met**"
    lines = [
        "",
        "## A flood of career-track PDFs (big catalog)",
        "",
        f"The skill page at {FLOOD_PAGE_CONNECTIONS} connections alone, then again while "
        f"{FLOOD_CONNECTIONS} more connections ask for PDFs not yet built (`{flood['path']}`, one at random "
        "each request; anonymous, so every client may ask), then again beside "
        f"{FLOOD_CONNECTIONS} connections of ordinary traffic (the same page). Target (issue 21): the page's "
        "latency under the flood within 2x of its latency alone.",
        "",
        "| Run | Requests/s | p50 | p99 | Requests | Non-2xx |",
        "|---|---:|---:|---:|---:|---:|",
        f"| skill page alone | {_rps(alone['rps'])} | {alone['p50_ms']:.1f} | {alone['p99_ms']:.1f} | "
        f"{alone['requests']:,} | {alone['non2xx']} |",
        f"| skill page beside the flood | {_rps(beside['rps'])} | {beside['p50_ms']:.1f} | {beside['p99_ms']:.1f} | "
        f"{beside['requests']:,} | {beside['non2xx']} |",
        f"| the flood's PDF requests | {_rps(flood['rps'])} | {flood['p50_ms']:.1f} | {flood['p99_ms']:.1f} | "
        f"{flood['requests']:,} | {flood['non2xx']} (503: come back later) |",
    ]
    if crowd and ordinary_path.exists():
        ordinary = json.loads(ordinary_path.read_text().splitlines()[-1])
        lines += [
            f"| skill page beside ordinary traffic | {_rps(crowd['rps'])} | {crowd['p50_ms']:.1f} | "
            f"{crowd['p99_ms']:.1f} | {crowd['requests']:,} | {crowd['non2xx']} |",
            f"| the ordinary traffic | {_rps(ordinary['rps'])} | {ordinary['p50_ms']:.1f} | "
            f"{ordinary['p99_ms']:.1f} | {ordinary['requests']:,} | {ordinary['non2xx']} |",
        ]
    lines += [
        "",
        f"Beside the flood ÷ alone: p50 **{p50:.2f}**, p99 **{p99:.2f}** (target ≤ 2: {met} in this run).",
    ]
    if crowd:
        lines.append(
            f"Beside the flood ÷ beside ordinary traffic: p50 {beside['p50_ms'] / crowd['p50_ms']:.2f}, "
            f"p99 {beside['p99_ms'] / crowd['p99_ms']:.2f}."
        )
    return lines


def _cold_lines(by: dict) -> list[str]:
    """Skill pages chosen at random among all the catalog's skills, against the one hot page; memory per worker."""
    any_big, skill_big = by.get(("big", "skill-any")), by.get(("big", "skill"))
    any_small = by.get(("small", "skill-any"))
    if not any_big:
        return []

    def ratio(a, b):
        return f"{a['rps'] / b['rps']:.2f}" if a and b and b["rps"] else "n/a"

    lines = [
        "",
        "## Cold pages: a skill chosen at random on every request",
        "",
        f"- big skill-any ÷ big skill (the one hot page), requests/s: **{ratio(any_big, skill_big)}** (target ≥ 0.5)",
        f"- big skill-any ÷ small skill-any, requests/s: **{ratio(any_big, any_small)}** (target ≥ 0.5)",
        "",
        "After a change, the server's processes render every skill page ahead for anonymous visitors, in chunks "
        "they share, into files every process reads (skills/freshness/shared_pages.py); bench/run waits for "
        "that pass before measuring. Its time is the whole pass, from the first visit after the change.",
        "",
        "| Catalog | pages pre-rendered | pass took (s) | RSS of each gunicorn worker after the run (MiB) |",
        "|---|---:|---:|---|",
    ]
    for phase in ("small", "big"):
        passes = OUT / f"prerender-{phase}.json"
        rss = OUT / f"rss-{phase}.json"
        done = json.loads(passes.read_text()) if passes.exists() else {}
        workers = json.loads(rss.read_text()) if rss.exists() else []
        lines.append(
            f"| {phase} | {done.get('pages', 'n/a')} | {done.get('seconds', 'n/a')} "
            f"| {', '.join(f'{kib / 1024:.0f}' for kib in workers) or 'n/a'} |"
        )
    return lines


def main(argv: list[str]) -> None:
    command, args = argv[0], argv[1:]
    django_setup()
    if command == "targets":
        print(json.dumps(targets()))
    elif command == "token":
        print(token())
    elif command == "cookie":
        print(cookie(*args[:1]))
    elif command == "pdf_paths":
        print(pdf_paths())
    elif command == "slugs":
        print(slugs())
    elif command == "prerendered":
        prerendered(args[0])
    elif command == "render":
        render(args[0], args[1:])
    elif command == "profile":
        profile(args[0], args[1:])
    elif command == "inplace_profile":
        inplace_profile(args[0], args[1], *(int(a) for a in args[2:3]))
    elif command == "approve_profile":
        approve_profile(args[0], *(int(a) for a in args[1:2]))
    elif command == "mixed_setup":
        print(json.dumps(mixed_setup(args[0], int(args[1]))))
    elif command == "machine":
        print(json.dumps(machine()))
    elif command == "report":
        report()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
