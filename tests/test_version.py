"""One version, from one place: pyproject.toml -> package metadata -> monitor.__version__ -> everything shown."""

from __future__ import annotations

import html as htmllib
import re
import tomllib
from importlib.metadata import version

import pytest

import monitor
from monitor.core.config import PROJECT_ROOT

from .conftest import run_cli


def _declared() -> str:
    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["version"]


def test_installed_version_is_the_declared_one():
    # Fails after a version bump until the package is installed again (`make install` does it).
    assert monitor.__version__ == version("samenwerkingsmonitor") == _declared()
    assert re.fullmatch(r"\d+\.\d+\.\d+", monitor.__version__)


def test_command_line_shows_it():
    assert run_cli("--version").stdout.strip() == f"monitor {_declared()}"


def test_changelog_has_a_section_for_it():
    changelog = (PROJECT_ROOT / "CHANGELOG.md").read_text()
    assert re.search(rf"^## \[{re.escape(_declared())}\] - ", changelog, re.M)


@pytest.fixture(scope="module")
def region_report():
    from monitor.reports.prepare import prepare
    from monitor.reports.wave import region_report

    prepared = prepare(waves="latest")
    return region_report(prepared.region(prepared.regions[0]))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_region_report_method_note_shows_it(region_report, language):
    from monitor.reports.present import View

    method = next(s for s in region_report.sections if s.key == "method")
    page = View(region_report, language).section_html(method)
    text = " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert re.search(rf"samenwerkingsmonitor {re.escape(_declared())}\b", text, re.I), text[-400:]
