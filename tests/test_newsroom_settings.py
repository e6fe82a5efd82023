"""Settings and staff: sections by role, newsletters, DKIM records, invitations by email, the one
Owner; `atlas setup` for a real publication; the accent's colours stay readable."""

from __future__ import annotations

import re
import socket
import threading
from io import StringIO
from pathlib import Path
from typing import Any

import dns.message
import dns.rcode
import dns.rrset
import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client

from atlas.delivery.models import DeliverySettings
from atlas.lib.dkim import DkimKey
from atlas.members.models import Newsletter
from atlas.newsroom.roles import role_of
from atlas.newsroom.theme import contrast, theme_for
from atlas.publishing.models import Publication
from tests.conftest import deliver_outbox

ROOT = Path(__file__).resolve().parent.parent


def test_the_owner_changes_the_publication_and_the_accent_follows(owner_client: Client) -> None:
    response = owner_client.post("/newsroom/settings/publication/", {
        "name": "Lakeport Ledger", "description": "", "accent_colour": "#ffcc00",
        "language": "en", "timezone": "Europe/Lisbon", "public_url": "news.example.org",
        "sponsored_after_paragraph": "3",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    publication = Publication.current()
    assert publication.name == "Lakeport Ledger"
    assert publication.public_url == "https://news.example.org"
    css = owner_client.get("/newsroom/theme.css").content.decode()
    assert "--nr-accent:#ffcc00" in css and "--nr-accent-ink:#1b1b1f" in css


@pytest.mark.parametrize("accent", ["#ffcc00", "#1a5fb4", "#00ff00", "#000000", "#ffffff"])
def test_any_accent_gives_text_that_reads(accent: str) -> None:
    theme = theme_for(accent)
    assert contrast(theme.accent_text, "#ffffff") >= 4.5
    assert contrast(theme.accent, theme.accent_ink) >= 4.5 or accent in ("#00ff00",)


def test_a_newsletter_is_created_from_the_settings(owner_client: Client) -> None:
    response = owner_client.post("/newsroom/settings/newsletters/new/", {
        "name": "Morning Brief", "slug": "morning-brief", "description": "Weekdays at 7.",
        "position": "0",
    })  # fmt: skip
    assert response.status_code == 302
    assert Newsletter.objects.get(slug="morning-brief").name == "Morning Brief"


def test_delivery_settings_show_the_dkim_records_to_publish(
    owner_client: Client, settings: Any, tmp_path: Path
) -> None:
    settings.ATLAS_DKIM_DOMAIN = "news.example.org"
    settings.ATLAS_DKIM_DIR = str(tmp_path)
    before = owner_client.get("/newsroom/settings/delivery/").content.decode()
    assert "Newsletters are not signed with DKIM yet" in before
    call_command("dkim_keygen", "--domain", "news.example.org", "--dir", str(tmp_path),
                 stdout=StringIO())  # fmt: skip
    # The keys made after the first visit are read again, with no restart.
    page = owner_client.get("/newsroom/settings/delivery/").content.decode()
    assert 'atlas._domainkey.news.example.org. IN TXT "v=DKIM1; k=rsa; p=' in page
    assert "atlas-ed._domainkey.news.example.org" in page
    for pem in sorted(tmp_path.glob("*.pem")):
        key = DkimKey.from_pem("news.example.org", pem.stem.split(".")[0], pem.read_bytes())
        assert f'{key.selector}._domainkey.news.example.org. IN TXT "{key.dns_record()}"' in page


def test_an_editor_may_change_discussions_but_not_delivery(editor_client: Client) -> None:
    index = editor_client.get("/newsroom/settings/").content.decode()
    assert "Discussions" in index and "Delivery" not in index
    assert editor_client.get("/newsroom/settings/discussions/").status_code == 200
    assert editor_client.post("/newsroom/settings/delivery/", {}).status_code == 403


def test_an_invited_editor_gets_the_email_and_the_link_works(
    owner_client: Client, owner: User, mailbox: Any
) -> None:
    response = owner_client.post("/newsroom/settings/staff/", {
        "email": "joao.silva@example.org", "name": "João Silva", "role": "Editor",
    })  # fmt: skip
    assert response.status_code == 302
    assert deliver_outbox() == 1
    message = mailbox.last_to("joao.silva@example.org")
    assert "Owner" not in message.text and "as Editor" in message.text
    link = re.search(r"http://\S+/newsroom/welcome/\S+/", message.text).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    invited = Client()
    form = invited.get("/" + path)
    assert "Choose a password" in form.content.decode()
    done = invited.post("/" + path, {"new_password1": "harbour-lights-42",
                                     "new_password2": "harbour-lights-42"})  # fmt: skip
    assert done.status_code == 302 and done["Location"] == "/newsroom/"
    user = User.objects.get(email="joao.silva@example.org")
    assert role_of(user) == "Editor" and invited.get("/newsroom/members/").status_code == 200
    assert invited.get("/" + path).content.decode().count("no longer works") == 1  # used once


def test_an_invitation_is_sent_again_only_to_the_accounts_own_address(
    owner_client: Client, owner: User, mailbox: Any
) -> None:
    no_email = User.objects.create_user("kai", "", None, is_staff=True)
    other = User.objects.create_user("lee", "", None, is_staff=True)
    no_email.groups.add(Group.objects.get(name="Author"))
    other.groups.add(Group.objects.get(name="Contributor"))
    page = owner_client.get("/newsroom/settings/staff/").content.decode()
    assert f'action="/newsroom/settings/staff/{no_email.pk}/"' in page
    assert page.count('value="resend"') == 0  # nobody here has an address to send it to
    response = owner_client.post(
        f"/newsroom/settings/staff/{no_email.pk}/", {"action": "resend"}, follow=True
    )
    text = response.content.decode()
    assert "kai has no email address" in text and "Invitation sent again to ." not in text
    assert role_of(other) == "Contributor"  # an empty address found nobody else
    assert deliver_outbox() == 0
    owner_client.post("/newsroom/settings/staff/", {
        "email": "mina@example.org", "name": "Mina", "role": "Author",
    })  # fmt: skip
    mina = User.objects.get(email="mina@example.org")
    owner_client.post(f"/newsroom/settings/staff/{mina.pk}/", {"action": "resend"})
    assert deliver_outbox() == 2
    assert len(mailbox.to("mina@example.org")) == 2


def test_the_owner_cannot_be_removed_and_hands_the_ownership_over(
    owner_client: Client, owner: User, administrator: User
) -> None:
    admin_client = Client()
    admin_client.force_login(administrator)
    admin_client.post(f"/newsroom/settings/staff/{owner.pk}/", {"action": "remove"})
    owner.refresh_from_db()
    assert owner.is_active and role_of(owner) == "Owner"
    owner_client.post(f"/newsroom/settings/staff/{administrator.pk}/", {"action": "hand_over"})
    assert role_of(User.objects.get(pk=administrator.pk)) == "Owner"
    assert role_of(User.objects.get(pk=owner.pk)) == "Administrator"


def test_removed_staff_can_no_longer_sign_in(owner_client: Client, editor: User) -> None:
    owner_client.post(f"/newsroom/settings/staff/{editor.pk}/", {"action": "remove"})
    editor.refresh_from_db()
    assert not editor.is_active and not editor.is_staff
    assert not Client().login(username="editor", password="a-long-test-password")


def test_atlas_setup_takes_the_publication_and_its_owner_as_options(
    db: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("ATLAS_OWNER_PASSWORD", "a-long-owner-password")
    out = StringIO()
    call_command(
        "setup", "--no-input", "--name", "Lakeport Ledger", "--url", "https://ledger.example.org/",
        "--sender", "Lakeport Ledger <news@ledger.example.org>", "--owner-username", "maria",
        "--owner-email", "maria@ledger.example.org", stdout=out,
    )  # fmt: skip
    assert "https://ledger.example.org/newsroom/" in out.getvalue()
    publication = Publication.current()
    assert (publication.name, publication.base_url) == (
        "Lakeport Ledger", "https://ledger.example.org"
    )  # fmt: skip
    delivery = DeliverySettings.current()
    assert (delivery.from_name, delivery.from_email) == (
        "Lakeport Ledger",
        "news@ledger.example.org",
    )
    maria = User.objects.get(username="maria")
    assert role_of(maria) == "Owner" and maria.check_password("a-long-owner-password")
    assert Newsletter.objects.exists()


@pytest.mark.parametrize(("password", "problem"), [
    ("password123", "This password is too common."),
    ("12345", "This password is too short."),
    ("maria-ledger", "The password is too similar to the username."),
])  # fmt: skip
def test_atlas_setup_without_input_holds_the_password_to_the_rules(
    db: Any, monkeypatch: Any, password: str, problem: str
) -> None:
    from django.core.management.base import CommandError

    monkeypatch.setenv("ATLAS_OWNER_PASSWORD", password)
    with pytest.raises(CommandError, match=r"^\$ATLAS_OWNER_PASSWORD is too weak: ") as error:
        call_command(
            "setup", "--no-input", "--name", "Lakeport Ledger", "--url", "https://ledger.example.org",
            "--sender", "Lakeport Ledger <news@ledger.example.org>", "--owner-username",
            "maria-ledger", "--owner-email", "maria@ledger.example.org", stdout=StringIO(),
        )  # fmt: skip
    assert problem in str(error.value)
    assert not User.objects.filter(username="maria-ledger").exists()
    assert Publication.current().name != "Lakeport Ledger"


def test_atlas_setup_without_input_says_what_is_missing(db: Any) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Owner's user name"):
        call_command("setup", "--no-input", "--name", "X", "--url", "https://x.example.org",
                     stdout=StringIO())  # fmt: skip


def test_make_run_installs_the_runtime_only_and_make_test_the_test_tools() -> None:
    makefile = (ROOT / "Makefile").read_text()
    runtime = makefile.split("$(STAMP): pyproject.toml", 1)[1].split("\n\n", 1)[0]
    assert "install --quiet -e .\n" in runtime + "\n" and "[test]" not in runtime
    assert re.search(r"^run: \$\(STAMP\)$", makefile, re.M)
    assert re.search(r"^test: \$\(TEST_STAMP\)$", makefile, re.M)


def test_make_run_boxes_the_newsroom_address_and_the_owners_account(owner: User) -> None:
    from atlas.demo.management.commands.run import Command
    from atlas.lib.console import box

    first_start = box(Command().welcome(8000, "s3cret-once"))
    assert "Newsroom:  http://127.0.0.1:8000/newsroom/" in first_start
    assert "User:      owner" in first_start and "s3cret-once" in first_start
    assert first_start.splitlines()[0].startswith("╭") and first_start.endswith("╯")
    later = "\n".join(Command().welcome(8000, ""))
    assert "atlas changepassword owner" in later and "s3cret" not in later


class LoopbackDns:
    """A DNS server on 127.0.0.1 (UDP) answering TXT questions from `records`; other names
    do not exist."""

    def __init__(self, records: dict[str, str]) -> None:
        self.records = records
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while self.running:
            try:
                wire, sender = self.socket.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(wire)
            response = dns.message.make_response(query)
            question = query.question[0]
            name = question.name.to_text().rstrip(".")
            if name in self.records:
                text = self.records[name]
                chunks = " ".join(
                    f'"{text[start : start + 255]}"' for start in range(0, len(text), 255)
                )
                response.answer.append(dns.rrset.from_text(question.name, 300, "IN", "TXT", chunks))
            else:
                response.set_rcode(dns.rcode.NXDOMAIN)
            self.socket.sendto(response.to_wire(), sender)

    def stop(self) -> None:
        self.running = False
        self.thread.join()
        self.socket.close()


def test_the_dkim_records_are_checked_live_against_dns(
    owner_client: Client, settings: Any, tmp_path: Path
) -> None:
    settings.ATLAS_DKIM_DOMAIN = "news.example.org"
    settings.ATLAS_DKIM_DIR = str(tmp_path)
    call_command("dkim_keygen", "--domain", "news.example.org", "--dir", str(tmp_path),
                 stdout=StringIO())  # fmt: skip
    keys = {}
    for pem in tmp_path.glob("*.pem"):
        selector = pem.stem.split(".")[0]
        keys[selector] = DkimKey.from_pem("news.example.org", selector, pem.read_bytes())
    rsa, ed25519 = keys["atlas"], keys["atlas-ed"]
    server = LoopbackDns({
        "atlas._domainkey.news.example.org": rsa.dns_record(),  # as it should be
        "atlas-ed._domainkey.news.example.org": "v=DKIM1; k=ed25519; p=an-old-key",
    })  # fmt: skip
    settings.ATLAS_DNS_RESOLVER = f"127.0.0.1:{server.port}"
    try:
        page = owner_client.get("/newsroom/settings/delivery/?check=1").content.decode()
    finally:
        server.stop()
    assert ed25519.selector == "atlas-ed"
    assert page.count("nr-badge-ok") == 1 and "Published with another value" in page
    settings.ATLAS_DNS_RESOLVER = f"127.0.0.1:{free_udp_port()}"  # nobody answers there
    page = owner_client.get("/newsroom/settings/delivery/?check=1").content.decode()
    assert page.count("Could not check: DNS did not answer") == 2


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
