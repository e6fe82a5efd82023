"""Importing whole publications: WordPress, Ghost, Substack and beehiiv exports, re-runs, dry runs,
redirects, comments, and images fetched safely."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from atlas.discussions.models import Comment
from atlas.importing.images import FetchPolicy, ImageError, fetch
from atlas.importing.models import ImportedObject
from atlas.importing.services import ExportError, detect_platform, import_content
from atlas.lib import pagecache
from atlas.members.models import Member
from atlas.publishing.models import Author, Post, Redirect, Tag
from atlas.publishing.services import save_post

DATA = Path(__file__).parent / "data" / "content"


def picture(path: Path, size: tuple[int, int] = (800, 500), colour: str = "navy") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path)
    return path


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    """The old WordPress site's uploads folder."""
    root = tmp_path / "uploads"
    picture(root / "wp-content/uploads/2023/04/bridge.jpg")
    picture(root / "wp-content/uploads/2023/05/gauge.png", (640, 480), "orange")
    return root


@pytest.fixture
def ghost_content(tmp_path: Path) -> Path:
    """Ghost's content folder, zipped as people download it."""
    archive = tmp_path / "content.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name, size in [("harbour.jpg", (2400, 1200)), ("anchor.jpg", (1200, 800))]:
            buffer = io.BytesIO()
            Image.new("RGB", size, "teal").save(buffer, "JPEG")
            zipped.writestr(f"content/images/2024/03/{name}", buffer.getvalue())
    return archive


def post(slug: str) -> Post:
    return Post.objects.get(slug=slug)


def tag_names(item: Post) -> list[str]:
    return sorted(item.tags.values_list("name", flat=True))


def byline(item: Post) -> list[str]:
    return [author.name for author in Author.objects.filter(posts=item)
            .order_by("postauthor__position")]  # fmt: skip


# WordPress


def test_wordpress_export_is_imported_post_by_post(db: Any, uploads: Path) -> None:
    report = import_content(DATA / "wordpress.xml", images=uploads)
    assert report.platform == "wordpress"
    assert (report.posts.created, report.pages.created, report.posts.skipped) == (5, 1, 1)
    assert (report.tags.created, report.authors.created) == (3, 2)
    assert (report.comments.created, report.comments.skipped) == (2, 2)
    assert (report.images_stored, report.images_failed) == (2, 0)
    rows = {item.slug: (item.status, item.visibility, item.kind) for item in Post.objects.all()}
    assert rows == {
        "bridge-vote": ("published", "public", "article"),
        "flood-diary-day-three": ("published", "public", "article"),
        "budget-briefing": ("published", "members", "article"),  # password-protected
        "draft-ferry-timetable": ("draft", "public", "article"),
        "harvest-fair": ("scheduled", "public", "article"),
        "about": ("published", "public", "page"),
    }
    bridge = post("bridge-vote")
    assert bridge.title == "The bridge vote, explained"
    assert bridge.subtitle == "Seven votes to four, and the works start in September."
    assert bridge.seo_description == "How the council voted on the bridge."
    assert bridge.published_at.isoformat() == "2023-04-12T09:30:00+00:00"
    assert byline(bridge) == ["Inès Okonkwo"]
    assert tag_names(bridge) == ["Council", "Floods", "Le fleuve & la rive"]
    assert bridge.feature_image.name.startswith("content/")
    assert bridge.feature_image_renditions["widths"]
    body = bridge.body
    assert "The council voted **7 to 4**" in body and "[^1]" in body
    assert "## What happens next" in body and "- Tenders in May" in body
    assert "| Party | For | Against |" in body
    assert "[^1]: Minutes of the meeting of 11 April 2023." in body
    assert "<figcaption>The old bridge, closed since 2021.</figcaption>" in body
    assert 'href="https://www.youtube.com/watch?v=xyz987"' in body  # the embed, as a link
    assert "wp:paragraph" not in body
    assert 'class="footnote-ref"' in bridge.body_html and "<table>" in bridge.body_html
    diary = post("flood-diary-day-three")
    assert diary.body.startswith("The water reached the second step")  # paragraphs restored
    assert "<figcaption>The gauge at 4.2 metres, a record.</figcaption>" in diary.body
    assert "[sic]" in diary.body and "contact-form-7" not in diary.body
    assert "trackVisitor" not in diary.body_html
    problems = [message for _, message in report.problems]
    assert "Removed a <script> (Atlas pages carry no scripts)." in problems
    assert "Password-protected on WordPress: imported for members only." in problems
    assert '"trash" on WordPress: not imported.' in problems


