"""A throwaway self-signed certificate for 127.0.0.1, made with openssl (TLS for the fakes)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def self_signed(folder: str | Path) -> tuple[str, str]:
    """Write `cert.pem` and `cert.key` (valid one day, for IP 127.0.0.1) into `folder`."""
    cert, key = f"{folder}/cert.pem", f"{folder}/cert.key"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", key, "-out", cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key
