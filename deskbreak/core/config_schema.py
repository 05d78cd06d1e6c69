"""Every config key once: its section, name, kind (type and range), default and help text.

This table drives parsing (`config.parse`), `deskbreak config show` (`config_toml.dump`), the
example file and the README's table (`config_docs`); a test checks the two files against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import i18n
from . import catalog as catalog_model
from .config_checks import MISSING, Reader
from .config_kinds import (
    CustomStretches,
    Dates,
    DayWindows,
    Flag,
    Kind,
    MinuteChoices,
    Names,
    OneOf,
    Text,
    Whole,
    Zone,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SECTIONS = ("schedule", "stretches", "prompt", "activity", "calendar", "goals", "sync", "interface")
WORKDAY = ["09:00-12:30", "13:30-17:30"]
# A config is a few kilobytes; an .ics export of years of meetings a few megabytes. Anything larger
# is the wrong file, and reading it whole would hold the daemon up.
CONFIG_MAX_BYTES = 1 << 20
ICS_MAX_BYTES = 16 << 20


@dataclass(frozen=True)
class Setting:
    section: str
    name: str
    kind: Kind
    default: object  # as a user writes it in TOML
    summary: str  # the README table's "meaning", one line
    help: str = ""  # the example file's comment above the key; "" for none (tue...sun follow mon)
    attr: str = ""  # the Config field, when it is not `name` (the weekdays are `week[index]`)
    index: int | None = None
    example: str = ""  # shown commented out in the example file instead of `name = default`

    @property
    def key(self) -> str:
        return f"{self.section}.{self.name}"

    @property
    def field(self) -> str:
        return self.attr or self.name

    def value(self) -> Any:
        """The default as the Config holds it (tuples, WorkWindows, dates)."""
        reader = Reader({})
        value = self.kind.read(self.key, self.default, reader, None)
        if value is MISSING or reader.problems:
            raise ValueError(f"bad default for {self.key}: {self.default!r}")
        return value

    def get(self, config: object) -> Any:
        """This key's value in a Config, as a plain TOML value."""
        value = getattr(getattr(config, self.section), self.field)
        return self.kind.to_toml(value if self.index is None else value[self.index])


_CUSTOM_EXAMPLE = """\
[[stretches.custom]]
id = "doorway-chest-opener"
name = "Doorway chest opener"
posture = "standing"            # seated | standing | floor
areas = ["chest", "shoulders"]
steps = [
    "Stand in a doorway and rest your right forearm on the frame, elbow at shoulder height.",
    "Step forward with the right foot until you feel a stretch across the chest.",
    "Breathe slowly and keep your shoulder down, away from your ear.",
]
hold_seconds = 20               # 1..120
reps = 2                        # 1..15
per_side = true
first_side = "right"            # only for per-side stretches
caution = "Ease off if your shoulder pinches, and stop and seek care if your arm tingles or goes numb."
caution_short = "Ease off if the shoulder pinches."   # optional, for notifications (at most 80)
"""

