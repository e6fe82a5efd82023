"""Every one-row settings table: made on first read, edited in place, never added or deleted."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from atlas.delivery.models import DeliverySettings
from atlas.discussions.models import DiscussionSettings
from atlas.members.models import MembershipSettings
from atlas.publishing.models import Publication
from atlas.sponsors.models import SponsorSettings

SETTINGS = [DeliverySettings, DiscussionSettings, MembershipSettings, Publication, SponsorSettings]


@pytest.mark.parametrize("model", SETTINGS, ids=lambda model: model.__name__)
def test_one_row_edited_in_place(admin_client: Client, model: Any) -> None:
    model.objects.all().delete()
    assert model.current().pk == 1 and model.current().pk == 1
    assert model.objects.count() == 1
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    response = admin_client.get(base)
    assert response.status_code == 302 and response["Location"] == f"{base}1/change/"
    assert admin_client.get(f"{base}1/change/").status_code == 200
    assert admin_client.get(f"{base}add/").status_code == 403
    assert admin_client.get(f"{base}1/delete/").status_code == 403
    assert model.objects.count() == 1
