"""The one TLS policy: the SSL context of every HTTPS and WSS connection (mint, verify, serve's upstream calls, the
window's Test), trusting what the operating system trusts, as httpx2 does.

Qt-free and httpx2-free, so verify loads it without the HTTP stack. The order is httpcore2's `default_ssl_context`
(tests/net/test_tls.py holds the two side by side): `SSL_CERT_FILE`, else `SSL_CERT_DIR`, else the OS verifier on macOS
and Windows (truststore), else OpenSSL's compiled-in system paths (on Linux the distribution's bundle), else the
usual bundle locations. A company that inspects HTTPS installs its CA in the OS, so one server gets one verdict
from every part of the app; certifi's own copy of the roots is never used.
"""

from __future__ import annotations

import os
import platform
import re
import ssl
from dataclasses import dataclass

from realtime_gui.errors import ConfigError
from realtime_gui.shown import shown

CERT_FILE_ENV = "SSL_CERT_FILE"
CERT_DIR_ENV = "SSL_CERT_DIR"
# Where distributions keep their bundle, for when OpenSSL's compiled-in paths are missing (a Python built elsewhere):
# truststore's and httpcore2's list.
BUNDLE_CANDIDATES = (
    "/etc/ssl/cert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/pki/tls/cert.pem",
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/ssl/ca-bundle.pem",
)
_OS_VERIFIERS = {"Darwin": "the macOS keychain", "Windows": "the Windows certificate store"}
_HASHED_NAME = re.compile(r"[0-9a-fA-F]{8}\.\d")


@dataclass(frozen=True)
class TrustStore:
    """Which certificates decide whether a server is trusted: `source` is SSL_CERT_FILE, SSL_CERT_DIR, os (the
    platform's own verifier, through truststore) or system (OpenSSL's paths, `cafile` and/or `capath`)."""

    source: str
    cafile: str | None = None
    capath: str | None = None

    def __str__(self) -> str:
        if self.source == CERT_FILE_ENV:
            return f"{CERT_FILE_ENV} ({self.cafile})"
        if self.source == CERT_DIR_ENV:
            return f"{CERT_DIR_ENV} ({self.capath})"
        if self.source == "os":
            return f"{_OS_VERIFIERS.get(platform.system(), 'the system verifier')} (truststore)"
        found = " and ".join(path for path in (self.cafile, self.capath) if path)
        return f"the system's certificates ({found or 'none found'})"


def trust_store() -> TrustStore:
    """The trust store the environment and the platform choose, read now (the environment may change)."""
    if cafile := os.environ.get(CERT_FILE_ENV):
        return TrustStore(CERT_FILE_ENV, cafile=cafile)
    if capath := os.environ.get(CERT_DIR_ENV):
        return TrustStore(CERT_DIR_ENV, capath=capath)
    if platform.system() in _OS_VERIFIERS:
        return TrustStore("os")
    # The compiled-in paths, not set_default_verify_paths(): that would read SSL_CERT_* a second time.
    paths = ssl.get_default_verify_paths()
    cafile = paths.openssl_cafile if os.path.isfile(paths.openssl_cafile) else None
    capath = paths.openssl_capath if os.path.isdir(paths.openssl_capath) else None
    if capath and not cafile and not any(_HASHED_NAME.fullmatch(name) for name in os.listdir(capath)):
        capath = None  # a folder OpenSSL cannot look anything up in
    if not cafile and not capath:
        cafile = next(filter(os.path.isfile, BUNDLE_CANDIDATES), None)
    return TrustStore("system", cafile=cafile, capath=capath)


def client_context(store: TrustStore | None = None) -> ssl.SSLContext:
    """A new client context that verifies the server's certificate and name against `store` (default: the one
    `trust_store()` picks). ConfigError, with a sentence, when SSL_CERT_FILE or SSL_CERT_DIR cannot be used."""
    store = store or trust_store()
    if store.source == "os":
        import truststore  # macOS and Windows only: Linux has no OS verifier, and OpenSSL reads the bundle

        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if store.source in (CERT_FILE_ENV, CERT_DIR_ENV):
        named = store.cafile or store.capath or ""
        try:
            if store.capath and not os.path.isdir(store.capath):  # OpenSSL would just find nothing there
                raise NotADirectoryError(0, "no such folder")
            return ssl.create_default_context(cafile=store.cafile, capath=store.capath)
        except (OSError, ssl.SSLError, ValueError) as err:
            if isinstance(err, ssl.SSLError):  # OpenSSL's own words name its source file and line
                why = "no certificate in it could be read"
            else:
                why = (getattr(err, "strerror", None) or str(err) or type(err).__name__).lower()
            kind = "a file of PEM certificates" if store.source == CERT_FILE_ENV else "a folder of hashed certificates"
            raise ConfigError(
                f"{store.source} names {shown(named, limit=300)!r}, which cannot be used as {kind} ({shown(why)}). "
                f"Point it at {kind}, or unset it to trust the system's certificates."
            ) from None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies the chain and the host name
    if store.cafile or store.capath:
        context.load_verify_locations(store.cafile, store.capath)
    return context
