"""DKIM signing (RFC 6376, relaxed/relaxed) with `cryptography`: RSA-SHA256 and Ed25519-SHA256.

Messages built by Atlas keep their body in relaxed-canonical form already (CRLF line ends, no
trailing or repeated blanks; see `canonical_body`), so signing a message is one SHA-256 of the
body, a few small header strings and one signature: no regular expression runs over the body.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

_WSP_RUN = re.compile(r"[ \t]+")
_TRAILING_WSP = re.compile(r"[ \t]+(?=\r\n)")
_LINE_ENDS = re.compile(r"\r\n|\r|\n")

SIGNED_HEADERS = (
    "from", "to", "subject", "date", "message-id", "reply-to", "list-id",
    "list-unsubscribe", "list-unsubscribe-post", "mime-version", "content-type",
)  # fmt: skip


@dataclass(frozen=True)
class DkimKey:
    domain: str
    selector: str
    private_key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey

    @property
    def algorithm(self) -> str:
        return (
            "ed25519-sha256"
            if isinstance(self.private_key, ed25519.Ed25519PrivateKey)
            else "rsa-sha256"
        )

    @classmethod
    def from_pem(cls, domain: str, selector: str, pem: bytes) -> DkimKey:
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey):
            raise ValueError("DKIM keys must be RSA or Ed25519.")
        return cls(domain=domain, selector=selector, private_key=key)

    def sign(self, data: bytes) -> bytes:
        if isinstance(self.private_key, ed25519.Ed25519PrivateKey):
            return self.private_key.sign(hashlib.sha256(data).digest())  # RFC 8463
        return self.private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())

    def dns_record(self) -> str:
        """The TXT record to publish at `<selector>._domainkey.<domain>`."""
        public = self.private_key.public_key()
        if isinstance(public, ed25519.Ed25519PublicKey):
            raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            return f"v=DKIM1; k=ed25519; p={base64.b64encode(raw).decode()}"
        der = public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return f"v=DKIM1; k=rsa; p={base64.b64encode(der).decode()}"


def generate_key(algorithm: str = "rsa") -> bytes:
    """A new private key in PEM: RSA-2048 (universally verified) or Ed25519."""
    key = (
        ed25519.Ed25519PrivateKey.generate()
        if algorithm == "ed25519"
        else rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def canonical_body(text: str) -> str:
    """Text whose relaxed DKIM canonical form is itself (so the body hash needs no rewriting)."""
    text = _LINE_ENDS.sub("\r\n", text)
    text = _WSP_RUN.sub(" ", text)
    text = _TRAILING_WSP.sub("", text)
    return text.rstrip("\r\n") + "\r\n"


def _relaxed_header(name: str, value: str) -> str:
    if "\r" in value or "\t" in value or "  " in value:
        value = _WSP_RUN.sub(" ", value.replace("\r\n", ""))
    return f"{name.lower()}:{value.strip()}"


def sign_message(
    headers: Sequence[tuple[str, str]], body: bytes, keys: Sequence[DkimKey], now: int | None = None
) -> list[tuple[str, str]]:
    """DKIM-Signature headers (one per key) for a message whose body is already canonical."""
    body_hash = base64.b64encode(hashlib.sha256(body).digest()).decode()
    present = {name.lower() for name, _ in headers}
    signed = [name for name in SIGNED_HEADERS if name in present]
    last_value = {name.lower(): value for name, value in headers}
    header_data = "".join(_relaxed_header(name, last_value[name]) + "\r\n" for name in signed)
    timestamp = int(now if now is not None else time.time())
    signatures = []
    for key in keys:
        tags = (
            f"v=1; a={key.algorithm}; c=relaxed/relaxed; d={key.domain}; s={key.selector}; "
            f"t={timestamp}; h={':'.join(signed)}; bh={body_hash}; b="
        )
        data = (header_data + _relaxed_header("DKIM-Signature", tags)).encode()
        signature = base64.b64encode(key.sign(data)).decode()
        signatures.append(("DKIM-Signature", tags + signature))
    return signatures
