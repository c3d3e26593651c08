"""Access to a workshop: the trainer's key and the teams' join codes (CONTRACT §5).

Both are random (:mod:`secrets`), shown once when the workshop is made, and stored only as salted scrypt
hashes. A join code is short enough to read off a projector (three groups of four letters and digits from an
alphabet without look-alikes, about 60 bits); the trainer's key is 128 bits. Every action checks its code or
key; a page that keeps sending wrong ones is slowed down (:data:`MAX_FAILURES` in :data:`FAILURE_WINDOW_S`).

    >>> code = new_join_code(); len(code), code.count("-")
    (14, 2)
    >>> h = hash_secret(code); check_secret(code, h), check_secret("WRONG-CODE-0000", h)
    (True, False)
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from simlib.base.i18n import t

__all__ = ["ALPHABET", "FAILURE_WINDOW_S", "MAX_FAILURES", "AccessDenied", "check_secret", "hash_secret",
           "new_join_code", "new_trainer_key", "normalise_code"]

#: join-code letters: no 0/O, 1/I/L, 2/Z, 5/S, 8/B look-alikes
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
#: wrong codes or keys from one client within :data:`FAILURE_WINDOW_S` seconds before it is refused outright
MAX_FAILURES = 5
FAILURE_WINDOW_S = 60
_SCRYPT = {"n": 2**13, "r": 8, "p": 1, "dklen": 32}


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
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def new_trainer_key() -> str:
    """A fresh trainer's key (22 URL-safe characters, 128 bits)."""
    return secrets.token_urlsafe(16)


def normalise_code(code: str) -> str:
    """A join code as typed (lower case, blanks, no dashes) in its canonical form.

        >>> normalise_code(" k7mp qx9t4hca ")
        'K7MP-QX9T-4HCA'
    """
    raw = "".join(ch for ch in str(code).upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else str(code).strip()


def hash_secret(secret: str) -> str:
    """``scrypt$<salt>$<hash>`` of ``secret`` with a fresh salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def check_secret(secret: str, stored: str) -> bool:
    """Whether ``secret`` is the one ``stored`` (a :func:`hash_secret` value) was made from; constant time."""
    try:
        kind, salt, digest = stored.split("$")
    except ValueError:
        return False
    if kind != "scrypt":
        return False
    got = hashlib.scrypt(str(secret).encode(), salt=base64.b64decode(salt), **_SCRYPT)
    return hmac.compare_digest(got, base64.b64decode(digest))