_AREAS = ", ".join(catalog_model.AREAS)
_WEEKDAY_HELP = (
    'Work windows per weekday, local time, "HH:MM-HH:MM" (end up to "24:00"); several ranges a day '
    "are fine; [] is a day off. Prompts only come inside these windows."
)

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "schedule",
        "interval_minutes",
        Whole(1, 480),
        45,
        "minutes of work between prompts",
        "Minutes of work between two stretch prompts (1 is handy for trying deskbreak out).",
    ),
    Setting(
        "schedule",
        "timezone",
        Zone(),
        "",
        'IANA zone for the windows; `""` = this machine\'s',
        'IANA time zone for the work windows below, e.g. "Europe/Berlin"; "" means this machine\'s zone.',
    ),
    *(
        Setting(
            "schedule",
            day,
            DayWindows(),
            WORKDAY if index < 5 else [],
            "work windows on this weekday; `[]` = day off",
            _WEEKDAY_HELP if index == 0 else "",
            attr="week",
            index=index,
        )
        for index, day in enumerate(WEEKDAYS)
    ),
    Setting(
        "schedule",
        "days_off",
        Dates(),
        [],
        "ISO dates without prompts",
        'Whole days without prompts (holidays, leave), as ISO dates: ["2026-12-24", "2026-12-31"].',
    ),
    Setting(
        "schedule",
        "prompt_timeout_minutes",
        Whole(1, 240),
        10,
        "an unanswered prompt counts as ignored after this",
        "A prompt nobody answers within this many minutes counts as ignored.",
    ),
    Setting(
        "schedule",
        "snooze_minutes",
        Whole(1, 240),
        10,
        "snooze length when none is chosen",
        "Snooze length when none is chosen.",
    ),
    Setting(
        "schedule",
        "snooze_choices",
        MinuteChoices(6, 1, 240),
        [5, 10, 20],
        "the snooze lengths offered in the tray and on prompts",
        "The snooze lengths offered in the tray and on prompts.",
    ),
    Setting(
        "schedule",
        "min_minutes_before_end",
        Whole(0, 240),
        10,
        "no new prompt this close to a window's end",
        "No new prompt in the last minutes of a work window: don't start a stretch as you leave.",
    ),
    Setting(
        "stretches",
        "postures",
        # Translators: in "at least one posture" (a config error).
        Names(i18n.N_("posture"), i18n.N_("postures"), options=catalog_model.POSTURES, at_least_one=True),
        ["seated", "standing"],
        "which postures may be offered (`floor` too, if you like)",
        'Which stretches may be offered: "seated", "standing" and/or "floor".',
    ),
    Setting(
        "stretches",
        "exclude",
        # Translators: in config errors: "a known stretch id", "a list of stretch ids".
        Names(i18n.N_("stretch id"), i18n.N_("stretch ids"), known=None),
        [],
        "stretch ids never to offer (built-in or your own; an unknown id is an error)",
        "Stretch ids never to offer (see `deskbreak stretches`).",
    ),
    Setting(
        "stretches",
        "focus",
        # Translators: in config errors: "a known body area", "a list of body areas".
        Names(i18n.N_("body area"), i18n.N_("body areas"), known=catalog_model.AREAS),
        [],
        f"body areas whose stretches come up about twice as often: {_AREAS}",
        f"Body areas to favour; their stretches come up about twice as often. Areas: {_AREAS}.",
    ),
    Setting(
        "stretches",
        "level",
        OneOf(catalog_model.LEVELS),
        "beginner",
        '`"beginner"` holds each built-in stretch at most 10 s; `"regular"` uses the catalog\'s full '
        "holds. Prompts, the guided window's timer and `deskbreak stretches` all show the hold of your level",
        # A new install is "at first", and the advice is to hold 5-10 s at first, building to 30 s.
        'How long each built-in stretch is held. "beginner": at most 10 s, the usual advice while you '
        'are new to stretching (5-10 s at first); "regular": the full holds of the catalog (up to 30 s '
        "and more), once the stretches feel easy. Your own stretches below keep the hold you give them.",
    ),
    Setting(
        "stretches",
        "custom",
        CustomStretches(),
        [],
        "your own stretches, checked like the built-in ones",
        "Your own stretches, checked like the built-in ones. Uncomment and edit to add one. A per-side "
        "stretch names its first side in the steps; deskbreak walks the other side after.",
        example=_CUSTOM_EXAMPLE,
    ),
    Setting(
        "prompt",
        "window",
        OneOf(("on_click", "with_prompt")),
        "on_click",
        "open the guided window only when asked, or together with each prompt",
        '"on_click": the guided stretch window opens only when you ask for it (a click on the prompt, '
        'Stretch now in the tray); "with_prompt": it opens together with each prompt.',
    ),
    Setting(
        "prompt",
        "sound",
        Flag(),
        True,
        "a soft cue in the guided window",
        "A soft sound when a side or the whole hold is finished in the guided window.",
    ),
    Setting(
        "activity",
        "natural_break_minutes",
        Whole(1, 120),
        5,
        "idle or locked this long is a natural break",
        "Away from the keyboard (idle or screen locked) this long counts as a natural break: it is "
        "recorded, and the next prompt is counted from your return.",
    ),
    Setting(
        "activity",
        "count",
        OneOf(("active", "clock")),
        "active",
        "count only active minutes, or wall-clock time",
        '"active": the interval counts only minutes you are at the computer; "clock": wall-clock time.',
    ),
    Setting(
        "activity",
        "settle_seconds",
        Whole(0, 120),
        10,
        "wait for a pause in typing before prompting",
        "When a prompt falls due, wait up to this many seconds for a pause in your typing.",
    ),
    Setting(
        "activity",
        "max_defer_minutes",
        Whole(0, 480),
        30,
        "how long a busy moment may hold a prompt back",
        "Hold a prompt back while something below says you are busy, for at most this many minutes.",
    ),
    Setting(
        "activity",
        "show_after_max_defer",
        Flag(),
        True,
        "after that, show the prompt anyway, or drop it and count again",
        "After max_defer_minutes, show the prompt anyway (true) or drop it and count again (false).",
    ),
    Setting(
        "activity",
        "defer_when_fullscreen",
        Flag(),
        True,
        "a fullscreen window counts as busy",
        "Hold prompts back while a fullscreen window has the focus (presentations, videos, games).",
    ),
    Setting(
        "activity",
        "defer_when_inhibited",
        Flag(),
        True,
        "the desktop's do-not-disturb counts as busy",
        "Hold prompts back while the desktop's do-not-disturb is on.",
    ),
    Setting(
        "activity",
        "defer_during_meetings",
        Flag(),
        True,
        "busy events in the calendars count as busy",
        "Hold prompts back during busy events of the calendars below.",
    ),
    Setting(
        "activity",
        "defer_during_calls",
        Flag(),
        True,
        "a call (microphone or camera in use) holds prompts back until it ends",
        "Hold a prompt back while you are in a call (another application records the microphone or "
        "holds the camera), for as long as the call lasts; it comes within 30 s of the call's end. "
        "Quiet keyboard and mouse during a call are listening, not a natural break.",
    ),
    Setting(
        "calendar",
        "ics",
        # Translators: in config errors: "a list of paths of .ics files".
        Names(i18n.N_("path of an .ics file"), i18n.N_("paths of .ics files")),
        [],
        f"local `.ics` files whose meetings hold prompts back (regular files, {ICS_MAX_BYTES >> 20} MiB at most)",
        'Local .ics files whose busy events (meetings) hold prompts back, e.g. ["~/cal/work.ics"].',
    ),
    Setting(
        "goals",
        "daily_stretches",
        Whole(1, 50),
        6,
        "the daily goal for streaks",
        "Stretches a work day should have; days meeting it build your streak.",
    ),
    Setting(
        "sync",
        "folder",
        # Translators: what a config value should be; "" is written in the config as shown.
        Text(i18n.N_('a folder path, or "" for no sync')),
        "",
        "a folder your sync engine (Syncthing, Nextcloud...) keeps in step between your machines; "
        '`""` = no sync',
        'Share answers, natural breaks and a coarse "active" mark with your other machines through a '
        'folder a sync engine already keeps in step, e.g. "~/Sync/deskbreak". "" turns sharing off.',
    ),
    Setting(
        "sync",
        "machine_name",
        # Translators: what a config value should be: a machine's name.
        Text(i18n.N_("a name"), 64),
        "",
        'this machine\'s name as your other machines show it; `""` = the host name',
        'This machine\'s name on your other machines ("the laptop"); "" uses the host name.',
    ),
    Setting(
        "interface",
        "language",
        OneOf(("auto", *i18n.SHIPPED)),
        "auto",
        f'`"auto"` = the desktop\'s; or one of {", ".join(i18n.SHIPPED)}',
        '"auto" follows the desktop\'s language (LANGUAGE, LC_ALL, LC_MESSAGES, LANG; on Windows and '
        f"macOS the system's setting); a code shows deskbreak in that language: {', '.join(i18n.SHIPPED)}. "
        "It stays on this machine (sync shares no settings).",
    ),
)


def settings_in(section: str) -> tuple[Setting, ...]:
    return tuple(s for s in SETTINGS if s.section == section)


def keys_in(section: str) -> tuple[str, ...]:
    return tuple(s.name for s in settings_in(section))


_BY_KEY = {s.key: s for s in SETTINGS}


def default(key: str) -> Any:
    """The default of `section.name`, as the Config holds it."""
    return _BY_KEY[key].value()
