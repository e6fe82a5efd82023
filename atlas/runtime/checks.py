"""`atlas check --deploy`: an interpreter with the security fixes Atlas relies on.

Atlas builds and parses email with the standard library's `email` package. Python releases
before these carry known header-injection and address-parsing flaws (CVE-2023-27043,
CVE-2024-6923, CVE-2026-1299): a crafted name or subject could add headers to a message.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register

# The first release of each series with every fix above (the email module's BytesGenerator
# verifying headers: March 2026). Later series have them from their first release.
PATCHED = {(3, 11): 15, (3, 12): 13, (3, 13): 12, (3, 14): 3}


def minimum_for(version: tuple[int, ...]) -> str:
    series = (version[0], version[1])
    return f"{series[0]}.{series[1]}.{PATCHED[series]}" if series in PATCHED else ""


def is_patched(version: tuple[int, ...]) -> bool:
    series = (version[0], version[1])
    if series in PATCHED:
        return version[2] >= PATCHED[series]
    return series > max(PATCHED)


@register(Tags.security, deploy=True)
def patched_python(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    version = tuple(sys.version_info[:3])
    if is_patched(version):
        return []
    running = ".".join(str(part) for part in version)
    minimum = minimum_for(version) or "3.14.3"
    return [
        Warning(
            f"Python {running} has unfixed security flaws in its email module (header "
            "injection, address parsing: CVE-2023-27043, CVE-2024-6923, CVE-2026-1299).",
            hint=f"Run Atlas on Python {minimum} or later (README, section Python).",
            id="atlas.runtime.W001",
        )
    ]
