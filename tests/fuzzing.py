"""How the schemathesis tests draw their cases: the same cases on every run (derandomized, no example
database), explicit examples then generated ones, no deadline, no health check refusing slow or
filtered strategies."""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, settings


def repeatable(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
