"""Importing members from CSV exports: layouts, errors, updates, suppression, the CLI, the admin."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.utils import timezone

from atlas.members import importing, models, services
from atlas.members.import_runs import run_import as run_member_import
from atlas.members.importing import (
    MAX_LISTED_ERRORS,
    ImportFileError,
    ImportReport,
    SeenAddresses,
    import_members,
)
from atlas.members.models import (
    Label,
    Member,
    MemberEvent,
    Newsletter,
    OutboundEmail,
    Subscription,
    Suppression,
    email_digest,
)

DATA = Path(__file__).parent / "data"


@pytest.fixture
def weekly(db: Any) -> Newsletter:
    return Newsletter.objects.create(name="The Weekly", slug="weekly")


def run_import(text: str, newsletters: list[Newsletter], **options: Any) -> ImportReport:
    return import_members(io.StringIO(text, newline=""), newsletters=newsletters, **options)


def import_sample(name: str, newsletters: list[Newsletter], **options: Any) -> ImportReport:
    with (DATA / name).open(encoding="utf-8-sig", newline="") as file:
        return import_members(file, newsletters=newsletters, **options)


def member(email: str) -> Member:
    return Member.objects.with_email(email).get()


def subscription_status(email: str, newsletter: Newsletter) -> str:
    return Subscription.objects.get(member=member(email), newsletter=newsletter).status


def is_suppressed(email: str, reason: str) -> bool:
    return Suppression.objects.filter(email_digest=email_digest(email), reason=reason).exists()


# Layouts


def test_substack_export_is_detected_and_mapped(newsletter: Newsletter) -> None:
    report = import_sample("substack.csv", [newsletter])
    assert (report.layout, report.rows, report.created, report.error_count) == (
        "substack",
        12,
        9,
        3,
    )
    grace = member("grace.hopper@example.org")
    assert grace.email == "Grace.Hopper@example.org"  # the domain lower-cased, the rest as given
    assert grace.tier == Member.Tier.PAID
    assert grace.created_at.isoformat() == "2021-05-17T08:30:12+00:00"
    assert member("katherine.johnson@example.com").tier == Member.Tier.COMPED
    assert member("donald.knuth@example.org").tier == Member.Tier.FREE  # a lapsed yearly plan
    assert member("barbara.liskov@example.com").created_at > timezone.now() - timezone.timedelta(
        minutes=1
    )  # "not a date": the import's time


def test_a_disabled_substack_address_is_imported_unsubscribed_and_suppressed(
    newsletter: Newsletter,
) -> None:
    report = import_sample("substack.csv", [newsletter], confirmed=True)
    assert report.created_unsubscribed == 1
    margaret = member("margaret.hamilton@example.org")
    assert margaret.status == Member.Status.UNSUBSCRIBED
    assert margaret.confirmed_at is None
    assert subscription_status(margaret.email, newsletter) == Subscription.Status.UNSUBSCRIBED
    assert is_suppressed(margaret.email, Suppression.Reason.UNSUBSCRIBED)


def test_beehiiv_export_is_detected_and_mapped(newsletter: Newsletter) -> None:
    report = import_sample("beehiiv.csv", [newsletter])
    assert (report.layout, report.created, report.created_unsubscribed) == ("beehiiv", 9, 3)
    sam = member("sam.reader@example.org")
    assert (sam.utm_source, sam.utm_medium, sam.utm_campaign) == (
        "twitter",
        "social",
        "spring-launch",
    )
    assert sam.referrer == "https://twitter.com/"
    assert member("priya.patel@example.com").tier == Member.Tier.PAID  # premium
    assert member("lee.chen@example.net").status == Member.Status.UNSUBSCRIBED  # inactive
    assert member("morgan@example.org").status == Member.Status.UNSUBSCRIBED
    assert member("jo.bloggs@example.org").status == Member.Status.BOUNCED  # invalid
    assert is_suppressed("jo.bloggs@example.org", Suppression.Reason.BOUNCED)
    assert member("amal.haddad@example.org").created_at.isoformat() == "2023-06-09T11:00:00+00:00"


def test_ghost_members_export_is_detected_and_mapped(newsletter: Newsletter) -> None:
    report = import_sample("ghost.csv", [newsletter])
    assert (report.layout, report.created, report.error_count) == ("ghost", 8, 2)
    maria = member("maria.santos@example.org")
    assert maria.name == "Maria Santos"  # the first of the two rows for the address
    assert maria.notes == "Met at the town hall"
    assert sorted(maria.labels.values_list("name", flat=True)) == ["Town hall", "VIP"]
    assert member("tomas.berg@example.se").tier == Member.Tier.PAID  # a tier and a Stripe customer
    assert member("ana.lima@example.com.br").tier == Member.Tier.COMPED
    assert member("kwame.mensah@example.org").status == Member.Status.UNSUBSCRIBED


def test_mailchimp_audience_export_is_detected_and_mapped(newsletter: Newsletter) -> None:
    report = import_sample("mailchimp.csv", [newsletter])
    assert (report.layout, report.created, report.error_count) == ("mailchimp", 7, 2)
    hannah = member("hannah.arendt@example.de")
    assert hannah.name == "Hannah Arendt"
    assert hannah.created_at.isoformat() == "2020-02-01T10:00:00+00:00"  # OPTIN_TIME
    assert sorted(hannah.labels.values_list("name", flat=True)) == ["Events", "Founding reader"]
    assert member("audre.lorde@example.org").notes == "Wrote in about the archive"
    assert member("rosa.luxemburg@example.pl").status == Member.Status.UNSUBSCRIBED
    assert member("emma.goldman@example.org").status == Member.Status.BOUNCED  # cleaned
    assert is_suppressed("emma.goldman@example.org", Suppression.Reason.BOUNCED)


def test_plain_list_with_bom_semicolons_and_crlf_is_read(newsletter: Newsletter) -> None:
    report = import_sample("plain.csv", [newsletter])
    assert (report.layout, report.rows, report.created, report.error_count) == ("plain", 11, 8, 3)
    assert member("jose.saramago@example.pt").name == "José Saramago"
    assert member("chimamanda@example.ng").name == "Adichie; Chimamanda"  # a quoted delimiter
    assert member("han.kang@example.kr").name == ""
    assert (6, "No email address.") in report.errors


@pytest.mark.parametrize(
    "text",
    ["first@example.org\nsecond@example.org\n", "first@example.org,First\nsecond@example.org,\n"],
    ids=["one column", "two columns"],
)
def test_a_file_without_a_header_row_is_a_plain_list(text: str, newsletter: Newsletter) -> None:
    report = run_import(text, [newsletter])
    assert (report.layout, report.rows, report.created) == ("headerless", 2, 2)
    assert Member.objects.with_email("first@example.org").exists()


def test_first_and_last_name_columns_make_the_name(newsletter: Newsletter) -> None:
    run_import("Email,First Name,Last Name\nann@example.org,Ann,Lee\n", [newsletter])
    assert member("ann@example.org").name == "Ann Lee"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("name,city\nAnn,Oslo\n", "No email column"),
        ("\n\n", "no rows"),
    ],
)
def test_a_file_that_is_not_a_member_list_is_refused(
    text: str, message: str, newsletter: Newsletter
) -> None:
    with pytest.raises(ImportFileError, match=message):
        run_import(text, [newsletter])
    assert not Member.objects.exists()


# Errors


def test_errors_name_their_line_and_the_rest_is_imported(newsletter: Newsletter) -> None:
    text = (
        "email,name\nann@example.org,Ann\nnot-an-address,X\n\n"
        "ANN@Example.org,Again\nline\nbreak@example.org,Y\n"
    )
    report = run_import(text, [newsletter])
    assert report.errors == [
        (3, "Enter a valid email address, like name@example.org. ('not-an-address')"),
        (5, "ANN@example.org appears earlier in the file."),
        (6, "Enter a valid email address, like name@example.org. ('line')"),
    ]
    assert report.created == 2


def test_a_duplicate_in_a_later_batch_is_still_caught(newsletter: Newsletter) -> None:
    report = run_import("email\na@example.org\nb@example.org\nA@EXAMPLE.ORG\n", [newsletter],
                        batch_size=1)  # fmt: skip
    assert report.errors == [(4, "A@example.org appears earlier in the file.")]
    assert Member.objects.count() == 2


def test_the_error_list_is_capped_but_every_error_is_counted(newsletter: Newsletter) -> None:
    rows = "".join(f"broken-{number}\n" for number in range(MAX_LISTED_ERRORS + 5))
    report = run_import("email\n" + rows, [newsletter])
    assert report.error_count == MAX_LISTED_ERRORS + 5
    assert len(report.errors) == MAX_LISTED_ERRORS
    assert "… and 5 more not listed" in report.as_text()


# Existing members, suppression


def test_importing_again_updates_and_never_duplicates(
    newsletter: Newsletter, weekly: Newsletter
) -> None:
    first = import_sample("ghost.csv", [newsletter])
    Member.objects.filter(email_lower="sara.nilsson@example.se").update(name="")
    second = import_sample("ghost.csv", [newsletter, weekly], labels=["Second import"])
    assert (second.created, second.updated, second.skipped_suppressed) == (0, 7, 1)
    assert Member.objects.count() == first.created
    assert MemberEvent.objects.filter(kind=MemberEvent.Kind.IMPORTED).count() == first.created
    maria = member("maria.santos@example.org")
    assert maria.name == "Maria Santos"  # a name is filled in, never replaced
    assert set(maria.labels.values_list("name", flat=True)) == {"Second import", "Town hall", "VIP"}
    assert subscription_status(maria.email, weekly) == Subscription.Status.PENDING


def test_an_existing_member_keeps_their_status_and_gains_a_missing_name(
    newsletter: Newsletter,
) -> None:
    Member.objects.create(email="ann@example.org", status=Member.Status.PENDING)
    report = run_import("email,name\nann@example.org,Ann\n", [newsletter], confirmed=True)
    ann = member("ann@example.org")
    assert (report.updated, ann.name, ann.status) == (1, "Ann", Member.Status.PENDING)
    assert subscription_status(ann.email, newsletter) == Subscription.Status.PENDING


def test_a_newsletter_the_member_left_is_not_subscribed_again(
    newsletter: Newsletter, weekly: Newsletter
) -> None:
    ann = Member.objects.create(email="ann@example.org", status=Member.Status.ACTIVE)
    Subscription.objects.create(member=ann, newsletter=newsletter, status="active")
    Subscription.objects.create(member=ann, newsletter=weekly, status="active")
    services.unsubscribe(ann, weekly)
    report = run_import("email\nann@example.org\n", [newsletter, weekly], confirmed=True)
    assert report.updated == 1
    assert subscription_status(ann.email, weekly) == Subscription.Status.UNSUBSCRIBED
    assert subscription_status(ann.email, newsletter) == Subscription.Status.ACTIVE


def unsubscribed_everywhere(newsletter: Newsletter) -> None:
    ann = Member.objects.create(email="ann@example.org", status=Member.Status.ACTIVE)
    Subscription.objects.create(member=ann, newsletter=newsletter, status="active")
    services.unsubscribe(ann)


def bounced(newsletter: Newsletter) -> None:
    Member.objects.create(email="ann@example.org", status=Member.Status.BOUNCED)


def complained(newsletter: Newsletter) -> None:
    Member.objects.create(email="ann@example.org", status=Member.Status.COMPLAINED)


def deleted_their_account(newsletter: Newsletter) -> None:
    services.delete_member(Member.objects.create(email="ann@example.org", status="active"))


def suppressed_only(newsletter: Newsletter) -> None:
    services.suppress("ann@example.org", Suppression.Reason.COMPLAINED)


@pytest.mark.parametrize(
    "history",
    [unsubscribed_everywhere, bounced, complained, deleted_their_account, suppressed_only],
)
def test_an_address_that_left_is_never_subscribed_again(
    history: Any, newsletter: Newsletter
) -> None:
    history(newsletter)
    members_before = Member.objects.count()
    report = run_import("email,name\nAnn@example.org,Ann\n", [newsletter], confirmed=True)
    assert (report.skipped_suppressed, report.created, report.updated) == (1, 0, 0)
    assert Member.objects.count() == members_before
    assert not Subscription.objects.exclude(status=Subscription.Status.UNSUBSCRIBED).exists()
    assert not Member.objects.filter(status=Member.Status.ACTIVE).exists()


def test_a_row_marked_unsubscribed_is_never_active_even_when_confirmed(
    newsletter: Newsletter,
) -> None:
    run_import("email,subscribed_to_emails\nann@example.org,false\n", [newsletter], confirmed=True)
    ann = member("ann@example.org")
    assert ann.status == Member.Status.UNSUBSCRIBED
    assert subscription_status(ann.email, newsletter) == Subscription.Status.UNSUBSCRIBED
    assert services.is_suppressed(ann.email)


def test_an_unsubscribed_row_for_an_existing_member_adds_no_newsletter(
    newsletter: Newsletter,
) -> None:
    Member.objects.create(email="ann@example.org", status=Member.Status.ACTIVE)
    run_import("email,subscribed_to_emails\nann@example.org,false\n", [newsletter])
    assert not Subscription.objects.exists()
    assert member("ann@example.org").status == Member.Status.ACTIVE


# Confirmation, labels, history


def test_a_confirmed_import_makes_active_members(newsletter: Newsletter) -> None:
    run_import("email\nann@example.org\n", [newsletter], confirmed=True)
    ann = member("ann@example.org")
    assert ann.status == Member.Status.ACTIVE
    assert ann.confirmed_at is not None
    assert ann.source == "import"
    assert subscription_status(ann.email, newsletter) == Subscription.Status.ACTIVE


def test_an_unconfirmed_import_leaves_members_pending_and_sends_nothing(
    newsletter: Newsletter,
) -> None:
    run_import("email\nann@example.org\n", [newsletter])
    ann = member("ann@example.org")
    assert (ann.status, ann.confirmed_at) == (Member.Status.PENDING, None)
    assert subscription_status(ann.email, newsletter) == Subscription.Status.PENDING
    assert not OutboundEmail.objects.exists()


def test_labels_are_given_to_new_and_existing_members(newsletter: Newsletter) -> None:
    Member.objects.create(email="old@example.org", status=Member.Status.ACTIVE)
    run_import("email,labels\nold@example.org,\nnew@example.org,Donor\n", [newsletter],
               labels=["Spring fair", " Spring fair ", " "])  # fmt: skip
    assert list(member("old@example.org").labels.values_list("name", flat=True)) == ["Spring fair"]
    assert sorted(member("new@example.org").labels.values_list("name", flat=True)) == [
        "Donor", "Spring fair",
    ]  # fmt: skip
    assert Label.objects.count() == 2


def test_each_created_member_gets_one_imported_event(newsletter: Newsletter) -> None:
    Member.objects.create(email="old@example.org")
    run_import("email\nold@example.org\nnew@example.org\n", [newsletter])
    events = MemberEvent.objects.filter(kind=MemberEvent.Kind.IMPORTED)
    assert [(event.member.email, event.detail) for event in events] == [
        ("new@example.org", {"layout": "plain"})
    ]


def test_a_row_naming_a_newsletter_twice_subscribes_once(newsletter: Newsletter) -> None:
    header = "email,name,status,tier,newsletters,labels,created_at,confirmed_at,source"
    row = 'new@example.org,New,active,free,"newsletter,newsletter",,2024-01-01T00:00:00Z,,web'
    report = run_import(f"{header}\n{row}\n", [newsletter])
    assert (report.layout, report.created, report.error_count) == ("atlas", 1, 0)
    assert list(Subscription.objects.values_list("member__email", "newsletter")) == [
        ("new@example.org", newsletter.pk)
    ]


def test_a_member_signing_up_while_the_batch_is_written_is_not_counted_as_imported(
    newsletter: Newsletter, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_select_in = importing.select_in

    def sign_up_after_lookup(*args: Any) -> list[tuple[Any, ...]]:
        found = real_select_in(*args)
        if args[0] is Member and not Member.objects.filter(email="late@example.org").exists():
            Member.objects.create(email="late@example.org", source="web")
        return found

    monkeypatch.setattr(importing, "select_in", sign_up_after_lookup)
    report = run_import("email\nlate@example.org\nnew@example.org\n", [newsletter])
    assert report.created == 1
    assert member("late@example.org").source == "web"
    events = MemberEvent.objects.filter(kind=MemberEvent.Kind.IMPORTED)
    assert [event.member.email for event in events] == ["new@example.org"]
    assert list(member("late@example.org").subscriptions.all()) == []


def test_a_file_error_after_the_first_batch_stops_the_import_there(
    newsletter: Newsletter, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_valid_rows = importing.Importer.valid_rows
    calls: list[int] = []

    def failing_second_batch(self: Any, rows: Any) -> Any:
        calls.append(len(rows))
        if len(calls) == 2:
            raise ImportFileError("The second batch cannot be read.")
        return real_valid_rows(self, rows)

    monkeypatch.setattr(importing.Importer, "valid_rows", failing_second_batch)
    rows = "".join(f"reader{number}@example.org\n" for number in range(6))
    with pytest.raises(ImportFileError, match="second batch"):
        run_import("email\n" + rows, [newsletter], batch_size=2)
    assert sorted(Member.objects.values_list("email", flat=True)) == [
        "reader0@example.org", "reader1@example.org",
    ]  # fmt: skip


def test_progress_is_reported_after_each_batch(newsletter: Newsletter) -> None:
    seen: list[int] = []
    rows = "".join(f"reader{number}@example.org\n" for number in range(5))
    run_import(rows, [newsletter], batch_size=2, progress=seen.append)
    assert seen == [2, 4, 5]


def test_queries_per_batch_do_not_grow_with_its_rows(
    newsletter: Newsletter, django_assert_max_num_queries: Any
) -> None:
    rows = "".join(f"reader{number}@example.org,Reader\n" for number in range(500))
    # 5 once per import (newsletters, the label); PostgreSQL copies through a staging table
    with django_assert_max_num_queries(14 if connection.vendor == "sqlite" else 30):
        run_import("email,name\n" + rows, [newsletter], labels=["Fair"], batch_size=500)
    assert Member.objects.count() == 500


def test_seen_addresses_grow_and_remember_every_address() -> None:
    seen = SeenAddresses(capacity=4)
    assert all(seen.add(f"reader{number}@example.org") for number in range(1000))
    assert not any(seen.add(f"reader{number}@example.org") for number in range(1000))


def test_the_report_reads_as_text() -> None:
    report = ImportReport(layout="ghost", rows=3, created=1, created_pending=1, updated=1,
                          skipped_suppressed=1, seconds=0.5, errors=[(4, "Bad.")],
                          error_count=1)  # fmt: skip
    assert report.as_text().splitlines() == [
        "Layout: Ghost members export", "Rows read: 3 in 0.5 s (6 rows/s)",
        "Created: 1 (0 active, 1 pending)",
        "Updated: 1", "Skipped, suppressed: 1", "Errors: 1", "  line 4: Bad.",
    ]  # fmt: skip
    assert ImportReport.from_dict(report.as_dict()) == report


# The command


def test_the_command_imports_a_file_and_prints_the_report(
    newsletter: Newsletter, weekly: Newsletter
) -> None:
    output = io.StringIO()
    call_command("import_members", str(DATA / "plain.csv"), "--newsletter", "weekly",
                 "--label", "Readers' list", "--confirmed", "--batch-size", "3",
                 stdout=output)  # fmt: skip
    assert "Layout: Plain list (email, name)\nRows read: 11" in output.getvalue()
    assert "Created: 8 (8 active, 0 pending)\n" in output.getvalue()
    olga = member("olga.tokarczuk@example.pl")
    assert olga.status == Member.Status.ACTIVE
    assert list(olga.newsletters.all()) == [weekly]
    assert list(olga.labels.values_list("name", flat=True)) == ["Readers' list"]


def test_the_command_uses_the_default_newsletters(newsletter: Newsletter) -> None:
    call_command("import_members", str(DATA / "beehiiv.csv"), stdout=io.StringIO())
    assert subscription_status("sam.reader@example.org", newsletter) == Subscription.Status.PENDING


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Cannot read .*: No such file or directory"),
        ("email\nann@example.org\nJos\xe9@example.org\n".encode("latin-1"), "not UTF-8"),
        (b"name\nAnn\n", "No email column"),
    ],
    ids=["missing", "not UTF-8", "no email column"],
)
def test_the_command_exits_1_on_a_file_it_cannot_read(
    content: bytes | None, message: str, tmp_path: Path, newsletter: Newsletter
) -> None:
    path = tmp_path / "members.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message) as error:
        call_command("import_members", str(path), stdout=io.StringIO())
    assert error.value.returncode == 1
    assert not Member.objects.exists()  # the file is checked before anything is written


def test_the_command_refuses_an_unknown_newsletter(newsletter: Newsletter) -> None:
    with pytest.raises(CommandError, match="No newsletter nope"):
        call_command("import_members", str(DATA / "plain.csv"), "--newsletter", "nope")


# The admin page and the worker: checked first, imported once confirmed


def test_an_upload_is_checked_then_imported_by_the_worker_once_confirmed(
    admin_client: Any, newsletter: Newsletter, weekly: Newsletter,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    with (DATA / "ghost.csv").open("rb") as upload, django_capture_on_commit_callbacks() as queued:
        response = admin_client.post(
            "/admin/members/member/import/",
            {
                "file": upload,
                "newsletters": [weekly.pk],
                "labels": "Ghost, 2024",
                "confirmed": "on",
            },
        )
    assert response.status_code == 302
    member_import = models.MemberImport.objects.get()
    assert member_import.status == "checking"
    assert member_import.file.name.startswith("imports/")
    assert len(queued) == 1  # the dry run is queued once the upload is saved
    run_member_import(member_import.pk)
    member_import.refresh_from_db()
    assert (member_import.status, member_import.rows_total) == ("checked", 10)
    assert member_import.dry_run_report["created"] == 8
    assert not Member.objects.exists()  # the dry run wrote nothing
    page = admin_client.get(f"/admin/members/member/import/{member_import.pk}/").content.decode()
    assert "Would create: 8" in page and "Import 10 rows" in page
    with django_capture_on_commit_callbacks(execute=False) as queued:
        admin_client.post(f"/admin/members/member/import/{member_import.pk}/",
                          {"action": "confirm"})  # fmt: skip
    assert len(queued) == 1
    run_member_import(member_import.pk)
    run_member_import(member_import.pk)  # a second run of the same task does nothing
    member_import.refresh_from_db()
    assert (member_import.status, member_import.rows_done) == ("done", 10)
    assert member_import.report["created"] == 8
    assert member_import.file.name == ""  # the uploaded list is not kept
    maria = member("maria.santos@example.org")
    assert maria.status == Member.Status.ACTIVE
    assert list(maria.newsletters.all()) == [weekly]
    assert {"Ghost", "2024"} <= set(maria.labels.values_list("name", flat=True))
    page = admin_client.get(f"/admin/members/member/import/{member_import.pk}/")
    assert "Created: 8" in page.content.decode()


def test_a_checked_upload_can_be_cancelled(admin_client: Any, newsletter: Newsletter) -> None:
    with (DATA / "plain.csv").open("rb") as upload:
        admin_client.post("/admin/members/member/import/", {"file": upload})
    member_import = models.MemberImport.objects.get()
    run_member_import(member_import.pk)
    admin_client.post(f"/admin/members/member/import/{member_import.pk}/", {"action": "cancel"})
    member_import.refresh_from_db()
    assert (member_import.status, member_import.file.name) == ("cancelled", "")
    run_member_import(member_import.pk)
    assert not Member.objects.exists()


def test_an_upload_without_an_email_column_is_refused_on_the_form(admin_client: Any) -> None:
    upload = io.BytesIO(b"name,city\nAnn,Oslo\n")
    upload.name = "people.csv"
    response = admin_client.post("/admin/members/member/import/", {"file": upload})
    assert response.status_code == 200
    assert "No email column" in response.content.decode()
    assert not models.MemberImport.objects.exists()


def test_staff_without_the_add_permission_cannot_import(contributor: Any) -> None:
    client = Client()
    client.force_login(contributor)  # editors may import; contributors may not
    response = client.get("/admin/members/member/import/")
    assert response.status_code == 403
