"""Hypothesis profiles for the parser fuzzing (tests/parsers/test_fuzz.py).

"ci" (the default): derandomized, a few seconds per property, no example database, the same examples on every
run. "long": many random examples, for a fuzzing session (docs/reliability.md, "Parser fuzzing"):
HYPOTHESIS_PROFILE=long pytest tests/parsers/test_fuzz.py
"""

import os

from hypothesis import HealthCheck, settings

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
settings.register_profile(
    "ci", max_examples=150, derandomize=True, database=None, deadline=None, suppress_health_check=_QUIET
)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("SCNEWS_FUZZ_EXAMPLES", "5000")),
    database=None,
    deadline=None,
    suppress_health_check=_QUIET,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
