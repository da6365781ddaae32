"""De-identification of open answers (monitor.privacy.deidentify, DEDUCE): recall, precision, regressions, robustness.

Definitions used on the labelled corpus ``tests/data/deidentification_corpus.yaml``:

* An identifier is **caught** when (a) its exact text no longer occurs in the scrubbed answer, and (b) none of
  its *tokens* (runs of letters/digits; for names those of at least two characters, except titles, interfixes and
  the unit "jaar"; for every other kind all of them, so that no digit of a phone number or a plate survives) occurs
  more often as a whole word in the scrubbed answer than in the part of the original answer outside all labelled
  identifiers. So "Wethouder [naam]" catches "Wethouder Bakker", but "[naam] Amrani" does not catch "Fatima El
  Amrani", nor "06-[nummer]" or "[datum].56.78" a phone number. **Recall** = caught / labelled identifiers, overall
  and per kind.
* The **replaced spans** of an answer are the stretches of the original text that became a placeholder
  (recovered by aligning the scrubbed text with the original). **Precision** = replaced spans that overlap a
  labelled identifier / all replaced spans. A replaced span in an answer without personal data is always a
  false positive. **Word precision** = replaced words (letter/digit runs inside replaced spans) that lie inside a
  labelled identifier / all replaced words.

``python tests/test_privacy.py`` prints the figures per kind, the misses and the false positives.
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from monitor.privacy import deidentify_engine, deidentify_isolated
from monitor.privacy.deidentify import ELLIPSIS, MAX_CHARS, scrub_text, scrub_texts
from monitor.privacy.deidentify_rules import PLACEHOLDERS, IbanAnnotator
from monitor.survey.synthetic import FIRST_NAMES, LAST_NAMES

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).parent / "data" / "deidentification_corpus.yaml"
DEMO = ROOT / "data" / "demo" / "responses.csv"

RECALL_FLOOR = 0.98
# Measured on the corpus (525 answers) with deduce 3.0.6: precision 0.998 (one false positive span: "Bij De
# Linde"), word precision 0.985 (a name taken with the organisation word before it, "[naam] helpt" for "Wijkteam
# Fatima helpt"). The floors leave room for one or two extra false positives if DEDUCE's lists change.
PRECISION_FLOOR = 0.99
WORD_PRECISION_FLOOR = 0.97

_NOT_NAME_TOKENS = {
    "mevrouw", "mw", "mevr", "meneer", "dhr", "heer", "de", "dr", "drs", "mr", "prof", "ir", "wethouder",
    "burgemeester", "collega", "van", "der", "den", "het", "jaar", "jarige", "oud",
}
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in sorted(set(PLACEHOLDERS.values()), key=len, reverse=True)))


# -- metrics -------------------------------------------------------------------------------------------------

def _tokens(identifier: str, kind: str = "name") -> list[str]:
    shortest = 2 if kind in ("name", "age", "date") else 1
    return [t for t in re.findall(r"[^\W_]+", identifier) if len(t) >= shortest and t.lower() not in _NOT_NAME_TOKENS]


def _count(token: str, text: str) -> int:
    return len(re.findall(rf"(?<![^\W_]){re.escape(token)}(?![^\W_])", text))


def _label_spans(entry: dict) -> list[tuple[int, int]]:
    spans = []
    for pii in entry["pii"]:
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(pii["text"]), entry["text"])]
    return spans


def _outside_labels(entry: dict) -> str:
    text = entry["text"]
    for start, end in _label_spans(entry):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def caught(entry: dict, identifier: str, scrubbed: str, kind: str = "name") -> bool:
    """Whether ``identifier`` of the corpus entry is gone from ``scrubbed`` (definition in the module docstring)."""
    if identifier in scrubbed:
        return False
    outside, left = _outside_labels(entry), _PLACEHOLDER.sub(" ", scrubbed)  # "[e-mail]" holds no "e" of a name
    return all(_count(t, left) <= _count(t, outside) for t in _tokens(identifier, kind))


def replaced_spans(original: str, scrubbed: str) -> list[tuple[int, int]]:
    """The spans of ``original`` that became placeholders in ``scrubbed`` (alignment on the literal parts)."""
    literals = _PLACEHOLDER.split(scrubbed)
    if len(literals) == 1:
        assert scrubbed == original, (original, scrubbed)
        return []
    match = re.fullmatch("(.+?)".join(re.escape(p) for p in literals), original, flags=re.S)
    assert match is not None, f"scrubbed text does not align with the original: {original!r} -> {scrubbed!r}"
    return [match.span(i) for i in range(1, len(literals))]


def evaluate(corpus: list[dict], scrubbed: list[str]) -> dict:
    """Recall (overall and per kind), span and word precision, misses and false positives of ``scrubbed``."""
    labelled = hits = spans = true_spans = words = true_words = 0
    per_kind: dict[str, list[int]] = {}
    missed, false_positives = [], []
    for entry, out in zip(corpus, scrubbed, strict=True):
        for pii in entry["pii"]:
            labelled += 1
            found = caught(entry, pii["text"], out, pii["kind"])
            hits += found
            tally = per_kind.setdefault(pii["kind"], [0, 0])
            tally[0] += found
            tally[1] += 1
            if not found:
                missed.append((pii["kind"], pii["text"], out))
        labels = _label_spans(entry)
        for start, end in replaced_spans(entry["text"], out):
            spans += 1
            if any(start < b and a < end for a, b in labels):
                true_spans += 1
            else:
                false_positives.append((entry["text"][start:end], entry["text"]))
            for word in re.finditer(r"[^\W_]+", entry["text"][start:end]):
                a, b = start + word.start(), start + word.end()
                words += 1
                true_words += any(a < y and x < b for x, y in labels)
    return {"recall": hits / labelled, "precision": true_spans / spans if spans else 1.0,
            "word_precision": true_words / words if words else 1.0, "labelled": labelled, "replaced_spans": spans,
            "replaced_words": words, "recall_per_kind": {k: hit / n for k, (hit, n) in sorted(per_kind.items())},
            "labelled_per_kind": {k: n for k, (_, n) in sorted(per_kind.items())}, "missed": missed,
            "false_positives": false_positives}


def report(result: dict, sentences: int) -> str:
    """The corpus figures as lines of text (printed by ``python tests/test_privacy.py`` and by the recall test)."""
    lines = [f"{sentences} sentences, {result['labelled']} identifiers, {result['replaced_spans']} replaced spans",
             f"recall {result['recall']:.4f}  precision {result['precision']:.4f}  "
             f"word precision {result['word_precision']:.4f}"]
    lines += [f"  {kind:9} n={result['labelled_per_kind'][kind]:3}  recall {recall:.4f}"
              for kind, recall in result["recall_per_kind"].items()]
    lines += [f"missed {kind}: {text!r} in {out!r}" for kind, text, out in result["missed"]]
    lines += [f"false positive: {span!r} in {text!r}" for span, text in result["false_positives"]]
    return "\n".join(lines)


# -- fixtures ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def deidentifier():
    """The one DEDUCE instance of the session (built from the lookup cache; see monitor.privacy.deidentify_engine)."""
    return deidentify_engine.deidentifier()


@pytest.fixture(scope="session")
def corpus() -> list[dict]:
    return yaml.safe_load(CORPUS.read_text(encoding="utf-8"))["sentences"]


@pytest.fixture(scope="session")
def scrubbed_corpus(deidentifier, corpus) -> list[str]:
    return scrub_texts(entry["text"] for entry in corpus)


@pytest.fixture(scope="session")
def metrics(corpus, scrubbed_corpus) -> dict:
    return evaluate(corpus, scrubbed_corpus)


# -- the corpus ------------------------------------------------------------------------------------------------

KINDS = {"name", "phone", "email", "url", "handle", "plate", "dossier", "address", "postcode", "bsn", "iban", "date",
         "age"}


def test_corpus_is_labelled_as_documented(corpus):
    kinds = KINDS
    assert len(corpus) >= 400
    assert sum(not e["pii"] for e in corpus) >= 80
    for entry in corpus:
        for pii in entry["pii"]:
            assert pii["kind"] in kinds and pii["text"] in entry["text"], pii
        for keep in entry.get("keep", []):
            assert keep in entry["text"], keep
    per_kind = pd.Series([p["kind"] for e in corpus for p in e["pii"]]).value_counts()
    assert set(per_kind.index) == kinds and per_kind.drop("url").min() >= 5


def test_metric_definitions_can_fail():
    entry = {"text": "Vraag het maar aan Fatima El Amrani of bel 06-12345678.",
             "pii": [{"text": "Fatima El Amrani", "kind": "name"}, {"text": "06-12345678", "kind": "phone"}]}
    assert not caught(entry, "Fatima El Amrani", "Vraag het maar aan [naam] Amrani of bel [telefoonnummer].")
    assert not caught(entry, "06-12345678", "Vraag het maar aan [naam] of bel 06-[nummer].")
    assert caught(entry, "Fatima El Amrani", "Vraag het maar aan [naam] of bel [telefoonnummer].")
    result = evaluate([entry, {"text": "Zorggroep De Linde is fijn.", "pii": []}],
                      ["Vraag het maar aan [naam] Amrani of bel [telefoonnummer].", "Zorggroep De [naam] is fijn."])
    assert result["recall"] == 0.5 and result["precision"] == pytest.approx(2 / 3)


def test_recall_on_the_corpus(metrics, corpus):
    print("\n" + report(metrics, len(corpus)))  # the figures, with -s
    assert metrics["recall"] >= RECALL_FLOOR, metrics["missed"]


@pytest.mark.parametrize("kind", sorted(KINDS - {"url"}))
def test_recall_per_kind(metrics, kind):
    # url has too few labelled cases for a per-kind floor (it is in the overall recall).
    assert metrics["labelled_per_kind"][kind] >= 5
    missed = [m for m in metrics["missed"] if m[0] == kind]
    assert metrics["recall_per_kind"][kind] >= RECALL_FLOOR, missed


def test_precision_on_the_corpus(metrics):
    assert metrics["replaced_spans"] >= metrics["labelled"] * 0.9
    assert metrics["precision"] >= PRECISION_FLOOR, metrics["false_positives"]
    assert metrics["word_precision"] >= WORD_PRECISION_FLOOR, metrics["false_positives"]


def test_answers_without_personal_data_keep_their_organisations(corpus, scrubbed_corpus):
    clean = [(e, out) for e, out in zip(corpus, scrubbed_corpus, strict=True) if not e["pii"]]
    assert len(clean) >= 40
    changed = [(e["text"], out) for e, out in clean if out != e["text"]]
    assert len(changed) <= 1, changed
    for entry, out in zip(corpus, scrubbed_corpus, strict=True):
        for keep in entry.get("keep", []):
            assert keep in out, (keep, out)


def test_output_is_plain_text_with_placeholders_only(scrubbed_corpus):
    for out in scrubbed_corpus:
        assert not re.search(r"[<>]|\[[A-Z]+-\d+\]", out), out
        assert all(p in PLACEHOLDERS.values() for p in re.findall(r"\[[^\]]*\]", out)), out


# -- regressions from the issue ------------------------------------------------------------------------------

@pytest.mark.parametrize(("answer", "expected"), [
    ("Ik sprak mevrouw Jansen gisteren.", "Ik sprak [naam] gisteren."),
    ("Wethouder Bakker was er ook.", "[naam] was er ook."),
    ("Volgens dhr. Smit klopt dat niet.", "Volgens [naam] klopt dat niet."),
    ("Bel (06) 12 34 56 78 maar.", "Bel [telefoonnummer] maar."),
    ("Ons adres: Dorpsstraat 12, 9641 AB Veendam.", "Ons adres: [adres], [postcode] Veendam."),
    ("Het BSN is 111222333.", "Het BSN is [BSN]."),
    ("IBAN NL91ABNA0417164300 graag.", "IBAN [IBAN] graag."),
    ("IBAN NL91 ABNA 0417 1643 00 graag.", "IBAN [IBAN] graag."),
    ("Vraag het maar aan Fatima El Amrani.", "Vraag het maar aan [naam]."),
    ("Vraag het maar aan Naima Amrani.", "Vraag het maar aan [naam]."),
    ("Zorggroep De Linde doet het goed.", "Zorggroep De Linde doet het goed."),
    ("Gemeente Veendam en Stichting Jeugdzorg Noord overleggen.", "Gemeente Veendam en Stichting Jeugdzorg Noord overleggen."),
    ("Ik ben 54 jaar.", "Ik ben [leeftijd] jaar."),
    ("Op 12 maart 2023 begon het.", "Op [datum] begon het."),
    ("Bel +31 6 12345678 of 0031 6 1234 5678.", "Bel [telefoonnummer] of [telefoonnummer]."),
    ("Mail j.devries@voorbeeld.nl of kijk op www.voorbeeld.nl.", "Mail [e-mail] of kijk op [url]."),
    ("Met wethouder Oosterhuis gaat het beter.", "Met [naam] gaat het beter."),
    # the hard cases of issue 19
    ("Bel jan jansen even.", "Bel [naam] even."),
    ("IK SPRAK MEVROUW JANSEN.", "IK SPRAK [naam]."),
    ("Volgens dhr. de vries klopt dat niet.", "Volgens [naam] klopt dat niet."),
    ("Wijkteam Fatima en GGD Pietersen", "[naam] en GGD [naam]"),
    ("Veilig Thuis Marieke de Boer belde.", "Veilig Thuis [naam] belde."),
    ("Veilig Thuis Drenthe en GGD Hollands Noorden", "Veilig Thuis Drenthe en GGD Hollands Noorden"),
    ("Mail jan punt jansen at gemeente punt nl of j.jansen(at)ggd.nl.", "Mail [e-mail] of [e-mail]."),
    ("Volg @janjansen op X.", "Volg [account] op X."),
    ("Auto 12-ABC-3 en busje AB-123-C.", "Auto [kenteken] en busje [kenteken]."),
    ("Dossiernummer 2024-00123, zaaknummer Z/23/456789.", "Dossiernummer [nummer], zaaknummer [nummer]."),
    ("Bel 06.12.34.56.78 of 020.123.45.67.", "Bel [telefoonnummer] of [telefoonnummer]."),
    ("Mevrouw van de toegang, collega zorgaanbieders, COVID-19, 2023-2024.",
     "Mevrouw van de toegang, collega zorgaanbieders, COVID-19, 2023-2024."),
])
def test_issue_examples(deidentifier, answer, expected):
    assert scrub_text(answer) == expected


def test_bsn_needs_the_eleven_proof(deidentifier):
    assert scrub_text("BSN 111222333") == "BSN [BSN]"
    assert scrub_text("BSN 111.222.333") == "BSN [BSN]"
    assert "[BSN]" not in scrub_text("Kenmerk 111222334")  # fails the 11-proof: a long number, not a BSN
    assert "111222334" not in scrub_text("Kenmerk 111222334")


def test_iban_check():
    assert IbanAnnotator.mod97("NL91ABNA0417164300")
    assert IbanAnnotator.mod97("DE89 3704 0044 0532 0130 00")
    assert not IbanAnnotator.mod97("DE89 3704 0044 0532 0130 01")


# -- the batch form, robustness ------------------------------------------------------------------------------

def test_scrub_texts_equals_scrub_text(deidentifier, corpus):
    # The whole corpus in one batch (answers share DEDUCE documents) against one answer at a time.
    answers = [e["text"] for e in corpus] + ["", "  ", "Prima.", corpus[0]["text"], None, float("nan"),
                                             "Ik werk er sinds", "54 jaar ben ik.", "Jan", "Jansen heeft gebeld.",
                                             "Bel dhr.", "Smit over de zaak.", "Mail me op jan", "@voorbeeld.nl"]
    batch = scrub_texts(answers)
    assert batch == [scrub_text(a) for a in answers]
    assert batch[-8:-6] == ["Ik werk er sinds", "[leeftijd] jaar ben ik."]  # no context across answers
    assert scrub_texts(iter(answers)) == batch
    assert scrub_texts([]) == []
    assert scrub_texts([None, float("nan")]) == ["", ""]


def test_parallel_workers_give_the_same_result(deidentifier, corpus):
    answers = [e["text"] for e in corpus] * 2 + ["De samenwerking verloopt goed. " * 40 + "Bel Jan Jansen."]
    assert scrub_texts(answers, workers=2) == scrub_texts(answers, workers=1)


def test_a_missing_cache_is_announced_before_it_is_built(monkeypatch, tmp_path, capsys):
    built = []
    monkeypatch.setenv("MONITOR_DEIDENTIFIER_CACHE", str(tmp_path))
    monkeypatch.setattr(deidentify_engine, "prepare_deidentifier", lambda *a, **k: built.append(tmp_path))
    assert deidentify_engine.ensure_cache() == tmp_path
    assert built == [tmp_path]
    assert capsys.readouterr().err == deidentify_engine.BUILD_MESSAGE + "\n"
    monkeypatch.delenv("MONITOR_DEIDENTIFIER_CACHE")
    built.clear()
    deidentify_engine.ensure_cache()  # the session's cache is there: nothing is said, nothing built
    assert built == [] and capsys.readouterr().err == ""


def test_prepare_command_line(deidentifier):
    done = subprocess.run([sys.executable, "-m", "monitor.privacy.deidentify", "--prepare"], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("de-identification lookup is up to date in")
    assert done.stderr == ""


@pytest.mark.parametrize("answer", [
    "", " ", "\n\t", "<script>alert('Jan Jansen')</script>", "\x00Jan\x00 Jansen 06-12345678\x00",
    "\u202eJansen\u202c mevrouw \u200f06\u200b-12345678", "\ud800 lone surrogate", "🙂" * 50, "[naam] [",
    "a" * 100_000, "Jan Jansen " * 20_000, "0" * 5000, "06-" * 3000, "@" * 10_000, "NL" * 5000, "日本語のテキスト",
    "Ø", "'" * 999, "\\" * 777, "(" * 5000 + ")" * 5000,
])
def test_hostile_input_does_not_raise(deidentifier, answer):
    start = time.perf_counter()
    out = scrub_text(answer)
    assert isinstance(out, str) and time.perf_counter() - start < 10
    assert len(out) <= MAX_CHARS + len(ELLIPSIS)
    assert "\x00" not in out and "\u202e" not in out


def test_an_answer_deduce_fails_on_is_withheld_whole(deidentifier, monkeypatch):
    real = deidentifier.deidentify

    def flaky(text, *args, **kwargs):
        if "BOOM" in text:
            raise RecursionError("maximum recursion depth exceeded")
        return real(text, *args, **kwargs)

    monkeypatch.setattr(deidentifier, "deidentify", flaky)
    answers = ["Bel Jan Jansen.", "Jansen zegt BOOM.", "Prima.", "Lang verhaal. " * 30 + "BOOM"]
    assert scrub_texts(answers) == ["Bel [naam].", PLACEHOLDERS["answer"], "Prima.", PLACEHOLDERS["answer"]]


def test_invisible_characters_cannot_hide_an_identifier(deidentifier):
    out = scrub_text("Bel mevrouw Jan\u00adsen op 06\u200b-12345678.")
    assert out == "Bel [naam] op [telefoonnummer]."
    assert scrub_text("<script>alert('Jan Jansen')</script>") == "<script>alert('[naam]')</script>"


def test_long_answers_are_cut_visibly(deidentifier):
    answer = "De samenwerking verloopt goed. " * 500 + "Bel Jan Jansen op 06-12345678."
    out = scrub_text(answer)
    assert len(answer) > MAX_CHARS and out.endswith(" …") and len(out) <= MAX_CHARS + 2
    assert "Jansen" not in out
    short = "Bel Jan Jansen op 06-12345678."
    assert scrub_text(short) == "Bel [naam] op [telefoonnummer]."


def test_importing_deduce_leaves_logging_alone(deidentifier):
    # deduce's import calls logging.basicConfig(stream=sys.stdout, level=DEBUG); monitor.privacy.deidentify_engine undoes that.
    assert not any(getattr(h, "stream", None) is sys.stdout for h in logging.getLogger().handlers)
    assert logging.getLogger().level != logging.DEBUG


# -- the committed demo data -----------------------------------------------------------------------------------

def test_demo_answers_keep_no_simulated_name(deidentifier):
    frame = pd.read_csv(DEMO, usecols=["open_goed", "open_anders"], dtype="string")
    answers = pd.concat([frame["open_goed"], frame["open_anders"]]).dropna().tolist()
    out = scrub_texts(answers)
    with_names = [(a, o) for a, o in zip(answers, out, strict=True) if "Vraag het maar aan" in a]
    assert len(with_names) >= 5
    words = {w for name in LAST_NAMES + FIRST_NAMES for w in name.split() if w[0].isupper()}
    for answer, clean in zip(answers, out, strict=True):
        assert "@" not in clean and not re.search(r"06-\d", clean), clean
        assert "[naam] Amrani" not in clean
        survivors = [w for w in words if _count(w, clean) > 0]
        assert not survivors, (answer, clean)
    untouched = [(a, o) for a, o in zip(answers, out, strict=True) if not re.search(r"@|06-\d|Vraag het", a)]
    assert len(untouched) > 1000 and all(a == o for a, o in untouched)


if __name__ == "__main__":  # python tests/test_privacy.py: the corpus figures, misses and false positives
    entries = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))["sentences"]
    print(report(evaluate(entries, scrub_texts(e["text"] for e in entries)), len(entries)))


def test_isolated_scrub_gives_the_same_text_and_keeps_the_lookups_out_of_this_process(corpus, scrubbed_corpus,
                                                                                      monkeypatch):
    """``monitor render`` scrubs in a child process so that its own memory never holds DEDUCE's lookups."""
    monkeypatch.setattr(deidentify_engine, "_DEIDENTIFIER", None)
    texts = [entry["text"] for entry in corpus]
    assert deidentify_isolated.scrub_texts_isolated(texts) == scrubbed_corpus
    assert deidentify_engine._DEIDENTIFIER is None  # this process built no de-identifier
    assert deidentify_isolated.scrub_texts_isolated([]) == []


