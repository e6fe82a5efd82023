"""What a sponsored block shows changed: retire the cached pages once the change is committed."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from atlas.lib import pagecache
from atlas.sponsors.models import Campaign, Sponsor, SponsorSettings, SponsorshipOptOut
from atlas.sponsors.placement import forget_lineup


def _blocks_changed(sender: Any, **kwargs: Any) -> None:
    forget_lineup()  # this process, at once; the others once the change is committed
    pagecache.changed()


for model in (Campaign, Sponsor, SponsorSettings, SponsorshipOptOut):
    post_save.connect(
        _blocks_changed, sender=model, dispatch_uid=f"pagecache-save-{model.__name__}"
    )
    post_delete.connect(
        _blocks_changed, sender=model, dispatch_uid=f"pagecache-delete-{model.__name__}"
    )
m2m_changed.connect(
    _blocks_changed, sender=Campaign.tags.through, dispatch_uid="pagecache-campaign-tags"
)
