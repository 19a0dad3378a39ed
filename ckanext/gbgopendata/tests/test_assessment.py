"""The assessment is a pure function: it runs with no CKAN app, request,
configuration or database, and decides from its two arguments alone."""
from __future__ import annotations

import subprocess
import sys
import textwrap

from ckanext.gbgopendata import assessment, checklist
from ckanext.gbgopendata.checklist import automatic, definition

RULES = assessment.Rules(
    checklist=definition.load(definition.DEFAULT_FILE, automatic.CHECK_NAMES),
    open_licenses=("CC0-1.0", "CC-BY-4.0"),
    types_under_rule=frozenset({"dataset"}),
)
ORGANIZATION = {"id": "org", "orgnr": "2120001355"}
COMPLETE = assessment.shape(
    {
        "id": "d1",
        "type": "dataset",
        "private": True,
        "owner_org": "org",
        "license_id": "CC0-1.0",
        "confidentiality_level": "0",
        "integrity_level": "1",
        "availability_level": "1",
        "title_translated": {"sv": "Parkering", "en": "Parking"},
        "notes_translated": '{"sv": "Platser.", "en": "Spaces."}',
        "contact": '[{"name": "Trafikkontoret", "email": "opendata@goteborg.se"}]',
        "resources": [{"id": "r1", "url": "https://goteborg.se/p.csv", "format": "text/csv"}],
    }
)


def _confirmed(*, but: tuple[str, ...] = ()) -> dict:
    return {
        item.id: {"confirmed": True}
        for item in RULES.checklist.items
        if not item.automatic and item.id not in but
    }


def test_a_complete_draft_is_ready_and_may_be_public():
    decided = assessment.assess(COMPLETE, assessment.Facts(RULES, ORGANIZATION, _confirmed()))
    assert decided.status == "ready"
    assert decided.may_be_public and decided.blockers == ()
    assert decided.checklist.complete


def test_each_condition_is_said_once():
    dataset = dict(COMPLETE, confidentiality_level="2", license_id="CC-BY-NC-4.0")
    decided = assessment.assess(dataset, assessment.Facts(RULES, ORGANIZATION, _confirmed()))
    codes = [blocker.code for blocker in decided.blockers]
    assert codes == ["confidentiality_above_0", "license_not_open"]
    # The checklist's items for the same conditions are not done, with the rule's reasons.
    state = {item_state.item.check: item_state for item_state in decided.checklist.items if item_state.item.automatic}
    assert not state["classification"].done and not state["open_licence"].done
    assert state["open_licence"].missing[0].reason == decided.blockers[1].reason


def test_the_admins_approval_is_what_is_left():
    admin_items = tuple(item.id for item in RULES.checklist.items if item.confirmed_by == "admin")
    decided = assessment.assess(COMPLETE, assessment.Facts(RULES, ORGANIZATION, _confirmed(but=admin_items)))
    assert decided.status == "draft" and decided.awaiting_approval
    assert all(blocker.code.startswith("checklist_") for blocker in decided.blockers)


def test_an_organisation_without_orgnr_is_a_missing_publisher():
    decided = assessment.assess(
        COMPLETE, assessment.Facts(RULES, {"id": "org"}, _confirmed(), quality={"eu": "good", "se": "good"})
    )
    assert [missing.field for state in decided.checklist.items for missing in state.missing] == ["owner_org"]


def test_a_public_dataset_may_not_lose_an_automatic_item_that_held():
    stored = dict(COMPLETE, private=False)
    edited = dict(stored, contact=[])
    decided = assessment.assess(
        edited, assessment.Facts(RULES, ORGANIZATION, {}, stored=stored, stored_organization=ORGANIZATION)
    )
    assert [blocker.code for blocker in decided.blockers] == ["checklist_contact_email_broken"]
    # Published before its checklist was complete: not hidden, listed.
    assert assessment.assess(stored, assessment.Facts(RULES, ORGANIZATION, {})).status == "public_incomplete"


def test_it_runs_with_no_ckan_app_request_or_database():
    # A fresh interpreter with no CKAN configuration loaded: any database,
    # request or config read in `assess` would fail here.
    script = textwrap.dedent(
        """
        import sys
        from ckanext.gbgopendata import assessment
        from ckanext.gbgopendata.checklist import automatic, definition
        rules = assessment.Rules(definition.load(definition.DEFAULT_FILE, automatic.CHECK_NAMES),
                                 ("CC0-1.0",), frozenset({"dataset"}))
        dataset = assessment.shape({"id": "x", "private": True, "confidentiality_level": "1"})
        decided = assessment.assess(dataset, assessment.Facts(rules))
        assert "sqlalchemy.engine" not in sys.modules or not __import__("ckan.model").model.meta.engine
        print(decided.status, [b.code for b in decided.standing])
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "draft"
    assert "confidentiality_above_0" in result.stdout


def test_the_state_counts_progress_per_phase():
    decided = assessment.assess(COMPLETE, assessment.Facts(RULES, ORGANIZATION, {"tested": {"confirmed": True}}))
    progress = decided.checklist.progress()
    assert progress["A"] == {"done": 1, "total": 2, "required": 2, "required_done": 1}
    assert progress["B"]["required_done"] == 6  # five automatic items and "tested"
    assert progress["C"] == {"done": 0, "total": 1, "required": 0, "required_done": 0}
    assert not decided.checklist.complete
    assert checklist.status(True, decided.checklist, False) == "draft"
    assert checklist.status(False, decided.checklist, False) == "public_incomplete"
