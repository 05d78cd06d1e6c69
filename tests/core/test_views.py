"""What a prompt says: the notification carries the short caution, the terminal the whole one."""

from deskbreak.assets import builtin_catalog
from deskbreak.core.views import FULL_STEPS, HOW_TO_ANSWER, prompt_for


def test_every_built_in_prompt_carries_its_caution_and_a_way_to_the_full_steps():
    for stretch in builtin_catalog().stretches:
        prompt = prompt_for(stretch, 10)
        assert f"Caution: {stretch.caution_short}" in prompt.body
        assert prompt.body.endswith(FULL_STEPS)
        assert f"Caution: {stretch.caution}" in prompt.details
        assert prompt.details.endswith(HOW_TO_ANSWER)
        assert all(step in prompt.details for step in stretch.steps)


def test_the_notification_uses_the_short_caution_when_there_is_one():
    long_ones = [s for s in builtin_catalog().stretches if s.caution_short != s.caution]
    assert long_ones, "the catalog gives some stretches a shorter caution for notifications"
    for stretch in long_ones:
        assert stretch.caution not in prompt_for(stretch, 10).body
