"""Pages of the published IT Strategy: publish form (CIO only), the document for every member,
PDF and Markdown downloads, and outsiders kept out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bearing.core.models import AuditEntry
from bearing.demand.choices import DemandStatus
from bearing.demand.models import Demand
from bearing.planning.models import Publication
from bearing.planning.publishing import publish_run


@pytest.fixture
def publication(cast, finished_run) -> Publication:
    return publish_run(cast.cio, finished_run, "2027–2028", "Growth first")


def _login(client, user) -> None:
    client.force_login(user)


def test_anonymous_users_are_sent_to_login(client, publication) -> None:
    for url in (reverse("strategy_doc:document_latest"),
                reverse("strategy_doc:document_pdf", args=[publication.pk]),
                reverse("strategy_doc:publish", args=[publication.run_id])):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_cio_publishes_a_run_from_the_form(client, cast, planning_org, finished_run) -> None:
    _login(client, cast.cio)
    url = reverse("strategy_doc:publish", args=[finished_run.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'value="2027–2028"' in page.content.decode()
    response = client.post(url, {"cycle": "2027–2028", "summary": "Growth first"})
    publication = Publication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("strategy_doc:document_version", args=[publication.pk])
    assert (publication.version, publication.summary, publication.published_by) == (1, "Growth first", cast.cio)
    assert Demand.objects.get(pk=planning_org.demands["A"].pk).status == DemandStatus.SCHEDULED
    assert AuditEntry.objects.filter(action="publish", actor=cast.cio).count() == 1


def test_publish_form_shows_the_error_next_to_the_cycle(client, cast, finished_run) -> None:
    _login(client, cast.cio)
    response = client.post(reverse("strategy_doc:publish", args=[finished_run.pk]), {"cycle": " "})
    assert response.status_code == 400 and "Name the planning cycle" in response.content.decode()
    assert not Publication.objects.exists()


@pytest.mark.parametrize("role", ["viewer", "lead", "bio", "resource_manager"])
def test_members_other_than_the_cio_may_not_publish(client, cast, planning_org, finished_run, role) -> None:
    _login(client, cast.user(role))
    url = reverse("strategy_doc:publish", args=[finished_run.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"cycle": "2027–2028"}).status_code == 403
    assert not Publication.objects.exists()
    assert Demand.objects.get(pk=planning_org.demands["A"].pk).status == DemandStatus.APPROVED
    assert not AuditEntry.objects.filter(action="publish").exists()


def test_outsiders_get_404(client, cast, publication) -> None:
    _login(client, cast.outsider)
    assert client.post(reverse("strategy_doc:publish", args=[publication.run_id]), {"cycle": "x"}).status_code == 404
    for name in ("document_version", "document_pdf", "document_markdown"):
        assert client.get(reverse(f"strategy_doc:{name}", args=[publication.pk])).status_code == 404
    own = client.get(reverse("strategy_doc:document_latest"))
    assert own.status_code == 200 and "No IT Strategy has been published yet" in own.content.decode()
    assert Publication.objects.count() == 1


def test_a_department_lead_reads_the_latest_strategy_with_older_versions(client, cast, finished_run, publication) -> None:
    newer = publish_run(cast.cio, finished_run, "2027–2028", "Second thoughts")
    _login(client, cast.lead)
    response = client.get(reverse("strategy_doc:document_latest"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "IT Strategy 2027–2028" in html and "v2" in html and "Second thoughts" in html
    assert reverse("strategy_doc:document_version", args=[publication.pk]) in html  # older version listed
    assert 'Sales <span class="muted">(your department)</span>' in html
    assert 'Finance <span class="muted">(your department)</span>' not in html
    assert "2027-Q1" in html and "Deferred, and why" in html
    older = client.get(reverse("strategy_doc:document_version", args=[publication.pk])).content.decode()
    assert "Growth first" in older and "an older version" in older
    assert newer.version == 2


def test_empty_page_tells_the_cio_how_to_publish(client, cast) -> None:
    _login(client, cast.cio)
    html = client.get(reverse("strategy_doc:document_latest")).content.decode()
    assert "No IT Strategy has been published yet" in html and reverse("planning:scenario_list") in html


def test_cio_page_links_finished_runs_to_the_publish_form(client, cast, finished_run) -> None:
    publish_url = reverse("strategy_doc:publish", args=[finished_run.pk])
    _login(client, cast.cio)
    assert publish_url in client.get(reverse("strategy_doc:document_latest")).content.decode()
    client.force_login(cast.viewer)
    assert publish_url not in client.get(reverse("strategy_doc:document_latest")).content.decode()


def test_pdf_download(client, cast, publication) -> None:
    _login(client, cast.viewer)
    response = client.get(reverse("strategy_doc:document_pdf", args=[publication.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "it-strategy-2027-2028-v1.pdf" in response["Content-Disposition"]


def test_markdown_download_has_a_heading_per_department(client, cast, publication) -> None:
    _login(client, cast.lead)
    response = client.get(reverse("strategy_doc:document_markdown", args=[publication.pk]))
    text = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/markdown")
    assert text.startswith("# IT Strategy 2027–2028 (v1)")
    assert "### Sales" in text and "### Finance" in text
    assert "| D-A | Demand A | 2027-Q1" in text
    finance = text[text.index("### Finance"):]
    assert "D-D" in finance[finance.index("#### Deferred"):]
    assert "&amp;" not in text and "&#x27;" not in text


def test_pdf_fetcher_refuses_remote_and_outside_files(settings) -> None:
    from bearing.planning.publishing_pdf import LocalURLFetcher, _root

    fetcher = LocalURLFetcher(_root())
    for url in ("https://example.com/font.woff", "http://localhost/x.css", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_a_published_run_shows_its_version_instead_of_an_offer_to_publish(client, cast, publication) -> None:
    _login(client, cast.cio)
    html = client.get(reverse("strategy_doc:document_latest")).content.decode()
    offers = html[html.index("Publish a plan"):html.index("Versions")]
    assert reverse("strategy_doc:publish", args=[publication.run_id]) not in offers
    version_url = reverse("strategy_doc:document_version", args=[publication.pk])
    assert f'published as <a href="{version_url}">2027–2028 version 1</a>' in offers


def test_document_names_each_departments_bios_or_says_none_is_assigned(client, cast, publication) -> None:
    bio_name = cast.bio.get_full_name() or cast.bio.username
    _login(client, cast.viewer)
    html = client.get(reverse("strategy_doc:document_latest")).content.decode()
    sales = html[html.index(f'id="department-{cast.sales.pk}"'):]
    finance = html[html.index(f'id="department-{cast.finance.pk}"'):]
    assert f"BIO: {bio_name}" in sales[:sales.index("</p>")]
    assert "no BIO assigned" in finance[:finance.index("</p>")] and "BIO: —" not in html
    text = client.get(reverse("strategy_doc:document_markdown", args=[publication.pk])).content.decode()
    assert "no BIO assigned" in text and f"BIO: {bio_name}" in text


def test_document_gives_reasons_in_business_words_in_every_format(client, cast, publication) -> None:
    _login(client, cast.viewer)
    html = client.get(reverse("strategy_doc:document_latest")).content.decode()
    text = client.get(reverse("strategy_doc:document_markdown", args=[publication.pk])).content.decode()
    for body in (html, text):
        assert "more Java hours there would admit it" in body
        assert "java-hours" not in body and "java capacity" not in body