def test_wordpress_comments_keep_their_thread_authors_and_dates(db: Any, uploads: Path) -> None:
    ines = Member.objects.create(email="ines.okonkwo@example.org", name="Inès", status="active")
    import_content(DATA / "wordpress.xml", images=uploads)
    first, reply = Comment.objects.order_by("created_at")
    assert (first.author_name, first.member, first.depth) == ("Søren Halvorsen", None, 0)
    assert first.created_at.isoformat() == "2023-04-12T11:00:00+00:00"
    assert first.body == "At last! The detour adds *twenty minutes* to my commute."
    assert (reply.member, reply.parent, reply.depth) == (ines, first, 1)  # linked by address
    assert Comment.objects.visible().count() == 2


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/2023/04/12/bridge-vote/", "/posts/bridge-vote/"),
        ("/2023/04/12/bridge-vote", "/posts/bridge-vote/"),
        ("/?p=102", "/posts/flood-diary-day-three/"),
        ("/?p=102&utm_source=mastodon", "/posts/flood-diary-day-three/"),
        ("/?page_id=2", "/posts/about/"),
        ("/about/", "/posts/about/"),
        ("/category/council/", "/tags/council/"),
        ("/?cat=4", "/tags/river/"),
        ("/tag/floods/", "/tags/floods/"),
        ("/author/ines/", "/authors/ines/"),
    ],
)
def test_old_wordpress_addresses_answer_301(
    old: str, new: str, client: Any, db: Any, uploads: Path
) -> None:
    import_content(DATA / "wordpress.xml", images=uploads)
    response = client.get(old)
    assert (response.status_code, response["Location"]) == (301, new)


def test_an_address_with_no_redirect_is_still_404_and_the_home_page_still_200(
    client: Any, db: Any, uploads: Path
) -> None:
    import_content(DATA / "wordpress.xml", images=uploads)
    assert client.get("/2023/04/12/no-such-post/").status_code == 404
    assert client.get("/?p=999").status_code == 200  # the home page, as before
    assert client.get("/").status_code == 200


def test_pages_are_read_at_their_address_but_not_listed(
    client: Any, db: Any, uploads: Path
) -> None:
    import_content(DATA / "wordpress.xml", images=uploads)
    assert client.get("/posts/about/").status_code == 200
    assert "About the Ledger" not in client.get("/").content.decode()
    assert "About the Ledger" not in client.get("/feed/").content.decode()
    assert "The bridge vote" in client.get("/").content.decode()


def test_importing_again_creates_nothing_and_changes_nothing(db: Any, uploads: Path) -> None:
    import_content(DATA / "wordpress.xml", images=uploads)
    counts = (Post.objects.count(), Tag.objects.count(), Author.objects.count(),
              Comment.objects.count(), Redirect.objects.count())  # fmt: skip
    modified = dict(Post.objects.values_list("slug", "updated_at"))
    again = import_content(DATA / "wordpress.xml", images=uploads)
    assert (again.posts.created, again.posts.updated, again.posts.unchanged) == (0, 0, 5)
    assert (again.pages.unchanged, again.comments.created, again.comments.unchanged) == (1, 0, 2)
    assert (again.tags.created, again.authors.created, again.redirects.created) == (0, 0, 0)
    assert counts == (Post.objects.count(), Tag.objects.count(), Author.objects.count(),
                      Comment.objects.count(), Redirect.objects.count())  # fmt: skip
    assert dict(Post.objects.values_list("slug", "updated_at")) == modified


def test_a_changed_source_updates_its_post_and_an_edited_post_is_left_alone(
    db: Any, uploads: Path, tmp_path: Path
) -> None:
    import_content(DATA / "wordpress.xml", images=uploads)
    edited = post("budget-briefing")
    edited.body = "Rewritten by our editor."
    save_post(edited)
    changed = tmp_path / "wordpress.xml"
    text = (DATA / "wordpress.xml").read_text()
    text = text.replace("Stalls, music and the pie contest.", "Stalls, music, pies and a band.")
    text = text.replace("For our supporters only.", "For our supporters only (updated).")
    changed.write_text(text)
    report = import_content(changed, images=uploads)
    assert (report.posts.updated, report.posts.kept, report.posts.unchanged) == (1, 1, 3)
    assert "pies and a band" in post("harvest-fair").body
    assert post("budget-briefing").body == "Rewritten by our editor."
    assert (
        '"Members\' briefing: the budget" (103)',
        "Edited in Atlas since the last import: left as it is now.",
    ) in report.problems
    assert Post.objects.count() == 6


