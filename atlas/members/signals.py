"""A newsletter's name is shown to readers (the subscribe page, email footers): a change retires
the cached pages and tells workers to read the names again (both follow the content version)."""

from typing import Any

from django.db.models.signals import post_delete, post_save

from atlas.lib import pagecache
from atlas.members.models import Newsletter


def _newsletter_changed(sender: Any, **kwargs: Any) -> None:
    pagecache.changed()


post_save.connect(_newsletter_changed, sender=Newsletter, dispatch_uid="pagecache-save-newsletter")
post_delete.connect(
    _newsletter_changed, sender=Newsletter, dispatch_uid="pagecache-delete-newsletter"
)
