"""The discussion under an article: count, thread, replies, sorting, placeholders, badges."""

from __future__ import annotations

import json
import re
from typing import Any

from django.test import Client

from atlas.discussions import moderation, services
from atlas.discussions.models import Comment, CommentLike
from atlas.members.models import Member
from atlas.publishing.models import Author, Post
from tests.factories import add_comment, client_for, page, set_discussion_settings, submit


def comment_ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'<li id="comment-(\d+)"', html)]


def structured_comments(html: str) -> dict[str, Any]:
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    found = [json.loads(script) for script in scripts]
    return next(item for item in found if "comment" in item)


def test_visitor_reads_the_thread_and_is_invited_to_log_in_or_subscribe(
    client: Client, article: Post, subscriber: Member, other_subscriber: Member
) -> None:
    first = add_comment(subscriber, article, "The dredging will *stir up* old sediment.")
    add_comment(other_subscriber, article, "Only near the east quay.", parent=first)

    response = client.get(article.get_absolute_url())
    html = response.content.decode()

    assert "public" in response.headers["Cache-Control"]
    assert '<h2 id="discussion-title">2 comments</h2>' in html
    assert "<em>stir up</em>" in html and "Only near the east quay." in html
    assert "<textarea" not in html and "csrf" not in html.lower()
    text = re.sub(r"<[^>]+>", "", html)
    assert "Log in or Subscribe to participate" in text
    path = article.get_absolute_url()
    assert f'href="/signin/?next={path}%23discussion"' in html
    assert f'href="/subscribe/?from={path}"' in html
    sign_in = client.get(f"/signin/?next={path}%23discussion").content.decode()
    assert f'name="next" value="{path}#discussion"' in sign_in
    assert client.get(f"/subscribe/?from={path}").status_code == 200


def test_member_posts_a_comment_and_finds_it_under_the_article(
    subscriber_client: Client, article: Post
) -> None:
    response = submit(subscriber_client, article, "A fair summary of a **long** meeting.")

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    html = page(subscriber_client, article)
    assert "1 comment<" in html and "<strong>long</strong>" in html
    assert "Your comment is published." in html
    assert 'id="comment-form"' in html and "Rosa Reader" in html


def test_replies_nest_and_deeper_replies_sit_at_the_deepest_level_naming_whom_they_answer(
    subscriber_client: Client, article: Post, subscriber: Member, other_subscriber: Member
) -> None:
    top = add_comment(subscriber, article, "Top.")
    second = add_comment(other_subscriber, article, "Second level.", parent=top)
    third = add_comment(subscriber, article, "Third level.", parent=second)
    fourth = add_comment(other_subscriber, article, "Answering the third.", parent=third)

    assert [top.depth, second.depth, third.depth, fourth.depth] == [0, 1, 2, 2]
    assert fourth.parent == second and fourth.reply_to == third
    html = page(subscriber_client, article)
    assert html.count('<ol class="comment-replies">') == 2
    assert f'replying to <a href="#comment-{third.pk}">Rosa Reader</a>' in html
    assert "replying to" not in html.split(f'id="comment-{fourth.pk}"')[0]


def test_comments_sort_oldest_first_newest_first_or_most_liked_with_pinned_on_top(
    client: Client, article: Post, make_member: Any, moderator: Any
) -> None:
    members = [make_member() for _ in range(3)]
    oldest, middle, newest = (add_comment(members[n], article, f"Comment {n}.") for n in range(3))
    for member in members[:2]:
        CommentLike.objects.create(comment=middle, member=member)
    CommentLike.objects.create(comment=newest, member=members[0])

    assert comment_ids(page(client, article)) == [oldest.pk, middle.pk, newest.pk]
    assert comment_ids(page(client, article, "?sort=newest")) == [newest.pk, middle.pk, oldest.pk]
    assert comment_ids(page(client, article, "?sort=liked")) == [middle.pk, newest.pk, oldest.pk]
    assert comment_ids(page(client, article, "?sort=nonsense"))[0] == oldest.pk
    moderation.set_pinned(newest, moderator, True)
    assert comment_ids(page(client, article))[0] == newest.pk
    assert "Pinned" in page(client, article)


def test_a_deleted_comment_with_replies_leaves_a_placeholder_and_without_vanishes(
    client: Client, article: Post, subscriber: Member, other_subscriber: Member
) -> None:
    answered = add_comment(subscriber, article, "Words I regret.")
    add_comment(other_subscriber, article, "A reply that stays.", parent=answered)
    alone = add_comment(subscriber, article, "Another regret.")

    services.delete_own_comment(subscriber, answered)
    services.delete_own_comment(subscriber, alone)

    html = page(client, article)
    assert "Words I regret" not in html and "Another regret" not in html
    assert "Comment deleted" in html and "A reply that stays." in html
    assert f'id="comment-{alone.pk}"' not in html
    assert "1 comment<" in html
    assert Comment.objects.get(pk=answered.pk).body == ""


