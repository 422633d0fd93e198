"""Media settings from the environment: upload limits and S3-compatible storage, parsed strictly."""

from __future__ import annotations

from pathlib import Path

import pytest

from alur.config.env import ConfigError, MediaConfig, load_config, parse_media

S3 = {"ALUR_MEDIA_STORAGE": "s3", "ALUR_S3_BUCKET": "alur-media"}


def test_defaults_are_20_mb_images_500_mb_videos_on_the_file_system() -> None:
    media = parse_media({})
    assert media == MediaConfig()
    assert (media.max_image_bytes, media.max_video_bytes) == (20 * 1024 * 1024, 500 * 1024 * 1024)
    assert media.storage_setting() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_load_config_carries_the_media_settings(tmp_path: Path) -> None:
    config = load_config({"ALUR_DATA_DIR": str(tmp_path), "ALUR_MEDIA_MAX_IMAGE_MB": "5"}, base_dir=tmp_path)
    assert config.media.max_image_mb == 5


def test_limits_are_read_as_megabytes() -> None:
    media = parse_media({"ALUR_MEDIA_MAX_IMAGE_MB": "8", "ALUR_MEDIA_MAX_VIDEO_MB": " 1024 "})
    assert (media.max_image_bytes, media.max_video_bytes) == (8 * 1024 * 1024, 1024 * 1024 * 1024)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"ALUR_MEDIA_MAX_IMAGE_MB": "twenty"}, "ALUR_MEDIA_MAX_IMAGE_MB='twenty' is not a whole number"),
        ({"ALUR_MEDIA_MAX_IMAGE_MB": "0"}, "ALUR_MEDIA_MAX_IMAGE_MB=0 is out of range"),
        ({"ALUR_MEDIA_MAX_VIDEO_MB": "-5"}, "ALUR_MEDIA_MAX_VIDEO_MB=-5 is out of range"),
        ({"ALUR_MEDIA_MAX_VIDEO_MB": "2.5"}, "ALUR_MEDIA_MAX_VIDEO_MB='2.5' is not a whole number"),
        ({"ALUR_MEDIA_STORAGE": "ftp"}, "ALUR_MEDIA_STORAGE='ftp' is not supported; use one of: filesystem, s3"),
        ({"ALUR_MEDIA_STORAGE": "s3"}, "ALUR_MEDIA_STORAGE=s3 needs ALUR_S3_BUCKET"),
        ({**S3, "ALUR_S3_BUCKET": "Alur Media"}, "ALUR_S3_BUCKET='Alur Media' is not a bucket name"),
        ({**S3, "ALUR_S3_BUCKET": "ab"}, "ALUR_S3_BUCKET='ab' is not a bucket name"),
        (
            {**S3, "ALUR_S3_ENDPOINT_URL": "minio.internal:9000"},
            "ALUR_S3_ENDPOINT_URL='minio.internal:9000' is not a web address",
        ),
        (
            {**S3, "ALUR_S3_PUBLIC_URL": "ftp://cdn.example.com"},
            "ALUR_S3_PUBLIC_URL='ftp://cdn.example.com' is not a web address",
        ),
        ({**S3, "ALUR_S3_REGION": "Jakarta 1"}, "ALUR_S3_REGION='Jakarta 1' is not a region name"),
        ({**S3, "ALUR_S3_ACCESS_KEY_ID": "AKIA123"}, "ALUR_S3_ACCESS_KEY_ID is set but ALUR_S3_SECRET_ACCESS_KEY is not"),
        ({**S3, "ALUR_S3_SECRET_ACCESS_KEY": "s3cr3t"}, "ALUR_S3_SECRET_ACCESS_KEY is set but ALUR_S3_ACCESS_KEY_ID is not"),
        ({"ALUR_S3_BUCKET": "alur-media"}, "ALUR_S3_BUCKET is set but ALUR_MEDIA_STORAGE is 'filesystem'"),
    ],
)
def test_bad_values_fail_with_a_message_naming_the_variable(environ: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_media(environ)
    assert expected in str(raised.value)


def test_bad_media_settings_stop_the_whole_configuration(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ALUR_S3_BUCKET"):
        load_config({"ALUR_DATA_DIR": str(tmp_path), "ALUR_MEDIA_STORAGE": "s3"}, base_dir=tmp_path)


def test_s3_with_an_endpoint_keys_and_region_becomes_django_storages_options() -> None:
    media = parse_media(
        {
            **S3,
            "ALUR_S3_ENDPOINT_URL": "https://minio.internal:9000/",
            "ALUR_S3_REGION": "ap-southeast-3",
            "ALUR_S3_ACCESS_KEY_ID": "AKIA123",
            "ALUR_S3_SECRET_ACCESS_KEY": "s3cr3t",
        }
    )
    setting = media.storage_setting()
    assert setting["BACKEND"] == "storages.backends.s3.S3Storage"
    assert setting["OPTIONS"] == {
        "bucket_name": "alur-media",
        "endpoint_url": "https://minio.internal:9000",
        "region_name": "ap-southeast-3",
        "access_key": "AKIA123",
        "secret_key": "s3cr3t",
        "file_overwrite": False,
        "querystring_auth": True,
        "querystring_expire": 3600,
        "default_acl": None,
    }
    assert media.s3 is not None
    assert media.s3.origins() == ["https://minio.internal:9000", "https://alur-media.minio.internal:9000"]


def test_s3_without_keys_uses_the_machines_credentials_and_a_public_url_becomes_the_custom_domain() -> None:
    media = parse_media({**S3, "ALUR_S3_PUBLIC_URL": "https://media.kopi.id/files/"})
    options = media.storage_setting()["OPTIONS"]
    assert isinstance(options, dict)
    assert "access_key" not in options
    assert (options["custom_domain"], options["url_protocol"]) == ("media.kopi.id/files", "https:")
    assert media.s3 is not None and media.s3.origins() == ["https://media.kopi.id"]


def test_the_s3_options_build_a_working_storage() -> None:
    from storages.backends.s3 import S3Storage

    media = parse_media(
        {**S3, "ALUR_S3_ENDPOINT_URL": "https://s3.example.com", "ALUR_S3_ACCESS_KEY_ID": "a", "ALUR_S3_SECRET_ACCESS_KEY": "b"}
    )
    options = media.storage_setting()["OPTIONS"]
    assert isinstance(options, dict)
    storage = S3Storage(**options)
    url = storage.url("media/2026/05/abc.jpg")
    assert url.startswith("https://s3.example.com/alur-media/media/2026/05/abc.jpg?")
    assert "Signature=" in url or "X-Amz-Signature=" in url
