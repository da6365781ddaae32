"""Hostile input, checked in every output format the reports have.

The corpus ``tests/data/hostile_strings.txt`` (script and event-handler markup, style sheets,
``<base>``, refresh, ``javascript:``/``data:`` links, Markdown images and links, LaTeX commands,
mathtext, format strings, CSV formulas, very long strings, NUL and control characters,
bidirectional overrides, invisible and combining characters, emoji) is put where users' data and
instrument files put text: region and organisation names, open answers, item texts and labels.
Every report output must show it as text, never as markup: the section HTML (both languages),
the figures (mathtext), the Markdown, LaTeX and CSV exports, and, end to end, the rendered
notebook, its HTML page, the sidecar JSON, the index page and the DOM headless Chromium builds.

Whitespace normalisation, where a format requires it (and only there):

* Markdown and LaTeX put text on one line: CR LF, CR and LF become a space; Markdown drops
  leading and trailing blanks (as any Markdown renderer does); LaTeX drops control characters.
* The instrument strips its texts (``monitor.survey.instrument._text``), so a label is its payload stripped.
* Open answers are de-identified before they reach a report (``monitor.privacy.deidentify``: control and
  invisible characters removed, long answers cut, personal details replaced): the report must
  show the scrubbed answer exactly; the HTML payloads pass the scrubber unchanged (checked).
* The sentence templates write ``*`` as ``&#42;`` (so ``**`` of a template marks bold text and
  nothing else); compared as ``*``.
* ``load_responses`` refuses a file with a NUL byte (binary, not text) and strips cells, so the
  CSV of the end-to-end test has NUL removed and its expectations are what the loader read.
* An HTML page (nbconvert's output, a browser's DOM) reads CR LF and CR as LF, as the HTML
  standard preprocesses its input; the notebook's own outputs keep them.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import json
import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from io import BytesIO
from itertools import cycle
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib import cbook
from matplotlib.text import Text

from monitor import Responses, load_instrument, load_responses
from monitor.analyses.tables import export_table, latex_text
from monitor.core.config import DEMO_DATA, INSTRUMENT_PATH
from monitor.core.escaping import FORMULA_START, escape_html, escape_latex, escape_markdown, escape_mathtext
from monitor.render.plan import output_names, slug
from monitor.reports.prepare import prepare
from monitor.reports.present import View
from monitor.reports.sidecar import report_json
from monitor.reports.wave import region_report

CORPUS_PATH = Path(__file__).parent / "data" / "hostile_strings.txt"
# The default font has no glyph for some code points of the corpus (CJK, noncharacters): drawn as boxes.
pytestmark = pytest.mark.filterwarnings("ignore:Glyph .* missing from font")


def load_corpus(path: Path = CORPUS_PATH) -> list[str]:
    """The payloads of the corpus file (its header says how lines are read)."""
    payloads = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line or line.startswith("#"):
            continue
        if line.startswith("esc:"):
            line = line[len("esc:"):].encode("ascii").decode("unicode_escape")
        elif line.startswith("repeat:"):
            _, count, text = line.split(":", 2)
            line = text * int(count)
        payloads.append(line)
    return payloads


PAYLOADS = load_corpus()
PWN = "<img src=x onerror=\"document.title='PWNED'\">"
#: Payloads that must reach every escaping layer as they are (names, labels, and answers after scrubbing).
CORE = ["<script>alert('xss')</script>", PWN, '"><svg onload=alert(1)>',
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>', '<a href="javascript:alert(1)">klik hier</a>']
#: Region names of the hostile data: two fold to the same file name, one has no letter at all.
REGIONS = [f"Regio/Noord {PWN}", f"Regio Noord {PWN}", "€€€"]

#: What the report's templates emit (monitor.reports.present), and nothing else.
REPORT_TAGS = {"h1", "h2", "h3", "p", "em", "strong", "table", "thead", "tbody", "tr", "th", "td", "ul", "li",
               "blockquote", "span", "style", "figure", "img"}
REPORT_ATTRIBUTES = {"scope": re.compile(r"row|col"), "class": re.compile(r"[a-z0-9_ -]+"),
                     "style": re.compile(r"background-color:#[0-9a-f]{6};color:(?:white|black|#[0-9a-f]{6})"
                                         r"|display:inline-block;width:2\.2em;height:1em;vertical-align:middle;"
                                         r"background-color:#[0-9a-f]{6}|max-width:100%;width:\d+px"),
                     "src": re.compile(r"data:image/svg\+xml;base64,[A-Za-z0-9+/]+=*"),
                     "alt": re.compile(r".*", re.S)}  # any text: the parser found it inside the quoted value
FILE_NAME = re.compile(r"[a-z0-9-]+")


# -- parsing -------------------------------------------------------------------------------------------------------
class Markup(HTMLParser):
    """Start and end tags, text, and anything else (comments, declarations) of an HTML text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.ends: list[str] = []
        self.text: list[str] = []
        self.other: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        self.ends.append(tag)

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.other.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.other.append(f"<!{decl}>")

    def unknown_decl(self, data):
        self.other.append(f"<![{data}]>")

    def handle_pi(self, data):
        self.other.append(f"<?{data}>")


