"""The sponsorship opt-out in the side panel of the newsroom's post editor."""

from __future__ import annotations

from django.http import HttpRequest

from atlas.publishing.hooks import EditorPanel
from atlas.publishing.models import Post
from atlas.sponsors.models import SponsorshipOptOut

PERMISSION = "sponsors.change_sponsorshipoptout"


def save_opt_out(request: HttpRequest, post: Post) -> None:
    """Apply the panel's two fields: a checkbox and an internal reason."""
    if "sponsorship_panel" not in request.POST:
        return  # the form did not show the panel: leave things as they are
    if request.POST.get("sponsorship_opt_out") == "on":
        SponsorshipOptOut.objects.update_or_create(
            post=post,
            defaults={"reason": request.POST.get("sponsorship_reason", "")[:200]},
            create_defaults={
                "reason": request.POST.get("sponsorship_reason", "")[:200],
                "created_by": request.user if request.user.is_authenticated else None,
            },
        )
    else:
        SponsorshipOptOut.objects.filter(post=post).delete()


panel = EditorPanel(
    label="Sponsorship",
    template="sponsors/editor_panel.html",
    save=save_opt_out,
    permission=PERMISSION,
)
