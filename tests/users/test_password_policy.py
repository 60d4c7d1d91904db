"""The one password rule (app.users.password_policy), as the API, the CLI and the staff pages use it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from app.users.password_policy import MAX_LENGTH, password_problem


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "Tr0ub4dor&3 plus some more",
        # Longer than zxcvbn takes (72): judged by its beginning, never an error.
        "strong opening words wander far " + "x" * (MAX_LENGTH - 40),
    ],
)
def test_good_passwords_pass(password: str) -> None:
    assert password_problem(password, email="someone@example.org", full_name="Some One") is None


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "at least 12 characters"),
        (" " * 20, "blank"),
        ("x" * (MAX_LENGTH + 1), "at most 1024 characters"),
        ("password1234", "very common password"),
        ("123456789012", "too easy to guess"),
        ("a" * 100, "too easy to guess"),
        ("nul in the\x00 middle", "NUL"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, reason: str) -> None:
    problem = password_problem(password)
    assert problem is not None and reason in problem


def test_the_accounts_own_email_and_name_are_weak_for_it_only() -> None:
    assert password_problem("maria.lopez2024!", email="maria.lopez@example.org") is not None
    assert password_problem("Lopez Maria 1987", full_name="María López") is not None
    assert password_problem("MaríaLópez!!2024", email="maria.lopez@example.org") is not None
    assert password_problem("maria.lopez2024!", email="someone.else@example.org") is None


def test_concurrent_checks_see_only_their_own_account() -> None:
    """zxcvbn keeps the user's words in a module-level dictionary; checks run one at a time."""

    def check(n: int) -> bool:
        if n % 2:
            return password_problem("zanzibar.quill.2024", email="zanzibar.quill@example.org") is not None
        return password_problem("zanzibar.quill.2024", email=f"other{n}@example.org") is None

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(check, range(40)))
