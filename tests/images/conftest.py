import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Each test stores its files in a folder of its own, so it can say exactly which files exist."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
