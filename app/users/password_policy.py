"""What makes a new password acceptable: the one rule the API, the CLI and the staff pages apply.

Length alone lets ``password1234`` through, so a password must also resist a guessing attack:
zxcvbn (Dropbox's estimator, with its bundled lists of common passwords, names and words, no
network) must rate it at least "safely unguessable" (score 3, about 10^8 guesses). The user's
own email and name are the first guesses: ``maria.lopez2024!`` is refused for maria.lopez@...
"""

from __future__ import annotations

import re
import threading
import unicodedata

from app.core.catalogue import Reason
from app.core.catalogue import marked as _

# The refusals below spell these out (a catalogue message is a fixed text).
MIN_LENGTH = 12
MAX_LENGTH = 1024
MIN_SCORE = 3
# zxcvbn refuses longer input (its matching grows fast with the length); a password longer than
# this is judged by its beginning, which must then be strong on its own.
_ESTIMATED_LENGTH = 72
# Letters a password must have beyond the account's own email and name.
_MIN_OWN_LETTERS = 6
# Words anyone attacking this service would try first.
_SERVICE_WORDS = ("nrtd", "uhri", "recommendation", "recommendations", "ohchr", "upr")
# The reason a password longer than MAX_LENGTH gets (the schemas give it before any other check).
TOO_LONG = _("must be at most 1024 characters")
# zxcvbn's warnings (zxcvbn/feedback.py), as the reasons quote them: first letter lower case, no stop.
# Each is a catalogue message, so that the reason reads in the page's language.
_WARNINGS = frozenset(
    {
        _("straight rows of keys are easy to guess"),
        _("short keyboard patterns are easy to guess"),
        _('repeats like "aaa" are easy to guess'),
        _('repeats like "abcabcabc" are only slightly harder to guess than "abc"'),
        _('sequences like "abc" or "6543" are easy to guess'),
        _("recent years are easy to guess"),
        _("dates are often easy to guess"),
        _("this is a top-10 common password"),
        _("this is a top-100 common password"),
        _("this is a very common password"),
        _("this is similar to a commonly used password"),
        _("a word by itself is easy to guess"),
        _("names and surnames by themselves are easy to guess"),
        _("common names and surnames are easy to guess"),
    }
)
# zxcvbn keeps the user's words in a module-level dictionary between its steps: one call at a time.
_estimator_lock = threading.Lock()


def _plain(text: str) -> str:
    """Lower case without accents: ``María`` and ``maria`` are the same guess."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _personal_words(email: str | None, full_name: str | None) -> list[str]:
    words: list[str] = []
    for text in (email, full_name):
        if text:
            text = _plain(text)
            words.extend((text, text.split("@")[0]))
            words.extend(part for part in re.split(r"[\W_]+", text) if len(part) >= 3)
    return words


def _made_of(password: str, words: list[str]) -> bool:
    """Whether little but ``words`` is left of the password once digits and punctuation are ignored.

    zxcvbn rates any three-part password at least 10^8 guesses, ``maria.lopez.2024`` included,
    though the account's own name is the first thing an attacker tries.
    """
    rest = _plain(password)
    for word in sorted(words, key=len, reverse=True):
        rest = rest.replace(word, "")
    return sum(char.isalpha() for char in rest) < _MIN_OWN_LETTERS


def password_problem(password: str, *, email: str | None = None, full_name: str | None = None) -> str | None:
    """Why ``password`` is refused as a new password, or None when it is acceptable.

    ``email`` and ``full_name`` are the account's (a password made of them is easy to guess).
    """
    if "\x00" in password:
        return _("must not contain the NUL character")
    if len(password) < MIN_LENGTH:
        return _("must be at least 12 characters")
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    if not password.strip():
        return _("must not be blank")
    personal = _personal_words(email, full_name)
    if personal and _made_of(password, personal):
        return _("is too easy to guess (it is made of the account's email or name): use unrelated words")
    from zxcvbn import zxcvbn  # loads its word lists: only when a password is set

    with _estimator_lock:
        estimate = zxcvbn(password[:_ESTIMATED_LENGTH], user_inputs=[*_SERVICE_WORDS, *personal])
    if estimate["score"] >= MIN_SCORE:
        return None
    # zxcvbn's own warning says why: the pages translate it (a Reason) where the catalogue has it.
    warning = str(estimate["feedback"].get("warning") or "").strip().rstrip(".")
    if not warning:
        return _("is too easy to guess: use a longer passphrase of several unrelated words")
    why = f"{warning[0].lower()}{warning[1:]}"
    return Reason(
        _("is too easy to guess (%(why)s): use a longer passphrase of several unrelated words"),
        why=Reason(why) if why in _WARNINGS else why,
    )
