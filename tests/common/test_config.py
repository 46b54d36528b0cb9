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
    ports = {"survey": 9101, "metrics": 9102, "notifier": 9103}
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