def test_a_dry_run_reports_the_same_and_writes_nothing(db: Any, uploads: Path) -> None:
    dry = import_content(DATA / "wordpress.xml", images=uploads, dry_run=True)
    assert not Post.objects.exists() and not Redirect.objects.exists()
    assert not Tag.objects.exists() and not ImportedObject.objects.exists()
    assert not Comment.objects.exists()
    real = import_content(DATA / "wordpress.xml", images=uploads)
    for name in ("posts", "pages", "tags", "authors", "comments", "redirects"):
        assert getattr(dry, name).created == getattr(real, name).created, name
    assert dry.problems == real.problems
    assert dry.as_text().startswith("Platform: WordPress (dry run: nothing written)")


def test_a_slug_taken_in_atlas_gets_another_and_its_redirect_follows(
    client: Any, db: Any, uploads: Path
) -> None:
    save_post(Post(title="Ours", slug="bridge-vote", status=Post.Status.PUBLISHED))
    report = import_content(DATA / "wordpress.xml", images=uploads)
    assert Post.objects.filter(title="The bridge vote, explained", slug="bridge-vote-2").exists()
    assert any('imported as "bridge-vote-2"' in message for _, message in report.problems)
    assert client.get("/?p=101")["Location"] == "/posts/bridge-vote-2/"


