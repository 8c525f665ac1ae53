"""Language: follows the browser, falls back to Chinese, switchable on every page, remembered."""

from __future__ import annotations

from competitions.extensions import db
from tests import factories as f


def test_default_is_chinese_without_a_browser_preference(client):
    html = client.get("/").get_data(as_text=True)
    assert 'lang="zh-CN"' in html
    assert "登录" in html


def test_english_browser_gets_english(client):
    html = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert 'lang="en"' in html and "Log in" in html


def test_unsupported_browser_language_falls_back_to_chinese(client):
    html = client.get("/", headers={"Accept-Language": "fr-FR,de;q=0.8"}).get_data(as_text=True)
    assert 'lang="zh-CN"' in html


def test_switcher_overrides_browser_and_is_remembered(client):
    client.post("/lang", data={"lang": "en"})
    html = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert 'lang="en"' in html
    client.post("/lang", data={"lang": "zh"})
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="zh-CN"' in html


def test_choice_is_saved_on_the_account(app, client, auth):
    orgs = f.org_tree()
    user = f.user("org1", "organizer", org=orgs["city"])
    db.session.commit()
    auth.login("org1")
    client.post("/lang", data={"lang": "en"})
    db.session.refresh(user)
    assert user.locale == "en"
    other = app.test_client()
    other.post("/auth/login", data={"username": "org1", "password": "lathe-bench-2026"})
    assert 'lang="en"' in other.get("/organize/competitions").get_data(as_text=True)


def test_switcher_is_on_every_page(client):
    for url in ("/", "/auth/login", "/nonexistent-page"):
        html = client.get(url).get_data(as_text=True)
        assert 'action="/lang"' in html, url


def test_error_pages_are_translated(client):
    html = client.get("/nonexistent-page", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "This page does not exist." not in html


def test_a_get_switch_is_the_visitors_cookie_only_never_the_account(app, client, auth):
    orgs = f.org_tree()
    user = f.user("org1", "organizer", org=orgs["city"])
    db.session.commit()
    auth.login("org1")
    client.get("/lang?lang=en")
    assert "Competitions" in client.get("/organize/competitions").get_data(as_text=True)
    db.session.refresh(user)
    assert user.locale != "en"  # a GET changes nothing on the account
    client.post("/lang", data={"lang": "en"})
    db.session.refresh(user)
    assert user.locale == "en"
