"""Every interface string is translated into Indonesian, and the compiled catalogue is current."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "alur"
PO_FILE = PACKAGE / "locale" / "id" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")


def test_every_catalogue_entry_is_translated_and_not_fuzzy() -> None:
    catalogue = polib.pofile(str(PO_FILE))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [], f"untranslated: {untranslated[:10]}"
    assert fuzzy == [], f"fuzzy: {fuzzy[:10]}"


def test_the_compiled_catalogue_matches_the_source() -> None:
    catalogue = polib.pofile(str(PO_FILE))
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0], entry.msgid
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr, entry.msgid
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path: Path) -> None:
    """Extract the strings afresh (as `make messages` does) and compare with the committed catalogue."""
    if shutil.which("xgettext") is None:
        import pytest

        pytest.skip("GNU gettext is not installed")
    copy = tmp_path / "alur"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("static", "__pycache__"))
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "alur.config.settings", "ALUR_DATA_DIR": str(tmp_path / "var")}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "--locale", "id", "--no-location", "--no-obsolete"],
        cwd=copy,
        env=environ,
        check=True,
        capture_output=True,
        timeout=120,
    )
    fresh = {entry.msgid for entry in polib.pofile(str(copy / "locale" / "id" / "LC_MESSAGES" / "django.po"))}
    committed = {entry.msgid for entry in polib.pofile(str(PO_FILE)) if entry.translated()}
    missing = sorted(fresh - committed)
    assert missing == [], f"run 'make messages' and translate: {missing[:10]}"
