"""The table: each figure, its target (issue #8), its ratio to the bare interpreter, met or not; and
the results block of bench/README.md."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from procfs import Sample
from subjects import Daemon

BENCH = Path(__file__).resolve().parent

# Targets from issue #8.
RSS_RATIO_MAX = 2.5
CPU_MAX = 0.05  # % of one core
WAKEUPS_IN_HOURS_MAX = 60.0  # per minute: one a second
WAKEUPS_OFF_HOURS_MAX = 1.0  # per minute: "near zero"
ICON_MAX = 0.5  # s
PROMPT_MAX = 1.0  # s


@dataclass
class Row:
    figure: str
    value: str
    target: str = ""
    floor: str = ""  # the ratio to the bare interpreter
    met: bool | None = None

    def cells(self) -> list[str]:
        verdict = {True: "met", False: "MISSED", None: ""}[self.met]
        return [self.figure, self.value, self.target, self.floor, verdict]


def mb(kb: int) -> str:
    return f"{kb / 1024:.1f} MB"


def footprint_rows(d: Daemon, floor: Sample, idle: float, in_hours: bool | None) -> list[Row]:
    s, e, r = d.start, d.end, d.rates
    assert s is not None and e is not None and r is not None, f"{d.label}: not sampled"
    rows = [
        Row(
            f"{d.label}: RSS start -> idle",
            f"{mb(s.rss_kb)} -> {mb(e.rss_kb)}",
            f"<= {RSS_RATIO_MAX}x floor",
            f"{s.rss_kb / floor.rss_kb:.2f}x -> {e.rss_kb / floor.rss_kb:.2f}x",
            e.rss_kb <= RSS_RATIO_MAX * floor.rss_kb,
        ),
        Row(
            f"{d.label}: PSS start -> idle",
            f"{mb(s.pss_kb)} -> {mb(e.pss_kb)}",
            "",
            f"{s.pss_kb / floor.pss_kb:.2f}x -> {e.pss_kb / floor.pss_kb:.2f}x",
        ),
        Row(f"{d.label}: USS (private) at idle", mb(e.uss_kb), "", f"{e.uss_kb / floor.uss_kb:.2f}x"),
        Row(
            f"{d.label}: CPU over {idle:.0f} s idle",
            f"{r.cpu_percent:.4f} % ({r.cpu_percent_fine:.4f} % schedstat)",
            f"< {CPU_MAX} % of a core",
            "",
            r.cpu_percent < CPU_MAX,
        ),
        Row(f"{d.label}: threads", f"{e.thread_count}", "", f"floor {floor.thread_count}"),
    ]
    if in_hours is None:
        rows.append(Row(f"{d.label}: wake-ups", f"{r.switches_per_minute:.1f} /min"))
    else:
        limit = WAKEUPS_IN_HOURS_MAX if in_hours else WAKEUPS_OFF_HOURS_MAX
        rows.append(
            Row(
                f"{d.label}: wake-ups (context switches)",
                f"{r.switches_per_minute:.1f} /min",
                f"<= {limit:g} /min" + ("" if in_hours else " (near zero)"),
                "",
                r.switches_per_minute <= limit,
            )
        )
    return rows


def render(rows: list[Row], markdown: bool) -> str:
    head = ["figure", "value", "target", "vs floor", ""]
    table = [head] + [row.cells() for row in rows]
    if markdown:
        return "\n".join(
            "| " + " | ".join(c.replace("|", "/") for c in line) + " |"
            for line in [table[0], ["---"] * 5, *table[1:]]
        )
    widths = [max(len(line[i]) for line in table) for i in range(5)]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=False)).rstrip() for line in table
    )


def write_readme(command: str, header: str, rows: list[Row], details: str, section: str = "results") -> Path:
    """Replace the block between <!-- {section}:begin --> and <!-- {section}:end --> (or append it)."""
    path = BENCH / "README.md"
    begin, end = f"<!-- {section}:begin -->", f"<!-- {section}:end -->"
    block = (
        f"{begin}\n_Last run: `{command}` — {header}_\n\n{render(rows, markdown=True)}\n\n"
        f"<details><summary>Details (threads, imports, stats)</summary>\n\n```\n{details}\n```\n"
        f"</details>\n{end}"
    )
    text = path.read_text() if path.exists() else "# deskbreak benchmarks\n\n"
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + f"\n\n## {section.capitalize()}\n\n" + block + "\n"
    path.write_text(text)
    return path


PEER_SNI_MAX, PEER_XEMBED_MAX = 0.8, 1.0  # deskbreak's idle PSS and USS as a share of Workrave's


def skeleton_rows(skeletons: list[Daemon], peer: Daemon) -> list[Row]:
    """What Python and the design's libraries hold with no deskbreak code (bench/skeleton.py), beside
    Workrave's over the same period: the part of each daemon's ratio no change to deskbreak removes."""
    rows = []
    assert peer.end is not None, "the peer was not sampled"
    for sk in skeletons:
        assert sk.end is not None, f"{sk.label}: not sampled"
        pss, uss = sk.end.pss_kb / peer.end.pss_kb, sk.end.uss_kb / peer.end.uss_kb
        rows.append(
            Row(
                f"{sk.label} (no deskbreak code): idle RSS / PSS / USS; PSS / USS vs Workrave's",
                f"{mb(sk.end.rss_kb)} / {mb(sk.end.pss_kb)} / {mb(sk.end.uss_kb)}; {pss:.2f}x / {uss:.2f}x",
            )
        )
    return rows


def peer_rows(daemons: list[Daemon], peer: Daemon) -> list[Row]:
    """Each in-hours daemon's idle PSS and USS against Workrave's, measured over the same period."""
    rows = []
    assert peer.end is not None, "the peer was not sampled"
    for d in daemons:
        assert d.end is not None, f"{d.label}: not sampled"
        limit = PEER_SNI_MAX if "[sni]" in d.label else PEER_XEMBED_MAX
        pss, uss = d.end.pss_kb / peer.end.pss_kb, d.end.uss_kb / peer.end.uss_kb
        rows.append(
            Row(
                f"{d.label}: idle PSS / USS vs Workrave's",
                f"{pss:.2f}x / {uss:.2f}x ({mb(d.end.pss_kb)} / {mb(d.end.uss_kb)})",
                f"<= {limit:g}x Workrave",
                "",
                pss <= limit and uss <= limit,
            )
        )
    return rows
