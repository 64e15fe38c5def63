"""``quntag survey send``: a survey sent now from the command line, to its segment or to another one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.faces.cli import main
from tests.faces.test_cli import history, write_config

SURVEY = '''
[[surveys]]
id = "taste"
title = "口味"
segment = "红酒"
[[surveys.questions]]
id = "q"
text = "最爱？"
options = ["干红", "干白"]
'''


@pytest.fixture
def cfg(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = write_config(tmp_path)
    Path(path).write_text(Path(path).read_text(encoding="utf-8") + SURVEY, encoding="utf-8")
    main(["replay", str(history(tmp_path)), "--config", path])
    capsys.readouterr()
    return path


def test_send_to_the_surveys_segment_or_another(cfg: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["survey", "send", "generic:g-1", "taste", "--config", cfg, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"group": "generic:g-1", "survey": "taste", "targeted": True, "private": 1, "mentioned": 0}
    assert main(["survey", "send", "generic:g-1", "taste", "--segment", "摄影 | 红酒", "--config", cfg]) == 0
    assert capsys.readouterr().out.strip() == "sent taste: 2 privately, 0 mentioned in generic:g-1"


def test_unknown_survey_group_or_a_bad_query_exit_1_with_one_line(cfg: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["survey", "send", "generic:g-1", "nope", "--config", cfg]) == 1
    assert "unknown survey: nope" in capsys.readouterr().err
    assert main(["survey", "send", "generic:g-404", "taste", "--config", cfg]) == 1
    assert "unknown group" in capsys.readouterr().err
    assert main(["survey", "send", "generic:g-1", "taste", "--segment", "红酒 &", "--config", cfg]) == 1
    err = capsys.readouterr().err
    assert err.startswith("bad segment query") and len(err.strip().splitlines()) == 1
