"""What billing shows in other apps' pages: the paid plans in members' paywall and subscribe page,
the plan on the account page, and the tiers panel of the newsroom's post editor."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest
from django.template import Context
from django.template.loader import render_to_string

from atlas.billing import services
from atlas.billing.models import PostTier, Price, Tier, TierQuerySet
from atlas.billing.stripe_api import configured
from atlas.members.hooks import plan_of
from atlas.members.policy import current_member
from atlas.publishing.models import Post


def offered_tiers(post: Post | None = None) -> list[Tier]:
    """Tiers a reader may choose (those that open `post`, when given), with their live prices."""
    tiers: TierQuerySet = Tier.objects.offered()
    if post is not None:
        wanted = list(PostTier.objects.filter(post=post).values_list("tier_id", flat=True))
        if wanted:
            tiers = tiers.filter(pk__in=wanted)
    live = Price.objects.filter(active=True).order_by("interval")
    return list(tiers.prefetch_related(Prefetch("prices", queryset=live, to_attr="live_prices")))


def paywall_offer(context: Context) -> str:
    post = context.get("post")
    if not configured() or post is None or post.visibility != Post.Visibility.PAID:
        return ""
    tiers = offered_tiers(post)
    if not tiers:
        return ""
    page = {"tiers": tiers, "post": post, "where": "gate"}
    return render_to_string("billing/offer.html", page, request=context.get("request"))


def subscribe_offer(context: Context) -> str:
    if not configured():
        return ""
    request = context.get("request")
    member = current_member(request) if request is not None else None
    if member is not None and (plan := plan_of(member)).paying:
        return render_to_string("billing/already_paying.html", {"plan": plan}, request=request)
    tiers = offered_tiers()
    if not tiers:
        return ""
    free = Tier.objects.filter(kind=Tier.Kind.FREE).first()
    offer = {"tiers": tiers, "free_tier": free}
    return render_to_string("billing/subscribe_offer.html", offer, request=request)


def account(context: Context) -> str:
    member = context.get("member")
    if member is None:
        return ""
    billing = services.member_billing(member)
    offered = configured() and Tier.objects.offered().exists()
    if not (billing.paying or billing.subscription or billing.grants or offered):
        return ""
    page = {"billing": billing, "offered": offered}
    return render_to_string("billing/account.html", page, request=context.get("request"))


def save_post_tiers(request: HttpRequest, post: Post) -> None:
    """The editor's tiers panel: which paid tiers open a post for paying members."""
    chosen = set(map(int, filter(str.isdigit, request.POST.getlist("billing_tiers"))))
    valid = set(Tier.objects.paid().filter(pk__in=chosen).values_list("pk", flat=True))
    PostTier.objects.filter(post=post).exclude(tier_id__in=valid).delete()
    for tier_id in valid:
        PostTier.objects.get_or_create(post=post, tier_id=tier_id)