def test_a_hidden_comment_is_invisible_to_every_reader_and_in_structured_data(
    client: Client, article: Post, subscriber: Member, other_client: Client, moderator: Any
) -> None:
    kept = add_comment(subscriber, article, "Useful context on tides.")
    hidden = add_comment(subscriber, article, "Something libellous about the mayor.")
    moderation.hide(hidden, moderator, "Libel")

    for viewer in (client, other_client, client_for(subscriber)):
        html = page(viewer, article)
        assert "libellous" not in html and "Useful context on tides." in html
        assert f'id="comment-{hidden.pk}"' not in html
    data = structured_comments(page(client, article))
    assert data["commentCount"] == 1
    assert [item["@id"].rsplit("-", 1)[1] for item in data["comment"]] == [str(kept.pk)]
    assert data["comment"][0]["author"]["name"] == "Rosa Reader"
    assert data["comment"][0]["text"] == "Useful context on tides."


def test_a_held_comment_is_shown_only_to_its_author_marked_as_awaiting_review(
    client: Client, article: Post, subscriber: Member, other_client: Client
) -> None:
    set_discussion_settings(hold_first_comment=True)
    held = add_comment(subscriber, article, "My first words here.")

    assert held.status == Comment.Status.HELD
    assert "Awaiting review" in page(client_for(subscriber), article)
    for viewer in (client, other_client):
        html = page(viewer, article)
        assert "My first words here." not in html and "0 comments" in html


def test_staff_comments_are_marked_author_or_editor(
    client: Client, article: Post, editor: Any, author: Any
) -> None:
    editor.first_name, editor.last_name = "Eda", "Editor"
    editor.save()
    add_comment(services.staff_member(editor), article, "We have asked the port for figures.")
    add_comment(services.staff_member(author), article, "I will update the story.")

    html = page(client, article)
    assert re.search(r'Eda Editor</span> <span class="comment-badge">Editor</span>', html)
    assert Author.objects.get(user=author)
    assert re.search(r'writer</span> <span class="comment-badge">Author</span>', html)


def test_staff_comment_from_the_site_creates_their_member_profile_once(
    editor_client: Client, article: Post, editor: Any
) -> None:
    assert submit(editor_client, article, "An editor's note.").status_code == 302
    assert submit(editor_client, article, "And a second one.").status_code == 302
    assert Member.objects.filter(user=editor).count() == 1
    assert Comment.objects.filter(member__user=editor).count() == 2


def test_gated_post_shows_only_the_count_and_a_preview_shows_nothing(
    client: Client, make_post: Any, subscriber: Member, editor_client: Client
) -> None:
    members_only = make_post("For members", visibility=Post.Visibility.MEMBERS)
    add_comment(subscriber, members_only, "Inside knowledge.")

    html = page(client, members_only)
    assert "1 comment" in html and "Inside knowledge." not in html
    draft = make_post("Draft", status=Post.Status.DRAFT, published_at=None)
    preview = editor_client.get(f"/admin/publishing/post/{draft.pk}/preview/")
    assert preview.status_code == 200
    assert 'id="discussion"' not in preview.content.decode()


def test_html_kept_between_pages_never_carries_another_readers_controls(
    client: Client, article: Post, make_member: Any, other_client: Client
) -> None:
    author = make_member("Tomás <b>& Co</b>", email="tomas@example.org")
    mine = add_comment(author, article, "The controls under this comment are mine.")
    author_page = page(client_for(author), article)
    other_page = page(other_client, article)
    anonymous_page = page(client, article)
    edit_link = f'href="/comments/{mine.pk}/edit/"'
    assert edit_link in author_page and 'class="comment is-own"' in author_page
    assert edit_link not in other_page and f"/comments/{mine.pk}/report/" in other_page
    assert "is-own" not in other_page + anonymous_page
    assert "comment-action" not in anonymous_page.split('<ol class="comment-list">')[1]
    for html in (author_page, other_page, anonymous_page):  # escaped, wherever it was kept
        assert "Tomás &lt;b&gt;&amp; Co&lt;/b&gt;" in html and "Tomás <b>" not in html
    services.edit_comment(author, mine, "Changed words.")
    assert "Changed words." in page(other_client, article)  # kept by what it shows: never stale