def parse(text: str) -> Markup:
    markup = Markup()
    markup.feed(text)
    markup.close()
    return markup


def assert_report_markup(tags: list[tuple[str, list]], ends: list[str], other: list[str]) -> None:
    """Only the templates' tags and attributes (with the templates' values): nothing from data."""
    names = {t for t, _ in tags} | set(ends)
    assert names <= REPORT_TAGS, f"tags from data: {sorted(names - REPORT_TAGS)}"
    for tag, attrs in tags:
        for name, value in attrs:
            assert not name.startswith("on") and name not in ("href", "srcdoc"), f"<{tag} {name}={value!r}>"
            assert name != "src" or tag == "img", f"<{tag} {name}={value!r}>"
            assert name in REPORT_ATTRIBUTES, f"attribute from data: <{tag} {name}={value!r}>"
            assert REPORT_ATTRIBUTES[name].fullmatch(value or ""), f"<{tag} {name}={value!r}>"
    assert not other, f"comments or declarations from data: {other[:3]}"


def check_fragment(fragment: str) -> str:
    """Assert the report-markup whitelist on an HTML fragment; return its text (entities decoded)."""
    markup = parse(fragment)
    assert_report_markup(markup.tags, markup.ends, markup.other)
    return "".join(markup.text)


def assert_shown(value: str, fragment: str, text: str) -> None:
    """``value`` is in the HTML escaped (``*`` as the templates write it) and reads back as itself."""
    assert escape_html(value) in fragment.replace("&#42;", "*"), f"not escaped as expected: {value[:80]!r}"
    assert value in text, f"text does not read back: {value[:80]!r}"


def one_line(text: str) -> str:
    return re.sub(r"\r\n?|\n", " ", text)


def report_html(report, language: str) -> str:
    view = View(report, language)
    return "\n".join([view.title_html()] + [view.section_html(s) for s in report.sections])


# -- data ----------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    """Three regions, the last two waves of the demo data."""
    frame = load_responses(DEMO_DATA)
    regions = sorted(frame["region"].unique())[:3]
    keep = frame["region"].isin(regions) & (frame["wave"] >= frame["wave"].max() - 1)
    return frame[keep.to_numpy()].reset_index(drop=True)


def without_invariance(frame: pd.DataFrame, instrument=None) -> Responses:
    """The responses as prepare() sees them without the trust module's measurement-invariance CFA
    (seconds of fitting; it adds one sentence and no text from the data)."""
    responses = Responses.from_frame(frame.copy(), instrument or load_instrument())
    return dataclasses.replace(responses, modules=tuple(m for m in responses.modules if m != "vertrouwen"))


def make_hostile(demo: pd.DataFrame, payloads: list[str] = PAYLOADS) -> pd.DataFrame:
    """The demo rows with hostile region names, municipality names (in the latest wave every
    payload names a municipality of one region: an organisation lies in one region, as the
    disclosure audit requires) and open answers (every region holds every payload)."""
    frame = demo.copy()
    regions = sorted(frame["region"].unique())
    frame["region"] = frame["region"].map(dict(zip(regions, REGIONS, strict=True))).astype("string")
    latest = (frame["wave"] == frame["wave"].max()).to_numpy()
    municipal = frame.index[latest & (frame["organisation_type"] == "gemeente").to_numpy()]
    for k, region in enumerate(REGIONS):
        rows = municipal[(frame.loc[municipal, "region"] == region).to_numpy()]
        own = payloads[k::len(REGIONS)]
        assert len(rows) >= len(own)
        frame.loc[rows, "organisation"] = [own[i % len(own)] for i in range(len(rows))]
    for region in REGIONS:
        rows = frame.index[latest & (frame["region"] == region).to_numpy()]
        assert len(rows) >= len(payloads)
        frame.loc[rows, "open_goed"] = [payloads[i % len(payloads)] for i in range(len(rows))]
    return frame


@pytest.fixture(scope="module")
def hostile(demo):
    frame = make_hostile(demo)
    prepared = prepare(responses=without_invariance(frame), min_group_size=2, min_comment_group_size=2,
                       waves="latest")
    return frame, prepared, {r: region_report(prepared.region(r)) for r in REGIONS}


def inject_instrument(folder: Path, payloads: list[str] = PAYLOADS) -> tuple[Path, dict]:
    """A copy of ``data/instrument.yaml`` with a payload in every text and label a report can
    show: answer labels, category labels, item texts, module, scale and index labels, open
    questions and the version. Returns the file and ``(kind, id) -> {language: payload}``."""
    raw = yaml.safe_load(INSTRUMENT_PATH.read_text(encoding="utf-8"))
    source = cycle(payloads)
    injected: dict[tuple[str, str], dict[str, str]] = {}

    def inject(entry: dict, kind: str, ident: str) -> None:
        entry["nl"], entry["en"] = next(source), next(source)
        injected[(kind, ident)] = {"nl": entry["nl"], "en": entry["en"]}

    for code, entry in raw["scale"]["labels"].items():
        inject(entry, "scale", str(code))
    for var in raw["background"]:
        for key, entry in (var.get("categories") or {}).items():
            inject(entry, {"organisation_type": "type"}.get(var["id"], var["id"]), key)
    for question in raw["open_questions"]:
        inject(question, "open", question["id"])
    for module in raw["modules"]:
        module["label"] = {"nl": PWN, "en": PWN}
        injected[("module", module["id"])] = dict(module["label"])
        if module.get("index"):
            inject(module["index"]["label"], "measure", module["index"]["id"])
        for scale in module["scales"]:
            inject(scale["label"], "measure", scale["id"])
            for item in scale["items"]:
                inject(item, "item", item["id"])
    raw["version"] = "2026.1 <script>alert('version')</script>"
    path = folder / "instrument.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path, injected


