"""The README is the contract a newcomer reads: its commands and every setting."""

import re

from tests.helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def settings_read_from_the_environment() -> set[str]:
    names = set()
    for path in (ROOT / "skillmatrix").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', text))
        names |= set(re.findall(r'os\.environ\.get\(\s*"([A-Z_]+)"', text))
    return names - {"DJANGO_SETTINGS_MODULE"}


def test_readme_shows_the_two_commands_first():
    quick_start = README.split("## Quick start", 1)[1]
    assert quick_start.index("make run") < quick_start.index("##")
    assert quick_start.index("make test") < quick_start.index("##")


def test_every_setting_is_documented():
    names = settings_read_from_the_environment()
    assert len(names) > 10
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", README, flags=re.M))
    assert names - documented == set()


def test_makefile_and_ci_keep_their_contract():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run:", makefile, flags=re.M) and re.search(r"^test:", makefile, flags=re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert (ROOT / ".python-version").read_text().strip() == "3.12"
