"""Settings for the test suite: development mode with a throw-away SQLite database, a key that
exists only for tests, and fast password hashing."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("BEARING_DEV", "1")
os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
# one directory per test run (pytest-xdist's workers inherit it and suffix their databases),
# removed when the process that made it ends: every run used to leave one behind in /tmp
if "BEARING_DATA_DIR" not in os.environ:
    os.environ["BEARING_DATA_DIR"] = tempfile.mkdtemp(prefix="bearing-tests-")
    atexit.register(shutil.rmtree, os.environ["BEARING_DATA_DIR"], ignore_errors=True)
# File-backed SQLite (never in-memory): the browser tests' live server thread then opens its own
# connection instead of sharing the test thread's one.
os.environ.setdefault("DATABASE_URL", f"sqlite:///{os.environ['BEARING_DATA_DIR']}/bearing.sqlite3")

from bearing.config.settings import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run in the test process unless a test asks for the real worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# With SQLite the test database is a file too (pytest-xdist adds a suffix per worker); with
# PostgreSQL (DATABASE_URL given) Django's test database, test_<name>, is made beside it.
# scripts/with_postgres.sh says which database it started: a run meant for it must not fall back
_expected = os.environ.get("BEARING_TEST_DATABASE")
if _expected and not DATABASES["default"]["ENGINE"].endswith(f".{_expected}"):
    raise RuntimeError(f"tests meant for {_expected} would run on {DATABASES['default']['ENGINE']}")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(os.environ["BEARING_DATA_DIR"], "test.sqlite3")}
os.makedirs(os.environ["BEARING_DATA_DIR"], exist_ok=True)
os.makedirs(STATIC_ROOT, exist_ok=True)
