"""Hypothesis profiles for the fuzzing: quick by default, long with NEWSROOM_FUZZ=long."""

import os

from hypothesis import HealthCheck, settings

# The fixtures seed a newsroom once per test; every example reads it (and may add a
# comment or a report inside the test's transaction), so function-scoped fixtures are meant.
_common = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    "database": None,  # no example database on disk: each run explores afresh
}
settings.register_profile("quick", max_examples=25, **_common)
settings.register_profile("long", max_examples=600, **_common)
settings.load_profile("long" if os.environ.get("NEWSROOM_FUZZ") == "long" else "quick")
