"""The member import's writes of new members: on PostgreSQL one statement from a staging table
(`import_postgres`), elsewhere step by step; the same outcome either way."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from atlas.lib.bulk import copy_line
from atlas.members import import_postgres
from atlas.members.importing import NEW_MEMBER_FIELDS, ImportReport, import_members
from atlas.members.models import Label, Member, MemberEvent, Newsletter, Subscription

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL statement itself"
)


def run_import(text: str, newsletters: list[Newsletter], **options: Any) -> ImportReport:
    return import_members(io.StringIO(text, newline=""), newsletters=newsletters, **options)


def staged(email: str, status: str, newsletter_ids: list[int], label_ids: list[int]) -> str:
    values = (email, email.lower(), "", status, "free", timezone.now(), None, *[""] * 6)
    return import_postgres.staged_line(
        copy_line(values), status, import_postgres.array_text(newsletter_ids),
        import_postgres.array_text(label_ids),
    )  # fmt: skip


def everything() -> dict[str, Any]:
    """What the tables hold, by address (ids left out)."""
    return {
        "members": sorted(Member.objects.values_list("email", "name", "status", "tier")),
        "subscriptions": sorted(
            Subscription.objects.values_list("member__email", "newsletter__slug", "status")
        ),
        "labels": sorted(Member.labels.through.objects.values_list("member__email", "label__name")),
        "events": sorted(MemberEvent.objects.values_list("member__email", "kind")),
    }


@postgresql_only
def test_one_statement_writes_members_subscriptions_labels_and_events(
    newsletter: Newsletter,
) -> None:
    second = Newsletter.objects.create(name="Second", slug="second")
    donor = Label.objects.create(name="Donor")
    with transaction.atomic():
        created = import_postgres.create_members(
            {
                "one@example.org": staged("One@example.org", "active", [newsletter.pk, second.pk],
                                          [donor.pk]),
                "two@example.org": staged("two@example.org", "unsubscribed", [newsletter.pk], []),
                "three@example.org": staged("three@example.org", "pending", [], []),
            },
            NEW_MEMBER_FIELDS,
            layout="plain",
        )  # fmt: skip
    assert created == ["one@example.org", "two@example.org", "three@example.org"]
    assert everything() == {
        "members": [("One@example.org", "", "active", "free"),
                    ("three@example.org", "", "pending", "free"),
                    ("two@example.org", "", "unsubscribed", "free")],
        "subscriptions": [("One@example.org", "newsletter", "active"),
                          ("One@example.org", "second", "active"),
                          ("two@example.org", "newsletter", "unsubscribed")],
        "labels": [("One@example.org", "Donor")],
        "events": [("One@example.org", "imported"), ("three@example.org", "imported"),
                   ("two@example.org", "imported")],
    }  # fmt: skip
    assert set(Member.objects.values_list("source", flat=True)) == {"import"}
    assert {event.detail["layout"] for event in MemberEvent.objects.all()} == {"plain"}
    assert all(each.created_at and each.changed_at for each in Subscription.objects.all())


@postgresql_only
def test_a_member_created_meanwhile_is_skipped_with_everything_that_hangs_on_them(
    newsletter: Newsletter,
) -> None:
    with transaction.atomic():
        Member.objects.create(email="meanwhile@example.org", source="web")
        created = import_postgres.create_members(
            {"new@example.org": staged("new@example.org", "active", [newsletter.pk], []),
             "meanwhile@example.org": staged("Meanwhile@example.org", "active",
                                             [newsletter.pk], [])},
            NEW_MEMBER_FIELDS, layout="plain",
        )  # fmt: skip
    assert created == ["new@example.org"]
    assert everything()["subscriptions"] == [("new@example.org", "newsletter", "active")]
    assert everything()["events"] == [("new@example.org", "imported")]
    assert Member.objects.get(email_lower="meanwhile@example.org").source == "web"


MIXED = (
    "email,name,status,labels\n"
    'first@example.org,First,active,"Donor, Smith"\n'
    "FIRST@example.org,Again,active,\n"  # a duplicate in other letter case
    "not-an-address,Broken,active,\n"
    "left@example.org,Left,unsubscribed,Donor\n"
    "pending@example.org,Tab\\there,pending,\n"
    "Øster@example.org,Øster,active,Ærø\n"
    "back\\slash@example.org,Back,active,\n"
    ",No address,active,\n"
    'last@example.org,"Line\nbreak",,\n'
)


def test_a_mixed_file_in_small_batches_and_its_rerun(newsletter: Newsletter) -> None:
    """Duplicates, bad rows, a row's own status, labels, non-ASCII addresses and characters
    COPY reads specially, across batches; a second run changes nothing."""
    report = run_import(MIXED, [newsletter], confirmed=True, labels=["Fair"], batch_size=3)
    assert (report.created, report.created_active, report.created_pending,
            report.created_unsubscribed, report.error_count) == (5, 3, 1, 1, 4)  # fmt: skip
    assert [line for line, _ in report.errors] == [3, 4, 8, 9]
    first = everything()
    assert first["members"] == [
        ("first@example.org", "First", "active", "free"),
        ("last@example.org", "Line break", "active", "free"),
        ("left@example.org", "Left", "unsubscribed", "free"),
        ("pending@example.org", "Tab\\there", "pending", "free"),
        ("Øster@example.org", "Øster", "active", "free"),
    ]
    assert ("left@example.org", "newsletter", "unsubscribed") in first["subscriptions"]
    assert ("pending@example.org", "newsletter", "pending") in first["subscriptions"]
    assert ("Øster@example.org", "newsletter", "active") in first["subscriptions"]
    assert len(first["subscriptions"]) == 5
    assert sorted(name for email, name in first["labels"] if email == "first@example.org") == [
        "Donor", "Fair", "Smith",
    ]  # fmt: skip
    assert ("Øster@example.org", "Ærø") in first["labels"]
    assert len(first["events"]) == 5
    again = run_import(MIXED, [newsletter], confirmed=True, labels=["Fair"], batch_size=3)
    assert (again.created, again.updated, again.skipped_suppressed) == (0, 4, 1)
    assert everything() == first


def test_rows_naming_their_newsletters_join_them_a_new_one_made_on_the_way(
    newsletter: Newsletter,
) -> None:
    header = "email,name,status,tier,newsletters,labels,created_at,confirmed_at,source"
    rows = [
        'one@example.org,One,active,paid,"newsletter,fresh",,2024-01-01T00:00:00Z,,web',
        "two@example.org,Two,active,free,fresh,,2024-01-01T00:00:00Z,,web",
        "three@example.org,Three,pending,free,,,2024-01-01T00:00:00Z,,web",
    ]
    report = run_import("\n".join([header, *rows]) + "\n", [newsletter], batch_size=2)
    assert (report.created, report.newsletters_created) == (3, ["fresh"])
    assert everything()["subscriptions"] == [
        ("one@example.org", "fresh", "pending"), ("one@example.org", "newsletter", "pending"),
        ("two@example.org", "fresh", "pending"),
    ]  # fmt: skip
