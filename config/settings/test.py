"""Settings for the test suite: fast hashing, no manifest needed."""
from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-insecure-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the app directories; no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Each run's sessions in a directory of its own (when they are files: REDIS_URL unset).
if SESSION_ENGINE == "django.contrib.sessions.backends.file":  # noqa: F405
    import tempfile

    SESSION_FILE_PATH = tempfile.mkdtemp(prefix="sfz-test-sessions-")