@pytest.fixture(scope="module")
def hostile_instrument(tmp_path_factory):
    path, injected = inject_instrument(tmp_path_factory.mktemp("instrument"))
    instrument = load_instrument(path)
    return path, instrument, injected


# -- the corpus ----------------------------------------------------------------------------------------------------
def test_the_corpus_covers_every_category():
    assert len(PAYLOADS) >= 40 and len(set(PAYLOADS)) == len(PAYLOADS)
    text = "\n".join(PAYLOADS)
    for needle in ("<script>", "onerror=", "onload=", "<iframe srcdoc=", "javascript:", "data:text/html", "<style>",
                   "<base href", "http-equiv=\"refresh\"", "<link rel=stylesheet href=http://", "<math", "ontoggle",
                   "![pixel](http://", "<http://", "[1]: http://", "```", "|---|", "\n===",
                   "\\input{/etc/passwd}", "$\\frac{1}{0}$", "$$", "{0}", "{{x}}", "%s", "=HYPERLINK(", "\x00", "\r\n",
                   "\u202e", "\u200d", "\u200b", "\U0001f600", "\u0301", "&lt;script&gt;"):
        assert needle in text, needle
    assert "$$" in PAYLOADS and max(map(len, PAYLOADS)) > 10_000
    assert all(c in PAYLOADS for c in CORE)


# -- escaping functions --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_escape_html_shows_text_in_content_and_attributes(payload):
    escaped = escape_html(payload)
    assert not set("<>\"'") & set(escaped)
    markup = parse(f'<p title="{escaped}">{escaped}</p>')
    assert [(t, [n for n, _ in a]) for t, a in markup.tags] == [("p", ["title"])] and not markup.other
    assert markup.tags[0][1][0][1] == payload and "".join(markup.text) == payload


