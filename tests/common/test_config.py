"""Configuration: each service's own public address; no copy of the environment in the app config."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from services.metrics.config import Config as MetricsConfig
from services.notifier.config import Config as NotifierConfig
from services.survey.config import Config as SurveyConfig
from tests.support import SERVICES

CONFIGS = {"survey": SurveyConfig, "metrics": MetricsConfig, "notifier": NotifierConfig}
ROOT = Path(__file__).resolve().parents[2]


def run_local():
    spec = importlib.util.spec_from_file_location("run_local", ROOT / "scripts" / "run_local.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_run_gives_each_service_its_own_public_base_url(tmp_path):
    ports = {"survey": 9101, "metrics": 9102, "notifier": 9103, "console": 9100}
    env = run_local().service_env(ports, tmp_path, "k" * 24)
    for name in SERVICES:
        assert CONFIGS[name](env).PUBLIC_BASE_URL == f"http://127.0.0.1:{ports[name]}"


def test_public_base_urls_are_read_per_service_and_the_old_name_only_for_survey():
    env = {"CX_PUBLIC_BASE_URL": "https://surveys.example.com",
           "NOTIFIER_PUBLIC_BASE_URL": "https://alerts.example.com"}
    assert SurveyConfig(env).PUBLIC_BASE_URL == "https://surveys.example.com"  # deprecated name
    assert NotifierConfig(env).PUBLIC_BASE_URL == "https://alerts.example.com"
    assert MetricsConfig(env).PUBLIC_BASE_URL == "http://127.0.0.1:8002"
    assert NotifierConfig({"CX_PUBLIC_BASE_URL": "https://surveys.example.com"}).PUBLIC_BASE_URL == \
        "http://127.0.0.1:8003"
    assert SurveyConfig({**env, "SURVEY_PUBLIC_BASE_URL": "https://s.example"}).PUBLIC_BASE_URL == "https://s.example"


@pytest.mark.parametrize("service", SERVICES)
def test_the_app_config_holds_no_copy_of_the_environment(make_service, service):
    app = make_service(service, env={"UNRELATED_TOKEN": "do-not-copy-me-0123"}).app
    assert "ENV" not in app.config
    assert not [name for name, value in app.config.items() if "do-not-copy-me-0123" in repr(value)]


def test_make_run_gives_link_tokens_their_own_kept_secret(tmp_path):
    module = run_local()
    env = module.service_env({"survey": 1, "metrics": 2, "notifier": 3, "console": 4}, tmp_path, "k" * 24)
    secret = env["SURVEY_TOKEN_SECRET"]
    assert secret and secret != "k" * 24 and (tmp_path / "token-secret").stat().st_mode & 0o777 == 0o600
    assert module.service_env({"survey": 1, "metrics": 2, "notifier": 3, "console": 4}, tmp_path, "k" * 24)[
        "SURVEY_TOKEN_SECRET"] == secret  # kept across runs
    assert SurveyConfig(env).TOKEN_SECRET == secret


def test_link_token_secrets_rotate_current_first_and_default_to_the_kept_file(tmp_path):
    rotated = SurveyConfig({"SURVEY_TOKEN_SECRET": "new-secret, old-secret"})
    assert rotated.TOKEN_SECRETS == ("new-secret", "old-secret") and rotated.TOKEN_SECRET == "new-secret"
    (tmp_path / "token-secret").write_text("kept-secret\n")
    kept = SurveyConfig({"CX_VAR_DIR": str(tmp_path), "CX_ADMIN_KEY": "admin-key-0123456789"})
    assert kept.TOKEN_SECRETS == ("kept-secret",)


def test_a_reminder_after_rotation_repeats_the_link_the_customer_has():
    from services.survey.invitations import attach_token, link_token
    from services.survey.models import Invitation

    invitation = Invitation()
    attach_token(invitation, token_secret="old-secret")
    before = link_token(invitation, token_secret="old-secret")
    assert link_token(invitation, token_secret=("new-secret", "old-secret")) == before
    assert link_token(invitation, token_secret=("new-secret",)) != before  # without the old one: lost
