"""Experiments: planning (sample size and duration up front), counts typed, uploaded or pulled from imported
data (all-or-nothing, with a message per field or row), the analysis and verdict, the status flow, who may
manage them, workspace isolation, the pages (empty states, live plan preview, bad input) and the API."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from alur.analytics import stats
from alur.analytics.models import Experiment, ExperimentVariant, Import
from alur.analytics.selectors import experiments as experiments_selectors
from alur.analytics.services import experiments, imports, sources
from alur.core.models import AuditEvent
from alur.core.roles import Role

pytestmark = pytest.mark.django_db

PLAN = {
    "name": "Judul email 12.12",
    "hypothesis": "Gratis ongkir menarik lebih banyak pembeli.",
    "baseline_rate": "4%",
    "mde": "1%",
    "alpha": "0.05",
    "power": "0.8",
    "daily_visitors": "2000",
}


def _create(team: Any, role: Role = Role.DATA_ANALYST, **values: Any) -> Experiment:
    return experiments.experiment_create(actor=team.user(role), workspace=team.workspace, values={**PLAN, **values})


def _counts(experiment: Experiment, *rows: tuple[int, float]) -> list[dict[str, Any]]:
    return [
        {"variant": v.name, "visitors": visitors, "conversions": conversions}
        for v, (visitors, conversions) in zip(experiment.variants.all(), rows, strict=True)
    ]


# ---------------------------------------------------------------------------------------------- planning


def test_plan_gives_the_sample_size_and_days_of_the_stats_module(team: Any) -> None:
    experiment = _create(team)
    assert experiment.baseline_rate == pytest.approx(0.04) and experiment.mde == pytest.approx(0.01)
    assert [v.name for v in experiment.variants.all()] == ["Control", "B"]
    plan = experiments_selectors.experiment_plan(experiment)
    per_variant = stats.sample_size_proportion(0.04, 0.01, alpha=0.05, power=0.8)
    assert plan.per_variant == per_variant
    assert plan.total == 2 * per_variant
    assert plan.days == -(-2 * per_variant // 2000)  # ceil(total / daily visitors)


def test_plan_with_three_variants_uses_holm_level_and_smallest_share(team: Any) -> None:
    experiment = experiments.experiment_create(
        actor=team.user(Role.MANAGER),
        workspace=team.workspace,
        values={**PLAN, "mde": "10%", "mde_relative": "on"},
        variants=[
            {"name": "A", "traffic_share": "50"},
            {"name": "B", "traffic_share": "25"},
            {"name": "C", "traffic_share": "25"},
        ],
    )
    plan = experiments_selectors.experiment_plan(experiment)
    assert plan.comparisons == 2 and plan.alpha_per_comparison == pytest.approx(0.025)
    per_variant = stats.sample_size_proportion(0.04, 0.10, relative=True, alpha=0.025, power=0.8)
    assert plan.per_variant == per_variant
    assert plan.total == -(-per_variant * 4 // 1)  # the 25% arms must reach per_variant: total = n ÷ 0.25
    assert plan.days == -(-per_variant // 500)  # 2000 a day × 25%


def test_plan_for_a_mean_metric_with_a_relative_effect(team: Any) -> None:
    experiment = _create(
        team, metric="mean", baseline_rate="", baseline_mean="52000", baseline_std="90000", mde="5%", mde_relative=True
    )
    plan = experiments_selectors.experiment_plan(experiment)
    assert plan.per_variant == stats.sample_size_mean(90000, 0.05 * 52000, alpha=0.05, power=0.8)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "  "}, "name"),
        ({"baseline_rate": "140%"}, "baseline_rate"),
        ({"baseline_rate": "abc"}, "baseline_rate"),
        ({"mde": "0"}, "mde"),
        ({"mde": "97%"}, "mde"),  # 4% + 97% is above 100%
        ({"alpha": "0.7"}, "alpha"),
        ({"power": "1.2"}, "power"),
        ({"metric": "revenue"}, "metric"),
        ({"metric": "mean", "baseline_std": ""}, "baseline_std"),
        ({"daily_visitors": "-5"}, "daily_visitors"),
    ],
)
def test_bad_plan_names_the_field_and_writes_nothing(team: Any, values: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(team, **values)
    assert field in caught.value.message_dict
    assert not Experiment.objects.exists() and not ExperimentVariant.objects.exists()


def test_variant_shares_must_add_up_and_names_differ(team: Any) -> None:
    for variants, fragment in (
        ([{"name": "A", "traffic_share": "60"}, {"name": "B", "traffic_share": "30"}], "add up to 100"),
        ([{"name": "A"}, {"name": "a"}], "different name"),
        ([{"name": "A"}], "at least one variant"),
    ):
        with pytest.raises(ValidationError) as caught:
            experiments.experiment_create(actor=team.user(Role.MANAGER), workspace=team.workspace, values=PLAN, variants=variants)
        assert fragment in caught.value.message_dict["variants"][0]
    assert not Experiment.objects.exists()


# ---------------------------------------------------------------------------------------------- permissions


@pytest.mark.parametrize("role", [Role.CONTENT_CREATOR, Role.CONTRACTOR, Role.CLIENT, Role.STRATEGIST])
def test_only_analysts_manage_experiments(team: Any, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        _create(team, role)
    experiment = _create(team, Role.PERFORMANCE_MARKETER)
    with pytest.raises(PermissionDenied):
        experiments.experiment_counts_record(
            actor=team.user(role), experiment=experiment, rows=_counts(experiment, (10, 1), (10, 2))
        )
    with pytest.raises(PermissionDenied):
        experiments.experiment_start(actor=team.user(role), experiment=experiment)


def test_another_workspace_cannot_touch_an_experiment(team: Any, other_team: Any) -> None:
    experiment = _create(team)
    with pytest.raises(PermissionDenied):
        experiments.experiment_update(actor=other_team.user(Role.MANAGER), experiment=experiment, values={"name": "Dicuri"})
    with pytest.raises(PermissionDenied):
        experiments.experiment_counts_import(
            actor=other_team.user(Role.MANAGER), experiment=experiment, text="variant,visitors,conversions\n"
        )
    experiment.refresh_from_db()
    assert experiment.name == PLAN["name"]


# ---------------------------------------------------------------------------------------------- counts


def test_typed_counts_give_the_analysis_and_verdict(team: Any) -> None:
    experiment = _create(team)
    experiments.experiment_counts_record(
        actor=team.user(Role.DATA_ANALYST), experiment=experiment, rows=_counts(experiment, (10000, 400), (10000, 480))
    )
    found = experiments_selectors.experiment_analysis(experiment)
    reference = stats.analyse(
        [stats.VariantCounts("Control", 10000, 400), stats.VariantCounts("B", 10000, 480)], mde=0.25, weights=[50, 50]
    )
    result = found["analysis"].results[0]
    assert result.p_value == pytest.approx(reference.results[0].p_value)
    assert result.lift_rel == pytest.approx(0.2)
    assert found["verdict_kind"] == "winner"
    assert found["verdict"].startswith("Variant B wins: 20.0% higher conversion rate")
    assert found["is_final"] is True  # 10,000 per arm is more than the 6,743 planned
    assert AuditEvent.objects.filter(action="analytics.experiment_counts").count() == 1


def test_reading_before_the_planned_sample_is_flagged_not_final(team: Any) -> None:
    experiment = _create(team)
    experiments.experiment_counts_record(
        actor=team.user(Role.DATA_ANALYST), experiment=experiment, rows=_counts(experiment, (1500, 50), (1500, 80))
    )
    found = experiments_selectors.experiment_analysis(experiment)
    assert found["analysis"] is not None and found["is_final"] is False
    assert found["progress"] == pytest.approx(1500 / found["plan"].per_variant)
    experiments.experiment_update(actor=team.user(Role.DATA_ANALYST), experiment=experiment, values={"is_sequential": "on"})
    sequential = experiments_selectors.experiment_analysis(experiment)
    assert sequential["is_final"] is True and sequential["analysis"].sequential is True
    fixed, always_valid = found["analysis"].results[0], sequential["analysis"].results[0]
    assert always_valid.ci_abs_high - always_valid.ci_abs_low > fixed.ci_abs_high - fixed.ci_abs_low


def test_srm_is_reported_against_the_planned_split(team: Any) -> None:
    experiment = _create(team)
    experiments.experiment_counts_record(
        actor=team.user(Role.DATA_ANALYST), experiment=experiment, rows=_counts(experiment, (10000, 400), (9000, 380))
    )
    found = experiments_selectors.experiment_analysis(experiment)
    assert found["analysis"].srm_warning and found["verdict_kind"] == "srm"
    assert "unbalanced" in found["verdict"]
    # The same visitors match a planned 52.6/47.4 split: no warning.
    ExperimentVariant.objects.filter(experiment=experiment, name="Control").update(traffic_share=10000 / 190)
    ExperimentVariant.objects.filter(experiment=experiment, name="B").update(traffic_share=9000 / 190)
    assert not experiments_selectors.experiment_analysis(experiment)["analysis"].srm_warning


@pytest.mark.parametrize(
    ("rows", "key_suffix", "fragment"),
    [
        ([(100, 120), (100, 5)], "conversions", "More conversions"),
        ([(-3, 0), (100, 5)], "visitors", "negative"),
        ([("sepuluh", 0), (100, 5)], "visitors", "not a number"),
        ([(10.5, 0), (100, 5)], "visitors", "whole number"),
    ],
)
def test_bad_typed_counts_name_the_field_and_write_nothing(team: Any, rows: list[Any], key_suffix: str, fragment: str) -> None:
    experiment = _create(team)
    experiments.experiment_counts_record(
        actor=team.user(Role.DATA_ANALYST), experiment=experiment, rows=_counts(experiment, (50, 2), (50, 3))
    )
    with pytest.raises(ValidationError) as caught:
        experiments.experiment_counts_record(
            actor=team.user(Role.DATA_ANALYST), experiment=experiment, rows=_counts(experiment, *rows)
        )
    control = experiment.variants.get(is_control=True)
    assert fragment in caught.value.message_dict[f"{control.pk}-{key_suffix}"][0]
    assert [v.visitors for v in experiment.variants.all()] == [50, 50]  # nothing of the bad batch was written


def test_csv_counts_import_and_its_errors(team: Any) -> None:
    experiment = _create(team)
    analyst = team.user(Role.DATA_ANALYST)
    experiments.experiment_counts_import(
        actor=analyst, experiment=experiment, text="variant,visitors,conversions\nControl,5000,200\nB,5000,260\n"
    )
    assert [(v.visitors, v.conversions) for v in experiment.variants.all()] == [(5000, 200.0), (5000, 260.0)]
    for text, fragment in (
        ("variant,visitors\nControl,5000\nB,5000\n", "no column 'conversions'"),
        ("variant,visitors,conversions\nControl,5000,200\nB,5000,6000\n", "Row 3"),
        ("variant,visitors,conversions\nControl,5000,200\nB,-1,0\n", "negative"),
        ("variant,visitors,conversions\nControl,5000,200\nC,5000,20\n", "“C” is not a variant"),
        ("variant,visitors,conversions\nControl,5000,200\nB,5000,x\n", "'x' is not a number"),
        ("", "empty"),
    ):
        with pytest.raises(ValidationError) as caught:
            experiments.experiment_counts_import(actor=analyst, experiment=experiment, text=text)
        assert fragment in " ".join(caught.value.message_dict["file"]), text
        assert [v.visitors for v in experiment.variants.all()] == [5000, 5000]


def test_csv_with_values_for_a_mean_metric(team: Any) -> None:
    experiment = _create(team, metric="mean", baseline_rate="", baseline_mean="50000", baseline_std="80000", mde="5000")
    text = "variant,visitors,conversions,value_sum,value_sum_sq\nControl,4000,300,200000000,3.2e13\nB,4000,330,236000000,3.6e13\n"
    experiments.experiment_counts_import(actor=team.user(Role.DATA_ANALYST), experiment=experiment, text=text)
    found = experiments_selectors.experiment_analysis(experiment)
    assert found["analysis"].metric == "mean"
    assert found["analysis"].results[0].rate == pytest.approx(59000)
    missing = "variant,visitors,conversions\nControl,4000,300\nB,4000,330\n"
    with pytest.raises(ValidationError) as caught:
        experiments.experiment_counts_import(actor=team.user(Role.DATA_ANALYST), experiment=experiment, text=missing)
    assert "sum of squares" in " ".join(caught.value.message_dict["file"])


def test_guardrails_are_analysed_and_a_rise_is_a_breach(team: Any) -> None:
    experiment = _create(team, guardrails="Berhenti berlangganan")
    rows = _counts(experiment, (10000, 400), (10000, 470))
    rows[0]["guardrails"] = {"Berhenti berlangganan": "40"}
    rows[1]["guardrails"] = {"Berhenti berlangganan": "95"}
    experiments.experiment_counts_record(actor=team.user(Role.DATA_ANALYST), experiment=experiment, rows=rows)
    (guard,) = experiments_selectors.experiment_analysis(experiment)["guardrails"]
    assert guard["name"] == "Berhenti berlangganan" and guard["breached"] == ["B"]


def test_the_checks_beside_the_verdict_say_what_failed(team: Any, login: Any) -> None:
    experiment = _create(team, guardrails="Berhenti berlangganan")
    rows = _counts(experiment, (10000, 400), (7000, 330))  # planned 50/50: a broken split
    rows[0]["guardrails"] = {"Berhenti berlangganan": "40"}
    rows[1]["guardrails"] = {"Berhenti berlangganan": "95"}
    experiments.experiment_counts_record(actor=team.user(Role.DATA_ANALYST), experiment=experiment, rows=rows)
    page = (
        _client(login, team.user(Role.DATA_ANALYST))
        .get(f"/w/{team.workspace.slug}/analytics/experiments/{experiment.pk}/")
        .content.decode()
    )
    srm = page[page.index('data-testid="experiment-srm"') :].split("</div></div>")[0]
    assert 'data-testid="experiment-verdict" data-kind="srm"' in srm and page.count("experiment-verdict") == 1
    checks = page[page.index('data-testid="experiment-checks"') :].split("</ul>")[0]
    assert '<li data-ok="no">' in checks and "Traffic split: does not match the plan (p = 0.0000)" in checks
    assert "Guardrails: worse on Berhenti berlangganan" in checks
    assert "Holm" not in checks and "CUPED" not in checks  # one variant, no covariate

    experiments.experiment_counts_import(
        actor=team.user(Role.DATA_ANALYST),
        experiment=experiment,
        text="variant,visitors,conversions,pre_sum,pre_sum_sq,cross_sum\n"
        "Control,10000,400,380,380,300\nB,10000,470,390,390,310\n",
    )
    page = (
        _client(login, team.user(Role.DATA_ANALYST))
        .get(f"/w/{team.workspace.slug}/analytics/experiments/{experiment.pk}/")
        .content.decode()
    )
    assert "CUPED: adjusted with the pre-period covariate" in page and "Traffic split: as planned" in page


def test_counts_pulled_from_imported_ads(team: Any, warehouse_url: str) -> None:
    sources.sources_ensure(team.workspace)
    lines = ["date,ad,clicks,conversions,conversion_value"]
    for day in range(1, 11):
        lines.append(f"2026-11-{day:02d},Iklan Diskon,500,20,2000000")
        lines.append(f"2026-11-{day:02d},Iklan Gratis Ongkir,500,27,2700000")
        lines.append(f"2026-11-{day:02d},Iklan Lain,900,90,9000000")
    source = sources.source_save(
        actor=team.user(Role.DATA_ANALYST),
        workspace=team.workspace,
        key="ads_test",
        name="Ads",
        format="generic",
        mapping={
            "date": "date",
            "ad": "ad",
            "clicks": "clicks",
            "conversions": "conversions",
            "conversion_value": "conversion_value",
        },
        number_style="en",
    )
    imp = imports.import_start(
        actor=team.user(Role.DATA_ANALYST),
        workspace=team.workspace,
        source=source,
        upload=io.BytesIO("\n".join(lines).encode()),
        name="ads.csv",
        run_now=True,
    )
    assert imp.status == Import.Status.SUCCEEDED, imp.report
    experiment = experiments.experiment_create(
        actor=team.user(Role.DATA_ANALYST),
        workspace=team.workspace,
        values=PLAN,
        variants=[
            {"name": "Diskon", "data_value": "iklan diskon"},
            {"name": "Gratis ongkir", "data_value": "Iklan Gratis Ongkir"},
        ],
    )
    experiments.experiment_start(actor=team.user(Role.DATA_ANALYST), experiment=experiment)
    Experiment.objects.filter(pk=experiment.pk).update(started_on=dt.date(2026, 11, 3), ended_on=dt.date(2026, 11, 8))
    experiment.refresh_from_db()
    experiments.experiment_counts_pull(actor=team.user(Role.DATA_ANALYST), experiment=experiment)
    control, variant = experiment.variants.all()
    assert (control.visitors, control.conversions, control.value_sum) == (3000, 120.0, 12_000_000.0)  # 6 days × 500
    assert (variant.visitors, variant.conversions) == (3000, 162.0)
    ExperimentVariant.objects.filter(pk=variant.pk).update(data_value="Iklan yang tidak ada")
    with pytest.raises(ValidationError) as caught:
        experiments.experiment_counts_pull(actor=team.user(Role.DATA_ANALYST), experiment=experiment)
    assert "Gratis ongkir" in caught.value.message_dict["pull"][0]
    variant.refresh_from_db()
    assert variant.visitors == 3000  # the failed pull changed nothing


def test_pull_refuses_a_mean_metric_and_missing_names(team: Any, warehouse_url: str) -> None:
    experiment = _create(team)
    with pytest.raises(ValidationError) as caught:
        experiments.experiment_counts_pull(actor=team.user(Role.DATA_ANALYST), experiment=experiment)
    assert "missing for Control, B" in caught.value.message_dict["pull"][0]
    mean = _create(team, name="AOV", metric="mean", baseline_rate="", baseline_std="1000", mde="100")
    with pytest.raises(ValidationError, match="sums of squares"):
        experiments.experiment_counts_pull(actor=team.user(Role.DATA_ANALYST), experiment=mean)


# ---------------------------------------------------------------------------------------------- status


def test_status_flow_fixes_variants_and_keeps_a_concluded_test(team: Any) -> None:
    analyst = team.user(Role.DATA_ANALYST)
    experiment = _create(team)
    experiments.experiment_variants_set(
        actor=analyst, experiment=experiment, variants=[{"name": "Diskon"}, {"name": "Gratis ongkir"}, {"name": "Cashback"}]
    )
    assert experiment.variants.count() == 3
    experiments.experiment_start(actor=analyst, experiment=experiment)
    assert experiment.status == "running" and experiment.started_on is not None
    with pytest.raises(ValidationError, match="fixed once the experiment has started"):
        experiments.experiment_variants_set(
            actor=analyst, experiment=experiment, variants=[{"name": "Diskon"}, {"name": "Cashback"}]
        )
    with pytest.raises(ValidationError):
        experiments.experiment_start(actor=analyst, experiment=experiment)
    experiments.experiment_stop(actor=analyst, experiment=experiment)
    assert experiment.status == "stopped" and experiment.ended_on is not None
    with pytest.raises(ValidationError) as caught:
        experiments.experiment_conclude(actor=analyst, experiment=experiment, decision="  ")
    assert "decision" in caught.value.message_dict
    experiments.experiment_conclude(actor=analyst, experiment=experiment, decision="Kirim Gratis ongkir ke semua pelanggan.")
    assert experiment.status == "concluded" and experiment.decision.startswith("Kirim")
    with pytest.raises(ValidationError):
        experiments.experiment_counts_record(
            actor=analyst, experiment=experiment, rows=_counts(experiment, (1, 0), (1, 0), (1, 0))
        )
    with pytest.raises(ValidationError):
        experiments.experiment_update(actor=analyst, experiment=experiment, values={"mde": "2%"})
    assert set(AuditEvent.objects.filter(action__startswith="analytics.experiment").values_list("action", flat=True)) >= {
        "analytics.experiment_create",
        "analytics.experiment_variants",
        "analytics.experiment_running",
        "analytics.experiment_stopped",
        "analytics.experiment_concluded",
    }


# ---------------------------------------------------------------------------------------------- pages


def _client(login: Any, user: Any) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    return login(user)


def test_pages_empty_state_form_errors_and_detail(team: Any, login: Any, warehouse_url: str) -> None:
    analyst = _client(login, team.user(Role.DATA_ANALYST))
    base = f"/w/{team.workspace.slug}/analytics/experiments/"
    body = analyst.get(base).content.decode()
    assert 'data-testid="experiments-empty"' in body and "Plan an experiment" in body
    assert analyst.get(base + "new/").status_code == 200
    preview = analyst.get(
        base + "plan/",
        {
            "baseline_rate": "4%",
            "mde": "1%",
            "alpha": "0.05",
            "power": "0.8",
            "daily_visitors": "2000",
            "variant_name": ["Control", "B"],
            "variant_share": ["50", "50"],
        },
    )
    assert "6,743 visitors per variant" in preview.content.decode() and "about 7 days" in preview.content.decode()
    assert "Fill in the baseline" in analyst.get(base + "plan/", {"mde": "x"}).content.decode()
    bad = analyst.post(
        base + "new/",
        {
            **PLAN,
            "baseline_rate": "abc",
            "variant_name": ["Control", "B", "", ""],
            "variant_share": ["50", "50", "", ""],
            "variant_data": ["", "", "", ""],
        },
    )
    assert bad.status_code == 200 and 'data-testid="error-baseline_rate"' in bad.content.decode()
    assert not Experiment.objects.exists()
    created = analyst.post(
        base + "new/",
        {
            **PLAN,
            "metric": "conversion",
            "pull_dimension": "ad",
            "pull_visitors": "clicks",
            "variant_name": ["Kontrol", "Gratis ongkir", "", ""],
            "variant_share": ["50", "50", "", ""],
            "variant_data": ["", "", "", ""],
        },
    )
    experiment = Experiment.objects.get()
    assert created.status_code == 302 and created["Location"].endswith(f"/experiments/{experiment.pk}/")
    detail = analyst.get(created["Location"]).content.decode()
    assert 'data-testid="experiment-no-counts"' in detail and "Type the counts to see the intervals" in detail
    control, variant = experiment.variants.all()
    bad_counts = analyst.post(
        created["Location"],
        {
            "form": "counts",
            f"{control.pk}-visitors": "100",
            f"{control.pk}-conversions": "300",
            f"{variant.pk}-visitors": "100",
            f"{variant.pk}-conversions": "3",
        },
    )
    assert bad_counts.status_code == 200 and "More conversions (300) than visitors (100)" in bad_counts.content.decode()
    assert ExperimentVariant.objects.filter(experiment=experiment, visitors__gt=0).count() == 0
    ok = analyst.post(
        created["Location"],
        {
            "form": "counts",
            f"{control.pk}-visitors": "3000",
            f"{control.pk}-conversions": "120",
            f"{variant.pk}-visitors": "3000",
            f"{variant.pk}-conversions": "165",
        },
    )
    assert ok.status_code == 302
    page = analyst.get(created["Location"]).content.decode()
    assert 'data-testid="experiment-verdict"' in page and "<svg" in page
    assert 'data-testid="experiment-peeking"' in page  # 3,000 of the 6,743 planned
    assert '<li data-ok="yes">' in page and "Traffic split: as planned (p = 1.0000)" in page
    assert '<li data-ok="pending">' in page and "Sample: 44% of the plan" in page and "Guardrails: none set" in page
    upload = analyst.post(created["Location"], {"form": "csv", "counts_file": io.BytesIO(b"variant,visitors\nKontrol,1\n")})
    assert upload.status_code == 200 and "no column" in upload.content.decode()
    assert analyst.post(created["Location"], {"form": "pull"}).status_code == 200
    assert analyst.get(base + f"{experiment.pk}/edit/").status_code == 200
    listing = analyst.get(base).content.decode()
    assert 'data-testid="experiment-row"' in listing and "Draft" in listing


def test_pages_deny_viewers_and_other_workspaces(team: Any, other_team: Any, login: Any) -> None:
    experiment = _create(team)
    base = f"/w/{team.workspace.slug}/analytics/experiments/"
    creator = _client(login, team.user(Role.CONTENT_CREATOR))
    listing = creator.get(base)
    assert listing.status_code == 200 and 'data-testid="experiment-row"' in listing.content.decode()
    assert 'data-testid="experiment-new"' not in listing.content.decode()  # viewers see no create button
    assert creator.get(base + f"{experiment.pk}/").status_code == 200
    assert creator.get(base + "new/").status_code == 403
    assert creator.post(base + f"{experiment.pk}/", {"form": "start"}).status_code == 403
    assert _client(login, team.user(Role.CLIENT)).get(base).status_code == 403
    outsider = _client(login, other_team.user(Role.MANAGER))
    assert outsider.get(base + f"{experiment.pk}/").status_code == 404
    assert outsider.get(f"/w/{other_team.workspace.slug}/analytics/experiments/{experiment.pk}/").status_code == 404
    experiment.refresh_from_db()
    assert experiment.status == "draft"


# ---------------------------------------------------------------------------------------------- API


def test_api_create_counts_analysis_and_denials(team: Any, other_team: Any, make_token: Any) -> None:
    analyst = team.user(Role.DATA_ANALYST)
    analyst.language = "id"  # the API answers in the token owner's language
    analyst.save(update_fields=["language"])
    _token, secret = make_token(analyst, team.workspace, scope="write")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    root = f"/api/v1/workspaces/{team.workspace.slug}/analytics/experiments"
    size = api.get(root + "/sample-size", {"baseline": 0.10, "mde": 0.01})
    assert size.status_code == 200 and size.json()["per_variant"] == stats.sample_size_proportion(0.10, 0.01)
    assert api.get(root + "/sample-size", {"baseline": 1.5, "mde": 0.01}).status_code == 422
    created = api.post(
        root,
        {
            "name": "Landing page",
            "baseline_rate": 0.04,
            "mde": 0.01,
            "daily_visitors": 2000,
            "variants": [{"name": "A"}, {"name": "B"}],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["plan"]["per_variant"] == 6743 and [v["name"] for v in body["variants"]] == ["A", "B"]
    url = f"{root}/{body['id']}"
    bad = api.put(
        url + "/counts",
        {"rows": [{"variant": "A", "visitors": 10, "conversions": 20}, {"variant": "B", "visitors": 10, "conversions": 1}]},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "lebih banyak daripada pengunjung" in bad.json()["detail"][0]["message"]
    counts = api.put(
        url + "/counts",
        {
            "rows": [
                {"variant": "A", "visitors": 10000, "conversions": 400},
                {"variant": "B", "visitors": 10000, "conversions": 480},
            ]
        },
        content_type="application/json",
    )
    assert counts.status_code == 200
    analysis = api.get(url + "/analysis").json()
    assert set(analysis) >= {"srm_p_value", "variants", "verdict", "is_final", "plan"}
    (row,) = analysis["variants"]
    assert {
        "variant",
        "rate",
        "lift_abs",
        "lift_rel",
        "p_value",
        "ci_abs_low",
        "ci_abs_high",
        "ci_rel_low",
        "ci_rel_high",
        "prob_beat_control",
    } <= set(row)
    assert row["variant"] == "B" and row["lift_rel"] == pytest.approx(0.2)
    assert analysis["verdict"]["sentence"].startswith("Varian B menang") and analysis["is_final"] is True
    patched = api.patch(url, {"name": "Landing page v2", "is_sequential": True}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["is_sequential"] is True
    assert [e["name"] for e in api.get(root).json()] == ["Landing page v2"]
    assert api.get(url).json()["status"] == "draft"
    viewer = make_token(team.user(Role.CONTENT_CREATOR), team.workspace, scope="write")[1]
    denied = Client(HTTP_AUTHORIZATION=f"Bearer {viewer}").post(
        root, {"name": "X", "baseline_rate": 0.1, "mde": 0.01}, content_type="application/json"
    )
    assert denied.status_code == 403
    assert Client(HTTP_AUTHORIZATION=f"Bearer {viewer}").get(url + "/analysis").status_code == 200
    read_only = make_token(team.user(Role.DATA_ANALYST), team.workspace, scope="read")[1]
    assert (
        Client(HTTP_AUTHORIZATION=f"Bearer {read_only}").patch(url, {"name": "Y"}, content_type="application/json").status_code
        == 403
    )
    other = make_token(other_team.user(Role.MANAGER), other_team.workspace, scope="write")[1]
    outsider = Client(HTTP_AUTHORIZATION=f"Bearer {other}")
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"/api/v1/workspaces/{other_team.workspace.slug}/analytics/experiments/{body['id']}").status_code == 404
    assert Experiment.objects.get().name == "Landing page v2"


def test_demo_seeds_experiments_once(team: Any, warehouse_url: str) -> None:
    from alur.analytics import demo

    users = {
        "analyst": team.user(Role.DATA_ANALYST),
        "performance": team.user(Role.PERFORMANCE_MARKETER),
        "manager": team.user(Role.MANAGER),
        "campaign": team.user(Role.CAMPAIGN_MANAGER),
    }
    demo.experiments_demo_seed(team.workspace, users)
    demo.experiments_demo_seed(team.workspace, users)
    seeded = list(Experiment.objects.filter(workspace=team.workspace).order_by("created_at", "id"))
    assert len(seeded) == 3
    found = [(e.status, experiments_selectors.experiment_analysis(e)) for e in seeded]
    assert [(status, f["verdict_kind"]) for status, f in found] == [
        ("concluded", "winner"),
        ("running", "not_enough_data"),
        ("running", "srm"),
    ]
    assert found[1][1]["is_final"] is False
