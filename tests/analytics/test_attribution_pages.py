"""The attribution page, its API and the data-driven KPI diagnosis: all models side by side over a small set of
journeys whose credits are worked out by hand, workspace isolation, parameters and path files answered with a
message when wrong, and the budget suggestion counting Markov-attributed conversions."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client

from alur.analytics.models import DataSource, Import
from alur.analytics.selectors import attribution
from alur.analytics.selectors import keyresults as keyresults_selectors
from alur.analytics.services import imports, keyresults, sources
from alur.core.roles import Role
from alur.strategy import services as strategy

pytestmark = pytest.mark.django_db

# Paths: Instagram > Google Search (converts, 100), Google Search (converts, 60), Instagram (no conversion).
JOURNEYS = """journey_id,timestamp,channel,campaign,converted,value
j1,2026-11-01 10:00,Instagram,Promo Akhir Tahun,0,
j1,2026-11-02 10:00,Google Search,,1,100
j2,2026-11-03 09:00,Google Search,,1,60
j3,2026-11-04 20:00,Instagram,,0,
"""

# Hand-worked credits (conversions, value) of the three paths above.
#  first: the first touch of each converting path.  last: its last touch.  linear: 1/2 each on the two-step path.
#  time_decay (half-life 1 step): the touch one step before the last weighs 2^-1 = 0.5 → 1/3 and 2/3.
#  position (0.4/0.4): two touches share 0.4 : 0.4 → 1/2 each.
#  markov (order 1): start → Instagram 2/3, → Google Search 1/3; Instagram → Google Search 1/2, → null 1/2;
#    Google Search → conversion 1. P = 2/3·1/2 + 1/3 = 2/3. Without Instagram P = 1/3 → RE = 1/2; without
#    Google Search P = 0 → RE = 1. Credits: 2 × 0.5/1.5 = 2/3 and 2 × 1/1.5 = 4/3; the value the same way
#    (expected value per journey 160/3, halved without Instagram) → 160/3 and 320/3.
#  shapley: channel sets {Instagram, Google Search} worth (1, 100) and {Google Search} worth (1, 60):
#    φ = Σ_T c(T)/|T| → Instagram (1/2, 50), Google Search (3/2, 110).
EXPECTED = {
    "first": {"Instagram": (1, 100), "Google Search": (1, 60)},
    "last": {"Instagram": (0, 0), "Google Search": (2, 160)},
    "linear": {"Instagram": (0.5, 50), "Google Search": (1.5, 110)},
    "time_decay": {"Instagram": (1 / 3, 100 / 3), "Google Search": (5 / 3, 60 + 200 / 3)},
    "position": {"Instagram": (0.5, 50), "Google Search": (1.5, 110)},
    "markov": {"Instagram": (2 / 3, 160 / 3), "Google Search": (4 / 3, 320 / 3)},
    "shapley": {"Instagram": (0.5, 50), "Google Search": (1.5, 110)},
}
PATH_FILE = """path,total_conversions,total_conversion_value,total_null
Instagram > Google Search,1,100,0
Google Search,1,60,0
Instagram,0,0,1
"""


def _import_journeys(team: Any, text: str, name: str = "journeys.csv") -> Import:
    sources.sources_ensure(team.workspace)
    imp = imports.import_start(
        actor=team.members[Role.DATA_ANALYST],
        workspace=team.workspace,
        source=DataSource.objects.get(workspace=team.workspace, key="journeys"),
        upload=io.BytesIO(text.encode()),
        name=name,
        run_now=True,
    )
    assert imp.status == Import.Status.SUCCEEDED, imp.report
    return imp


def _client(login: Any, user: Any) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    return login(user)


def _by_channel(table: dict[str, Any], model: str) -> dict[str, tuple[float, float]]:
    return {row["channel"]: (row["cells"][model]["conversions"], row["cells"][model]["value"]) for row in table["channels"]}


def test_every_model_matches_the_hand_worked_credits(team: Any, warehouse_url: str) -> None:
    _import_journeys(team, JOURNEYS)
    table = attribution.attribution_compare(team.workspace)
    assert table is not None
    assert table["journeys"] == 3 and table["touchpoints"] == 4
    assert table["models"] == list(attribution.ATTRIBUTION_MODELS)
    for model, expected in EXPECTED.items():
        got = _by_channel(table, model)
        for channel, (conversions, value) in expected.items():
            assert got[channel][0] == pytest.approx(conversions, abs=1e-9), (model, channel)
            assert got[channel][1] == pytest.approx(value, abs=1e-6), (model, channel)
        assert sum(c for c, _ in got.values()) == pytest.approx(2.0)
    removal = {row["channel"]: row["removal_effect"] for row in table["channels"]}
    assert removal == pytest.approx({"Instagram": 0.5, "Google Search": 1.0})
    shares = {row["channel"]: row["cells"]["markov"]["share"] for row in table["channels"]}
    assert shares == pytest.approx({"Instagram": 1 / 3, "Google Search": 2 / 3})
    assert table["channels"][0]["channel"] == "Google Search"  # ranked by Markov conversions


def test_parameters_change_the_models_that_use_them(team: Any, warehouse_url: str) -> None:
    _import_journeys(team, JOURNEYS)
    params = attribution.AttributionParams(half_life=2.0, first_weight=0.7, last_weight=0.3, order=2)
    table = attribution.attribution_compare(team.workspace, params=params)
    assert table is not None
    # Time decay, half-life 2: weights 2^-1/2 and 1 on the two-step path.
    q = 2**-0.5
    assert _by_channel(table, "time_decay")["Instagram"][0] == pytest.approx(q / (1 + q))
    assert _by_channel(table, "position")["Instagram"][0] == pytest.approx(0.7)
    assert sum(c for c, _ in _by_channel(table, "markov").values()) == pytest.approx(2.0)


def test_the_period_and_the_campaign_choose_the_journeys(team: Any, warehouse_url: str) -> None:
    _import_journeys(team, JOURNEYS)
    later = attribution.attribution_compare(team.workspace, start=dt.date(2026, 11, 2))
    assert later is not None and later["touchpoints"] == 3
    assert _by_channel(later, "first")["Google Search"] == pytest.approx((2, 160))  # j1's Instagram touch is before
    promo = attribution.attribution_compare(team.workspace, campaign="Promo Akhir Tahun")
    assert promo is not None and promo["journeys"] == 1 and promo["total_conversions"] == pytest.approx(1)
    linear = _by_channel(promo, "linear")
    assert linear["Instagram"] == pytest.approx((0.5, 50)) and linear["Google Search"] == pytest.approx((0.5, 50))
    assert attribution.attribution_compare(team.workspace, start=dt.date(2027, 1, 1)) is None


def test_another_workspaces_journeys_are_never_counted(team: Any, other_team: Any, warehouse_url: str) -> None:
    _import_journeys(team, JOURNEYS)
    _import_journeys(other_team, "journey_id,timestamp,channel,converted,value\nx1,2026-11-05 10:00,TikTok,1,999\n")
    mine = attribution.attribution_compare(team.workspace)
    theirs = attribution.attribution_compare(other_team.workspace)
    assert mine is not None and theirs is not None
    assert {row["channel"] for row in mine["channels"]} == {"Instagram", "Google Search"}
    assert mine["total_conversions"] == pytest.approx(2) and mine["total_value"] == pytest.approx(160)
    assert [row["channel"] for row in theirs["channels"]] == ["TikTok"] and theirs["total_value"] == pytest.approx(999)
    overview = attribution.journey_overview(team.workspace.pk)
    assert overview == ((dt.date(2026, 11, 1), dt.date(2026, 11, 4)), ["Promo Akhir Tahun"])  # blank campaigns left out
    assert attribution.journey_overview(other_team.workspace.pk) == ((dt.date(2026, 11, 5), dt.date(2026, 11, 5)), [])


def test_parameter_validation_says_what_is_wrong() -> None:
    params, errors = attribution.attribution_params({"half_life": "0", "first_weight": "abc", "order": "9"})
    assert set(errors) == {"half_life", "first_weight", "order"}
    assert params == attribution.AttributionParams()
    _params, errors = attribution.attribution_params({"first_weight": "0.7", "last_weight": "0.5"})
    assert "more than 1" in errors["last_weight"]
    _params, errors = attribution.attribution_params({"first_weight": "0", "last_weight": "0"})
    assert "both be 0" in errors["last_weight"]
    params, errors = attribution.attribution_params({"half_life": "2,5", "order": "3"})  # Indonesian decimal comma
    assert not errors and params.half_life == 2.5 and params.order == 3


def test_the_page_shows_an_empty_state_then_every_model(team: Any, warehouse_url: str, login: Any) -> None:
    client = _client(login, team.members[Role.DATA_ANALYST])
    url = f"/w/{team.workspace.slug}/analytics/attribution/"
    empty = client.get(url).content.decode()
    assert "No customer journeys yet" in empty and "imports/?source=journeys" in empty
    _import_journeys(team, JOURNEYS)
    body = client.get(url).content.decode()
    assert 'data-testid="attribution-table"' in body and "<svg" in body
    for label in ("First touch", "Last touch", "Linear", "Time decay", "Position-based", "Markov chain", "Shapley value"):
        assert label in body
    assert "Markov removal effects" in body and "Google Search" in body
    assert 'href="/w/kopi/analytics/attribution/"' in body  # the nav tab
    export = client.get(url + "?order=1&export=csv")
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    by_channel = {r["channel"]: r for r in rows}
    assert float(by_channel["Instagram"]["markov_conversions"]) == pytest.approx(2 / 3, abs=1e-6)
    assert float(by_channel["Google Search"]["last_value"]) == pytest.approx(160)
    assert float(by_channel["Google Search"]["markov_removal_effect"]) == pytest.approx(1.0)
    none = client.get(url + "?start=2027-01-01").content.decode()
    assert "No touchpoints in this period" in none


def test_bad_parameters_are_answered_next_to_the_field(team: Any, warehouse_url: str, login: Any) -> None:
    _import_journeys(team, JOURNEYS)
    client = _client(login, team.members[Role.DATA_ANALYST])
    url = f"/w/{team.workspace.slug}/analytics/attribution/"
    response = client.get(url, {"half_life": "-1", "order": "x", "start": "kemarin", "first_weight": "2"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "The half-life is a number of steps above 0" in body
    assert "The Markov order is a whole number from 1 to 4" in body
    assert "Write the date as YYYY-MM-DD" in body
    assert "A position weight is a share between 0 and 1" in body
    assert body.count("is-invalid") >= 4
    assert 'data-testid="attribution-table"' in body  # the defaults still show a result
    reversed_dates = client.get(url, {"start": "2026-11-04", "end": "2026-11-01"}).content.decode()
    assert "The end date is before the start date" in reversed_dates


def test_a_path_file_is_attributed_without_storing_it(team: Any, warehouse_url: str, login: Any) -> None:
    client = _client(login, team.members[Role.CONTENT_CREATOR])  # viewing roles may analyse a file
    url = f"/w/{team.workspace.slug}/analytics/attribution/"
    upload = io.BytesIO(PATH_FILE.encode())
    upload.name = "paths.csv"
    body = client.post(url, {"file": upload, "sep": ">"}).content.decode()
    assert "Path file paths.csv (not stored)" in body and 'data-testid="attribution-table"' in body
    assert attribution.journey_overview(team.workspace.pk) is None  # nothing went to the warehouse
    semicolons = io.BytesIO(PATH_FILE.replace(",", ";").encode())
    semicolons.name = "paths.csv"
    export = client.post(url, {"file": semicolons, "sep": ">", "export": "csv"})
    rows = {r["channel"]: r for r in csv.DictReader(io.StringIO(export.content.decode()))}
    assert float(rows["Google Search"]["shapley_value"]) == pytest.approx(110)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("channels,conversions\nA > B,1\n", "path"),
        ("path,total_conversions,total_null\nA > B,-1,0\n", "negative"),
        ("path,total_conversions,total_null\nA > B,abc,0\n", "abc"),
        ("path,total_conversions,total_null\n,1,0\n", "2"),
        ("", "empty"),
        ("PK\x03\x04 a workbook", "spreadsheet workbook"),
    ],
)
def test_a_bad_path_file_is_answered_with_a_message(team: Any, warehouse_url: str, login: Any, text: str, message: str) -> None:
    client = _client(login, team.members[Role.DATA_ANALYST])
    upload = io.BytesIO(text.encode())
    upload.name = "paths.csv"
    response = client.post(f"/w/{team.workspace.slug}/analytics/attribution/", {"file": upload})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="error-file"' in body and message in body.split('data-testid="error-file"')[1][:400]
    assert 'data-testid="attribution-table"' not in body


def test_who_may_see_the_page(team: Any, other_team: Any, warehouse_url: str, login: Any) -> None:
    url = f"/w/{team.workspace.slug}/analytics/attribution/"
    assert _client(login, team.members[Role.CLIENT]).get(url).status_code == 403
    assert _client(login, other_team.members[Role.MANAGER]).get(url).status_code == 404
    upload = io.BytesIO(PATH_FILE.encode())
    upload.name = "paths.csv"
    assert _client(login, team.members[Role.CLIENT]).post(url, {"file": upload}).status_code == 403


def test_the_page_reads_in_indonesian(team: Any, warehouse_url: str, login: Any) -> None:
    _import_journeys(team, JOURNEYS)
    analyst = team.members[Role.DATA_ANALYST]
    analyst.language = "id"
    analyst.save(update_fields=["language"])
    client = login(analyst)
    response = client.get(f"/w/{team.workspace.slug}/analytics/attribution/", {"half_life": "1,5"})
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="id"' in body and "<svg" in body and 'value="1.5"' in body  # the decimal comma was read


def test_api_compares_the_models_and_refuses_outsiders(team: Any, other_team: Any, warehouse_url: str, make_token: Any) -> None:
    _import_journeys(team, JOURNEYS)
    secret = make_token(team.members[Role.DATA_ANALYST], team.workspace, scope="read")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    root = f"/api/v1/workspaces/{team.workspace.slug}/analytics/attribution"
    data = api.get(root).json()
    assert data["journeys"] == 3 and data["total_conversions"] == pytest.approx(2)
    channels = {c["channel"]: c for c in data["channels"]}
    assert channels["Instagram"]["models"]["markov"]["conversions"] == pytest.approx(2 / 3)
    assert channels["Google Search"]["removal_effect"] == pytest.approx(1.0)
    assert api.get(root, {"order": "2", "half_life": "3"}).json()["params"]["order"] == 2
    bad = api.get(root, {"order": "0", "first_weight": "x"})
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["detail"]} == {"order", "first_weight"}
    assert api.get(root, {"start": "2026-11-05", "end": "2026-11-01"}).status_code == 422
    assert api.get(root, {"start": "2027-01-01"}).json()["channels"] == []
    paths = api.post(root + "/paths", {"file": io.BytesIO(PATH_FILE.encode()), "sep": ">"})
    assert paths.status_code == 200, paths.content
    by_channel = {c["channel"]: c["models"] for c in paths.json()["channels"]}
    assert by_channel["Google Search"]["shapley"]["value"] == pytest.approx(110)
    broken = api.post(root + "/paths", {"file": io.BytesIO(b"path,total_conversions\nA,-2\n")})
    assert broken.status_code == 422 and broken.json()["detail"][0]["field"] == "file"
    outsider = make_token(other_team.members[Role.MANAGER], other_team.workspace, scope="read")[1]
    assert Client(HTTP_AUTHORIZATION=f"Bearer {outsider}").get(root).status_code == 404
    client_secret = make_token(team.members[Role.CLIENT], team.workspace, scope="read")[1]
    client_api = Client(HTTP_AUTHORIZATION=f"Bearer {client_secret}")
    assert client_api.get(root).status_code == 403
    assert client_api.post(root + "/paths", {"file": io.BytesIO(PATH_FILE.encode())}).status_code == 403
    assert Client(HTTP_AUTHORIZATION=f"Bearer {outsider}").post(root + "/paths", {"file": io.BytesIO(b"x")}).status_code == 404
    other_data = Client(HTTP_AUTHORIZATION=f"Bearer {outsider}").get(
        f"/api/v1/workspaces/{other_team.workspace.slug}/analytics/attribution"
    )
    assert other_data.status_code == 200 and other_data.json()["channels"] == []


def test_journey_channels_are_matched_to_the_facts_channels() -> None:
    facts = [("Search", "google_ads"), ("Display", "google_ads"), ("instagram", "meta_ads"), ("Email", "ga4"), ("Direct", "ga4")]
    keys = attribution.journey_channel_keys(["Instagram", "Google Search", "Email", "WhatsApp", "Organic Search"], facts)
    assert keys == {"Instagram": "ads", "Google Search": "sem", "Email": "email", "WhatsApp": "whatsapp", "Organic Search": "seo"}


def _facts_and_journeys(team: Any) -> Any:
    """Twenty days of Google Ads search (spend 100,000 a day, 10 platform conversions) and Meta Instagram
    (the same spend, 1 platform conversion); journeys where Instagram brings 40 conversions and Google
    Search 5, and a key result on conversions linked to the data."""
    analyst = team.members[Role.DATA_ANALYST]
    sources.sources_ensure(team.workspace)
    days = [dt.date(2026, 11, 1) + dt.timedelta(days=n) for n in range(20)]
    for key, channel, conversions in (("google_ads", "Search", 10), ("meta_ads", "instagram", 1)):
        imp = imports.metric_rows_import(
            actor=analyst,
            workspace=team.workspace,
            source=DataSource.objects.get(workspace=team.workspace, key=key),
            rows=[
                {"date": d.isoformat(), "channel": channel, "spend": 100000, "conversions": conversions, "currency": "IDR"}
                for d in days
            ],
        )
        assert imp.status == Import.Status.SUCCEEDED, imp.report
    lines = ["journey_id,timestamp,channel,converted,value"]
    lines += [f"ig{n},2026-11-{1 + n % 20:02d} 10:00,Instagram,1,100000" for n in range(40)]
    lines += [f"gs{n},2026-11-{1 + n:02d} 11:00,Google Search,1,100000" for n in range(5)]
    _import_journeys(team, "\n".join(lines) + "\n")
    manager = team.members[Role.MANAGER]
    period = strategy.period_create(
        actor=manager, workspace=team.workspace, name="Nov", start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30)
    )
    objective = strategy.objective_create(
        actor=manager, workspace=team.workspace, title="Jual lebih banyak", period=period, owner=manager
    )
    kr = strategy.key_result_create(
        actor=manager, objective=objective, title="1.000 pembelian di bulan November", metric="Pembelian", unit="pembelian",
        direction="increase_to", start_value="0", target_value="1000", deadline=dt.date(2026, 11, 30),
        owner=team.members[Role.PERFORMANCE_MARKETER],
    )  # fmt: skip
    return keyresults.key_result_link(actor=manager, key_result=kr, kpi="conversions", mode="period")


def test_diagnosis_counts_conversions_by_the_data_driven_model(team: Any, warehouse_url: str) -> None:
    link = _facts_and_journeys(team)
    today = dt.date(2026, 11, 21)
    platform = keyresults_selectors.diagnosis(team.workspace, link, today=today)
    assert platform is not None and platform["conversions_basis"] == "platform"
    # The platforms say Search converts ten times cheaper: move money from Instagram to Search.
    assert platform["suggestion"]["from"] == "instagram" and platform["suggestion"]["to"] == "Search"
    lines = {line["key"]: line for line in platform["attributed"]["lines"]}
    assert lines["sem"]["platform"] == pytest.approx(200) and lines["sem"]["markov"] == pytest.approx(5)
    assert lines["ads"]["platform"] == pytest.approx(20) and lines["ads"]["markov"] == pytest.approx(40)
    assert lines["ads"]["journey_channels"] == ["Instagram"] and lines["sem"]["fact_channels"] == ["Search"]
    data_driven = keyresults_selectors.diagnosis(team.workspace, link, today=today, conversions="data_driven")
    assert data_driven is not None and data_driven["conversions_basis"] == "data_driven"
    suggestion = data_driven["suggestion"]
    # Journeys say the opposite: CPA sem = 2,000,000 / 5 = 400,000; ads = 2,000,000 / 40 = 50,000 (b = 1: the
    # same spend every day). Moving 20% of sem's spend (400,000) gains 400,000/50,000 − 400,000/400,000 = 7.
    assert suggestion["from"] == "sem" and suggestion["to"] == "ads" and suggestion["basis"] == "data_driven"
    assert suggestion["from_cpa"] == pytest.approx(400_000) and suggestion["to_cpa"] == pytest.approx(50_000)
    assert suggestion["amount"] == 400_000 and suggestion["extra_conversions"] == pytest.approx(7.0)


def test_attributed_cpa_keeps_the_platforms_response_curve() -> None:
    # Conversions grow with the square root of spend (b = 0.5): the marginal CPA is twice the average.
    days = [(10_000.0 * n, 100.0 * n**0.5) for n in range(1, 15)]
    average, marginal = keyresults_selectors.attributed_cpa(days, attributed=50.0)  # type: ignore[misc]
    assert average == pytest.approx(sum(s for s, _ in days) / 50.0)
    assert marginal == pytest.approx(2 * average, rel=1e-6)
    assert keyresults_selectors.attributed_cpa(days, attributed=0.0) is None
    assert keyresults_selectors.attributed_cpa([(1000.0, 0.0)], attributed=4.0) == pytest.approx((250.0, 250.0))


def test_okr_page_switches_to_data_driven_conversions(team: Any, warehouse_url: str, login: Any) -> None:
    _facts_and_journeys(team)
    client = _client(login, team.members[Role.MANAGER])
    url = f"/w/{team.workspace.slug}/analytics/okr/"
    body = client.get(url).content.decode()
    assert "Conversions counted by" in body and 'data-testid="kr-attributed"' in body
    assert "1,000 needed by now" in body and "Search: 200, share 90.9 %" in body  # grouped; a share as a percentage
    data_driven = client.get(url, {"conversions": "data_driven"}).content.decode()
    assert 'value="data_driven" selected' in data_driven
    assert client.get(url, {"conversions": "nonsense"}).status_code == 200


def test_the_demo_journeys_import_and_give_every_channel_its_credit(team: Any, warehouse_url: str) -> None:
    import random

    from alur.analytics import demo

    text = demo.journeys_csv(random.Random(7))
    assert "@pelanggan.example" in text
    imp = _import_journeys(team, text)
    assert imp.report["journeys"] == 3000 and imp.report["identity"] == "email"
    table = attribution.attribution_compare(team.workspace)
    assert table is not None
    assert {row["channel"] for row in table["channels"]} == set(demo.JOURNEY_CAMPAIGNS)
    markov = {row["channel"]: row["cells"]["markov"]["conversions"] for row in table["channels"]}
    last = {row["channel"]: row["cells"]["last"]["conversions"] for row in table["channels"]}
    assert sum(markov.values()) == pytest.approx(table["total_conversions"]) and table["total_conversions"] > 300
    # Instagram and TikTok open journeys that others close: the data-driven model gives them more than last touch.
    assert markov["Instagram"] > last["Instagram"] and markov["TikTok"] > last["TikTok"]
