"""`atlas hooks`: every extension point, what each holds, and which module registered it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from atlas.lib.hooks import points


class Command(BaseCommand):
    help = "List the extension points apps add to each other through, and who fills them."

    def handle(self, *args: Any, **options: Any) -> None:
        for point in points():
            self.stdout.write(self.style.MIGRATE_HEADING(point.name))
            keys = list(point.keys) if point.keys is not None else [""]
            for key in keys:
                found = [each for each in point.registrations() if each.key == key]
                label = f"  {key}: " if key else "  "
                if not found:
                    self.stdout.write(f"{label}(empty)")
                for each in sorted(found, key=lambda each: each.order):
                    name = getattr(each.item, "__qualname__", None) or repr(each.item)
                    self.stdout.write(f"{label}{name}  <- {each.registered_by}")
