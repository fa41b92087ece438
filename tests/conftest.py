"""This repository's own test setup; the fixtures come from the test kit, crpm_cms.testing."""

from crpm_cms.testing import base_config, sign_in  # noqa: F401 - tests/test_plugins.py imports them from here

pytest_plugins = ["crpm_cms.testing.browser"]  # tests/browser/ and the library's browser test
