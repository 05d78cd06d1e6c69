"""The headless prompt (the log notifier on a terminal): every step, the caution and how to answer."""

from __future__ import annotations

import io

from deskbreak.adapters.notify.terminal import LogNotifier
from deskbreak.core import views
from deskbreak.core.catalog import Stretch

STRETCH = Stretch(
    "standing-back-extension",
    "Standing back extension",
    "standing",
    ("lower_back",),
    ("Stand tall.", "Hands on your hips.", "Lean back gently.", "Come back up slowly."),
    10,
    5,
    False,
    "Skip it if leaning back hurts.",
    "test",
)


def test_the_terminal_gets_every_step_the_caution_and_how_to_answer():
    out = io.StringIO()
    LogNotifier(out).show(views.prompt_for(STRETCH, 10, "/pic.png"))
    text = out.getvalue()
    assert "== deskbreak: Standing back extension ==" in text
    assert "4. Come back up slowly." in text and "…" not in text
    assert "Caution: Skip it if leaning back hurts." in text
    assert "Answer with: deskbreak done · deskbreak snooze [MINUTES] · deskbreak skip" in text


def test_the_notification_body_is_short_with_the_caution_and_the_way_to_the_window():
    prompt = views.prompt_for(STRETCH, 10, "/pic.png")
    assert prompt.icon_path == "/pic.png"
    lines = prompt.body.splitlines()
    # One line of what to do (the rest is in the window and the terminal), hold and reps.
    assert lines[:2] == ["Stand tall.", "Hold 10 s · 5 reps"]
    assert "Hands on your hips." not in prompt.body
    assert "Caution: Skip it if leaning back hurts." in lines
    assert lines[-1] == views.FULL_STEPS


def test_a_notice_on_the_terminal_is_its_title_and_text_without_answers():
    from deskbreak.ports import Notice

    out = io.StringIO()
    LogNotifier(out).notify(Notice("Stretch safely", "Stretch gently, never bouncing."))
    assert out.getvalue() == "\n== Stretch safely ==\nStretch gently, never bouncing.\n"
