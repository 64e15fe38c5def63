"""WeCom (企业微信) callback crypto, shared by the self-built app and the AI bot receivers.

``msg_signature`` = hex SHA-1 of the sorted concatenation of Token, timestamp, nonce and the
ciphertext. AES key = Base64(EncodingAESKey + "="), AES-256-CBC with IV = key[:16]; plaintext =
16 random bytes ‖ 4-byte big-endian length ‖ message ‖ receiveid, PKCS#7-padded to a **32-byte**
block (platforms.md §5b, checked against wechatpy's ``WeChatCrypto``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
import xml.parsers.expat
from xml.etree.ElementTree import Element, TreeBuilder

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.adapters.shared.support import wire

BLOCK = 32


class CryptoError(Exception):
    """Bad signature, undecryptable ciphertext or wrong receiveid."""


def aes_key(encoding_aes_key: str) -> bytes:
    """Decode the 43-character EncodingAESKey; ValueError when it is not one."""
    if len(encoding_aes_key) != 43:
        raise ValueError("must be 43 characters")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("must be Base64 (43 characters)") from None
    if len(key) != 32:
        raise ValueError("must decode to 32 bytes")
    return key


def signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    return hashlib.sha1(wire("".join(sorted([token, timestamp, nonce, encrypted])))).hexdigest()


class WeComCrypto:
    def __init__(self, token: str, encoding_aes_key: str, receive_id: str) -> None:
        self.token = token
        self.key = aes_key(encoding_aes_key)
        self.receive_id = receive_id

    def check(self, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> None:
        expected = signature(self.token, timestamp, nonce, encrypted)
        if not hmac.compare_digest(expected.encode(), wire(msg_signature)):  # exact: lowercase hex, no padding
            raise CryptoError("bad msg_signature")

    def decrypt(self, encrypted: str) -> bytes:
        try:
            raw = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError):
            raise CryptoError("not base64") from None
        if not raw or len(raw) % 16:
            raise CryptoError("bad ciphertext length")
        dec = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).decryptor()
        plain = dec.update(raw) + dec.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise CryptoError("bad padding")
        plain = plain[:-pad]
        if len(plain) < 20:
            raise CryptoError("plaintext too short")
        (length,) = struct.unpack(">I", plain[16:20])
        msg, receive_id = plain[20:20 + length], plain[20 + length:]
        if len(msg) != length:
            raise CryptoError("bad length")
        if not hmac.compare_digest(receive_id, self.receive_id.encode()):
            raise CryptoError("wrong receiveid")
        return msg

    def encrypt(self, msg: bytes, prefix: bytes | None = None) -> str:
        """What WeCom does (tests and fixtures)."""
        prefix = os.urandom(16) if prefix is None else prefix
        data = prefix + struct.pack(">I", len(msg)) + msg + self.receive_id.encode()
        pad = BLOCK - len(data) % BLOCK
        data += bytes([pad]) * pad
        enc = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).encryptor()
        return base64.b64encode(enc.update(data) + enc.finalize()).decode()


def parse_xml(data: bytes) -> Element:
    """Parse untrusted XML with expat, refusing any DOCTYPE (so no entity tricks); ValueError if bad."""
    builder = TreeBuilder()
    parser = xml.parsers.expat.ParserCreate()

    def no_doctype(*_args: object) -> None:
        raise ValueError("DOCTYPE not allowed")

    parser.StartDoctypeDeclHandler = no_doctype
    parser.EntityDeclHandler = no_doctype
    parser.StartElementHandler = lambda tag, attrs: builder.start(tag, attrs)
    parser.EndElementHandler = lambda tag: builder.end(tag)
    parser.CharacterDataHandler = lambda text: builder.data(text)
    try:
        parser.Parse(data, True)
        return builder.close()
    except (xml.parsers.expat.ExpatError, AssertionError, IndexError, LookupError) as exc:  # Lookup: encoding="x"
        raise ValueError(f"malformed XML: {exc}") from None


def xml_text(root: Element, tag: str) -> str:
    node = root.find(tag)
    return (node.text or "").strip() if node is not None else ""
