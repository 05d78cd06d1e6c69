"""`deskbreak stretches`: the catalog with each hold as the configured level has it."""

from __future__ import annotations

import json

from deskbreak.cli import main


def run(capsys, tmp_path, config: str, *args: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(config)
    assert main(["stretches", "--config", str(path), *args]) == 0
    return capsys.readouterr().out


def test_beginner_holds_are_capped_and_the_last_line_says_how_to_change_it(capsys, tmp_path):
    out = run(capsys, tmp_path, "", "--posture", "seated").splitlines()
    assert any(
        line.startswith("seated-side-bend") and "(Hold 10 s · 3 reps · each side)" in line for line in out
    )
    assert any(line.startswith("seated-trunk-rotation") and "Hold 1 s · 5 reps" in line for line in out)
    assert out[-1].startswith("level beginner:") and 'level = "regular"' in out[-1]


def test_regular_shows_the_full_holds(capsys, tmp_path):
    out = run(capsys, tmp_path, '[stretches]\nlevel = "regular"\n', "--posture", "seated")
    assert "Seated side bend (Hold 30 s · 3 reps · each side)" in out
    assert out.splitlines()[-1].startswith("level regular:")


def test_json_carries_the_level_hold_and_short_caution(capsys, tmp_path):
    rows = json.loads(run(capsys, tmp_path, "", "--json"))
    bend = next(r for r in rows if r["id"] == "seated-side-bend")
    assert (bend["hold_seconds"], bend["level"]) == (10, "beginner")
    assert all(0 < len(r["caution_short"]) <= 80 for r in rows)
    twist = next(r for r in rows if r["id"] == "seated-twist")
    assert "swivel" in twist["caution"] and "swivel" in twist["caution_short"]


def test_a_bad_level_is_refused_with_the_usual_one_line_error(capsys, tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[stretches]\nlevel = "beginer"\n')
    assert main(["stretches", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert (
        f'{path}:2: stretches.level: got "beginer", expected "beginner" or "regular" (did you mean "beginner"?)'
        in err
    )
