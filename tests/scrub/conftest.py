"""Fixtures for the scrub tests."""

import pytest

from minions.scrub import DETECTORS


@pytest.fixture
def registry():
    """The live detector registry, restored (contents and order) after the test, so a detector a
    test registers stays local to it."""
    saved = dict(DETECTORS)
    yield DETECTORS
    DETECTORS.clear()
    DETECTORS.update(saved)
