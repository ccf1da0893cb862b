"""Every exercise in the bank validates: complete JSON, the reference passes,
the starter does not, every example gets its expected verdict."""

import json
import unittest

from phtest import SOURCE, HarnessTest, run

EXPECTED_IDS = {
    "asyncio-llm-calls", "gather-vs-as-completed", "context-managers",
    "comprehension-map-filter", "profile-and-optimize", "gil-threads-processes",
    "contextvar-vs-threadlocal", "generators-streaming",
}


def exercise_ids() -> list[str]:
    return sorted(p.parent.name for p in (SOURCE / "exercises").glob("*/exercise.json"))


class ExerciseBankTests(HarnessTest):
    def test_the_eight_topics_are_there(self):
        self.assertEqual(set(exercise_ids()), EXPECTED_IDS)

    def test_each_exercise_validates(self):
        for ex in exercise_ids():
            with self.subTest(exercise=ex):
                res = run("validate", ex, timeout=900)
                self.assertEqual(res.rc, 0, f"{ex}:\n{res.stdout}\n{res.stderr}")
                self.assertIn(" 0 failed", res.stdout)

    def test_each_exercise_has_question_model_answer_and_rubric(self):
        for ex in exercise_ids():
            with self.subTest(exercise=ex):
                doc = json.loads((SOURCE / "exercises" / ex / "exercise.json").read_text())
                self.assertGreater(len(doc.get("question", "")), 40)
                self.assertGreater(len(doc.get("model_answer", "").split()), 80)
                self.assertGreaterEqual(len(doc["rubric"]["points"]), 4)
                self.assertGreaterEqual(len(doc["rubric"]["misconceptions"]), 2)
                w = doc.get("weights", {"correctness": 60, "performance": 20, "explanation": 20})
                self.assertEqual(sum(w.values()), 100)
                self.assertIn("performance", doc)

    def test_model_answers_score_high_offline(self):
        for ex in exercise_ids():
            with self.subTest(exercise=ex):
                doc = json.loads((SOURCE / "exercises" / ex / "exercise.json").read_text())
                import tempfile
                with tempfile.NamedTemporaryFile("w", suffix=".md") as f:
                    f.write(doc["model_answer"])
                    f.flush()
                    res = run("score", ex, f.name, "--json", "--scorer", "offline")
                self.assertEqual(res.rc, 0, res.stderr)
                self.assertGreaterEqual(res.json["score"], 9.0)


if __name__ == "__main__":
    unittest.main()
