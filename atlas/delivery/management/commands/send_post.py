"""`atlas send_post SLUG`: send a post as a newsletter, exactly as the editor's button does."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from atlas.delivery import services
from atlas.delivery.models import PLAIN_AUDIENCES, Send
from atlas.members.models import Label, Newsletter
from atlas.publishing.models import Post


class Command(BaseCommand):
    help = "Send a post to its newsletter subscribers, or a test to a few addresses."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug", help="The post's slug.")
        parser.add_argument(
            "--newsletter", action="append", default=[], help="Newsletter slug (repeatable)."
        )
        parser.add_argument("--test-to", action="append", default=[], help="Send a test instead.")
        parser.add_argument("--audience", choices=[c for c, _ in PLAIN_AUDIENCES], default="all")
        parser.add_argument("--label", action="append", default=[], help="Only members with it.")

    def handle(self, *args: Any, **options: Any) -> None:
        post = Post.objects.filter(slug=options["slug"]).first()
        if post is None:
            raise CommandError(f"No post with the slug {options['slug']!r}.")
        try:
            if options["test_to"]:
                send = services.test_send(post, options["test_to"])
                self.stdout.write(f"Test send {send.pk} queued to {', '.join(options['test_to'])}.")
                return
            send = services.start_send(
                post,
                self.newsletters(options["newsletter"]),
                audience=options["audience"],
                labels=Label.objects.filter(name__in=options["label"]),
            )
        except (services.SendRefused, ValueError) as error:
            raise CommandError(str(error)) from error
        when = "when the post goes live" if send.status == Send.Status.SCHEDULED else "now"
        self.stdout.write(f"Send {send.pk} of “{post.title}” starts {when}.")
        self.stdout.write(f"Follow it with: atlas send_status {send.pk}")

    @staticmethod
    def newsletters(slugs: list[str]) -> list[Newsletter]:
        if not slugs:
            return list(Newsletter.objects.filter(is_default=True)) or list(
                Newsletter.objects.all()[:1]
            )
        found = list(Newsletter.objects.filter(slug__in=slugs))
        missing = set(slugs) - {newsletter.slug for newsletter in found}
        if missing:
            raise CommandError(f"Unknown newsletter(s): {', '.join(sorted(missing))}.")
        return found
