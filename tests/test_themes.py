"""Themes: the active theme changes the look, the instance overrides everything, the static
files of the default theme are the fallback, and a wrong THEME stops the start."""

from __future__ import annotations

from pathlib import Path

import pytest

from crpm_cms.config import ConfigError

DEFAULT_CSS = Path(__file__).parents[1] / "themes" / "default" / "static" / "site.css"
SAHEL_MARKERS = ("sahel.css", 'name="theme-color"')


def home_html(app) -> str:  # type: ignore[no-untyped-def]
    response = app.test_client().get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def without_sahel_lines(html: str) -> list[str]:
    return [line for line in html.splitlines()
            if line.strip() and not any(marker in line for marker in SAHEL_MARKERS)]


def test_sahel_theme_adds_its_palette_and_keeps_the_default_layout(make_app):
    default_html = home_html(make_app())
    sahel_html = home_html(make_app(THEME="sahel"))

    assert "/theme/sahel.css" in sahel_html
    assert "sahel.css" not in default_html
    assert "/theme/site.css" in sahel_html  # the default stylesheet still comes first
    assert sahel_html.index("/theme/site.css") < sahel_html.index("/theme/sahel.css")
    assert without_sahel_lines(sahel_html) == without_sahel_lines(default_html)


def test_theme_is_chosen_with_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("CRPM_THEME", "sahel")
    assert "/theme/sahel.css" in home_html(make_app())


def test_instance_template_wins_over_theme_and_core(make_app, tmp_path):
    override = tmp_path / "instance" / "templates" / "site" / "home.html"
    override.parent.mkdir(parents=True)
    override.write_text('{% extends "base.html" %}{% block content %}'
                        "<h1>Réseau local du Sénégal</h1>{% endblock %}", encoding="utf-8")

    html = home_html(make_app(THEME="sahel"))

    assert "Réseau local du Sénégal" in html
    assert 'class="country-grid"' not in html  # the core's home page is not used
    assert "/theme/sahel.css" in html  # the override still gets the active theme's layout


def test_theme_in_the_instance_folder_can_extend_the_default(make_app, tmp_path):
    base = tmp_path / "instance" / "themes" / "local" / "templates" / "base.html"
    base.parent.mkdir(parents=True)
    base.write_text('{% extends "default:base.html" %}'
                    '{% block theme_head %}<meta name="local-theme" content="1">{% endblock %}',
                    encoding="utf-8")

    html = home_html(make_app(THEME="local"))

    assert '<meta name="local-theme" content="1">' in html
    assert 'class="country-grid"' in html


def test_unknown_theme_stops_the_start_and_names_the_setting(make_app):
    with pytest.raises(ConfigError, match="THEME") as error:
        make_app(THEME="does-not-exist")
    assert "does-not-exist" in str(error.value)


def test_theme_static_files_fall_back_to_the_default_theme(make_app):
    sahel = make_app(THEME="sahel").test_client()
    default = make_app().test_client()

    site_css = sahel.get("/theme/site.css")
    assert site_css.status_code == 200
    assert site_css.mimetype == "text/css"
    assert site_css.get_data() == DEFAULT_CSS.read_bytes()
    assert sahel.get("/theme/sahel.css").status_code == 200

    assert default.get("/theme/sahel.css").status_code == 404
    assert default.get("/theme/missing.css").status_code == 404
    assert default.get("/theme/../templates/base.html").status_code == 404
    assert default.get("/theme/%2e%2e/templates/base.html").status_code == 404
