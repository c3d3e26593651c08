"""Access to a workshop: the trainer's key and the teams' join codes (CONTRACT §5).

Both are random (:mod:`secrets`), shown once when the workshop is made, and stored only as salted scrypt
hashes (:mod:`simlib.base.keys`); a workshop's join codes share one salt, so that a join costs one scrypt however
many teams there are. A join code is short enough to read off a projector (three groups of four letters and digits from an
alphabet without look-alikes, about 60 bits); the trainer's key is 128 bits. Every action checks its code or
key; a page that keeps sending wrong ones is slowed down (:data:`MAX_FAILURES` in :data:`FAILURE_WINDOW_S`).

    >>> code = new_join_code(); len(code), code.count("-")
    (14, 2)
    >>> h = hash_secret(code); check_secret(code, h), check_secret("WRONG-CODE-0000", h)
    (True, False)
"""
from __future__ import annotations

import secrets

from simlib.base.i18n import t
from simlib.base.keys import (
    ALPHABET,
    check_secret,
    find_secret,
    hash_secret,
    new_code,
    new_salt,
    normalise_code,
)

__all__ = ["ALPHABET", "FAILURE_WINDOW_S", "MAX_FAILURES", "AccessDenied", "check_secret", "find_secret",
           "hash_secret", "new_join_code", "new_salt", "new_trainer_key", "normalise_code"]

#: wrong codes or keys from one client within :data:`FAILURE_WINDOW_S` seconds before it is refused outright
MAX_FAILURES = 5
FAILURE_WINDOW_S = 60


class AccessDenied(PermissionError):
    """A wrong join code or trainer key, or too many of them (``code`` says which: ``wrong`` or
    ``slow_down``); ``message(lang)`` is what a page shows."""

    def __init__(self, code: str = "wrong", retry_after: int = 0):
        self.code = code
        self.retry_after = retry_after
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        return t(f"workshop.access.{self.code}", lang, seconds=self.retry_after)


def new_join_code() -> str:
    """A fresh join code, e.g. ``K7MP-QX9T-4HCA``."""
    return new_code()


def new_trainer_key() -> str:
    """A fresh trainer's key (22 URL-safe characters, 128 bits)."""
    return secrets.token_urlsafe(16)