def test_the_isolated_scrubber_loads_ahead_and_stops_when_not_needed(monkeypatch):
    """``prepare(isolate_deidentification=True)`` starts the child before reading the data; a
    scrubber that is never called is stopped (not awaited), and a child's error reaches the caller."""
    import signal
    import threading
    from multiprocessing import Pipe

    scrubber = deidentify_isolated.IsolatedScrubber()
    child = scrubber._process
    assert child.is_alive(), "the child starts loading the de-identifier before it is asked anything"
    scrubber.close()
    assert child.exitcode == -signal.SIGTERM, "an unneeded child is stopped while it loads, not awaited"

    def boom(_answers):
        raise ValueError("no lookups")

    monkeypatch.setattr(deidentify_isolated, "deidentifier", lambda: None)
    monkeypatch.setattr(deidentify_isolated, "scrub_texts", boom)
    ours, theirs = Pipe()
    thread = threading.Thread(target=deidentify_isolated._scrub_child, args=(theirs,))
    thread.start()
    ours.send(["Bel Jan"])
    kind, error = ours.recv()
    thread.join(5)
    assert kind == "error" and isinstance(error, ValueError) and str(error) == "no lookups"


def test_prepare_with_isolated_deidentification_equals_prepare_in_process():
    from monitor.reports.prepare import prepare

    isolated = prepare(None, isolate_deidentification=True, waves="latest")
    here = prepare(None, waves="latest")
    questions = [q for q in isolated.instrument.open_question_ids if q in isolated.frame]
    assert questions
    pd.testing.assert_frame_equal(isolated.frame[questions], here.frame[questions])
    assert isolated.frame[questions].notna().sum().sum() > 0


def test_the_lookups_are_frozen_out_of_the_collectors_sight_with_almost_no_garbage():
    """The de-identifier's tries are moved out of the cyclic collector's sight without a full
    collection first (which would walk them, a second or more); the garbage thereby kept for the
    process's lifetime is a handful of objects."""
    code = ("import gc, monitor.privacy.deidentify_engine as p\np.deidentifier()\nfrozen = gc.get_freeze_count()\n"
            "gc.unfreeze()\nprint(frozen, gc.collect())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    frozen, garbage = map(int, done.stdout.split())
    assert frozen > 1_000_000, "the lookup tries are frozen"
    assert garbage < 1_000
