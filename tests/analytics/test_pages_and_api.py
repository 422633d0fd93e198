"""Analytics pages and API: what each role may see and do, workspace isolation, the dashboards with data,
key results that update themselves, budget actuals, and anomaly alerts (in-app, webhook, de-duplicated)."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from alur.analytics import demo
from alur.analytics.models import AnalyticsSettings, AnomalyAlert, DataSource, Import
from alur.analytics.selectors import budget
from alur.analytics.selectors import keyresults as keyresults_selectors
from alur.analytics.services import alerts as alert_services
from alur.analytics.services import imports, keyresults, sources
from alur.core.models import Notification
from alur.core.roles import Role
from alur.strategy import services as strategy
from alur.strategy.models import CheckIn

pytestmark = pytest.mark.django_db


def _seed(team: Any) -> None:
    """The demo's three months of Meta Ads and GA4 (with anomalies in the last week)."""
    sources.sources_ensure(team.workspace)
    rng = random.Random(2026)
    demo.google_ads_csv(rng)
    for key, text in (("meta_ads", demo.meta_ads_csv(rng)), ("ga4", demo.ga4_csv(rng))):
        source = DataSource.objects.get(workspace=team.workspace, key=key)
        imp = imports.import_start(
            actor=team.members[Role.DATA_ANALYST],
            workspace=team.workspace,
            source=source,
            upload=io.BytesIO(text.encode()),
            name=f"{key}.csv",
            run_now=True,
        )
        assert imp.status == Import.Status.SUCCEEDED, imp.report


def _client(login: Any, user: Any) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    return login(user)


def test_pages_render_empty_states_then_data(team: Any, warehouse_url: str, login: Any) -> None:
    client = _client(login, team.members[Role.DATA_ANALYST])
    base = f"/w/{team.workspace.slug}/analytics/"
    assert "No performance data yet" in client.get(base).content.decode()
    for page in ("imports/", "sources/", "okr/", "budget/", "alerts/"):
        assert client.get(base + page).status_code == 200
    _seed(team)
    body = client.get(base + "?start=2026-11-01&end=2026-11-22").content.decode()
    assert "instagram" in body and "<svg" in body and "Paid Social" in body
    csv_export = client.get(base + "?start=2026-11-01&end=2026-11-22&export=csv")
    assert csv_export["Content-Type"].startswith("text/csv") and b"instagram" in csv_export.content
    xlsx = client.get(base + "?by=region&export=xlsx")
    assert xlsx.content[:2] == b"PK"
    assert client.get(base + "?start=nonsense").status_code == 200  # a bad date is a message, not a 500
    assert "robust z" in client.get(base + "alerts/").content.decode()


def test_roles_and_workspaces(team: Any, other_team: Any, warehouse_url: str, login: Any) -> None:
    _seed(team)
    creator = _client(login, team.members[Role.CONTENT_CREATOR])
    base = f"/w/{team.workspace.slug}/analytics/"
    assert creator.get(base).status_code == 200  # internal roles may look
    response = creator.post(base + "imports/", {"source": "1"})
    assert response.status_code == 403  # but not import
    client = _client(login, team.members[Role.CLIENT])
    assert client.get(base).status_code == 403
    outsider = _client(login, other_team.members[Role.MANAGER])
    assert outsider.get(base).status_code == 404
    # The other workspace's dashboard never shows this one's data.
    body = outsider.get(f"/w/{other_team.workspace.slug}/analytics/").content.decode()
    assert "No performance data yet" in body


def test_api_upload_kpis_alerts_and_isolation(team: Any, other_team: Any, warehouse_url: str, make_token: Any) -> None:
    _seed(team)
    _token, secret = make_token(team.members[Role.DATA_ANALYST], team.workspace, scope="write")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    root = f"/api/v1/workspaces/{team.workspace.slug}/analytics"
    kpis = api.get(root + "/kpis", {"start": "2026-11-01", "end": "2026-11-22", "kpis": "clicks,ctr,spend", "by": "channel"})
    assert kpis.status_code == 200
    rows = {r["channel"]: r for r in kpis.json()["rows"]}
    assert rows["instagram"]["clicks"] > 0 and rows["instagram"]["currency"] == "IDR"
    assert api.get(root + "/kpis", {"start": "2026-11-01", "end": "2026-11-22", "kpis": "nope"}).status_code == 422
    alerts = api.get(root + "/alerts").json()
    assert alerts and {"kpi", "day", "message"} <= set(alerts[0])
    upload = api.post(
        root + "/imports", {"source": "google_ads", "file": io.BytesIO(demo.google_ads_csv(random.Random(1)).encode())}
    )
    assert upload.status_code == 201, upload.content
    detail = api.get(f"{root}/imports/{upload.json()['id']}").json()
    assert detail["status"] in ("succeeded", "queued", "running")
    other = make_token(other_team.members[Role.MANAGER], other_team.workspace, scope="read")[1]
    assert Client(HTTP_AUTHORIZATION=f"Bearer {other}").get(root + "/alerts").status_code == 404
    read_only = make_token(team.members[Role.DATA_ANALYST], team.workspace, scope="read")[1]
    response = Client(HTTP_AUTHORIZATION=f"Bearer {read_only}").post(
        root + "/metrics", {"source": "meta_ads", "rows": [{"date": "2026-11-01", "clicks": 1}]}, content_type="application/json"
    )
    assert response.status_code == 403


