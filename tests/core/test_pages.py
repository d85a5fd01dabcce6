import pytest

pytestmark = pytest.mark.django_db

LANGUAGES = ["it", "fr", "ca", "es", "en"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_it_serves_the_home_page_in_each_language(client, lang):
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert 'href="#main"' in html
    for other in LANGUAGES:
        assert f'hreflang="{other}"' in html


def test_it_redirects_the_bare_root_to_a_language(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/it/")


def test_it_picks_the_browser_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert response["Location"].startswith("/fr/")


def test_it_sends_a_strict_content_security_policy(client):
    response = client.get("/it/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_it_has_no_inline_scripts_and_no_external_assets(client):
    html = client.get("/it/").content.decode()
    assert "<script>" not in html
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html


def test_it_translates_the_home_page(client):
    assert "Log in" in client.get("/en/").content.decode()
    assert "Accedi" in client.get("/it/").content.decode()


def test_it_answers_unknown_pages_with_a_translated_404(client):
    response = client.get("/fr/nope/")
    assert response.status_code == 404


def test_it_serves_the_theme_stylesheet(client, settings):
    settings.THEME_PRIMARY_COLOR = "#123456"
    response = client.get("/theme.css")
    assert response["Content-Type"].startswith("text/css")
    assert b"#123456" in response.content
