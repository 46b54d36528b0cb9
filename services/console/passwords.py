"""Password hashing with argon2id (argon2-cffi's defaults, RFC 9106's second recommended profile)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()  # argon2id, 64 MiB, 3 iterations, 4 lanes
# Verified against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("cxloop-no-such-user")
MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    """The argon2id PHC string of ``password``."""
    return _HASHER.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches the stored hash (constant work when there is no hash)."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _HASHER.check_needs_rehash(password_hash)
