"""Members moving in with their consent intact: each platform's states, a row's own status over
--confirmed, unknown status columns refused, lapsed supporters, placeholders, Atlas's own export
round-tripping, dry runs row by row, non-ASCII addresses, and re-permission emails."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from atlas.demo.readers import demo_address
from atlas.members import services
from atlas.members.exporting import export_members
from atlas.members.importing import ImportFileError, ImportReport, import_members
from atlas.members.models import (
    Label,
    Member,
    Newsletter,
    OutboundEmail,
    PermissionRequest,
    Subscription,
    Suppression,
    email_digest,
)
from atlas.members.outbox import send_queued
from atlas.members.repermission import permission_summary, request_permission

DATA = Path(__file__).parent / "data"


@pytest.fixture
def newsletter(db: Any) -> Newsletter:
    return Newsletter.objects.get(slug="newsletter")


def statuses() -> dict[str, tuple[str, str]]:
    return {member.email_lower: (member.status, member.tier) for member in Member.objects.all()}


def run(name: str, **options: Any) -> ImportReport:
    return import_members(DATA / name, **options)


# Each platform's states, row by row


def test_kit_states_are_honoured_row_by_row(newsletter: Newsletter) -> None:
    report = run("kit.csv", confirmed=True, preview_rows=100)
    assert report.layout == "kit"
    assert statuses() == {
        "oksana.petrenko@example.org": ("active", "free"),
        "bjorn.aas@example.org": ("pending", "free"),  # inactive: never confirmed on Kit
        "wanjiru.kamau@example.org": ("unsubscribed", "free"),  # cancelled
        "tadeo.ruiz@example.org": ("bounced", "free"),
        "aigerim.nurlanova@example.org": ("complained", "free"),
        "lea.moreau@example.org": ("active", "free"),  # cold: still subscribed
        "kwabena.owusu@example.org": ("active", "free"),
    }
    assert Member.objects.get(email_lower="lea.moreau@example.org").name == "Léa Moreau"
    assert report.preview == [
        (2, "oksana.petrenko@example.org", "new member, active"),
        (3, "bjorn.aas@example.org", "new member, pending"),
        (4, "wanjiru.kamau@example.org", "new member, unsubscribed"),
        (5, "tadeo.ruiz@example.org", "new member, bounced"),
        (6, "aigerim.nurlanova@example.org", "new member, complained"),
        (8, "lea.moreau@example.org", "new member, active"),
        (9, "OKSANA.PETRENKO@example.org", "error: OKSANA.PETRENKO@example.org appears earlier "
         "in the file."),
        (10, "not-an-address", "error: Enter a valid email address, like name@example.org. "
         "('not-an-address')"),
        (11, "kwabena.owusu@example.org", "new member, active"),
    ]  # fmt: skip
    for email, reason in [("wanjiru.kamau@example.org", "unsubscribed"),
                          ("tadeo.ruiz@example.org", "bounced"),
                          ("aigerim.nurlanova@example.org", "complained")]:  # fmt: skip
        assert Suppression.objects.filter(email_digest=email_digest(email), reason=reason).exists()
    oksana = Member.objects.get(email_lower="oksana.petrenko@example.org")
    assert sorted(oksana.labels.values_list("name", flat=True)) == ["Events", "Weekly"]


def test_buttondown_types_are_honoured(newsletter: Newsletter) -> None:
    report = run("buttondown.csv", confirmed=True)
    assert report.layout == "buttondown"
    assert statuses() == {
        "ruth.abebe@example.org": ("active", "free"),
        "mateus.oliveira@example.org": ("active", "paid"),
        "hye.jin@example.org": ("pending", "free"),  # unactivated
        "dmitri.volkov@example.org": ("unsubscribed", "free"),
        "aroha.ngata@example.org": ("active", "comped"),  # gifted
        "farid.haddadi@example.org": ("bounced", "free"),  # undeliverable
        "zoe.kowalczyk@example.org": ("unsubscribed", "free"),  # removed
        "ines.duarte@example.org": ("active", "paid"),  # churning: paid to the period's end
    }
    assert Member.objects.get(email_lower="ruth.abebe@example.org").notes == "Met at the book fair"


def test_beehiiv_as_it_really_comes_is_recognised_without_utm_columns(
    newsletter: Newsletter,
) -> None:
    report = run("beehiiv_subscribers.csv", confirmed=True)
    assert report.layout == "beehiiv"
    assert statuses() == {
        "mei.lin@example.org": ("active", "free"),
        "rafael.souza@example.org": ("active", "paid"),  # premium
        "ngozi.eze@example.org": ("pending", "free"),
        "jonas.berg@example.org": ("pending", "free"),  # validating
        "amira.saleh@example.org": ("unsubscribed", "paid"),  # inactive never becomes active
    }


def test_a_lapsed_ghost_supporter_is_free_and_keeps_the_stripe_customer(
    newsletter: Newsletter,
) -> None:
    report = run("ghost_supporters.csv")
    assert (report.layout, report.lapsed) == ("ghost", 1)
    henrik = Member.objects.get(email_lower="henrik.dahl@example.org")
    assert (henrik.tier, henrik.stripe_customer_id) == ("free", "cus_Lapsed01")
    sofia = Member.objects.get(email_lower="sofia.marin@example.org")
    assert (sofia.tier, sofia.stripe_customer_id) == ("paid", "cus_Paying02")
    assert Member.objects.get(email_lower="kenji.mori@example.org").tier == "comped"
    assert Member.objects.get(email_lower="amaka.obi@example.org").tier == "free"  # the Free tier
    assert "Lapsed supporters (free, Stripe customer kept): 1" in report.as_text()


def test_substack_deletion_placeholders_are_skipped_and_counted(newsletter: Newsletter) -> None:
    report = run("substack_deleted.csv", preview_rows=10)
    assert (report.skipped_placeholders, report.created, report.error_count) == (2, 2, 0)
    assert set(statuses()) == {"lucia.ferri@example.org", "pavel.novak@example.org"}
    assert (3, "8f3a9c2e@deletion-request.substack.com",
            "skipped: a placeholder for a deleted address") in report.preview  # fmt: skip
    assert "Skipped, deletion placeholders: 2" in report.as_text()


# A row's own status wins over --confirmed


@pytest.mark.parametrize("confirmed", [False, True])
def test_pending_and_gone_rows_stay_so_whatever_confirmed_says(
    newsletter: Newsletter, confirmed: bool
) -> None:
    run("beehiiv_subscribers.csv", confirmed=confirmed)
    assert Member.objects.get(email_lower="ngozi.eze@example.org").status == "pending"
    assert Member.objects.get(email_lower="amira.saleh@example.org").status == "unsubscribed"
    mei = Member.objects.get(email_lower="mei.lin@example.org")
    assert mei.status == ("active" if confirmed else "pending")  # confirmed only if they say so
    assert Subscription.objects.get(member=mei).status == mei.status


def test_a_status_column_atlas_cannot_read_is_refused_naming_column_and_values(
    newsletter: Newsletter,
) -> None:
    with pytest.raises(ImportFileError) as refused:
        run("status_unknown.csv", confirmed=True)
    message = str(refused.value)
    assert 'The column "status"' in message
    assert "'vip' (2 rows)" in message and "'on hold' (1 row)" in message
    assert "Nothing was imported" in message
    assert not Member.objects.exists()


def test_the_command_refuses_an_unknown_status_column(newsletter: Newsletter) -> None:
    with pytest.raises(CommandError, match='column "status"'):
        call_command("import_members", str(DATA / "status_unknown.csv"), "--confirmed",
                     stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    assert not Member.objects.exists()


def test_an_unknown_state_in_a_known_layout_is_refused_too(newsletter: Newsletter) -> None:
    text = "email,status,tier\nann@example.org,active,free\nbo@example.org,zombie,free\n"
    with pytest.raises(ImportFileError, match="'zombie' \\(1 row\\)"):
        import_members(io.StringIO(text))
    assert not Member.objects.exists()


# Dry runs


@pytest.mark.parametrize(
    "name", ["kit.csv", "buttondown.csv", "beehiiv_subscribers.csv", "ghost_supporters.csv",
             "substack_deleted.csv", "ghost.csv", "plain.csv", "mailchimp.csv"],
)  # fmt: skip
def test_a_dry_run_writes_nothing_and_says_row_by_row_what_the_import_does(
    name: str, newsletter: Newsletter
) -> None:
    Member.objects.create(email="maria.santos@example.org", status="active")  # an existing one
    services.suppress("hye.jin@example.org", Suppression.Reason.UNSUBSCRIBED)
    before = (Member.objects.count(), Subscription.objects.count(), Label.objects.count(),
              Suppression.objects.count())  # fmt: skip
    dry = run(name, confirmed=True, dry_run=True, preview_rows=1000)
    assert before == (Member.objects.count(), Subscription.objects.count(),
                      Label.objects.count(), Suppression.objects.count())  # fmt: skip
    real = run(name, confirmed=True, preview_rows=1000)
    assert dry.preview == real.preview
    assert dry.errors == real.errors
    for count in ("rows", "created", "created_active", "created_pending", "created_unsubscribed",
                  "updated", "skipped_suppressed", "skipped_placeholders", "lapsed"):  # fmt: skip
        assert getattr(dry, count) == getattr(real, count), count
    assert "dry run: nothing written" in dry.as_text()


def test_the_command_has_a_dry_run(newsletter: Newsletter) -> None:
    output = io.StringIO()
    call_command("import_members", str(DATA / "kit.csv"), "--dry-run", stdout=output,
                 stderr=io.StringIO())  # fmt: skip
    assert "Layout: Kit (ConvertKit) export (dry run: nothing written)" in output.getvalue()
    assert "Would create: 7" in output.getvalue()
    assert not Member.objects.exists()


def test_running_the_same_file_again_changes_nothing(newsletter: Newsletter) -> None:
    run("kit.csv", confirmed=True)
    before = statuses()
    again = run("kit.csv", confirmed=True)
    assert (again.created, again.updated, again.skipped_suppressed) == (0, 4, 3)
    assert statuses() == before


# Atlas's own export, round trip


def test_atlas_export_imports_back_into_a_fresh_atlas_unchanged(newsletter: Newsletter) -> None:
    weekly = Newsletter.objects.create(name="Weekly analysis", slug="weekly-analysis")
    joined = timezone.now().replace(microsecond=0) - timezone.timedelta(days=40)
    people = [
        ("ana.costa@example.org", "Ana Costa", "active", "paid", [newsletter, weekly],
         ["Donor", "Smith, Jones & Co", 'The "regulars"'], "Prefers the weekly"),
        ("bo.zhang@example.org", "Bo Zhang", "pending", "free", [newsletter], [], ""),
        ("chidi.obi@example.org", "Chidi Obi", "active", "comped", [weekly], ["Press"], ""),
        ("dana.levi@example.org", "", "unsubscribed", "free", [], ["Events"], "Left in May"),
        ("eero.virtanen@example.org", "Eero Virtanen", "bounced", "free", [], [], ""),
    ]  # fmt: skip
    for email, name, status, tier, newsletters, labels, notes in people:
        member = Member.objects.create(
            email=email, name=name, status=status, tier=tier, notes=notes, created_at=joined,
            confirmed_at=joined if status == "active" else None, stripe_customer_id="",
        )  # fmt: skip
        for each in newsletters:
            Subscription.objects.create(member=member, newsletter=each, status=(
                "active" if status == "active" else "pending"))  # fmt: skip
        member.labels.set([Label.objects.get_or_create(name=label)[0] for label in labels])
    out = io.StringIO()
    export_members(Member.objects.all(), out)
    exported = out.getvalue()

    def snapshot() -> dict[str, Any]:
        return {
            member.email: (
                member.name, member.status, member.tier, member.notes,
                sorted(member.labels.values_list("name", flat=True)),
                sorted(member.subscriptions.values_list("newsletter__slug", "status")),
                member.created_at, member.confirmed_at,
            )
            for member in Member.objects.all()
        }  # fmt: skip

    before = snapshot()
    Member.objects.all().delete()
    Label.objects.all().delete()
    Suppression.objects.all().delete()
    weekly.delete()  # a fresh Atlas: only the default newsletter
    report = import_members(io.StringIO(exported, newline=""))
    assert (report.layout, report.created, report.error_count) == ("atlas", 5, 0)
    assert report.newsletters_created == ["weekly-analysis"]
    after = snapshot()
    assert after == before
    assert "'Smith, Jones & Co'" not in exported and '"Smith, Jones & Co"' in exported.replace(
        '""', '"'
    )


# Non-ASCII addresses: accepted, and refused, the same way everywhere


def test_an_address_with_non_ascii_letters_before_the_at_is_accepted_everywhere_alike(
    newsletter: Newsletter,
) -> None:
    decomposed = "toma\u0301s.ito@example.org"  # "a" and a combining accent
    outcome = services.subscribe("Tomás.Ito@example.org")
    report = import_members(io.StringIO(f"email\n{decomposed}\nzoë@example.org\n"))
    assert outcome.member.email == "Tomás.Ito@example.org"
    assert (report.created, report.updated, report.error_count) == (1, 1, 0)
    assert sorted(Member.objects.values_list("email_lower", flat=True)) == [
        "tomás.ito@example.org",
        "zoë@example.org",
    ]


def test_an_invalid_non_ascii_address_is_refused_everywhere_alike(
    newsletter: Newsletter,
) -> None:
    address = "tomás\u200bito@example.org"  # a zero-width space hides in it
    with pytest.raises(Exception, match=r"U\+200B") as on_sign_up:
        services.subscribe(address)
    report = import_members(io.StringIO(f"email\n{address}\n"))
    assert report.errors == [(2, f"{on_sign_up.value.messages[0]} ({address!r})")]  # type: ignore[attr-defined]
    assert not Member.objects.exists()


def test_an_internationalised_domain_is_accepted_everywhere_in_its_ascii_form(
    newsletter: Newsletter,
) -> None:
    outcome = services.subscribe("lena@bücher.example")
    import_members(io.StringIO("email\njonas@bücher.example\n"))
    assert outcome.member.email == "lena@xn--bcher-kva.example"
    assert Member.objects.filter(email="jonas@xn--bcher-kva.example").exists()
    out = io.StringIO()
    export_members(Member.objects.all(), out)
    Member.objects.all().delete()
    again = import_members(io.StringIO(out.getvalue(), newline=""))
    assert (again.created, again.error_count) == (2, 0)


def test_the_demo_creates_only_addresses_sign_up_accepts(db: Any) -> None:
    assert demo_address("Tomás.Ito.5") == "tomás.ito.5@example.org"
    assert demo_address("Chloé.Berg.6", "münchen.example") == "chloé.berg.6@xn--mnchen-3ya.example"


# Re-permission


def test_pending_imported_members_are_asked_once_through_the_outbox(
    newsletter: Newsletter, mailbox: Any, admin_user: Any
) -> None:
    run("beehiiv_subscribers.csv", confirmed=True)
    Member.objects.create(email="signed.up@example.org", status="pending", source="web")
    outcome = request_permission(Member.objects.all(), admin_user)
    assert (outcome.queued, outcome.already_asked, outcome.not_pending) == (2, 0, 4)
    assert set(OutboundEmail.objects.values_list("to", flat=True)) == {
        "ngozi.eze@example.org",
        "jonas.berg@example.org",
    }
    again = request_permission(Member.objects.all(), admin_user)
    assert (again.queued, again.already_asked) == (0, 2)  # one email each, ever
    assert send_queued(older_than=timezone.timedelta(0)) == 2
    message = mailbox.last_to("ngozi.eze@example.org")
    assert "Do you still want" in message.message["Subject"]
    link = next(link for link in message.links() if "/confirm/" in link)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert services.confirm(token) is not None
    ngozi = Member.objects.get(email_lower="ngozi.eze@example.org")
    assert ngozi.status == "active"
    assert Subscription.objects.get(member=ngozi).status == "active"
    summary = permission_summary()
    assert (summary.asked, summary.confirmed, summary.waiting) == (2, 1, 1)
    assert [email for email, _ in summary.confirmed_members] == ["ngozi.eze@example.org"]
    assert PermissionRequest.objects.get(member=ngozi).confirmed


def test_the_admin_action_asks_the_selected_members(
    newsletter: Newsletter, admin_client: Any
) -> None:
    run("beehiiv_subscribers.csv")
    ids = list(Member.objects.values_list("pk", flat=True))
    response = admin_client.post("/admin/members/member/", {
        "action": "ask_permission", "_selected_action": ids, "index": 0}, follow=True)  # fmt: skip
    assert "Queued 4 confirmation emails; 0 already asked; 1 not" in response.content.decode()
    assert PermissionRequest.objects.count() == 4  # everyone pending; not the one who left
    listing = admin_client.get("/admin/members/permissionrequest/").content.decode()
    assert "ngozi.eze@example.org" in listing


def test_a_plain_list_with_common_status_words_is_read(newsletter: Newsletter) -> None:
    text = ("email,status\r\nann@example.org,Subscribed\r\nbo@example.org,unconfirmed\r\n"
            "cy@example.org,\r\ndi@example.org,cleaned\r\n")  # fmt: skip
    report = import_members(io.StringIO(text, newline=""), confirmed=True)
    assert (report.layout, report.error_count) == ("plain", 0)
    assert statuses() == {
        "ann@example.org": ("active", "free"), "bo@example.org": ("pending", "free"),
        "cy@example.org": ("active", "free"), "di@example.org": ("bounced", "free"),
    }  # fmt: skip
