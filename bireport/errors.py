"""Errors that name the file and line, what was expected, what was found, and the fix."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Problem:
    """One finding about an input file."""

    path: str
    line: int | None
    message: str
    fix: str = ""
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        loc = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{loc}: {self.severity}: {self.message}"
        if self.fix:
            text += f"\n  --> {self.fix}"
        return text


class BuildError(Exception):
    """Raised with every problem collected (not only the first)."""

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

