"""Feishu/Lark callback crypto: AES-256-CBC ``{"encrypt": ...}`` bodies and ``X-Lark-Signature``.

Key = SHA-256(Encrypt Key); the ciphertext is Base64(IV ‖ AES-CBC(PKCS#7 16)); the signature is plain
hex SHA-256(timestamp + nonce + Encrypt Key + raw body) — not an HMAC (platforms.md §3b, verified
against lark-oapi's ``AESCipher`` and ``_verify_sign``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.adapters.shared.support import wire

BLOCK = 16


class DecryptError(Exception):
    """The ciphertext was not produced with our key (or was altered)."""


def _key(encrypt_key: str) -> bytes:
    return hashlib.sha256(encrypt_key.encode()).digest()


def decrypt(encrypt_key: str, encrypted: str) -> bytes:
    try:
        raw = base64.b64decode(encrypted, validate=True)
    except (binascii.Error, ValueError):
        raise DecryptError("not base64") from None
    if len(raw) < 2 * BLOCK or len(raw) % BLOCK:
        raise DecryptError("bad ciphertext length")
    dec = Cipher(algorithms.AES(_key(encrypt_key)), modes.CBC(raw[:BLOCK])).decryptor()
    padded = dec.update(raw[BLOCK:]) + dec.finalize()
    unpadder = padding.PKCS7(BLOCK * 8).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise DecryptError("bad padding") from None


def encrypt(encrypt_key: str, plaintext: bytes, iv: bytes | None = None) -> str:
    """What Feishu does (used by tests and fixtures)."""
    iv = os.urandom(BLOCK) if iv is None else iv
    padder = padding.PKCS7(BLOCK * 8).padder()
    padded = padder.update(plaintext) + padder.finalize()
    enc = Cipher(algorithms.AES(_key(encrypt_key)), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + enc.update(padded) + enc.finalize()).decode()


def signature(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    return hashlib.sha256(wire(timestamp + nonce + encrypt_key) + body).hexdigest()
