"""Settings for the test suite: development mode with an in-memory SQLite database, a key that
exists only for tests, and fast password hashing."""

import os
import tempfile

os.environ.setdefault("BEARING_DEV", "1")
os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
os.environ.setdefault("BEARING_DATA_DIR", os.path.join(tempfile.gettempdir(), "bearing-tests"))

from bearing.config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run in the test process unless a test asks for the real worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
