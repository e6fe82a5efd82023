"""`atlas setup`: a real publication's first run. Asks for its name, address, sender and first
Owner (or takes them as options), then prints where to sign in."""

from __future__ import annotations

import getpass
import os
from email.utils import parseaddr
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator, validate_email
from django.db import transaction

from atlas.delivery.models import DeliverySettings
from atlas.lib.console import box
from atlas.members.services import default_newsletters
from atlas.publishing.models import Publication
from atlas.publishing.roles import make_owner

PASSWORD_VARIABLE = "ATLAS_OWNER_PASSWORD"


class Command(BaseCommand):
    help = "Set up a publication: its name, address, sender and first Owner."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--name", help="The publication's name, e.g. 'Lakeport Ledger'.")
        parser.add_argument("--url", help="Its public address, e.g. https://news.example.org")
        parser.add_argument("--sender", help="Newsletters come from: 'Name <address>'.")
        parser.add_argument("--owner-username", help="The Owner's user name.")
        parser.add_argument("--owner-email", help="The Owner's email address.")
        parser.add_argument("--owner-name", default="", help="The Owner's first and last name.")
        parser.add_argument(
            "--no-input",
            action="store_true",
            help=f"Ask nothing; the Owner's password comes from ${PASSWORD_VARIABLE}.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.interactive = not options["no_input"]
        publication = Publication.current()
        name = self.value(options["name"], "Publication's name", publication.name, self.text)
        url = self.value(options["url"], "Public address (https://...)", publication.base_url,
                         self.address)  # fmt: skip
        sender_name, sender_email = self.value(
            options["sender"], "Newsletters come from (Name <address>)",
            f"{name} <newsletter@{url.split('://', 1)[-1].split('/')[0].split(':')[0]}>",
            self.sender,
        )  # fmt: skip
        username = self.value(options["owner_username"], "Owner's user name", "", self.text)
        email = self.value(options["owner_email"], "Owner's email", "", self.email)
        password = self.password(username, email)
        with transaction.atomic():
            publication.name, publication.public_url = name, url
            publication.full_clean()
            publication.save()
            delivery = DeliverySettings.current()
            delivery.from_name, delivery.from_email = sender_name, sender_email
            delivery.save()
            default_newsletters()  # a publication always has one newsletter
            make_owner(username, email, password, options["owner_name"])
        lines = [
            f"{name} is set up.",
            "",
            f"Newsroom:  {url}/newsroom/",
            f"Owner:     {username} ({email})",
            "",
            "Start it with `atlas serve` and `atlas worker` (or `make run` here).",
        ]
        self.stdout.write(self.style.SUCCESS(box(lines)))

    def value(self, given: str | None, question: str, default: str, check: Any) -> Any:
        """The option if given, else an answer to the question (the default on Enter)."""
        if given:
            return self.checked(check, given)
        if not self.interactive:
            if default:
                return self.checked(check, default)
            raise CommandError(f"{question}: give it as an option (see --help).")
        while True:
            prompt = f"{question}" + (f" [{default}]" if default else "") + ": "
            answer = input(prompt).strip() or default
            try:
                return check(answer)
            except (ValidationError, ValueError) as error:
                self.stderr.write(" ".join(getattr(error, "messages", [str(error)])))

    @staticmethod
    def checked(check: Any, value: str) -> Any:
        try:
            return check(value)
        except (ValidationError, ValueError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error

    @staticmethod
    def text(value: str) -> str:
        if not value.strip():
            raise ValueError("This cannot be empty.")
        return value.strip()

    @staticmethod
    def address(value: str) -> str:
        URLValidator(schemes=["http", "https"])(value)
        return value.rstrip("/")

    @staticmethod
    def email(value: str) -> str:
        validate_email(value)
        return value

    @staticmethod
    def sender(value: str) -> tuple[str, str]:
        sender_name, sender_email = parseaddr(value)
        validate_email(sender_email)
        return sender_name, sender_email

    def password(self, username: str, email: str) -> str:
        """From the environment, else asked twice; either way held to the password rules
        (AUTH_PASSWORD_VALIDATORS), as when the Owner changes it later."""
        owner = User(username=username, email=email)  # for the similarity rule; not saved
        password = os.environ.get(PASSWORD_VARIABLE, "")
        if password or not self.interactive:
            if not password:
                raise CommandError(f"Set ${PASSWORD_VARIABLE} to the Owner's password.")
            try:
                validate_password(password, owner)
            except ValidationError as error:
                problems = " ".join(error.messages)
                raise CommandError(f"${PASSWORD_VARIABLE} is too weak: {problems}") from error
            return password
        while True:
            password = getpass.getpass("Owner's password: ")
            if password != getpass.getpass("The same again: "):
                self.stderr.write("The two passwords differ.")
                continue
            try:
                validate_password(password, owner)
            except ValidationError as error:
                self.stderr.write(" ".join(error.messages))
                continue
            return password
