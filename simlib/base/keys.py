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
from collections.abc import Mapping

__all__ = ["ALPHABET", "check_secret", "find_secret", "hash_secret", "new_code", "new_salt", "normalise_code"]

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


def new_salt() -> bytes:
    """A fresh salt for :func:`hash_secret` (one per secret, or one for a set of codes: :func:`find_secret`)."""
    return secrets.token_bytes(16)


def hash_secret(secret: str, salt: bytes | None = None) -> str:
    """``scrypt$<salt>$<hash>`` of ``secret``, with ``salt`` or a fresh one (scrypt, n = 2¹³: ~20 ms)."""
    salt = salt if salt is not None else new_salt()
    digest = hashlib.scrypt(secret.encode(), salt=salt, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def _parts(stored: str | None) -> tuple[str, bytes] | None:
    try:
        kind, salt, digest = str(stored).split("$")
    except ValueError:
        return None
    return (salt, base64.b64decode(digest)) if kind == "scrypt" else None


def check_secret(secret: str, stored: str | None) -> bool:
    """Whether ``secret`` is the one ``stored`` (a :func:`hash_secret` value) was made from; constant time."""
    parts = _parts(stored)
    if parts is None:
        return False
    got = hashlib.scrypt(str(secret).encode(), salt=base64.b64decode(parts[0]), **_SCRYPT)
    return hmac.compare_digest(got, parts[1])


def find_secret(secret: str, stored: Mapping[str, str | None]) -> str | None:
    """The name whose stored hash ``secret`` matches, or None: one scrypt per distinct salt, so a set of codes
    hashed with one salt (a workshop's join codes) is searched in one step however many there are.

        >>> salt = new_salt()
        >>> codes = {f"T{i}": hash_secret(f"CODE-{i:04d}-AAAA", salt) for i in range(30)}
        >>> find_secret("CODE-0017-AAAA", codes), find_secret("CODE-9999-AAAA", codes)
        ('T17', None)
    """
    found = None
    by_salt: dict[str, bytes] = {}
    for name, value in stored.items():
        parts = _parts(value)
        if parts is None:
            continue
        salt, digest = parts
        if salt not in by_salt:
            by_salt[salt] = hashlib.scrypt(str(secret).encode(), salt=base64.b64decode(salt), **_SCRYPT)
        if hmac.compare_digest(by_salt[salt], digest) and found is None:
            found = name
    return found