def test_a_missing_image_is_reported_and_the_post_still_imported(db: Any, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    report = import_content(DATA / "wordpress.xml", images=empty)  # nothing local, no network
    assert report.posts.created == 5
    assert report.images_failed >= 1
    assert any("Image https://ledger.example.org/wp-content/uploads/2023/05/gauge.png" in message
               for _, message in report.problems)  # fmt: skip
    assert (
        "https://ledger.example.org/wp-content/uploads/2023/05/gauge.png"
        in post("flood-diary-day-three").body
    )  # kept pointing at the old site


def test_an_xml_bomb_is_refused(db: Any, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&b;</title>'
        "</channel></rss>"
    )
    with pytest.raises(ExportError, match="not a WordPress export Atlas can read"):
        import_content(bomb, platform="wordpress")
    assert not Post.objects.exists()


# Ghost


def test_ghost_export_is_mapped(client: Any, db: Any, ghost_content: Path) -> None:
    report = import_content(DATA / "ghost.json", images=ghost_content)
    assert report.platform == "ghost"
    assert (report.posts.created, report.pages.created) == (6, 1)
    assert (report.tags.created, report.tags.skipped) == (2, 1)  # #import-2024 is internal
    survey = post("harbour-survey")
    assert byline(survey) == ["Tobiás Ferreira", "Maren Lund"]  # sort_order kept
    assert tag_names(survey) == ["Environment", "Harbour"]
    assert survey.subtitle == "Three wrecks, one anchor, and a bill."
    assert (survey.seo_title, survey.seo_description) == (
        "Harbour survey: three wrecks and an anchor",
        "What divers found under the quay.",
    )
    assert survey.feature_image_alt == "The harbour at low tide"
    assert survey.feature_image_renditions["width"] == 1600  # 2,400 wide: kept at 1,600
    assert "<figcaption>Raised on 2 March.</figcaption>" in survey.body
    assert "/media/content/" in survey.body and "__GHOST_URL__" not in survey.body
    assert 'href="https://tideline.example.org/#/portal/signup"' in survey.body
    assert ">Join Tideline</a>" in survey.body
    assert 'href="https://vimeo.com/123456"' in survey.body
    assert "Big day at the harbour" in survey.body and "widgets.js" not in survey.body
    visibility = dict(Post.objects.values_list("slug", "visibility"))
    assert (visibility["dredging-contract"], visibility["members-qa"]) == ("paid", "members")
    assert visibility["gold-extra"] == "paid"
    assert (
        post("dredging-contract").canonical_url == "https://tideline.example.org/dredging-contract/"
    )
    assert post("dredging-contract").seo_description == "The contract, line by line."
    assert post("april-letter").status == "archived"
    assert post("ferry-strike").status == "draft"
    assert post("about").kind == "page"
    assert any("tiers" in message for _, message in report.problems)
    assert client.get("/harbour-survey/")["Location"] == "/posts/harbour-survey/"
    assert client.get("/tag/harbour/")["Location"] == "/tags/harbour/"
    assert client.get("/author/maren/")["Location"] == "/authors/maren/"


def test_ghost_without_its_images_reports_each_one(db: Any) -> None:
    report = import_content(DATA / "ghost.json")
    assert report.posts.created == 6
    messages = [message for _, message in report.problems]
    assert (
        "Feature image __GHOST_URL__/content/images/2024/03/harbour.jpg: not in the images "
        "folder given (--images)" in messages
    )


# Substack and beehiiv, with images from a local server


@pytest.fixture
def substack_zip(tmp_path: Path, image_server: str) -> Path:
    folder = tmp_path / "substack"
    shutil.copytree(DATA / "substack", folder)
    for html in (folder / "posts").glob("*.html"):
        html.write_text(html.read_text().replace("https://substackcdn.example.org", image_server)
                        .replace("https://bucketeer.example.org", image_server))  # fmt: skip
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in folder.rglob("*"):
            zipped.write(path, path.relative_to(folder))
    return archive


@pytest.mark.slow  # starts an HTTP server
def test_substack_export_takes_the_largest_working_image_and_its_footnotes(
    client: Any, db: Any, substack_zip: Path, image_server: str
) -> None:
    report = import_content(substack_zip)
    assert report.platform == "substack"
    assert report.posts.created == 5
    mill = post("the-mill-closes")
    assert (mill.subtitle, mill.status, mill.visibility) == (
        "After 140 years, the last shift",
        "published",
        "public",
    )
    # The dead link replaced by the 1456w JPEG (the WebP source is gone too)
    assert re.search(r'src="/media/content/\w\w/\w+\.jpg"', mill.body)
    assert "[^1]" in mill.body and "[^1]: About two hundred, by our count." in mill.body
    assert 'href="https://millstown.example.org/subscribe"' in mill.body  # the button, a link
    assert any("sign-up form" in message for _, message in report.problems)
    assert post("pension-fund-deep-dive").visibility == "paid"
    assert post("founders-call").visibility == "paid"
    assert post("ep-12-the-weavers").visibility == "members"
    assert "https://example.org/podcast/12.mp3" in post("ep-12-the-weavers").body
    assert post("draft-ideas").status == "draft"
    assert client.get("/p/the-mill-closes")["Location"] == "/posts/the-mill-closes/"


@pytest.mark.slow  # starts an HTTP server
def test_beehiiv_posts_export_is_mapped(
    client: Any, db: Any, image_server: str, tmp_path: Path
) -> None:
    export = tmp_path / "posts.csv"
    export.write_text((DATA / "beehiiv_posts.csv").read_text()
                      .replace("https://media.beehiiv.example.org", image_server))  # fmt: skip
    report = import_content(export)
    assert (report.platform, report.posts.created, report.tags.created) == ("beehiiv", 4, 2)
    rent = post("five-charts-on-rent")
    assert tag_names(rent) == ["Data", "Housing"]
    assert rent.feature_image.name.startswith("content/")
    assert "## Chart one" in rent.body and "/media/content/" in rent.body
    assert post("landlords-list").visibility == "paid"
    assert post("our-methods").visibility == "public"
    assert post("work-in-progress").status == "draft"
    assert client.get("/p/landlords-list")["Location"] == "/posts/landlords-list/"


# Detecting the platform, the command


@pytest.mark.parametrize(
    ("name", "platform"),
    [("ghost.json", "ghost"), ("wordpress.xml", "wordpress"), ("beehiiv_posts.csv", "beehiiv")],
)
def test_the_platform_is_detected_from_the_file(name: str, platform: str) -> None:
    assert detect_platform(DATA / name) == platform


def test_a_file_from_no_known_platform_is_refused_clearly(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("Just some notes\n")
    with pytest.raises(ExportError, match="cannot tell which platform"):
        detect_platform(other)


def test_the_command_prints_the_report(db: Any, uploads: Path) -> None:
    output = io.StringIO()
    call_command("import_content", str(DATA / "wordpress.xml"), "--images", str(uploads),
                 stdout=output, stderr=io.StringIO())  # fmt: skip
    text = output.getvalue()
    assert "Platform: WordPress" in text and "Posts: 5 created" in text
    assert "Redirects: 16 created" in text


def test_the_command_dry_run_writes_nothing(db: Any, uploads: Path) -> None:
    output = io.StringIO()
    call_command("import_content", str(DATA / "wordpress.xml"), "--from", "wordpress",
                 "--dry-run", stdout=output, stderr=io.StringIO())  # fmt: skip
    assert "Posts: 5 would create" in output.getvalue()
    assert not Post.objects.exists()


def test_the_command_refuses_a_file_it_cannot_read(db: Any, tmp_path: Path) -> None:
    broken = tmp_path / "export.json"
    broken.write_text('{"db": [{"data": {"posts": [')
    with pytest.raises(CommandError, match="Cannot import"):
        call_command("import_content", str(broken), stdout=io.StringIO(), stderr=io.StringIO())


# Fetching images: only public http(s) addresses, capped, checked


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/a.png",
        "http://localhost/a.png",
        "http://10.0.0.8/a.png",
        "http://192.168.1.1/a.png",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/a.png",
        "http://0.0.0.0/a.png",
        "file:///etc/passwd",
        "ftp://example.org/a.png",
        "gopher://127.0.0.1:6379/_INFO",
    ],
)
def test_private_loopback_link_local_and_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(ImageError):
        fetch(url, FetchPolicy(max_bytes=1_000_000, timeout=2))


