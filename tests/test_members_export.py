"""Exporting members as CSV: columns, formula safety, filters, streaming, the CLI and the admin."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.test import RequestFactory

from atlas.members.admin_import import export_csv
from atlas.members.exporting import COLUMNS, csv_chunks, export_members
from atlas.members.importing import import_members
from atlas.members.models import Label, Member, Newsletter, Subscription


def make_member(email: str, status: str = Member.Status.ACTIVE, **fields: Any) -> Member:
    return Member.objects.create(email=email, status=status, **fields)


def exported(queryset: Any = None) -> list[dict[str, str]]:
    out = io.StringIO()
    export_members(Member.objects.all() if queryset is None else queryset, out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_export_has_a_column_for_each_thing_we_know(newsletter: Newsletter) -> None:
    weekly = Newsletter.objects.create(name="Weekly", slug="weekly")
    ann = make_member("Ann@example.org", name="Ann", tier=Member.Tier.PAID, source="web",
                      utm_source="podcast", created_at=datetime(2024, 5, 1, 10, tzinfo=UTC),
                      confirmed_at=datetime(2024, 5, 1, 11, tzinfo=UTC))  # fmt: skip
    Subscription.objects.create(member=ann, newsletter=weekly, status="active")
    Subscription.objects.create(member=ann, newsletter=newsletter, status="pending")
    left = Newsletter.objects.create(name="Left", slug="left")
    Subscription.objects.create(member=ann, newsletter=left, status="unsubscribed")
    ann.labels.set([Label.objects.create(name="VIP"), Label.objects.create(name="Donor")])
    assert exported() == [
        {
            "email": "Ann@example.org", "name": "Ann", "status": "active", "tier": "paid",
            "newsletters": "newsletter, weekly", "labels": "Donor, VIP",
            "created_at": "2024-05-01T10:00:00+00:00", "confirmed_at": "2024-05-01T11:00:00+00:00",
            "source": "web", "utm_source": "podcast", "notes": "", "stripe_customer_id": "",
        }
    ]  # fmt: skip


@pytest.mark.parametrize("dangerous", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_a_spreadsheet_would_run_is_defused(dangerous: str, db: Any) -> None:
    make_member("ann@example.org", name=dangerous, utm_source=dangerous)
    row = exported()[0]
    assert row["name"] == "'" + dangerous
    assert row["utm_source"] == "'" + dangerous


def test_an_address_that_looks_like_a_formula_is_defused(db: Any) -> None:
    make_member('=HYPERLINK("https://evil.example")@example.org')
    assert exported()[0]["email"].startswith("'=HYPERLINK(")


def test_ordinary_cells_are_left_as_they_are(db: Any) -> None:
    make_member("ann@example.org", name="Ann 'Annie' Lee, Jr.")
    assert exported()[0]["name"] == "Ann 'Annie' Lee, Jr."


def test_a_filtered_export_contains_only_the_filtered_members(db: Any) -> None:
    make_member("active@example.org")
    make_member("left@example.org", status=Member.Status.UNSUBSCRIBED)
    make_member("pending@example.org", status=Member.Status.PENDING)
    rows = exported(Member.objects.filter(status=Member.Status.ACTIVE))
    assert [row["email"] for row in rows] == ["active@example.org"]


def test_the_streamed_chunks_are_the_same_csv(db: Any) -> None:
    for number in range(5):
        make_member(f"reader{number}@example.org", name=f"Reader {number}")
    out = io.StringIO()
    assert export_members(Member.objects.all(), out) == 5
    chunks = list(csv_chunks(Member.objects.all()))
    assert "".join(chunks) == out.getvalue()
    assert chunks[0].startswith(",".join(COLUMNS) + "\r\n")


def test_export_queries_do_not_grow_with_members(
    newsletter: Newsletter, django_assert_max_num_queries: Any
) -> None:
    label = Label.objects.create(name="VIP")
    for number in range(30):
        reader = make_member(f"reader{number}@example.org")
        Subscription.objects.create(member=reader, newsletter=newsletter, status="active")
        reader.labels.add(label)
    with django_assert_max_num_queries(5):  # names; then members, subscriptions, labels
        assert len(exported()) == 30


def test_the_command_writes_a_file_of_one_status(db: Any, tmp_path: Path) -> None:
    make_member("active@example.org")
    make_member("left@example.org", status=Member.Status.UNSUBSCRIBED)
    path = tmp_path / "members.csv"
    call_command("export_members", str(path), "--status", "unsubscribed", stderr=io.StringIO())
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    assert [row["email"] for row in rows] == ["left@example.org"]


def test_the_command_writes_to_standard_output(db: Any) -> None:
    make_member("ann@example.org")
    output = io.StringIO()
    call_command("export_members", stdout=output)
    assert output.getvalue().splitlines()[1].startswith("ann@example.org,")


def test_the_admin_action_streams_the_selected_members(admin_user: Any) -> None:

    make_member("chosen@example.org")
    make_member("other@example.org")
    request = RequestFactory().post("/admin/members/member/")
    request.user = admin_user
    chosen = Member.objects.filter(email="chosen@example.org")
    response = export_csv(site.get_model_admin(Member), request, chosen)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="members-')
    body = b"".join(response.streaming_content).decode()
    assert "chosen@example.org" in body
    assert "other@example.org" not in body


def test_an_export_imports_back_and_who_left_stays_left(newsletter: Newsletter) -> None:
    make_member("stays@example.org", name="Stays", tier=Member.Tier.COMPED)
    make_member("left@example.org", status=Member.Status.UNSUBSCRIBED)
    make_member("bounced@example.org", status=Member.Status.BOUNCED)
    out = io.StringIO()
    export_members(Member.objects.all(), out)
    Member.objects.all().delete()
    out.seek(0)
    report = import_members(out, newsletters=[newsletter], confirmed=True)
    assert (report.layout, report.created) == ("atlas", 3)
    statuses = dict(Member.objects.values_list("email", "status"))
    assert statuses == {
        "stays@example.org": "active", "left@example.org": "unsubscribed",
        "bounced@example.org": "bounced",
    }  # fmt: skip
    assert Member.objects.get(email="stays@example.org").tier == Member.Tier.COMPED


def test_the_member_changelist_offers_the_export_for_a_filtered_list(admin_client: Any) -> None:
    make_member("active@example.org")
    make_member("left@example.org", status=Member.Status.UNSUBSCRIBED)
    response = admin_client.post(
        "/admin/members/member/?status__exact=active",
        {"action": "export_csv", "select_across": "1", "index": "0",
         "_selected_action": list(Member.objects.values_list("pk", flat=True))},
    )  # fmt: skip
    body = b"".join(response.streaming_content).decode()
    assert "active@example.org" in body
    assert "left@example.org" not in body
