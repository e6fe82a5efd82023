"""Whatever readers can see changed: retire the cached pages once the change is committed."""

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from atlas.lib import pagecache
from atlas.publishing.context_processors import forget_publication
from atlas.publishing.models import Author, Correction, Post, PostAuthor, Publication, Tag


def _content_changed(sender: Any, **kwargs: Any) -> None:
    if getattr(kwargs.get("instance"), "readers_unaffected", False):
        return  # services.save_post: a post that neither is nor was visible
    pagecache.changed()


for model in (Author, Correction, Post, PostAuthor, Publication, Tag):
    post_save.connect(
        _content_changed, sender=model, dispatch_uid=f"pagecache-save-{model.__name__}"
    )
    post_delete.connect(
        _content_changed, sender=model, dispatch_uid=f"pagecache-delete-{model.__name__}"
    )
m2m_changed.connect(_content_changed, sender=Post.tags.through, dispatch_uid="pagecache-tags")


def _corrected(sender: Any, instance: Correction, **kwargs: Any) -> None:
    """A post with a correction always has a modification date (pages rely on it: no date, no
    corrections to look up)."""
    Post.objects.filter(pk=instance.post_id, content_modified_at__isnull=True).update(
        content_modified_at=instance.published_at
    )


post_save.connect(forget_publication, sender=Publication, dispatch_uid="forget-held-publication")
post_save.connect(_corrected, sender=Correction, dispatch_uid="correction-marks-post-modified")
