"""The portal's production settings with the benchmark's URLconf (`portal.bench_floor`), which adds
the two floor pages of a signed-in request to the portal's own. Used by `manage.py bench` only."""

from .base import *  # noqa: F403

ROOT_URLCONF = "portal.bench_floor"
