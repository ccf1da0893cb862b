"""`pyharness calibrate` and the explanation scorer's validity on graded sets.

Three sets of graded answers ship in tests/data/explanations/: audit-tune.jsonl,
which the rubrics and phrase lists were tuned on, and two held out from tuning:
audit-heldout.jsonl (written by a blind auditor; read by earlier sessions since)
and audit-heldout2.jsonl (written and graded before its author read the rubrics
or the scorer).  Each set
holds every kind of answer the scorer must handle (plain-words excellent,
mostly code, mediocre, partly wrong, confident misconception, vague,
keyword-stuffed, injection, off-topic, Spanish, French, German).  This test
scores both offline and asserts the goals of issue 13 on each, one test per
goal, where the scorer meets them (`make bench` prints every figure for every
set side by side, met or not).  The command itself is checked too: report
shape, errors that name file and line, exit statuses.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path
from typing import Any

BIN = os.environ.get("PYHARNESS_BIN", "")
SOURCE = Path(os.environ.get("PYHARNESS_SOURCE", Path(__file__).resolve().parents[2]))
DATA = SOURCE / "tests" / "data" / "explanations"
WEAK = ("misconception", "vague", "keywords", "off_topic", "injection")
OTHER_LANGUAGES = ("es", "fr", "de")


def calibrate(path: Path, *args: str) -> dict[str, Any]:
    p = subprocess.run([BIN, "calibrate", str(path), "--json", "--exercises",
                        str(SOURCE / "exercises"), *args],
                       capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise AssertionError("calibrate %s failed (%d): %s" % (path, p.returncode, p.stderr))
    return json.loads(p.stdout)


def by_kind(report: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [a for a in report["answers"] if a.get("kind") == kind]


def brief(a: dict[str, Any]) -> str:
    """An answer's figures for a failure message: never its text or feedback,
    so a failure on the held-out set does not show its answers to whoever
    tunes the scorer next."""
    return "line %s (%s, %s): grade %s, score %s" % (a["line"], a["question"], a.get("kind"),
                                                    a["grade"], a["score"])


class Goals:
    """The goals of issue 13, checked on one graded set."""

    set_name = ""
    report: dict[str, Any]

    @classmethod
    def setUpClass(cls) -> None:
        cls.report = calibrate(DATA / cls.set_name)

    def test_every_kind_is_in_the_set(self) -> None:
        kinds = {a.get("kind") for a in self.report["answers"]}
        for k in ("excellent", "excellent_code", "mediocre", "partly_wrong", *WEAK,
                  *OTHER_LANGUAGES):
            self.assertIn(k, kinds)

    def test_english_spearman_at_least_0_75(self) -> None:
        self.assertGreaterEqual(self.report["english"]["spearman"], 0.75, self.report["english"])

    def test_confident_misconceptions_at_most_4(self) -> None:
        for a in by_kind(self.report, "misconception"):
            self.assertLessEqual(a["score"], 4.0, brief(a))

    def test_keywords_off_topic_and_injections_at_most_2(self) -> None:
        for kind in ("keywords", "off_topic", "injection"):
            for a in by_kind(self.report, kind):
                self.assertLessEqual(a["score"], 2.0, brief(a))

    def test_injections_are_flagged_for_review(self) -> None:
        for a in by_kind(self.report, "injection"):
            self.assertTrue(a["needs_review"], brief(a))
            self.assertIn("injection", a["review_reason"], brief(a))

    def test_plain_words_excellent_at_least_8(self) -> None:
        for a in by_kind(self.report, "excellent"):
            self.assertGreaterEqual(a["score"], 8.0, brief(a))

    def test_other_languages_fair_or_marked_with_no_false_feedback(self) -> None:
        names = {"es": "Spanish", "fr": "French", "de": "German"}
        for lang in OTHER_LANGUAGES:
            for a in by_kind(self.report, lang):
                if a["scored"] and abs(a["score"] - a["grade"]) <= 2:
                    continue
                self.assertTrue(a["needs_review"], brief(a))
                self.assertFalse(a["scored"], brief(a))
                self.assertIn("written in %s" % names[lang], a["review_reason"], brief(a))
                # Nothing claimed about points or style it cannot read.
                self.assertNotIn("Missing", a["feedback"], brief(a))
                self.assertNotIn("list of terms", a["feedback"], brief(a))

    def test_vague_at_most_3(self) -> None:
        for a in by_kind(self.report, "vague"):
            self.assertLessEqual(a["score"], 3.0, brief(a))


@unittest.skipUnless(BIN, "PYHARNESS_BIN is not set")
class TuneSet(Goals, unittest.TestCase):
    """The set the scorer was tuned on: every goal holds here."""

    set_name = "audit-tune.jsonl"


@unittest.skipUnless(BIN, "PYHARNESS_BIN is not set")
class HeldOutSet(Goals, unittest.TestCase):
    """The blind auditor's held-out set: read while tuning since session 5, so
    a regression check now, not a validity figure."""

    set_name = "audit-heldout.jsonl"

    # Read by sessions 5 and 6 while tuning: tuning figures now, kept as a
    # regression check.  Every goal holds (2026-11-30, session 6; before it:
    # misconception max 4.9, vague max 4.3, excellent min 3.0).


@unittest.skipUnless(BIN, "PYHARNESS_BIN is not set")
class HeldOutSet2(Goals, unittest.TestCase):
    """A second held-out set (audit-heldout2.jsonl, 60 answers), written and
    graded from the statements and the seed page before its author read the
    rubrics or the scorer, then frozen; session 6 tuned on half of it (see
    below) and kept the other half as its held-out figures."""

    set_name = "audit-heldout2.jsonl"

    # Session 6 tuned on half of this set (1-based lines n with n % 4 in
    # {0, 1}) and held the other half out (n % 4 in {2, 3}); every goal holds
    # on both halves (before: vague max 4.1 and 3.7, and the markup injection
    # posing as the grader's own fields was not flagged).


@unittest.skipUnless(BIN, "PYHARNESS_BIN is not set")
class Blind6Set(Goals, unittest.TestCase):
    """audit-blind6.jsonl (72 answers, written and graded blind in session 6),
    tuned on in session 7: a regression check.  Before session 7: a confident
    misconception at 6.8 ("__exit__ does not run if the block raises") and
    a plain-words excellent answer at 5.0; after: 3.0 and 9.0."""

    set_name = "audit-blind6.jsonl"

    def test_every_kind_is_in_the_set(self) -> None:
        kinds = {a.get("kind") for a in self.report["answers"]}
        for k in ("excellent", "mostly_code", "partly_wrong", "other_language", *WEAK):
            self.assertIn(k, kinds)

    def test_other_languages_fair_or_marked_with_no_false_feedback(self) -> None:
        names = {"es": "Spanish", "fr": "French", "de": "German"}
        others = [a for a in self.report["answers"] if a.get("kind") == "other_language"]
        self.assertTrue(others)
        for a in others:
            if a["scored"] and abs(a["score"] - a["grade"]) <= 2:
                continue
            self.assertTrue(a["needs_review"], brief(a))
            self.assertFalse(a["scored"], brief(a))
            self.assertTrue(any("written in %s" % n in a["review_reason"] for n in names.values()),
                            brief(a))
            self.assertNotIn("Missing", a["feedback"], brief(a))
            self.assertNotIn("list of terms", a["feedback"], brief(a))


@unittest.skipUnless(BIN, "PYHARNESS_BIN is not set")
class Audit8HeldOut(unittest.TestCase):
    """audit8-heldout.jsonl (44 answers): the held-out half of session 8's
    blind set, scored once blind on session 8's final main (Spearman 0.805,
    MAE 1.67, misconception max 8.4, excellent min 3.0), then added to the
    repository in session 9 as tuning data.  It names kinds its own way
    ("offtopic", "code", "partial"; other languages by "lang").  The two goals
    it does not meet are expected failures: when a change meets one, the test
    reports an unexpected success and the marker goes."""

    report: dict[str, Any]

    @classmethod
    def setUpClass(cls) -> None:
        cls.report = calibrate(DATA / "audit8-heldout.jsonl")

    def english(self, kind: str) -> list[dict[str, Any]]:
        return [a for a in by_kind(self.report, kind) if a.get("lang", "en") == "en"]

    def test_english_spearman_at_least_0_75(self) -> None:
        self.assertGreaterEqual(self.report["english"]["spearman"], 0.75, self.report["english"])

    def test_keywords_off_topic_and_injections_at_most_2(self) -> None:
        for kind in ("keywords", "offtopic", "injection"):
            self.assertTrue(self.english(kind), kind)
            for a in self.english(kind):
                self.assertLessEqual(a["score"], 2.0, brief(a))

    def test_injections_are_flagged_for_review(self) -> None:
        for a in by_kind(self.report, "injection"):
            self.assertTrue(a["needs_review"], brief(a))
            self.assertIn("injection", a["review_reason"], brief(a))

    def test_vague_at_most_3(self) -> None:
        for a in self.english("vague"):
            self.assertLessEqual(a["score"], 3.0, brief(a))

    def test_other_languages_fair_or_marked_with_no_false_feedback(self) -> None:
        others = [a for a in self.report["answers"] if a.get("lang", "en") != "en"]
        self.assertTrue(others)
        for a in others:
            if a["scored"] and abs(a["score"] - a["grade"]) <= 2:
                continue
            self.assertTrue(a["needs_review"], brief(a))
            self.assertFalse(a["scored"], brief(a))
            self.assertNotIn("Missing", a["feedback"], brief(a))
            self.assertNotIn("list of terms", a["feedback"], brief(a))

    # Not met (session 9): misconceptions up to 8.4 stated in words no rubric
    # lists before session 9's matcher changes, 6.0 after; English excellent
    # answers down to 3.0 before, 6.7 after (#13).
    @unittest.expectedFailure
    def test_confident_misconceptions_at_most_4(self) -> None:
        for a in self.english("misconception"):
            self.assertLessEqual(a["score"], 4.0, brief(a))

    @unittest.expectedFailure
    def test_plain_words_excellent_at_least_8(self) -> None:
        for a in self.english("excellent"):
            self.assertGreaterEqual(a["score"], 8.0, brief(a))


@unittest.skipUnless(BIN, "PYHARNESS_BIN is not set")
class AuthorsSets(unittest.TestCase):
    """Small sets the scorer's authors wrote to pin behaviour down (tuned on,
    so regression checks, not validity figures)."""

    def test_excellent_answers_that_deny_misconceptions_state_none(self) -> None:
        r = calibrate(DATA / "authors-excellent.jsonl")
        for a in r["answers"]:
            self.assertEqual(a["misconceptions"], 0, brief(a))
            self.assertGreaterEqual(a["score"], 4.5, brief(a))

    def test_one_line_misconceptions_are_caught(self) -> None:
        r = calibrate(DATA / "authors-misconceptions.jsonl")
        for a in r["answers"]:
            self.assertGreaterEqual(a["misconceptions"], 1, brief(a))
            self.assertLessEqual(a["score"], 2.0, brief(a))


@unittest.skipUnless(BIN, "PYHARNESS_BIN is not set")
class Command(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="ph-calibrate-"))

    def tearDown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_cmd(self, *args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
        p = subprocess.run([BIN, "calibrate", *args, "--exercises", str(SOURCE / "exercises")],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, expect, p.stdout + p.stderr)
        return p

    def test_text_report_has_every_part(self) -> None:
        out = self.run_cmd(str(DATA / "heldout.jsonl")).stdout
        for part in ("Spearman", "mean absolute error", "confusion", "9-10",
                     "worst disagreements"):
            self.assertIn(part, out)

    def test_json_report_shape(self) -> None:
        r = calibrate(DATA / "audit-tune.jsonl", "--worst", "3")
        self.assertEqual(r["scorer"], "offline")
        self.assertEqual(len(r["answers"]), 48)
        self.assertEqual(len(r["worst"]), 3)
        self.assertEqual(set(r["confusion"]), {"0-2", "3-4", "5-6", "7-8", "9-10"})
        self.assertEqual(sum(sum(row.values()) for row in r["confusion"].values()), 48)
        # 12 Spanish, French and German answers: 8 read through the glossary
        # score high enough to keep, 4 stay unscored.
        self.assertEqual(r["unscored"], 4)
        self.assertEqual(r["overall"]["n"], 44)
        self.assertEqual(r["english"]["n"], 36)
        self.assertIn("es", r["languages"])

    def test_bad_lines_name_file_and_line(self) -> None:
        f = self.tmp / "g.jsonl"
        good = json.dumps({"question": "generators-streaming", "answer": "x", "grade": 5})
        cases = {
            "not json": "{oops",
            '"grade"': json.dumps({"question": "generators-streaming", "answer": "x",
                                   "grade": 11}),
            '"question"': json.dumps({"answer": "x", "grade": 1}),
            "no-such-exercise": json.dumps({"question": "no-such-exercise", "answer": "x",
                                            "grade": 1}),
            '"exercise"': json.dumps({"exercise": "", "question": "Why?", "answer": "x",
                                      "grade": 1}),
        }
        for what, line in cases.items():
            f.write_text(good + "\n" + line + "\n")
            p = self.run_cmd(str(f), expect=2)
            self.assertIn("%s:2" % f, p.stderr, what)
            if what.startswith('"'):
                self.assertIn(what, p.stderr)
        self.run_cmd(str(self.tmp / "missing.jsonl"), expect=2)
        self.run_cmd(expect=2)
        self.run_cmd(str(DATA / "heldout.jsonl"), "--scorer", "psychic", expect=2)

    def test_a_line_may_name_its_exercise_apart_from_the_question_text(self) -> None:
        f = self.tmp / "g.jsonl"
        lines = [{"exercise": "generators-streaming", "question": "What is a Python generator?",
                  "answer": "A generator pauses at each yield.", "grade": 3},
                 {"question": "generators-streaming", "answer": "It is lazy.", "grade": 2}]
        f.write_text("".join(json.dumps(x) + "\n" for x in lines))
        r = json.loads(self.run_cmd(str(f), "--json").stdout)
        self.assertEqual([a["question"] for a in r["answers"]], ["generators-streaming"] * 2)

    def test_llm_scorer_not_configured_is_a_usage_error(self) -> None:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PYHARNESS_LLM", "OPENAI_", "ANTHROPIC_"))}
        env["XDG_CONFIG_HOME"] = str(self.tmp)
        p = subprocess.run([BIN, "calibrate", str(DATA / "heldout.jsonl"), "--scorer", "llm",
                            "--exercises", str(SOURCE / "exercises")],
                           capture_output=True, text=True, timeout=60, env=env)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("no LLM is configured", p.stderr)


if __name__ == "__main__":
    unittest.main()
