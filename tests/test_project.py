"""Project-wide behaviour: base pages, settings per environment, developer commands."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Long and varied enough that check --deploy does not call it weak.
STRONG_SECRET_KEY = "k3!v9#Qz7@pL2$wX8^rT5&mN1*bY6(cH4)jF0_gD+eS=aU-oI~yE"


def run_python(code, *, settings, tmp_path, **env_overrides):
    """Run Python in a fresh process under ``settings``; an override of None unsets a variable."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["DJANGO_SETTINGS_MODULE"] = settings
    # Keep the real database untouched: production system checks query it.
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env.update(env_overrides)
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, *code],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


SETUP = ["-c", "import django; django.setup(); print('started')"]


@pytest.mark.django_db
def test_start_page(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "在居住地换领、补领身份证" in html
    assert 'href="/apply/"' in html
    assert 'id="main"' in html
    assert "/static/css/site.css" in html


@pytest.mark.django_db
def test_unknown_url_shows_friendly_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "找不到这个页面" in html
    assert '<html lang="zh-Hans">' in html


def test_500_page_renders_without_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert "出错了" in html
    assert "/static/css/site.css" in html


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_settings_refuse_to_start_without(missing, tmp_path):
    env = {"SECRET_KEY": STRONG_SECRET_KEY, "ALLOWED_HOSTS": "example.com"}
    del env[missing]

    result = run_python(SETUP, settings="config.settings.production", tmp_path=tmp_path, **env)

    assert result.returncode != 0
    assert missing in result.stderr


def test_production_settings_start_with_secret_key_and_allowed_hosts(tmp_path):
    result = run_python(
        SETUP,
        settings="config.settings.production",
        tmp_path=tmp_path,
        SECRET_KEY=STRONG_SECRET_KEY,
        ALLOWED_HOSTS="example.com",
    )

    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_production_settings_pass_check_deploy(tmp_path):
    result = run_python(
        ["manage.py", "check", "--deploy"],
        settings="config.settings.production",
        tmp_path=tmp_path,
        SECRET_KEY=STRONG_SECRET_KEY,
        ALLOWED_HOSTS="example.com",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_dev_database_defaults_to_sqlite_file_in_project_root(tmp_path):
    code = [
        "-c",
        "from django.conf import settings; db = settings.DATABASES['default']; "
        "print(db['ENGINE']); print(db['NAME'])",
    ]

    result = run_python(code, settings="config.settings.dev", tmp_path=tmp_path, DATABASE_URL=None)

    assert result.returncode == 0, result.stderr
    engine, name = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert Path(name) == PROJECT_ROOT / "db.sqlite3"


SESSIONS = ["-c", "import os; from django.conf import settings; print(settings.SESSION_ENGINE); "
            "print(getattr(settings, 'SESSION_FILE_PATH', '-')); "
            "files = settings.SESSION_ENGINE.endswith('file'); "
            "print(oct(os.stat(settings.SESSION_FILE_PATH).st_mode & 0o777) if files else '-')"]


def test_one_machine_keeps_sessions_in_a_private_directory_its_workers_share(tmp_path):
    sessions = tmp_path / "sessions"

    result = run_python(SESSIONS, settings="config.settings.production", tmp_path=tmp_path, REDIS_URL=None,
                        SECRET_KEY=STRONG_SECRET_KEY, ALLOWED_HOSTS="example.com", SESSION_FILE_PATH=str(sessions))

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.contrib.sessions.backends.file", str(sessions), "0o700"]


def test_several_instances_keep_sessions_in_the_database_with_copies_in_redis(tmp_path):
    result = run_python(SESSIONS, settings="config.settings.production", tmp_path=tmp_path,
                        REDIS_URL="redis://127.0.0.1:6379/9", SECRET_KEY=STRONG_SECRET_KEY, ALLOWED_HOSTS="example.com")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "django.contrib.sessions.backends.cached_db"


@pytest.mark.django_db
def test_ensure_demo_admin_creates_one_superuser_once(settings, capsys, monkeypatch):
    settings.DEBUG = True
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    user_model = get_user_model()

    call_command("ensure_demo_admin")
    first_output = capsys.readouterr().out
    call_command("ensure_demo_admin")

    admins = user_model.objects.filter(is_superuser=True)
    assert [user.username for user in admins] == ["admin"]
    assert admins.get().check_password("demo-admin-2026")
    assert "/admin/" in first_output
    assert "admin" in first_output
    assert "demo-admin-2026" in first_output


@pytest.mark.django_db
def test_ensure_demo_admin_takes_password_from_environment(settings, capsys, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "another-demo-pass")

    call_command("ensure_demo_admin")

    assert get_user_model().objects.get(username="admin").check_password("another-demo-pass")
    assert "another-demo-pass" in capsys.readouterr().out


@pytest.mark.django_db
def test_ensure_demo_admin_leaves_an_existing_superuser_alone(settings):
    settings.DEBUG = True
    user_model = get_user_model()
    user_model.objects.create_superuser(username="owner", email="", password="x")

    call_command("ensure_demo_admin")

    assert list(user_model.objects.values_list("username", flat=True)) == ["owner"]


@pytest.mark.django_db
def test_ensure_demo_admin_refuses_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG") as excinfo:
        call_command("ensure_demo_admin")

    assert excinfo.value.returncode == 1
    assert not get_user_model().objects.exists()


def test_robots_txt_keeps_crawlers_off_staff_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert {"Disallow: /admin/", "Disallow: /staff/"} <= set(lines)
    assert not any(line.startswith("Disallow: /plan") or line == "Disallow: /" for line in lines)


def test_no_app_module_outside_migrations_is_longer_than_400_lines():
    long = {str(path.relative_to(PROJECT_ROOT)): lines
            for app in ("config", "procedures", "wizard", "staff", "bench")
            for path in (PROJECT_ROOT / app).rglob("*.py") if "migrations" not in path.parts
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert not long, long
