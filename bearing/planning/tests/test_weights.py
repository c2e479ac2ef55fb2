"""Scoring-model writes: direct weights, raters' judgements and the aggregated AHP weights."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bearing.core.models import AuditEntry
from bearing.planning import weights
from bearing.planning.choices import WeightMethod
from bearing.planning.models import PairwiseJudgement, ScoringModel
from bearing.planning.scoring import NEED, RISK, objective_key, raw_weights
from bearing.strategy.tests.factories import make_objective

pytestmark = pytest.mark.django_db


@pytest.fixture
def revenue(cast):
    return make_objective(organisation=cast.org, name="Grow revenue", weight=1)


def _audits(cast, action):
    return AuditEntry.objects.filter(
        organisation=cast.org, object_type="planning.ScoringModel", action=action
    )


def test_cio_sets_direct_weights_normalised_and_audited(cast, revenue):
    key = objective_key(revenue.pk)
    model = weights.set_direct_weights(cast.cio, cast.org, {key: 2, NEED: 1, RISK: 1})
    model.refresh_from_db()
    assert model.method == WeightMethod.DIRECT
    assert model.weights == {key: 0.5, NEED: 0.25, RISK: 0.25}
    assert model.consistency_ratio is None
    assert raw_weights(cast.org) == pytest.approx({key: 0.5, NEED: 0.25, RISK: 0.25})
    entry = _audits(cast, "update").get()
    assert entry.actor == cast.cio and entry.after["weights"] == {key: 0.5, NEED: 0.25, RISK: 0.25}


@pytest.mark.parametrize("role", ["bio", "lead", "resource_manager", "viewer", "outsider"])
def test_only_the_cio_sets_direct_weights(cast, revenue, role):
    with pytest.raises(PermissionDenied):
        weights.set_direct_weights(
            cast.user(role), cast.org, {objective_key(revenue.pk): 1, NEED: 1, RISK: 1}
        )
    assert not ScoringModel.objects.filter(organisation=cast.org).exclude(weights={}).exists()
    assert not _audits(cast, "update").exists()


def test_direct_weights_must_cover_every_criterion_and_be_non_negative(cast, revenue):
    key = objective_key(revenue.pk)
    with pytest.raises(ValidationError) as missing:
        weights.set_direct_weights(cast.cio, cast.org, {NEED: 1, RISK: 1})
    assert key in missing.value.message_dict
    with pytest.raises(ValidationError) as negative:
        weights.set_direct_weights(cast.cio, cast.org, {key: -1, NEED: 1, RISK: 1})
    assert "0 or more" in negative.value.message_dict[key][0]
    with pytest.raises(ValidationError):
        weights.set_direct_weights(cast.cio, cast.org, {key: 0, NEED: 0, RISK: 0})
    with pytest.raises(ValidationError):
        weights.set_direct_weights(
            cast.cio, cast.org, {key: 1, NEED: 1, RISK: 1, "objective:999": 1}
        )
    assert not _audits(cast, "update").exists()


def test_a_lead_fills_their_own_comparison_page(cast, revenue):
    key = objective_key(revenue.pk)
    weights.save_judgements(
        cast.lead, cast.org, cast.lead, {(key, NEED): 3, (key, RISK): 5, (NEED, RISK): 1}
    )
    stored = {
        (j.first, j.second): j.value for j in PairwiseJudgement.objects.filter(rater=cast.lead)
    }
    assert stored == {(key, NEED): 3, (key, RISK): 5, (NEED, RISK): 1}
    entry = _audits(cast, "judge").get()
    assert entry.actor == cast.lead and entry.after["judgements"][f"{key} vs {NEED}"] == 3
    # saving again replaces the rater's judgements
    weights.save_judgements(cast.lead, cast.org, cast.lead, {(key, NEED): 1 / 3})
    assert PairwiseJudgement.objects.filter(rater=cast.lead).count() == 1
    assert _audits(cast, "judge").count() == 2


@pytest.mark.parametrize("role", ["bio", "resource_manager", "viewer", "outsider"])
def test_other_roles_do_not_rate(cast, revenue, role):
    user = cast.user(role)
    with pytest.raises(PermissionDenied):
        weights.save_judgements(user, cast.org, user, {(NEED, RISK): 3})
    assert not PairwiseJudgement.objects.exists()


def test_nobody_fills_another_raters_page(cast, revenue):
    with pytest.raises(PermissionDenied):
        weights.save_judgements(cast.cio, cast.org, cast.lead, {(NEED, RISK): 3})
    assert not PairwiseJudgement.objects.exists()


def test_judgements_stay_on_saatys_scale_and_known_criteria(cast, revenue):
    with pytest.raises(ValidationError):
        weights.save_judgements(cast.cio, cast.org, cast.cio, {(NEED, RISK): 12})
    with pytest.raises(ValidationError):
        weights.save_judgements(cast.cio, cast.org, cast.cio, {(NEED, "objective:999"): 3})
    with pytest.raises(ValidationError):
        weights.save_judgements(
            cast.cio, cast.org, cast.cio, {(NEED, RISK): 3, (RISK, NEED): 1 / 3}
        )
    assert not PairwiseJudgement.objects.exists()


def test_two_raters_aggregate_by_geometric_mean_worked_by_hand(cast, revenue):
    """CIO: objective 4x need... (weights 4:2:1); lead: (2:1:2). Geometric means: objective/need
    = sqrt(2*2) = 2, objective/risk = sqrt(4*1) = 2, need/risk = sqrt(2*0.5) = 1, a consistent
    matrix with weights 2:1:1 = 0.5, 0.25, 0.25 and CR 0."""
    key = objective_key(revenue.pk)
    weights.save_judgements(
        cast.cio, cast.org, cast.cio, {(key, NEED): 2, (key, RISK): 4, (NEED, RISK): 2}
    )
    weights.save_judgements(
        cast.lead, cast.org, cast.lead, {(key, NEED): 2, (key, RISK): 1, (NEED, RISK): 0.5}
    )
    model = weights.recompute_ahp(cast.cio, cast.org)
    model.refresh_from_db()
    assert model.method == WeightMethod.AHP
    assert model.weights == pytest.approx({key: 0.5, NEED: 0.25, RISK: 0.25})
    assert model.consistency_ratio == pytest.approx(0.0, abs=1e-9)
    entry = _audits(cast, "update").get()
    assert entry.actor == cast.cio and entry.after["method"] == "ahp"


def test_only_the_cio_computes_the_ahp_weights(cast, revenue):
    weights.save_judgements(cast.lead, cast.org, cast.lead, {(NEED, RISK): 3})
    with pytest.raises(PermissionDenied):
        weights.recompute_ahp(cast.lead, cast.org)
    assert not ScoringModel.objects.filter(organisation=cast.org, method=WeightMethod.AHP).exists()


def test_recompute_without_judgements_says_why(cast, revenue):
    with pytest.raises(ValidationError, match="No rater"):
        weights.recompute_ahp(cast.cio, cast.org)


def test_the_judgement_most_out_of_line_is_named(cast):
    """Weights 8:4:2:1 judged consistently except need vs risk (1/9 instead of 2)."""
    a = objective_key(make_objective(organisation=cast.org, name="A growth").pk)
    b = objective_key(make_objective(organisation=cast.org, name="B costs").pk)
    weights.save_judgements(
        cast.cio,
        cast.org,
        cast.cio,
        {(a, b): 2, (a, NEED): 4, (a, RISK): 8, (b, NEED): 2, (b, RISK): 4, (NEED, RISK): 1 / 9},
    )
    result, raters, _ = weights.aggregated_result(cast.org)
    assert raters == 1 and result.cr > 0.10
    worst = weights.worst_judgement(result)
    assert (worst.first, worst.second) == (NEED, RISK)
    assert worst.others_imply == pytest.approx(2.0)  # 8:4:2:1 without the 1/9
