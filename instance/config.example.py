# Example deployment configuration: copy to instance/config.py and adapt.
# Every key can also be set in the environment with the CRPM_ prefix (CRPM_SITE_NAME=…),
# which wins over this file. `crpm init` writes a random SECRET_KEY here for a local install.

# SECRET_KEY = "a long random string"            # required in production
# DATABASE_URL = "postgresql://crpm@127.0.0.1/crpm"  # default: SQLite in this folder
# SITE_NAME = "Réseau CRPM Sénégal"
# COUNTRY = "SN"                                  # ISO code of a national deployment
# LANGUAGES = ["fr", "en"]
# DEFAULT_LANGUAGE = "fr"
# THEME = "default"                               # or "sahel", or a folder in instance/themes/
# PLUGINS = ["cso_map", "webinars"]               # default: every installed plugin is loaded
# REGISTRATION_MODE = "approval"                  # open | approval | invitation
# MAIL_SERVER = "smtp.example.org"                # without it, mails go to instance/outbox/
# MAIL_PORT = 587
# MAIL_USE_TLS = True
# MAIL_USERNAME = "crpm"
# MAIL_PASSWORD = "…"
# MAIL_SENDER = "noreply@example.org"
# RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/0"  # default: memory:// (one process)
# LOGIN_RATE_LIMIT = "10 per minute"
# MAX_CONTENT_LENGTH = 52428800                   # bytes; larger requests get a 413 page
# SESSION_COOKIE_SECURE = True                    # behind HTTPS
