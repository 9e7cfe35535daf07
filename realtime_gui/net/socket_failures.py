"""Why a connection failed below HTTP (TLS, DNS, nothing listening), as a sentence for people: one wording for the
token client (client.py) and the token check (verify/session.py).

Qt-free; imported only by those two, which load ssl anyway.
"""

from __future__ import annotations

import socket
import ssl
from urllib.parse import urlsplit


def socket_failure(cause: BaseException, host: str) -> tuple[str, str] | None:
    """A sentence and a reason (tls, dns, refused) for the usual ways a connection to `host` (a URL's host[:port])
    fails; None for anything else."""
    if isinstance(cause, ssl.SSLCertVerificationError):
        return (
            f"The TLS certificate of {host} could not be verified ({cause.verify_message}). "
            "A proxy that intercepts HTTPS, or a wrong base URL, is the usual cause.",
            "tls",
        )
    if isinstance(cause, ssl.SSLError):
        return (
            f"The secure connection to {host} failed ({cause.reason or 'TLS error'}). "
            "Check that the base URL is right and speaks https.",
            "tls",
        )
    if isinstance(cause, socket.gaierror):
        name = urlsplit(f"//{host}").hostname or host
        return f"Could not find the host {name!r} (DNS). Check the base URL and your network connection.", "dns"
    if isinstance(cause, ConnectionRefusedError):
        return f"{host} refused the connection: nothing is listening there. Check the base URL.", "refused"
    return None
