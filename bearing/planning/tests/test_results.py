"""Display helpers of the plan result pages: engine reasons in business words, the cost of
forcing a left-out demand in, readable explanation details and Gantt row labels."""

from __future__ import annotations

from types import SimpleNamespace

from bearing.planning.results import business_words, forced_in_cost, gantt_data, readable_details

WORDS = {"dba": "Database administration", "erp": "SAP ERP consulting", "system:erp": "SAP ECC"}


def test_business_words_names_skills_and_systems_by_their_labels():
    assert business_words("dba capacity in 2028-Q2 is used: it needs 113 dba-hours per period", WORDS) == (
        "Database administration capacity in 2028-Q2 is used: it needs 113 Database administration hours per period")
    assert business_words("erp capacity in 2027-Q1; 3 more system:erp-hours there", WORDS) == (
        "SAP ERP consulting capacity in 2027-Q1; 3 more SAP ECC units there")
    assert business_words("it cannot start in 2027-Q1: dba in 2027-Q2 is 28.95 hours short", WORDS) == (
        "it cannot start in 2027-Q1: Database administration in 2027-Q2 is 29 hours short")
    assert business_words("it cannot start in 2027-Q1: system:erp in 2027-Q2 is 2.5 hours short", WORDS) == (
        "it cannot start in 2027-Q1: SAP ECC in 2027-Q2 is 2.5 units short")


def test_business_words_rounds_hours_to_whole_numbers_but_keeps_values_and_units():
    text = business_words("71.05 more dba-hours; 1,234.5 more erp-hours; 0.5 more system:erp-hours; "
                          "forcing it in would cost 0.84 of value elsewhere", WORDS)
    assert text == ("71 more Database administration hours; 1,235 more SAP ERP consulting hours; "
                    "0.5 more SAP ECC units; forcing it in would cost 0.84 of value elsewhere")
    # without known resources the hours are still whole
    assert business_words("web in 2027-Q2 is 86.28 hours short", {}) == "web in 2027-Q2 is 86 hours short"


def test_business_words_leaves_other_words_containing_a_resource_name_alone():
    assert business_words("the dbadmin team; prerequisite D-0002", WORDS) == "the dbadmin team; prerequisite D-0002"


def test_forced_in_cost_reads_value_lost_from_the_details():
    assert forced_in_cost({"verified": True, "value_lost": 0.843}) == "0.84"
    assert forced_in_cost({"verified": True, "value_lost": 0.0}) == "0.00"
    # a plan with it that is worth more: a gain, not a cost of 0
    assert forced_in_cost({"verified": True, "value_lost": 0.0, "value_gained": 1234.5}) == "none: 1,234.50 more with it"
    assert forced_in_cost({"verified": True, "value_lost": None},
                          ["forcing it in is not possible: no plan can hold it"]) == "not possible"
    assert forced_in_cost({"verified": False, "value_lost": None}) == "not checked"
    assert forced_in_cost({"value_lost": None}, ["not verified by a re-plan within the time limit"]) == "not checked"


def test_readable_details_use_labels_quarters_and_whole_hours():
    details = {"start": 1, "periods": [1, 2], "binding_resources": ["dba", "system:erp"],
               "extra_hours": {"dba": 176.85, "system:erp": 1.5}, "extra_money": 0.0, "verified": True}
    rows = dict(readable_details(details, WORDS, ["2027-Q1", "2027-Q2", "2027-Q3"]))
    assert rows == {
        "Best start": "2027-Q2",
        "Quarters checked": "2027-Q2, 2027-Q3",
        "Limited by": "Database administration, SAP ECC",
        "More capacity that would admit it": "Database administration: 177 hours; SAP ECC: 1.50 units",
    }


def test_gantt_rows_have_short_labels_and_the_full_title_for_hover():
    title = "E-invoicing mandate: structured B2B invoices (EN 16931) for every customer"
    demand = SimpleNamespace(reference="D-0002", title=title, department=SimpleNamespace(name="Finance"),
                             requires=SimpleNamespace(all=list))
    row = SimpleNamespace(demand_id=1, demand=demand, start_quarter=0, finish_quarter=2, value=5.85)
    bar = gantt_data([row], ["2027-Q1", "2027-Q2"], "department")["bars"][0]
    assert bar["title"] == title
    assert bar["label"].startswith("D-0002 E-invoicing") and bar["label"].endswith("…")
    assert len(bar["label"]) <= len("D-0002 ") + 32
