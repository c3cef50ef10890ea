"""Hold slow and idle connections open against the Procfile's server; time signed texts meanwhile.

Half the held connections send nothing; the other half send a text's request one byte a second.
Any that the server closes are opened again, as an attacker would. Meanwhile one signed text at a
time is posted on a fresh connection and its answer timed. Everything stops after --seconds.
"""

import argparse
import http.client
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import Server, form_headers, signed_requests

HELD = 50
SECONDS = 10.0
TEXT_EVERY = 0.2  # seconds between signed texts


def hold(port: int, slow: bool, until: float, opened: list[int], lock: threading.Lock) -> None:
    """Keep one connection open until `until`: idle, or sending a request a byte a second."""
    request = b"POST /sms HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nBody=hello"
    while time.monotonic() < until:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                with lock:
                    opened[0] += 1
                sent = 0
                while time.monotonic() < until:
                    if slow and sent < len(request):
                        connection.send(request[sent : sent + 1])
                        sent += 1
                    try:
                        if connection.recv(1024) == b"":
                            break  # the server gave up on us: reconnect
                    except TimeoutError:
                        continue
        except OSError:
            time.sleep(0.1)  # refused or reset: try again shortly, still bounded by `until`


def measure(port: int, held: int, seconds: float) -> tuple[list[float], int, int]:
    """Return each text's answer time (s), connections opened, and texts not answered."""
    until = time.monotonic() + seconds
    opened, lock = [0], threading.Lock()
    holders = [
        threading.Thread(target=hold, args=(port, n % 2 == 1, until, opened, lock), daemon=True)
        for n in range(held)
    ]
    for holder in holders:
        holder.start()
    time.sleep(1.0)  # let the held connections reach the server first
    pairs = signed_requests(port)
    delays, failed, n = [], 0, 0
    while time.monotonic() < until - 1:
        body, signature = pairs[n % len(pairs)]
        n += 1
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("POST", "/sms", body, form_headers(signature))
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failed += 1
        except (OSError, http.client.HTTPException):
            failed += 1
        finally:
            connection.close()
        delays.append(time.perf_counter() - started)
        time.sleep(TEXT_EVERY)
    for holder in holders:
        holder.join(timeout=5)
    return delays, opened[0], failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--held", type=int, default=HELD, help="connections held open")
    parser.add_argument("--seconds", type=float, default=SECONDS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="slow-") as tmp:
        server = Server("'app:create_app()'", {}, Path(tmp) / "server.log")
        try:
            server.wait_ready()
            delays, opened, failed = measure(server.port, args.held, args.seconds)
        finally:
            server.stop()
    print(
        f"{args.held} connections held ({opened} opened in {args.seconds:.0f} s); "
        f"{len(delays)} texts: median {statistics.median(delays) * 1000:.0f} ms, "
        f"max {max(delays) * 1000:.0f} ms, {failed} unanswered",
        file=sys.stdout,
    )


if __name__ == "__main__":
    main()
