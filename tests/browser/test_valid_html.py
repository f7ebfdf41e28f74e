"""Every main page, and the HTML part of every kind of email, is valid HTML for the Nu HTML Checker (vnu-jar
from npm, run once on all the saved pages).

The pages are rendered by Django's test client (no browser needed): what the
checker reads is the markup the server sends. Forms that come back with
errors are checked too.
"""

import datetime
import json
import subprocess

from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.emails import Topic, html_from_text, unsubscribe_token
from accounts.models import EmailSettings, ReviewNotices
from proposals import notifications, services
from proposals.models import Proposal
from skills.models import Skill
from tests.browser.helpers import require_tool
from tests.browser.world import ERROR_STATUS, MAIN_PAGES, SEED, SHORT_TEXT, build_world, page_path
from tests.proposals.helpers import suggest_data


def rendered_pages(users: dict) -> dict[str, str]:
    """name -> HTML of every main page, as its viewer sees it, plus forms answered with errors."""
    clients = {"anonymous": Client()}
    for who, user in users.items():
        clients[who] = Client()
        clients[who].force_login(user)
    world = build_world(author=users["author"], reviewer=users["reviewer"], member=users["member"])
    pages = {}
    for name, viewer, path in MAIN_PAGES:
        response = clients[viewer or "anonymous"].get(page_path(path, world))
        assert response.status_code == ERROR_STATUS.get(name, 200), path
        pages[name] = response.content.decode()
    assert 'id="checks"' in pages["proposal-warnings"]
    shortened = {"data-scientist__middle": {"description": SHORT_TEXT}}
    posts = {
        "sign-in-errors": ("anonymous", "/accounts/login/", {"login": "nobody@example.com", "password": "x"}),
        "sign-up-errors": ("anonymous", "/accounts/signup/", {"email": "not an address", "password1": "1"}),
        "suggest-errors": ("member", f"/skills/{SEED}/suggest/", {"rationale": ""}),
        "comment-errors": ("member", f"/skills/{SEED}/comments/", {"body": ""}),
        "approve-confirmation": ("reviewer", f"/proposals/{world.open_proposal}/approve/", {"revision": "1"}),
        "suggest-checked": (
            "member",
            f"/skills/{SEED}/suggest/",
            suggest_data(Skill.objects.get(slug=SEED), rationale="Shorter.", **shortened) | {"check": "1"},
        ),
    }
    unsubscribe = {"token": unsubscribe_token(users["member"], Topic.WATCHING)}
    posts |= {
        "email-settings-errors": ("reviewer", "/accounts/profile/emails/", {"language": "xx"}),
        "unsubscribe-invalid": ("anonymous", "/accounts/profile/unsubscribe/", {"token": "forged"}),
        "unsubscribe-done": ("anonymous", "/accounts/profile/unsubscribe/", unsubscribe),
    }
    for name, (who, path, data) in posts.items():
        response = clients[who].post(path, data)
        assert response.status_code in (200, 400), (path, response.status_code)
        pages[name] = response.content.decode()
    pages["unsubscribe"] = clients["anonymous"].get("/accounts/profile/unsubscribe/", unsubscribe).content.decode()
    pages |= email_pages(world, users)
    assert "very short" in pages["suggest-checked"].split('id="checks"')[1]
    assert 'name="confirm"' in pages["approve-confirmation"]
    assert "/undo/" in pages["proposal-approved-reviewer"]
    return pages


def email_pages(world, users: dict) -> dict[str, str]:
    """The HTML part of each kind of email: opened, decided, commented, the digest, and allauth's (from text)."""
    mail.outbox.clear()
    notifications.send(proposal_id=world.open_proposal, event=notifications.OPENED, actor_id=None)
    notifications.send(proposal_id=world.approved_proposal, event=notifications.DECIDED, actor_id=None)
    proposal = Proposal.objects.get(pk=world.open_proposal)
    comment = services.comment_create(author=users["member"], proposal=proposal, body="A <question>?\nTwo lines.")
    notifications.send_comment(comment_id=comment.pk)
    EmailSettings.objects.update_or_create(
        user=users["reviewer"], defaults={"review_notices": ReviewNotices.DAILY, "last_digest": None}
    )
    Proposal.objects.filter(pk=world.open_proposal).update(created=timezone.now())
    notifications.send_digest(user_id=users["reviewer"].pk, now=timezone.now() + datetime.timedelta(seconds=1))
    kinds = {}
    for message in mail.outbox:
        kinds.setdefault(message.subject.split(" #")[0], message.alternatives[0].content)
    assert len(kinds) == 4, list(kinds)
    pages = {f"email-{number}": html for number, html in enumerate(kinds.values())}
    pages["email-from-text"] = html_from_text("Hello,\n\nConfirm: http://127.0.0.1:8000/a/?b=1&c=2\n", subject="S")
    return pages


def test_every_main_page_is_valid_html(tmp_path, node_tools, seeded_catalog, member, author, reviewer):
    java = require_tool("java", "the Nu HTML Checker runs on Java (apt-get install default-jre-headless)")
    files = []
    for name, html in rendered_pages({"member": member, "author": author, "reviewer": reviewer}).items():
        path = tmp_path / f"{name}.html"
        path.write_text(html)
        files.append(path)
    result = subprocess.run(
        [java, "-jar", str(node_tools["vnu"]), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{message['url'].rsplit('/', 1)[-1]}:{message.get('lastLine')}: {message['message']}"
        f" [{message.get('extract', '').strip()[:80]}]"
        for message in messages
    ]
    assert not errors, "\n".join(errors)
    assert result.returncode == 0
    assert len(files) == len(MAIN_PAGES) + 10 + 5


def test_the_checker_does_report_broken_markup(tmp_path, node_tools):
    """The check above can fail: the same run on a page with a stray end tag reports it."""
    java = require_tool("java", "the Nu HTML Checker runs on Java (apt-get install default-jre-headless)")
    broken = tmp_path / "broken.html"
    broken.write_text("<!doctype html><html lang=en><title>x</title><p>text</span></p>")
    result = subprocess.run(
        [java, "-jar", str(node_tools["vnu"]), "--errors-only", "--format", "json", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert json.loads(result.stderr)["messages"]
