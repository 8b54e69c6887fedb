"""Run-wide hooks: the fuzz tests' tally of hostile inputs per entry point."""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter) -> None:
    from tests.fuzzing import TRIED

    if not TRIED:
        return
    terminalreporter.section("hostile inputs tried per entry point")
    for entry, count in sorted(TRIED.items()):
        terminalreporter.write_line(f"{count:>7,}  {entry}")
    terminalreporter.write_line(f"{sum(TRIED.values()):>7,}  in all")
