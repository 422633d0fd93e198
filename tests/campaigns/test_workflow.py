"""Workflow definitions: validation with every problem named, gates, versions' JSON form, Mermaid diagrams."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from alur.campaigns.workflow import (
    DEFAULT_DEFINITION,
    DefinitionError,
    GateState,
    gate_missing,
    mermaid,
    parse_workflow,
    workflow_to_data,
)


def test_the_default_is_seed_000s_six_stages_with_the_management_gate_and_the_kpi_loop() -> None:
    workflow = parse_workflow(DEFAULT_DEFINITION)
    assert [stage.name("en") for stage in workflow.stages] == [
        "Discovery",
        "Planning",
        "Creation",
        "Distribution",
        "Optimization",
        "Reporting",
    ]
    assert [stage.responsible_role for stage in workflow.stages] == [
        "strategist",
        "campaign_manager",
        "content_creator",
        "social_media_specialist",
        "performance_marketer",
        "data_analyst",
    ]
    assert workflow.stage("planning").needs_approval
    assert workflow.stage("optimization").kpi_review
    assert workflow.next_stage("planning").key == "creation"  # type: ignore[union-attr]
    assert workflow.next_stage("reporting") is None


def test_a_definition_survives_a_round_trip_through_json() -> None:
    workflow = parse_workflow(DEFAULT_DEFINITION)
    assert parse_workflow(workflow_to_data(workflow)) == workflow


def broken(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(DEFAULT_DEFINITION)
    for path, value in changes.items():
        stage, _, field = path.partition("__")
        data["stages"][int(stage.removeprefix("s"))][field] = value
    return data


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, "at least one stage"),
        ({"stages": []}, "at least one stage"),
        (broken(s0__key="Discovery!"), "Stage 1: the key 'Discovery!'"),
        (broken(s1__key="discovery"), "Stage 2: the key 'discovery' is used by another stage"),
        (broken(s2__responsible_role="boss"), "Stage 3: responsible_role 'boss' is not a role"),
        (broken(s0__name={"en": "Discovery"}), "Stage 1: the name in 'id' is missing"),
        (broken(s0__outputs=[{"key": "a"}, {"key": "a", "name": {"id": "A", "en": "A"}}]), "is used twice"),
        (broken(s3__kpi_review=True), "Only one stage"),
        (broken(s5__kpi_review=True, s4__kpi_review=False), "needs a stage after it"),
        (broken(s0__gate="yes"), "gate must be an object"),
    ],
)
def test_invalid_definitions_are_refused_naming_each_problem(data: dict[str, Any], expected: str) -> None:
    with pytest.raises(DefinitionError) as error:
        parse_workflow(data)
    assert any(expected in problem for problem in error.value.problems), error.value.problems


def test_all_problems_are_reported_at_once() -> None:
    with pytest.raises(DefinitionError) as error:
        parse_workflow(broken(s0__key="X", s2__responsible_role="boss"))
    assert len(error.value.problems) == 2


def test_the_gate_lists_exactly_what_is_missing() -> None:
    planning = parse_workflow(DEFAULT_DEFINITION).stage("planning")
    missing = gate_missing(planning, GateState(checklist_done=frozenset({"kpis_set"})), language="en")
    assert [(m.kind, m.key) for m in missing] == [
        ("output", "marketing_plan"),
        ("checklist", "budget_planned"),
        ("approval", "planning"),
    ]
    done = GateState(
        outputs_present=frozenset({"marketing_plan"}), checklist_done=frozenset({"kpis_set", "budget_planned"}), is_approved=True
    )
    assert gate_missing(planning, done) == []
    optimization = parse_workflow(DEFAULT_DEFINITION).stage("optimization")
    ready = GateState(outputs_present=frozenset({"strategy_revision"}), checklist_done=frozenset({"ab_tests_reviewed"}))
    assert [m.kind for m in gate_missing(optimization, ready)] == ["kpi_review"]


def test_the_diagram_is_mermaid_graph_td_with_the_gate_and_the_loop() -> None:
    text = mermaid(parse_workflow(DEFAULT_DEFINITION), language="id")
    assert text.startswith("graph TD\n")
    assert 'S1 --> G1{"Disetujui manajemen?"}' in text
    assert "G1 -- Ya --> S2" in text and "G1 -- Tidak --> S1" in text
    assert 'S4 --> K4{"KPI tercapai?"}' in text and "K4 -- Ya --> S5" in text
    assert 'K4 -- Tidak --> P4["Identifikasi masalah"]' in text and "O4 --> S4" in text
    assert 'S0["Riset (Discovery)"]' in text
    english = mermaid(parse_workflow(DEFAULT_DEFINITION), language="en")
    assert 'K4{"KPI achieved?"}' in english


def test_the_editor_rows_round_trip_and_new_stages_get_keys() -> None:
    from alur.campaigns.workflow import definition_from_rows, editor_rows

    workflow = parse_workflow(DEFAULT_DEFINITION)
    rows = editor_rows(workflow)
    assert parse_workflow(definition_from_rows(rows, workflow)) == workflow  # keys kept: recorded ticks stay attached
    rows.insert(
        2,
        {
            "name_id": "Uji legal",
            "name_en": "Legal review",
            "responsible_role": "approver",
            "checklist": "Klaim produk dicek | Product claims checked\nSyarat promo",
            "approval": True,
        },
    )
    edited = parse_workflow(definition_from_rows(rows, workflow))
    legal = edited.stages[2]
    assert (legal.key, legal.needs_approval) == ("legal_review", True)
    assert [item.key for item in legal.checklist] == ["product_claims_checked", "syarat_promo"]
    assert legal.checklist[1].names == {"id": "Syarat promo", "en": "Syarat promo"}


def test_the_workflow_is_drawn_as_svg_with_gates_and_the_loop() -> None:
    from alur.campaigns.workflow import diagram_svg

    svg = diagram_svg(parse_workflow(DEFAULT_DEFINITION), language="id")
    assert svg.startswith("<svg") and svg.count('class="stage"') == 6 and svg.count('class="gate"') == 2
    assert "Disetujui manajemen?" in svg and "Tidak: Optimalkan strategi" in svg
    hostile = broken(s0__name={"id": "<script>alert(1)</script>", "en": "x"})
    assert "<script>" not in diagram_svg(parse_workflow(hostile))
