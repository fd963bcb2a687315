"""The start-here environment report and the slider that proves widgets work."""

from convhelpers import environment_report, slider_check


def test_environment_report(capsys):
    assert environment_report() is True
    out = capsys.readouterr().out
    for name in ("Python", "numpy", "ipywidgets", "jupyterlab"):
        assert name in out
    assert "✅" in out


def test_slider_check_follows_the_slider():
    box = slider_check()
    slider, label = box.children
    slider.value = 7
    assert "7 × 7 = 49" in label.value
    slider.value = 0
    assert "0 × 0 = 0" in label.value