@pytest.mark.slow  # starts an HTTP server
def test_the_test_host_is_fetched_only_when_allowed(image_server: str) -> None:
    url = f"{image_server}/image/fetch/w_424/mill.jpeg"
    port = image_server.rsplit(":", 1)[1]
    with pytest.raises(ImageError, match="loopback"):
        fetch(url, FetchPolicy(max_bytes=1_000_000, timeout=2))
    allowed = FetchPolicy(max_bytes=1_000_000, timeout=2, allowed_hosts=frozenset({"127.0.0.1"}))
    assert fetch(url, allowed).startswith(b"\xff\xd8")  # a JPEG
    by_port = FetchPolicy(1_000_000, 2, frozenset({f"127.0.0.1:{port}"}))
    assert fetch(url, by_port).startswith(b"\xff\xd8")


@pytest.mark.slow  # starts an HTTP server
def test_a_redirect_to_a_private_address_is_refused(image_server: str) -> None:
    policy = FetchPolicy(1_000_000, 2, frozenset({"127.0.0.1"}))
    with pytest.raises(ImageError, match=r"private|loopback"):
        fetch(f"{image_server}/redirect-to-metadata", policy)


@pytest.mark.slow  # starts an HTTP server
def test_an_image_larger_than_the_cap_is_refused(image_server: str) -> None:
    policy = FetchPolicy(max_bytes=2_000, timeout=2, allowed_hosts=frozenset({"127.0.0.1"}))
    with pytest.raises(ImageError, match="larger than"):
        fetch(f"{image_server}/image/fetch/w_1456/mill.jpeg", policy)


@pytest.mark.slow  # starts an HTTP server
def test_a_file_that_is_not_an_image_is_reported(
    db: Any, image_server: str, tmp_path: Path
) -> None:
    export = tmp_path / "posts.csv"
    export.write_text("id,web_title,status,audience,content_html,url\n"
                      f'p1,Fake,confirmed,free,"<img src=""{image_server}/not-an-image.jpg"">",'
                      "https://x.example.org/p/fake\n")  # fmt: skip
    report = import_content(export)
    assert report.posts.created == 1
    assert any("not an image Atlas can show" in message for _, message in report.problems)


def test_many_changes_retire_the_cached_pages_once_when_deferred(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    replaced: list[int] = []
    monkeypatch.setattr(pagecache._version_store(), "replace", lambda: replaced.append(1))
    with pagecache.deferred():
        for _ in range(3):
            pagecache.invalidate()
        assert replaced == []
    assert replaced == [1]
    pagecache.invalidate()
    assert replaced == [1, 1]


def test_an_import_runs_with_page_cache_retirement_deferred(db: Any, uploads: Path) -> None:
    depths: list[int] = []

    def progress(done: int, total: int) -> None:
        depths.append(pagecache._deferral.depth)

    import_content(DATA / "wordpress.xml", images=uploads, progress=progress)
    assert depths and set(depths) == {1}  # each post commits inside: one retirement, at the end
