"""Secrets people type: short codes read off a projector, their salted hashes, and checking them.

The workshop's join codes (:mod:`simlib.workshop.access`) and the trainees' answer keys
(:mod:`simlib.data.answers`) are both made here: random (:mod:`secrets`, never a seeded stream — they guard
access), shown once, stored only as salted scrypt hashes, compared in constant time.

    >>> code = new_code(); len(code), code.count("-"), set(code) - {"-"} <= set(ALPHABET)
    (14, 2, True)
    >>> normalise_code(" k7mp qx9t4hca ")
    'K7MP-QX9T-4HCA'
    >>> h = hash_secret(code); check_secret(code, h), check_secret("WRONG-CODE-0000", h), check_secret(code, None)
    (True, False, False)
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

__all__ = ["ALPHABET", "check_secret", "hash_secret", "new_code", "normalise_code"]

#: code letters: no 0/O, 1/I/L, 2/Z, 5/S, 8/B look-alikes (25 symbols: 12 of them are about 56 bits)
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
_SCRYPT = {"n": 2**13, "r": 8, "p": 1, "dklen": 32}


def new_code() -> str:
    """A fresh code of three groups of four, e.g. ``K7MP-QX9T-4HCA``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(code: str) -> str:
    """A code as typed (lower case, blanks, no dashes) in its canonical form; anything else stripped."""
    raw = "".join(ch for ch in str(code).upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else str(code).strip()


def hash_secret(secret: str) -> str:
    """``scrypt$<salt>$<hash>`` of ``secret`` with a fresh salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def check_secret(secret: str, stored: str | None) -> bool:
    """Whether ``secret`` is the one ``stored`` (a :func:`hash_secret` value) was made from; constant time."""
    try:
        kind, salt, digest = str(stored).split("$")
    except ValueError:
        return False
    if kind != "scrypt":
        return False
    got = hashlib.scrypt(str(secret).encode(), salt=base64.b64decode(salt), **_SCRYPT)
    return hmac.compare_digest(got, base64.b64decode(digest))
