"""What an import of posts did (or, for a dry run, would do): counts and every problem."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

MAX_LISTED_PROBLEMS = 2_000
PLATFORM_NAMES = {
    "ghost": "Ghost",
    "wordpress": "WordPress",
    "substack": "Substack",
    "beehiiv": "beehiiv",
}


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # changed in Atlas since the last import: left as staff made it
    skipped: int = 0

    def line(self, name: str, dry_run: bool) -> str:
        created, updated = ("would create", "would update") if dry_run else ("created", "updated")
        parts = [
            f"{self.created:,} {created}",
            f"{self.updated:,} {updated}",
            f"{self.unchanged:,} unchanged",
        ]
        if self.kept:
            parts.append(f"{self.kept:,} edited in Atlas since, left alone")
        if self.skipped:
            parts.append(f"{self.skipped:,} skipped")
        return f"{name}: {', '.join(parts)}"


@dataclass
class ContentReport:
    platform: str = ""
    dry_run: bool = False
    posts: Tally = field(default_factory=Tally)
    pages: Tally = field(default_factory=Tally)
    tags: Tally = field(default_factory=Tally)
    authors: Tally = field(default_factory=Tally)
    comments: Tally = field(default_factory=Tally)
    redirects: Tally = field(default_factory=Tally)
    images_stored: int = 0
    images_failed: int = 0
    images_to_download: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)  # (where, what)
    problem_count: int = 0
    seconds: float = 0.0

    def problem(self, where: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append((where, message))

    @property
    def platform_name(self) -> str:
        return PLATFORM_NAMES.get(self.platform, self.platform)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ContentReport:
        tallies = {name: Tally(**data.get(name, {})) for name in TALLIES}
        problems = [(str(where), str(message)) for where, message in data.get("problems", [])]
        plain = {
            name: value
            for name, value in data.items()
            if name in cls.__dataclass_fields__ and name not in TALLIES
        }
        return cls(**{**plain, **tallies, "problems": problems})

    def as_text(self) -> str:
        dry = self.dry_run
        lines = [
            f"Platform: {self.platform_name}" + (" (dry run: nothing written)" if dry else ""),
            self.posts.line("Posts", dry),
            self.pages.line("Pages", dry),
            self.tags.line("Tags", dry),
            self.authors.line("Authors", dry),
            self.comments.line("Comments", dry),
            self.redirects.line("Redirects", dry),
            f"Images: {self.images_stored:,} {'found' if dry else 'stored'}, "
            f"{self.images_failed:,} failed"
            + (f", {self.images_to_download:,} to download" if self.images_to_download else ""),
            f"Time: {self.seconds:.1f} s",
            f"Problems: {self.problem_count:,}",
        ]
        lines += [f"  {where}: {message}" for where, message in self.problems]
        if self.problem_count > len(self.problems):
            lines.append(f"  … and {self.problem_count - len(self.problems):,} more not listed")
        return "\n".join(lines)


TALLIES = ("posts", "pages", "tags", "authors", "comments", "redirects")