def test_escape_markdown_renders_as_one_paragraph_of_the_same_text():
    """Rendered as nbconvert renders Markdown (mistune, math, bare-URL links, raw HTML passed through)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    assert "<img" in markdown2html_mistune("![x](http://evil.example/a.png)")  # the renderer would make markup
    for payload in PAYLOADS:
        rendered = markdown2html_mistune(escape_markdown(payload))
        markup = parse(rendered)
        assert all(t == "p" and not a for t, a in markup.tags) and set(markup.ends) <= {"p"} and not markup.other, \
            (payload[:80], rendered[:300])
        assert "".join(markup.text).strip() == one_line(payload).strip(), (payload[:80], rendered[:300])


_LATEX_TOKEN = re.compile(r"\\(?:textbackslash|textasciitilde|textasciicircum|textless|textgreater)\{\}"
                          r"|\\[&%$#_{}]|[^\\&%$#_{}~^<>\x00-\x08\x0a-\x1f\x7f-\x9f]")
_LATEX_BACK = {r"\textbackslash{}": "\\", r"\textasciitilde{}": "~", r"\textasciicircum{}": "^", r"\textless{}": "<",
               r"\textgreater{}": ">"}


def unlatex(escaped: str) -> str:
    """Decode escape_latex output token by token; fails on anything that is not an escape or plain text."""
    tokens = _LATEX_TOKEN.findall(escaped)
    assert "".join(tokens) == escaped, f"unescaped LaTeX: {escaped[:120]!r}"
    return "".join(_LATEX_BACK.get(t, t[1:] if len(t) == 2 and t[0] == "\\" else t) for t in tokens)


def test_escape_latex_leaves_no_special_character_or_command():
    for payload in PAYLOADS:
        escaped = escape_latex(payload)
        expected = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", "", one_line(payload))
        assert unlatex(escaped) == expected, payload[:80]
        assert "\n" not in escaped and "\r" not in escaped
    assert escape_latex(r"\input{/etc/passwd}") == r"\textbackslash{}input\{/etc/passwd\}"


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed on this machine")
def test_escaped_corpus_compiles_with_pdflatex(tmp_path):
    rows = "\n".join(f"{i} & {escape_latex(p[:300])} \\\\" for i, p in enumerate(PAYLOADS))
    source = ("\\documentclass{article}\\usepackage[T1]{fontenc}\\usepackage{longtable}\\begin{document}"
              "\\begin{longtable}{rp{10cm}}\n" + rows + "\n\\end{longtable}\\end{document}\n")
    (tmp_path / "corpus.tex").write_text(source, encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-no-shell-escape", "corpus.tex"], cwd=tmp_path,
                          capture_output=True, text=True, errors="replace", timeout=120)
    assert (tmp_path / "corpus.pdf").exists(), done.stdout[-2000:]
    log = (tmp_path / "corpus.log").read_text(errors="replace")
    assert "(/etc/passwd" not in log and "(/etc/shadow" not in log  # nothing was \input or \include-d
    assert "Undefined control sequence" not in log and "Missing $ inserted" not in log


def shown_text(text: Text) -> str:
    """What matplotlib draws for a Text: literal (never mathtext) after its ``\\$`` handling."""
    shown, math = text._preprocess_math(text.get_text())
    assert math is False, f"mathtext: {text.get_text()[:80]!r}"
    return shown


def test_escape_mathtext_draws_the_literal_text():
    raw = plt.figure()
    raw.text(0, 0, r"$\sqrt{$")
    with pytest.raises(ValueError):  # unescaped, a label can fail the whole figure
        raw.savefig(BytesIO(), format="png")
    assert any(cbook.is_math_text(p) for p in PAYLOADS)
    fig = plt.figure(figsize=(4, 4))
    texts = [fig.text(0.01, i / len(PAYLOADS), escape_mathtext(p[:500]), fontsize=4) for i, p in enumerate(PAYLOADS)]
    fig.savefig(BytesIO(), format="png")  # drawn: the first 500 characters of each (long ones cost seconds)
    # Control characters are dropped (they would make the figure's SVG invalid XML); the rest reads as given.
    from monitor.core.escaping import _CONTROL

    for payload, text in zip(PAYLOADS, texts, strict=True):
        assert shown_text(text) == _CONTROL.sub("", payload[:500])
        assert shown_text(Text(0, 0, escape_mathtext(payload))) == _CONTROL.sub("", payload)
    assert escape_mathtext("NUL\x00byte \x0b$x$") == "NULbyte \\$x\\$"


def test_the_network_guard_sees_markup_that_fetches_and_never_text():
    """to_html refuses a page that would load from the network: the guard must flag fetching
    markup (quoted or not) and never an address a report shows as text (escaped as the report
    escapes it, or as nbconvert writes it back: quotes plain)."""
    from monitor.render.html import external_resources

    fetching = [p for p in PAYLOADS if re.match(r"<(?:link|base|meta|style)\b", p) and "evil.example" in p]
    assert len(fetching) >= 4
    assert all(external_resources(p) for p in fetching)
    for escape in (escape_html, lambda p: html.escape(p, quote=False)):
        assert external_resources("<p>" + "</p><p>".join(escape(p) for p in PAYLOADS) + "</p>") == []


# -- file names ----------------------------------------------------------------------------------------------------
def test_colliding_and_letterless_region_names_get_distinct_visible_file_names():
    names = output_names(["Regio/Noord", "Regio Noord", "€€€", *REGIONS, *PAYLOADS])
    assert names["Regio/Noord"] != names["Regio Noord"] and names["€€€"].startswith("regio-")
    assert len(set(names.values())) == len(names)
    for name in names.values():
        assert FILE_NAME.fullmatch(name) and not name.startswith("-") and name not in ("index", "status"), name
    assert all(FILE_NAME.fullmatch(slug(p)) for p in PAYLOADS)


def test_region_names_enter_the_kernel_only_as_string_literals(hostile, tmp_path):
    """A region name becomes Python code in the report's kernel twice: papermill's parameters cell
    and render's setup cell. Whatever the name, each holds it as one literal, and nothing more."""
    import ast

    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook
    from papermill.translators import PythonTranslator

    from monitor.core.config import KERNEL_NAME
    from monitor.render.plan import plan_jobs

    for payload in PAYLOADS:
        (node,) = ast.parse(PythonTranslator.codify({"region": payload})).body
        assert isinstance(node, ast.Assign) and ast.literal_eval(node.value) == payload
    frame, prepared, reports = hostile
    jobs = plan_jobs(prepared, reports, output_names(prepared.regions), tmp_path, prepared.waves[-1], None,
                     ("regions",), "nl", None, tmp_path)
    assert sorted(j.title for j in jobs) == sorted(REGIONS)
    for job in jobs:
        setup = ast.parse(job.setup).body
        assert [type(n) for n in setup] == [ast.ImportFrom, ast.Expr, ast.Delete]
        call = setup[1].value  # use_prepared(path, region=..., wave=..., sha256=...): literals only
        assert all(isinstance(a, ast.Constant) for a in [*call.args, *(k.value for k in call.keywords)])
        assert {k.arg: ast.literal_eval(k.value) for k in call.keywords}["region"] == job.title
        notebook = parameterize_notebook(load_notebook_node(str(job.notebook)), job.parameters,
                                         kernel_name=KERNEL_NAME, language="python")
        cell = next(c for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", []))
        statements = ast.parse(cell.source).body
        assert all(isinstance(n, ast.Assign) for n in statements)
        values = {n.targets[0].id: ast.literal_eval(n.value) for n in statements}
        assert values["region"] == job.title


# -- the report: hostile data --------------------------------------------------------------------------------------
def test_hostile_data_reach_the_report_unchanged(hostile):
    frame, prepared, reports = hostile
    assert prepared.regions == sorted(REGIONS)
    for region, report in reports.items():
        assert not report.small and report.region == region
        answers = [a for g in report.section("open").figures[0].data["groups"] for a in g["answers"]]
        assert set(CORE) <= set(answers), "the scrubber must pass the markup payloads on unchanged"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_section_html_shows_hostile_data_as_text(hostile, language):
    frame, prepared, reports = hostile
    latest = frame[frame["wave"] == frame["wave"].max()]
    named = set()
    for region, report in reports.items():
        page = report_html(report, language)
        text = check_fragment(page)
        assert_shown(region, page, text)
        organisations = latest.loc[(latest["region"] == region) & (latest["organisation_type"] == "gemeente"),
                                   "organisation"].unique()
        for organisation in organisations:
            assert_shown(organisation, page, text)
        named |= set(organisations)
        open_section = report.section("open")
        groups = open_section.figures[0].data["groups"]
        assert groups and all(g["shown"] for g in groups)
        for answer in (a for g in groups for a in g["answers"]):
            assert_shown(answer, page, text)
        for key in ("municipalities", "within"):  # the heat-map row headers that ran as markup
            section_text = check_fragment(View(report, language).section_html(report.section(key)))
            assert all(organisation in section_text for organisation in organisations)
    assert named == set(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_title_shows_any_region_name_as_text(hostile, payload):
    report = dataclasses.replace(hostile[2][REGIONS[2]], region=payload)
    for language in ("nl", "en"):
        fragment = View(report, language).title_html()
        assert_shown(payload, fragment, check_fragment(fragment))


def test_sidecar_holds_hostile_data_as_plain_strings(hostile):
    frame, prepared, reports = hostile
    for region, report in reports.items():
        sidecar = json.loads(json.dumps(report_json(report), ensure_ascii=False))
        assert sidecar["region"] == region
        organisations = sidecar["structure"]["nesting"]["organisation"]
        own = frame.loc[(frame["region"] == region) & (frame["wave"] == frame["wave"].max())
                        & (frame["organisation_type"] == "gemeente"), "organisation"].unique()
        assert len(own) > 30 and all(organisations[o] == {"organisation_type": "gemeente", "region": region}
                                     for o in own)
        groups = next(s for s in sidecar["sections"] if s["key"] == "open")["figures"][0]["data"]["groups"]
        assert set(CORE) <= {a for g in groups for a in g["answers"]}


def test_figures_of_hostile_data_draw(hostile):
    report = hostile[2][REGIONS[0]]
    view = View(report, "nl")
    drawn = 0
    for section in report.sections:
        fig = view.figure(section)
        if fig is not None:
            fig.savefig(BytesIO(), format="png")
            drawn += 1
            plt.close(fig)
    assert drawn >= 3


# -- the report: a hostile instrument ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def instrument_report(demo, hostile_instrument):
    path, instrument, injected = hostile_instrument
    region = sorted(demo["region"].unique())[0]
    frame = demo[(demo["region"] == region).to_numpy()].reset_index(drop=True)
    prepared = prepare(responses=without_invariance(frame, instrument), instrument=instrument, min_group_size=2,
                       min_comment_group_size=2, waves="latest")
    return region_report(prepared.region(region)), instrument, injected


def test_hostile_instrument_loads_its_texts_as_written(hostile_instrument):
    path, instrument, injected = hostile_instrument
    assert {p for texts in injected.values() for p in texts.values()} == set(PAYLOADS)
    assert all(instrument.item_by_id[i].text == {k: v.strip() for k, v in texts.items()}
               for (kind, i), texts in injected.items() if kind == "item")
    assert instrument.scale.labels[1] == {k: v.strip() for k, v in injected[("scale", "1")].items()}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_section_html_shows_hostile_instrument_texts_as_text(instrument_report, language):
    report, instrument, injected = instrument_report
    page = report_html(report, language)
    text = check_fragment(page)
    measures = [row["measure"] for row in report.section("summary").figures[0].data["rows"]]
    stages = [s.id for s in instrument.scales if s.role == "stage"]
    items = instrument.module("vertrouwen").item_ids
    functions = [row[0].id for row in report.section("respondents").tables[0].rows if row[0].kind == "function"]
    questions = {g["question"] for g in report.section("open").figures[0].data["groups"]}
    expected = ([("measure", m) for m in measures + stages] + [("item", i) for i in items]
                + [("function", f) for f in functions] + [("type", t) for t in ("gemeente", "zorgaanbieder")]
                + [("open", q) for q in questions])
    for key in expected:
        assert_shown(injected[key][language].strip(), page, text)
    assert_shown(instrument.version, page, text)
    assert len({injected[k][language] for k in expected}) >= 40


def test_figures_show_hostile_instrument_labels_literally(instrument_report):
    report, instrument, injected = instrument_report
    for language in ("nl", "en"):
        view = View(report, language)
        shown = set()
        for section in report.sections:
            fig = view.figure(section)
            if fig is None:
                continue
            fig.savefig(BytesIO(), format="png")  # a mathtext label would fail here
            shown |= {shown_text(t) for t in fig.findobj(Text)}
            plt.close(fig)
        measures = [row["measure"] for row in report.section("summary").figures[0].data["rows"]]
        labels = [injected[("measure", m)][language].strip() for m in measures]
        labels += [injected[("scale", str(v))][language].strip() for v in instrument.scale.values]
        labels += [injected[("type", t)][language].strip() for t in ("gemeente", "zorgaanbieder")]
        missing = [lab[:60] for lab in labels if lab not in shown]
        assert not missing, missing


def test_figure_images_carry_hostile_labels_only_as_escaped_text(instrument_report):
    """A figure is an <img> of an SVG (which cannot run scripts when loaded as an image) whose
    alt text names the instrument's labels as plain text; the SVG holds them as escaped text."""
    import base64

    from monitor.reports.present import TABLE_STYLE

    report, instrument, injected = instrument_report
    view = View(report, "nl")
    figures = 0
    for section in report.sections:
        html = view.figure_html(section)
        if not html:
            continue
        figures += 1
        markup = parse(html)
        assert_report_markup(markup.tags, markup.ends, markup.other)
        attrs = dict(next(a for t, a in markup.tags if t == "img"))
        svg = base64.b64decode(attrs["src"].split(",", 1)[1]).decode("utf-8")
        from xml.etree import ElementTree

        root = ElementTree.fromstring(svg.encode("utf-8"))  # well-formed XML, or a browser shows nothing
        for element in root.iter():
            tag = element.tag.rsplit("}", 1)[-1]
            assert tag not in ("script", "foreignObject", "iframe", "a", "image"), tag  # <use> only with "#" below
            for name, value in element.attrib.items():
                name = name.rsplit("}", 1)[-1]
                assert not name.startswith("on"), (tag, name)
                assert name != "href" or value.startswith("#"), (tag, value)
        assert attrs["alt"] == view.figure_alt(section)  # the parser decoded the escaped attribute back
    assert figures >= 3
    assert "url(" not in TABLE_STYLE and "@import" not in TABLE_STYLE


def test_validity_sentences_show_instrument_labels_as_text(demo, hostile_instrument):
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from monitor.analyses import validity
    from monitor.survey.scoring import reverse_key

    path, instrument, injected = hostile_instrument
    frame = demo[(demo["wave"] == demo["wave"].max()).to_numpy()].reset_index(drop=True)
    items = reverse_key(frame, instrument)[instrument.module("vertrouwen").item_ids].astype("float64")
    vd = validity.ValidityData(frame=frame, items=items, target={}, instrument=instrument, module="vertrouwen",
                               wave=int(frame["wave"].max()), source=DEMO_DATA)
    _table, sentence = validity.sample_summary(vd)  # display(Markdown(sentence)) in notebooks/validity.ipynb
    markup = parse(markdown2html_mistune(sentence))
    assert {t for t, _ in markup.tags} <= {"p"}, sentence[:200]


# -- exported tables -----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    table = pd.DataFrame({"item text": PAYLOADS, "alpha": np.linspace(-0.9, 0.9, len(PAYLOADS)),
                          "n": np.arange(len(PAYLOADS)) - 3}, index=pd.Index(PAYLOADS[::-1], name="item_id"))
    paths = export_table(table, "hostile", tmp_path_factory.mktemp("tables"), "Item statistics", number=1,
                         bounded=("alpha",))
    return table, paths