def test_key_result_moves_after_an_import_and_diagnosis_explains_the_gap(team: Any, warehouse_url: str) -> None:
    manager = team.members[Role.MANAGER]
    period = strategy.period_create(
        actor=manager, workspace=team.workspace, name="S2", start=dt.date(2026, 7, 1), end=dt.date(2026, 12, 31)
    )
    objective = strategy.objective_create(
        actor=manager, workspace=team.workspace, title="Perluas pasar ke Jawa Timur", period=period, owner=manager
    )
    kr = strategy.key_result_create(
        actor=manager, objective=objective, title="Meningkatkan kunjungan website dari Jawa Timur sebesar 70% dalam 6 bulan",
        metric="Kunjungan Jawa Timur", unit="sesi", direction="increase_to", start_value="9800", target_change_percent="70",
        deadline=dt.date(2026, 12, 31), owner=team.members[Role.PERFORMANCE_MARKETER],
    )  # fmt: skip
    link = keyresults.key_result_link(
        actor=manager, key_result=kr, kpi="sessions", mode="trailing_30", filters={"region": "Jawa Timur"}
    )
    assert link is not None and link.last_value is None  # no data yet
    _seed(team)
    kr.refresh_from_db()
    auto = CheckIn.objects.filter(key_result=kr, is_automatic=True)
    assert auto.count() == 1 and kr.current_value == auto.get().value
    with pytest.raises(Exception, match="KPI"):
        keyresults.key_result_link(actor=manager, key_result=kr, kpi="not_a_kpi")
    link.refresh_from_db()
    report = keyresults_selectors.diagnosis(team.workspace, link, today=dt.date(2026, 11, 23))
    assert report is not None
    assert report["current"] == pytest.approx(float(kr.current_value))
    shares = [c["share"] for c in report["contributions"]["channel"]]
    assert sum(shares) == pytest.approx(1.0)


def test_anomaly_alerts_are_raised_once_and_sent_to_the_webhook(team: Any, warehouse_url: str, monkeypatch: Any) -> None:
    sent: list[dict[str, Any]] = []

    def fake_post(url: str, content: bytes, headers: dict[str, str], timeout: int) -> None:
        sent.append({"url": url, "body": json.loads(content), "headers": headers})

    monkeypatch.setattr("alur.analytics.services.alerts.httpx.post", fake_post)
    AnalyticsSettings.objects.create(
        workspace=team.workspace, alert_webhook_url="https://hooks.example/alur", alert_webhook_secret="s3cret"
    )
    _seed(team)
    alerts = AnomalyAlert.objects.filter(workspace=team.workspace)
    days = {(a.kpi, a.dimension_value, a.day) for a in alerts}
    assert ("ctr", "instagram", demo.CTR_DROP) in days
    assert ("bounce_rate", "Paid Social", demo.BOUNCE_JUMP) in days
    assert sent and sent[0]["headers"]["X-Alur-Signature"].startswith("sha256=")
    assert Notification.objects.filter(workspace=team.workspace, kind="analytics.anomaly").exists()
    before = alerts.count()
    assert alert_services.anomalies_scan(team.workspace) == []  # de-duplicated
    assert AnomalyAlert.objects.filter(workspace=team.workspace).count() == before


def test_budget_actuals_come_from_imported_spend(team: Any, warehouse_url: str) -> None:
    from alur.campaigns import services as campaigns
    from alur.campaigns.models import BudgetLine

    planner = team.members[Role.CAMPAIGN_MANAGER]
    campaign = campaigns.campaign_create(
        actor=planner,
        workspace=team.workspace,
        name="Kopi Nusantara - Awareness Reels",
        owner=planner,
        template_key="product_launch",
        start_date=dt.date(2026, 8, 1),
        end_date=dt.date(2026, 12, 31),
    )
    campaigns.budget_line_set(actor=planner, campaign=campaign, channel="ads", month=dt.date(2026, 10, 1), planned="50.000.000")
    _seed(team)
    line = BudgetLine.objects.get(campaign=campaign, channel="ads", month=dt.date(2026, 10, 1))
    assert line.actual is not None and line.actual > Decimal("1000000")
    overview = budget.budget_overview(team.workspace, dt.date(2026, 11, 1))
    assert overview["days_with_data"] == 22 and overview["days_in_month"] == 30
    ads = next(item for item in overview["lines"] if item["channel"] == "ads")
    assert float(ads["forecast"]) == pytest.approx(float(ads["actual"]) / 22 * 30, rel=1e-3)


def test_budget_suggestion_uses_the_marginal_cpa() -> None:
    # Channel A: conversions grow with the square root of spend (b = 0.5): the marginal CPA is twice the average.
    # Channel B: conversions proportional to spend (b = 1): marginal CPA = average CPA = 150.
    days = []
    for n in range(1, 15):
        spend_a = 10_000.0 * n
        days.append({"channel": "A", "spend": spend_a, "conversions": 100.0 * (spend_a / 10_000.0) ** 0.5})
        days.append({"channel": "B", "spend": 15_000.0 * n, "conversions": 100.0 * n})
    a = keyresults_selectors.marginal_cpa([(d["spend"], d["conversions"]) for d in days if d["channel"] == "A"])
    assert a is not None and a[1] == pytest.approx(2 * a[0], rel=1e-6)
    suggestion = keyresults_selectors.budget_suggestion(days)
    assert suggestion is not None
    assert suggestion["from"] == "A" and suggestion["to"] == "B"
    assert suggestion["extra_conversions"] > 0
    assert keyresults_selectors.budget_suggestion([d for d in days if d["channel"] == "A"]) is None
