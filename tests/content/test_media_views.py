"""Pages of the media library (grid, search, tag chips, upload, detail, delete, picker), the guarded
media file address, and the API."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alur.accounts.models import User
from alur.content.models import ContentItem, ContentVariant, MediaAsset
from alur.content.selectors.media import media_file_url, media_thumbnail_url
from alur.content.services.media import media_upload
from alur.core.roles import Role
from tests.conftest import Team
from tests.content import media_samples as samples

Login = Callable[[User], Client]


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    yield root


@pytest.fixture
def english(team: Team, other_team: Team) -> None:
    User.objects.filter(pk__in=[u.pk for u in (*team.members.values(), *other_team.members.values())]).update(language="en")


def add(team: Team, name: str = "hero.png", data: bytes | None = None, **kwargs: Any) -> MediaAsset:
    data = data if data is not None else samples.image_bytes("PNG", (640, 480))
    return media_upload(actor=team.user(Role.DESIGNER), workspace=team.workspace, file=SimpleUploadedFile(name, data), **kwargs)


def url(name: str, team: Team, *args: object) -> str:
    return reverse(f"content:{name}", args=[team.workspace.slug, *args])


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# Library page --------------------------------------------------------------------------------------


@pytest.mark.usefixtures("english")
def test_empty_library_says_what_to_do_and_offers_the_upload_form(team: Team, login: Login) -> None:
    response = login(team.user(Role.CONTENT_CREATOR)).get(url("media", team))
    assert response.status_code == 200
    page = response.content.decode()
    assert "No media yet — upload images or videos to reuse them across posts." in page
    assert 'data-testid="media-upload-form"' in page
    assert "data-upload-progress" in page and "<progress" in page
    assert "style=" not in page and "<script>" not in page


@pytest.mark.usefixtures("english")
def test_grid_shows_thumbnails_kind_size_dimensions_duration_and_tags(team: Team, login: Login) -> None:
    image = add(team, tags=["ramadan"], title="Hero shot")
    video = add(team, "clip.mp4", samples.mp4_bytes(timescale=1000, duration=75_400))
    page = login(team.user(Role.STRATEGIST)).get(url("media", team)).content.decode()
    assert page.count('data-testid="media-card"') == 2
    assert media_thumbnail_url(image) in page
    assert "Hero shot" in page and "640×480" in page and "#ramadan" in page
    assert "1:15" in page and "bi-film" in page and str(video) in page
    assert 'data-testid="media-upload-form"' not in page  # a strategist does not make content


def test_search_kind_and_tag_filters_answer_htmx_with_the_grid_only(team: Team, login: Login) -> None:
    add(team, "kopi.png", tags=["ramadan"], title="Kopi susu")
    add(team, "teh.png", samples.image_bytes("PNG", (8, 8)), title="Teh manis")
    add(team, "clip.mp4", samples.mp4_bytes(), tags=["ramadan"])
    client = login(team.user(Role.CONTENT_CREATOR))
    partial = client.get(url("media", team), {"q": "kopi"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert partial.content.decode().count('data-testid="media-card"') == 1
    assert client.get(url("media", team), {"kind": "video"}).content.decode().count('data-testid="media-card"') == 1
    by_tag = client.get(url("media", team), {"tag": "ramadan"}, HTTP_HX_REQUEST="true").content.decode()
    assert by_tag.count('data-testid="media-card"') == 2
    assert 'value="ramadan"' in by_tag  # the chosen tag travels with the next search
    assert 'data-testid="media-empty"' in client.get(url("media", team), {"q": "nothing like this"}).content.decode()


def test_non_members_get_404(team: Team, other_team: Team, login: Login) -> None:
    asset = add(team)
    stranger = login(other_team.user(Role.MANAGER))
    for address in (url("media", team), url("media_picker", team), url("media_detail", team, asset.pk)):
        assert stranger.get(address).status_code == 404
    assert (
        stranger.post(url("media_upload", team), {"files": SimpleUploadedFile("a.png", samples.image_bytes())}).status_code == 404
    )
    assert not MediaAsset.objects.filter(workspace=other_team.workspace).exists()
    # Their own library does not list it either, and the asset's id under their slug is 404.
    own = login(other_team.user(Role.MANAGER))
    assert own.get(url("media_detail", other_team, asset.pk)).status_code == 404


# Uploading -----------------------------------------------------------------------------------------


@pytest.mark.usefixtures("english")
def test_upload_several_files_with_htmx_reports_each_and_refreshes_the_grid(team: Team, login: Login, media_root: Path) -> None:
    existing = add(team, "old.png")
    existing_bytes = (media_root / existing.file.name).read_bytes()
    client = login(team.user(Role.CONTENT_CREATOR))
    files = [
        SimpleUploadedFile("new.jpg", samples.image_bytes("JPEG", (500, 500))),
        SimpleUploadedFile("photo.jpg", samples.PDF),
        SimpleUploadedFile("again.png", existing_bytes),
    ]
    response = client.post(url("media_upload", team), {"files": files, "tags": "Launch, launch"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-status="uploaded"') == 1
    assert page.count('data-status="refused"') == 1 and "photo.jpg is not an image or video Alur accepts" in page
    assert page.count('data-status="duplicate"') == 1 and "already in the library" in page
    assert 'id="media-grid" hx-swap-oob="true"' in page
    assert MediaAsset.objects.count() == 2
    new = MediaAsset.objects.get(original_name="new.jpg")
    assert new.tags == ["launch"] and new.uploaded_by == team.user(Role.CONTENT_CREATOR)


def test_upload_without_htmx_redirects_with_messages(team: Team, login: Login) -> None:
    client = login(team.user(Role.CONTRACTOR))
    response = client.post(
        url("media_upload", team), {"files": SimpleUploadedFile("a.png", samples.image_bytes()), "title": "Mine"}, follow=True
    )
    assert response.redirect_chain[-1][0] == url("media", team)
    asset = MediaAsset.objects.get()
    assert asset.title == "Mine"
    assert 'data-testid="media-card"' in response.content.decode()  # a contractor sees their own upload


def test_upload_with_no_file_is_a_clear_refusal(team: Team, login: Login) -> None:
    team.user(Role.CONTENT_CREATOR).language = "en"
    team.user(Role.CONTENT_CREATOR).save()
    response = login(team.user(Role.CONTENT_CREATOR)).post(url("media_upload", team), {}, HTTP_HX_REQUEST="true")
    assert "Choose one or more images or videos to upload." in response.content.decode()


def test_a_client_cannot_upload(team: Team, login: Login, media_root: Path) -> None:
    client = login(team.user(Role.CLIENT))
    response = client.post(url("media_upload", team), {"files": SimpleUploadedFile("a.png", samples.image_bytes())})
    assert response.status_code == 403
    assert not MediaAsset.objects.exists()
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


# Detail, edit, delete ------------------------------------------------------------------------------


@pytest.mark.usefixtures("english")
def test_detail_shows_preview_facts_and_usage_and_saves_details(team: Team, login: Login) -> None:
    asset = add(team)
    owner = team.user(Role.CONTENT_CREATOR)
    item = ContentItem.objects.create(workspace=team.workspace, title="Ramadan teaser", owner=owner, created_by=owner)
    ContentVariant.objects.create(item=item, workspace=team.workspace, platform="instagram").media.add(asset)
    client = login(team.user(Role.DESIGNER))
    page = client.get(url("media_detail", team, asset.pk)).content.decode()
    assert media_file_url(asset) in page and "640 × 480 px" in page
    assert "Ramadan teaser" in page and 'data-testid="media-usage"' in page
    response = client.post(url("media_detail", team, asset.pk), {"title": "Hero", "tags": "Hero, Launch"})
    assert response.status_code == 302
    asset.refresh_from_db()
    assert (asset.title, asset.tags) == ("Hero", ["hero", "launch"])
    bad = client.post(url("media_detail", team, asset.pk), {"title": "x", "tags": ",".join(f"t{i}" for i in range(25))})
    assert bad.status_code == 422 and "Use at most 20 tags" in bad.content.decode()
    # Used by an item: delete is refused with the item's name.
    refused = client.post(url("media_delete", team, asset.pk), follow=True)
    assert "is used by “Ramadan teaser”" in refused.content.decode()
    assert MediaAsset.objects.filter(pk=asset.pk).exists()


def test_delete_an_unused_asset(team: Team, login: Login, media_root: Path, django_capture_on_commit_callbacks: Any) -> None:
    asset = add(team)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(team.user(Role.MANAGER)).post(url("media_delete", team, asset.pk))
    assert response.status_code == 302 and response.url == url("media", team)
    assert not MediaAsset.objects.exists()
    assert not any(p.is_file() for p in media_root.rglob("*"))


def test_roles_that_may_not_edit_get_403_and_clients_do_not_see_unshared_media(team: Team, login: Login) -> None:
    asset = add(team)
    strategist = login(team.user(Role.STRATEGIST))
    assert strategist.get(url("media_detail", team, asset.pk)).status_code == 200
    assert strategist.post(url("media_detail", team, asset.pk), {"title": "x", "tags": ""}).status_code == 403
    assert strategist.post(url("media_delete", team, asset.pk)).status_code == 403
    client = login(team.user(Role.CLIENT))
    assert client.get(url("media_detail", team, asset.pk)).status_code == 404
    assert client.get(media_file_url(asset)).status_code == 404


# Picker --------------------------------------------------------------------------------------------


def test_picker_offers_checkboxes_named_media_and_keeps_choices_through_a_search(team: Team, login: Login) -> None:
    kopi = add(team, "kopi.png", title="Kopi")
    teh = add(team, "teh.png", samples.image_bytes("PNG", (9, 9)), title="Teh")
    client = login(team.user(Role.CONTENT_CREATOR))
    page = client.get(url("media_picker", team)).content.decode()
    assert f'name="media" value="{kopi.pk}"' in page and f'name="media" value="{teh.pk}"' in page
    assert "<html" not in page
    searched = client.get(url("media_picker", team), {"media_q": "teh", "media": [str(kopi.pk)]}).content.decode()
    assert f'name="media" value="{kopi.pk}" checked' in searched  # chosen before the search, still there
    assert f'name="media" value="{teh.pk}"' in searched
    named = client.get(url("media_picker", team), {"field": "ig-media", "selected": [str(teh.pk)]}).content.decode()
    assert f'name="ig-media" value="{teh.pk}" checked' in named
    odd = client.get(url("media_picker", team), {"field": '"><script>'}).content.decode()
    assert 'name="media"' in odd and "<script>" not in odd


@pytest.mark.usefixtures("english")
def test_empty_picker_says_what_to_do(team: Team, login: Login) -> None:
    page = login(team.user(Role.CONTENT_CREATOR)).get(url("media_picker", team)).content.decode()
    assert "No media yet — upload images or videos to reuse them across posts." in page


# Serving files -------------------------------------------------------------------------------------


def test_members_get_the_file_with_its_sniffed_type_and_others_get_404(
    team: Team, other_team: Team, login: Login, client: Client
) -> None:
    data = samples.image_bytes("PNG", (640, 480))
    asset = add(team, "looks-like.jpg", data)
    response = login(team.user(Role.APPROVER)).get(media_file_url(asset))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert body(response) == data
    thumbnail = login(team.user(Role.APPROVER)).get(media_thumbnail_url(asset))
    assert thumbnail["Content-Type"] == "image/jpeg" and body(thumbnail)[:3] == b"\xff\xd8\xff"
    assert login(other_team.user(Role.MANAGER)).get(media_file_url(asset)).status_code == 404
    assert login(other_team.user(Role.MANAGER)).get(media_thumbnail_url(asset)).status_code == 404
    anonymous = client.get(media_file_url(asset))
    assert anonymous.status_code == 302 and "login" in anonymous.url


def test_unknown_paths_and_files_outside_the_library_are_404(team: Team, login: Login, media_root: Path) -> None:
    (media_root / "media").mkdir(parents=True)
    (media_root / "media" / "loose.png").write_bytes(samples.image_bytes())
    member = login(team.user(Role.MANAGER))
    assert member.get("/media/media/loose.png").status_code == 404
    assert member.get("/media/../secret_key").status_code == 404
    asset = add(team)
    (media_root / asset.file.name).unlink()
    assert member.get(media_file_url(asset)).status_code == 404


def test_videos_are_served_in_byte_ranges(team: Team, login: Login) -> None:
    data = samples.mp4_bytes()
    asset = add(team, "clip.mp4", data)
    member = login(team.user(Role.MANAGER))
    whole = member.get(media_file_url(asset))
    assert whole["Accept-Ranges"] == "bytes" and whole["Content-Type"] == "video/mp4"
    assert body(whole) == data
    part = member.get(media_file_url(asset), HTTP_RANGE="bytes=4-11")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 4-11/{len(data)}"
    assert body(part) == data[4:12] == b"ftypisom"
    tail = member.get(media_file_url(asset), HTTP_RANGE="bytes=-10")
    assert body(tail) == data[-10:]
    open_ended = member.get(media_file_url(asset), HTTP_RANGE=f"bytes={len(data) - 3}-")
    assert body(open_ended) == data[-3:]
    beyond = member.get(media_file_url(asset), HTTP_RANGE=f"bytes={len(data)}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(data)}"


def test_with_another_storage_the_browser_is_sent_to_the_storage_url(
    team: Team, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.files.storage import Storage

    asset = add(team)

    class Bucket(Storage):
        def url(self, name: str | None) -> str:
            return f"https://media.example.com/{name}?signature=abc"

    monkeypatch.setattr(MediaAsset._meta.get_field("file"), "storage", Bucket())
    response = login(team.user(Role.MANAGER)).get(media_file_url(asset))
    assert response.status_code == 302
    assert response.url == f"https://media.example.com/{asset.file.name}?signature=abc"


# API -----------------------------------------------------------------------------------------------


def api(path: str = "") -> str:
    return f"/api/v1/workspaces/kopi/media{path}"


def test_api_upload_list_get_patch_delete(team: Team, make_token: Any, django_capture_on_commit_callbacks: Any) -> None:
    _token, secret = make_token(team.user(Role.CONTENT_CREATOR), team.workspace, scope="write")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    data = samples.image_bytes("JPEG", (800, 600))
    created = client.post(api(), {"file": SimpleUploadedFile("hero.jpg", data), "title": "Hero", "tags": "Ramadan, hero"})
    assert created.status_code == 201, created.content
    out = created.json()
    assert (out["kind"], out["mime_type"], out["width"], out["height"], out["duplicate"]) == (
        "image",
        "image/jpeg",
        800,
        600,
        False,
    )
    assert out["tags"] == ["ramadan", "hero"] and out["thumbnail_url"].startswith("/media/thumbs/")
    again = client.post(api(), {"file": SimpleUploadedFile("copy.jpg", data)})
    assert again.status_code == 200 and again.json()["duplicate"] is True and again.json()["id"] == out["id"]
    listed = client.get(api(), {"tag": "hero"})
    assert [a["id"] for a in listed.json()] == [out["id"]]
    assert client.get(api(), {"kind": "video"}).json() == []
    assert client.get(api(), {"kind": "pdf"}).status_code == 422
    detail = client.get(api(f"/{out['id']}")).json()
    assert detail["used_by"] == []
    patched = client.patch(api(f"/{out['id']}"), json.dumps({"tags": ["Launch"]}), content_type="application/json")
    assert patched.status_code == 200 and patched.json()["tags"] == ["launch"] and patched.json()["title"] == "Hero"
    empty = client.patch(api(f"/{out['id']}"), "{}", content_type="application/json")
    assert empty.status_code == 422
    too_many = client.patch(
        api(f"/{out['id']}"), json.dumps({"tags": [f"t{i}" for i in range(21)]}), content_type="application/json"
    )
    assert too_many.status_code == 422 and too_many.json()["detail"][0]["field"] == "tags"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(api(f"/{out['id']}")).status_code == 204
    assert client.get(api(f"/{out['id']}")).status_code == 404


def test_api_refuses_spoofed_files_with_422_and_the_reason(team: Team, make_token: Any) -> None:
    type(team.user(Role.CONTENT_CREATOR)).objects.filter(pk=team.user(Role.CONTENT_CREATOR).pk).update(language="en")
    _token, secret = make_token(team.user(Role.CONTENT_CREATOR), team.workspace, scope="write")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = client.post(api(), {"file": SimpleUploadedFile("photo.jpg", samples.PDF)})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "field": "file",
            "message": "photo.jpg is not an image or video Alur accepts (JPEG, PNG, GIF, WebP, MP4, MOV, WebM); "
            "its content looks like a PDF document.",
        }
    ]
    assert not MediaAsset.objects.exists()
    assert client.post(api(), {}).status_code == 422


def test_api_delete_of_used_media_is_422_naming_the_items(team: Team, make_token: Any) -> None:
    asset = add(team)
    owner = team.user(Role.CONTENT_CREATOR)
    item = ContentItem.objects.create(workspace=team.workspace, title="Ramadan teaser", owner=owner, created_by=owner)
    ContentVariant.objects.create(item=item, workspace=team.workspace, platform="instagram").media.add(asset)
    _token, secret = make_token(team.user(Role.MANAGER), team.workspace, scope="write")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = client.delete(api(f"/{asset.pk}"))
    assert response.status_code == 422 and "Ramadan teaser" in response.json()["detail"][0]["message"]
    assert client.get(api(f"/{asset.pk}")).json()["used_by"] == [{"id": item.pk, "title": "Ramadan teaser", "status": "draft"}]


def test_api_permissions(team: Team, other_team: Team, make_token: Any) -> None:
    asset = add(team)
    _t, read_only = make_token(team.user(Role.CONTENT_CREATOR), team.workspace, scope="read")
    reader = Client(HTTP_AUTHORIZATION=f"Bearer {read_only}")
    assert reader.get(api()).status_code == 200
    assert reader.post(api(), {"file": SimpleUploadedFile("a.png", samples.image_bytes("PNG", (3, 3)))}).status_code == 403
    assert reader.delete(api(f"/{asset.pk}")).status_code == 403
    _t, client_secret = make_token(team.user(Role.CLIENT), team.workspace, scope="write")
    outsider = Client(HTTP_AUTHORIZATION=f"Bearer {client_secret}")
    assert outsider.post(api(), {"file": SimpleUploadedFile("a.png", samples.image_bytes("PNG", (3, 3)))}).status_code == 403
    assert outsider.get(api()).json() == []  # nothing shared with clients yet
    assert outsider.get(api(f"/{asset.pk}")).status_code == 404
    _t, other_secret = make_token(other_team.user(Role.MANAGER), other_team.workspace, scope="write")
    other = Client(HTTP_AUTHORIZATION=f"Bearer {other_secret}")
    assert other.get(api()).status_code == 404
    assert other.get(f"/api/v1/workspaces/batik/media/{asset.pk}").status_code == 404
    assert other.patch(f"/api/v1/workspaces/batik/media/{asset.pk}", "{}", content_type="application/json").status_code == 404
    assert MediaAsset.objects.count() == 1


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(["title", "tags", "x"]), children, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    patch=json_values,
    upload=st.binary(max_size=300),
    name=st.text(st.characters(exclude_characters="/\\", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
        lambda n: n.strip(". ") != ""
    ),
    query=st.text(max_size=20),
)
def test_api_never_answers_500_and_never_stores_a_refused_file(
    team: Team, make_token: Any, media_root: Path, patch: Any, upload: bytes, name: str, query: str
) -> None:
    asset = MediaAsset.objects.filter(workspace=team.workspace).first() or add(team)
    _token, secret = make_token(team.user(Role.MANAGER), team.workspace, scope="write")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    before = MediaAsset.objects.count()
    response = client.patch(api(f"/{asset.pk}"), json.dumps(patch), content_type="application/json")
    assert response.status_code in (200, 422), response.content
    response = client.post(api(), {"file": SimpleUploadedFile(name, upload), "tags": query})
    assert response.status_code == 422, response.content
    assert MediaAsset.objects.count() == before
    response = client.get(api(), {"q": query, "tag": query})
    assert response.status_code == 200