def test_csv_export_neutralises_formulas(exported):
    table, paths = exported
    with open(paths["csv"], newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["item_id", "item text", "alpha", "n"] and len(rows) == len(PAYLOADS) + 1
    for row, (label, original) in zip(rows[1:], table.iterrows(), strict=True):
        for cell, value in ((row[0], label), (row[1], original["item text"])):
            assert cell == ("'" if value.startswith(FORMULA_START) else "") + re.sub(r"\r\n?", "\n", value)
            assert not cell.startswith(FORMULA_START)
        assert float(row[2]) == original["alpha"] and int(row[3]) == original["n"]  # numbers stay numbers
    assert any(r[3].startswith("-") for r in rows[1:])


def test_markdown_export_escapes_labels_and_cells(exported):
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    table, paths = exported
    rendered = markdown2html_mistune(paths["md"].read_text(encoding="utf-8"))
    markup = parse(rendered)
    tags = {t for t, _ in markup.tags} | set(markup.ends)
    assert tags <= {"p", "strong", "em", "table", "thead", "tbody", "tr", "th", "td"}, tags
    assert {(t, n) for t, a in markup.tags for n, _ in a} <= {("th", "style"), ("td", "style")}
    assert len([t for t, _ in markup.tags if t == "tr"]) == len(PAYLOADS) + 1  # no row broken, none added
    text = " ".join(" ".join(markup.text).split())
    for payload in PAYLOADS:
        assert " ".join(one_line(payload).split()) in text, payload[:80]


def test_latex_export_escapes_labels_and_cells(exported):
    table, paths = exported
    tex = paths["tex"].read_text(encoding="utf-8")
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", tex)
    rest = tex
    # Every payload as the export writes it for pdfLaTeX: escaped, then symbols and letters beyond Latin-1 as commands.
    for payload in sorted(PAYLOADS, key=len, reverse=True):
        assert latex_text(payload) in rest, payload[:80]
        rest = rest.replace(latex_text(payload), "")
    commands = set(re.findall(r"\\([A-Za-z]+|.)", rest))
    assert commands <= {"begin", "end", "caption", "label", "toprule", "midrule", "bottomrule", "\\", "_",
                        "centering", "usepackage"}, commands  # usepackage: the header comment naming booktabs
    assert "item\\_id" in tex and "\\input" not in tex


# -- end to end ----------------------------------------------------------------------------------------------------
class Page(HTMLParser):
    """A whole page, split into what lies inside the report's HTML outputs and the rest."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside: list[tuple[str, list]] = []
        self.inside_ends: list[str] = []
        self.outside: list[tuple[str, list]] = []
        self.other: list[str] = []
        self.text: list[str] = []
        self.title = ""
        self._divs, self._start, self._in_title = 0, None, False

    def handle_starttag(self, tag, attrs):
        (self.inside if self._start is not None else self.outside).append((tag, attrs))
        if tag == "div" and self._start is None:
            self._divs += 1
            if dict(attrs).get("data-mime-type") == "text/html":
                self._start = self._divs
        elif tag == "div":
            self._divs += 1
        self._in_title = tag == "title"

    def handle_startendtag(self, tag, attrs):
        (self.inside if self._start is not None else self.outside).append((tag, attrs))

    def handle_endtag(self, tag):
        self._in_title = False
        if tag == "div":
            if self._start == self._divs:
                self._start = None
                self._divs -= 1
                return
            self._divs -= 1
        if self._start is not None:
            self.inside_ends.append(tag)

    def handle_data(self, data):
        if self._start is not None:
            self.text.append(data)
        if self._in_title:
            self.title += data

    def handle_comment(self, data):
        if self._start is not None:
            self.other.append(data)

    def outside_shape(self) -> Counter:
        return Counter((tag, tuple(sorted(n for n, _ in attrs))) for tag, attrs in self.outside)


def read_page(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def reference_page(notebook_path: Path, folder: Path) -> str:
    """The same notebook with every report output replaced by clean text, as HTML: the template's own markup."""
    import nbformat

    from monitor.render.html import to_html

    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if "text/html" in output.get("data", {}):
                output["data"]["text/html"] = "<p>schoon</p>"
    path = folder / f"reference-{notebook_path.stem}.ipynb"
    nbformat.write(notebook, path)
    return to_html(path)


def chromium_dom(page: Path, profile: Path) -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    done = subprocess.run([browser, "--headless", "--dump-dom", "--no-sandbox", "--disable-gpu",
                           "--disable-background-networking", "--disable-component-update", "--no-first-run",
                           f"--user-data-dir={profile}", page.resolve().as_uri()],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0 and "<html" in done.stdout, done.stderr[-2000:]
    return done.stdout


def html_newlines(text: str) -> str:
    """An HTML page reads CR LF and CR as LF (the HTML standard's input-stream preprocessing)."""
    return re.sub(r"\r\n?", "\n", text)


def csv_text(value: str) -> str:
    """What the end-to-end CSV holds: load_responses reads no NUL byte (a binary file to it)."""
    return value.replace("\x00", "")


@pytest.mark.slow
def test_rendered_reports_are_safe_in_every_format(tmp_path, demo, hostile_instrument):
    import importlib.util

    import nbformat

    if importlib.util.find_spec("monitor.privacy.disclosure") is None:
        pytest.skip("monitor.privacy.disclosure (the audit render() runs) has not landed yet")
    from monitor.core.texts import text as worded
    from monitor.render.html import external_resources
    from monitor.render.publish import render

    instrument_path, instrument, injected = hostile_instrument
    data_path = tmp_path / "hostile.csv"
    # What a CSV holds and the loader reads back (no NUL, cells stripped), each once; every field quoted, as
    # survey tools export text (pandas would leave a lone CR bare: a row break to readers).
    payloads = list(dict.fromkeys(csv_text(p).strip() for p in PAYLOADS))
    make_hostile(demo, payloads).to_csv(data_path, index=False, encoding="utf-8", quoting=csv.QUOTE_ALL)
    loaded = load_responses(data_path, instrument)
    out = tmp_path / "reports"
    results = render(data_path=str(data_path), regions=REGIONS, jobs=1, include=("regions",), out_dir=out,
                     progress=False, instrument_path=str(instrument_path), min_group_size=2, min_comment_group_size=2)
    assert [r.error for r in results if not r.ok] == [] and len(results) == len(REGIONS)
    names = {r.title: r.name for r in results}
    assert set(names) == set(REGIONS) and len(set(names.values())) == len(REGIONS)
    assert all(FILE_NAME.fullmatch(n) for n in names.values())
    folder = next(p for p in out.iterdir() if p.is_dir())
    assert {p.name for p in folder.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")} == set()

    latest = loaded[loaded["wave"] == loaded["wave"].max()]
    pages = {}
    for region, name in names.items():
        expected = list(latest.loc[(latest["region"] == region) & (latest["organisation_type"] == "gemeente"),
                                   "organisation"].unique()) + [region]
        # the notebook: every HTML output holds only the report's markup, and no Markdown output
        notebook = nbformat.read(folder / f"{name}.ipynb", as_version=4)
        outputs = [o for c in notebook.cells for o in c.get("outputs", [])]
        assert not [o for o in outputs if o["output_type"] == "error"]
        assert not [o for o in outputs if "text/markdown" in o.get("data", {})]
        shown = "\n".join(o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {}))
        text = check_fragment(shown)
        for value in expected:
            assert_shown(value, shown, text)
        # the HTML page: report markup inside the outputs, the template's own markup around them
        source = (folder / f"{name}.html").read_text(encoding="utf-8")
        assert external_resources(source) == []
        page = read_page(source)
        assert_report_markup(page.inside, page.inside_ends, page.other)
        page_text = "".join(page.text)
        missing = [v[:60] for v in expected if html_newlines(v) not in page_text]
        assert not missing, missing
        assert all(p not in source for p in CORE if "<" in p), "a payload stands in the page as markup"
        clean = reference_page(folder / f"{name}.ipynb", tmp_path)
        assert page.outside_shape() == read_page(clean).outside_shape()
        assert source.count("<script") == clean.count("<script")
        pages[name] = (source, clean)
        # the sidecar: the same strings, plain
        sidecar = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        assert sidecar["region"] == region
        assert set(expected[:-1]) <= set(sidecar["structure"]["nesting"]["organisation"])
        groups = next(s for s in sidecar["sections"] if s["key"] == "open")["figures"][0]["data"]["groups"]
        assert set(CORE) <= {a for g in groups for a in g["answers"]}
        assert sidecar["labels"]["item"]["nw1"]["nl"] == injected[("item", "nw1")]["nl"].strip()
        # labels from the instrument in the page as text
        assert injected[("item", "nw1")]["nl"].strip() in page_text

    index = (folder / "index.html").read_text(encoding="utf-8")
    markup = parse(index)
    assert {t for t, _ in markup.tags} <= {"html", "head", "meta", "title", "style", "body", "main", "h1", "p", "table",
                                           "thead", "tbody", "tr", "th", "td", "a", "button", "script"}
    links = [dict(a)["href"] for t, a in markup.tags if t == "a"]
    assert links and all(re.fullmatch(r"[a-z0-9-]+\.(?:html|pdf|json)", h) for h in links)
    assert not [n for _, a in markup.tags for n, _ in a if n.startswith("on")]
    assert all(r in "".join(markup.text) for r in REGIONS)

    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        pytest.skip("chromium is not installed: the DOM check did not run (every other format was checked)")
    for name, (_source, clean) in pages.items():
        (tmp_path / f"clean-{name}.html").write_text(clean, encoding="utf-8")
        dom = read_page(chromium_dom(folder / f"{name}.html", tmp_path / "profile"))
        reference = read_page(chromium_dom(tmp_path / f"clean-{name}.html", tmp_path / "profile"))
        assert_report_markup(dom.inside, dom.inside_ends, dom.other)
        assert dom.outside_shape() == reference.outside_shape()
        everything = dom.inside + dom.outside
        assert sum(t == "script" for t, _ in everything) == sum(t == "script" for t, _ in reference.outside)
        assert not [(t, n) for t, a in everything for n, _ in a if n.startswith("on")]
        assert not [t for t, _ in everything if t in ("iframe", "object", "embed", "base", "svg", "math", "link")]
        # The page is titled with the report's title, the region's name in it as plain text (the
        # reference has no report heading to take a title from); no script renamed it to "PWNED".
        region = next(r for r, n in names.items() if n == name)
        assert dom.title == worded("report_title", "nl", region=region, wave=int(folder.name)) != "PWNED"
        assert PWN in "".join(dom.text)
    index_dom = read_page(chromium_dom(folder / "index.html", tmp_path / "profile"))
    assert {t for t, _ in index_dom.outside} <= {"html", "head", "meta", "title", "style", "body", "main", "h1", "p",
                                                 "table", "thead", "tbody", "tr", "th", "td", "a", "button", "script"}
    assert not [(t, n) for t, a in index_dom.outside for n, _ in a if n.startswith("on")]
    assert index_dom.title == f"Samenwerkingsmonitor — meting {folder.name}"  # the title the page was written with


# -- the PDF -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["nl", "en"])
def test_pdf_shows_hostile_data_as_text_inside_the_text_block(hostile, language):
    """Every region, municipality name (together: every payload) and open answer reads back from
    the PDF as written, no compile fails, and no text runs out of its cell or the text block."""
    import pdfplumber

    from monitor.reports.pdf import MAX_CELL, report_pdf

    from .pdf_reading import A4, assert_inside_and_apart, assert_reads_back, stream_text

    frame, prepared, reports = hostile
    latest = frame[frame["wave"] == frame["wave"].max()]
    named = set()
    for region, report in reports.items():
        with pdfplumber.open(BytesIO(report_pdf(View(report, language)))) as pdf:
            text = stream_text(pdf)
            organisations = list(latest.loc[(latest["region"] == region) & (latest["organisation_type"] == "gemeente"),
                                            "organisation"].unique())
            answers = [a for g in report.section("open").figures[0].data["groups"] for a in g["answers"]]
            for value in [region, *answers]:
                assert_reads_back(value, text)
            for name in organisations:  # in table cells: cut at MAX_CELL characters
                assert_reads_back(name if len(name) <= MAX_CELL else name[:MAX_CELL] + "…", text)
            named |= set(organisations)
            assert pdf.pages[0].width == pytest.approx(A4[0], abs=0.5)
            for page in pdf.pages[1:]:
                assert_inside_and_apart(page)
    assert named == set(PAYLOADS)
