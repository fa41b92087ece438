"""Everything is in setup.cfg; this only lists packages, because ``find:`` cannot follow the
``plugins/`` → ``crpm_plugins`` and ``themes/`` → ``crpm_themes`` renames of ``package_dir``."""

from setuptools import find_packages, setup


def renamed(folder: str, name: str) -> list[str]:
    """The packages of ``folder`` under their install name; a plugin's tests are not shipped."""
    packages = find_packages(folder, exclude=["*.tests", "*.tests.*"])
    return [name] + [f"{name}.{package}" for package in packages]


setup(
    packages=find_packages(include=["crpm_cms", "crpm_cms.*"])
    + renamed("plugins", "crpm_plugins")
    + renamed("themes", "crpm_themes")
)
