"""The check machinery: never raises, names the learner's error, and can fail."""

import numpy as np

from convhelpers import (
    call_learner,
    check_array,
    check_center_pixel,
    check_class_counts,
    load_digits,
    report,
)


def test_report_prints_and_returns(capsys):
    assert report(True, "fine", hint="unused") is True
    assert report(False, "wrong", hint="try this") is False
    out = capsys.readouterr().out
    assert "✅ fine" in out and "❌ wrong" in out and "💡 Hint: try this" in out
    assert out.count("Hint") == 1


def test_call_learner_reports_errors_in_learner_code():
    def broken(x):
        y = x / 0
        return [][y]

    ok, value, problem = call_learner(broken, 1)
    assert not ok and value is None
    assert problem.startswith("your function raised ZeroDivisionError: division by zero")
    assert "`y = x / 0`" in problem
    ok, value, problem = call_learner(lambda x: x + 1, 1)
    assert (ok, value, problem) == (True, 2, None)
    ok, _, problem = call_learner("not a function", 1)
    assert not ok and "expected a function, got str" in problem


def test_call_learner_stops_slow_code():
    def forever():
        while True:
            pass

    ok, _, problem = call_learner(forever, time_limit=0.2)
    assert not ok and "longer than 0.2 s" in problem


def test_check_array_right_and_wrong(capsys):
    assert check_array([1, 2], np.array([1, 2]), "thing")
    assert not check_array([1, 3], np.array([1, 2]), "thing", hint="look again")
    assert not check_array(np.zeros(3), np.zeros(2), "thing")
    assert not check_array(None, np.zeros(2), "thing")
    assert not check_array("abc", np.zeros(2), "thing")
    out = capsys.readouterr().out
    assert "1 of 2 values differ" in out and "expected shape (2,), got (3,)" in out
    assert "forget to `return`" in out and "expected numbers, got str" in out


def test_start_here_exercises(capsys):
    good = np.zeros((5, 5), dtype=np.uint8)
    good[2, 2] = 255
    assert check_center_pixel(good)
    wrong_place = np.zeros((5, 5), dtype=np.uint8)
    wrong_place[3, 3] = 255
    assert not check_center_pixel(wrong_place)
    assert not check_center_pixel(good.astype(float))
    assert not check_center_pixel(None)
    assert not check_center_pixel(...)
    _, labels = load_digits()
    assert check_class_counts(np.bincount(labels))
    assert not check_class_counts(np.full(10, 1000))
    assert not check_class_counts(None)
    out = capsys.readouterr().out
    assert out.count("✅") == 2 and out.count("❌") == 6
    assert "still `...`" in out  # check_center_pixel(...)


def _stub(x): ...  # an untouched exercise: the body is just `...`


def _stub_with_docstring(x):
    """Return x + 1."""
    # your code here
    ...


def _returns_ellipsis(x):
    return ...


def _forgets_return(x):
    y = x + 1  # noqa: F841 -- the learner forgot `return y`


def _returns_none(x):
    return None


def test_call_learner_says_an_untouched_stub_is_unwritten():
    unwritten = "you have not written the function yet: replace the `...` with your code"
    for stub in (_stub, _stub_with_docstring):
        ok, value, problem = call_learner(stub, 1)
        assert (ok, value) == (False, None)
        assert problem == f"`{stub.__name__}` is still just `...` — {unwritten}"
    for gives_dots in (_returns_ellipsis, lambda x: ...):
        ok, value, problem = call_learner(gives_dots, 1)
        assert (ok, value) == (False, None)
        assert problem == f"your function returned `...` — {unwritten}"
    # Functions that were written, but return None, are called and give None back.
    assert call_learner(_forgets_return, 1) == (True, None, None)
    assert call_learner(_returns_none, 1) == (True, None, None)
    assert call_learner(lambda x: None, 1) == (True, None, None)


def test_an_unwritten_value_is_named_as_such(capsys):
    assert not check_array(..., np.zeros(2), "thing")
    assert not check_center_pixel(...)
    out = capsys.readouterr().out
    assert out.count("your answer is still `...`: you have not written it yet") == 2
    assert "Ellipsis" not in out and "ellipsis" not in out
