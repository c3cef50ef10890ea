"""`make bench`: load the real gunicorn server with signed texts and print one table.

Three runs side by side, each under the Procfile's own command on 127.0.0.1: the bot on the
shipped directory, a bare Flask app that only reads the form (the floor), and the bot on a
generated directory 100 times larger. Each run is warmed up, loaded for DURATION seconds at
CONNECTIONS connections, measured, and its server killed. Load comes from wrk when it is
installed (a Lua script cycles through pre-signed requests), otherwise from Python threads.
Then the reload scenario: a fresh server on a copy of the 100x file, timed from start to its
first answer, with RELOAD_TEXTERS texting non-stop while the file is saved RELOAD_SAVES times.
The load generator shares the machine's cores with the server: see docs/benchmarks.md.
"""

import argparse
import html
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import yaml
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-auth-token"
DURATION = 10.0  # per target, split into ROUNDS turns
WARM_UP = 2.0
CONNECTIONS = 16
ROUNDS = 5
GENERATED_TOPICS = 700
TARGETS = "bot/bare >= 0.90, large/shipped >= 0.95, p99 < 20 ms, 0 errors, RSS <= 150 MB/worker"
SLOWEST_TARGET_MS = 20.0
TWILIO_MAX_BODY = 1600  # characters in one inbound text
RELOAD_TEXTERS = 4
RELOAD_SAVES = 2
RELOAD_GAP = 6.0  # seconds before the first save, between saves, and after the last
RELOAD_PROBE = "made up 0"  # topic0's keyword: its reply names the resource each save changes
RELOAD_TARGETS = "first answer <= 5 s after start (goal 2 s), worst wait <= 1 s, 0 failures"
FLOOR_REPLY = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Message>24/7 Help Line: 800-854-7771'
    "</Message></Response>"
)


def bare_app():
    """Return the floor: a Flask app that reads the form and answers a fixed <Message>."""
    from flask import Flask, Response, request

    app = Flask(__name__)

    @app.post("/sms")
    def reply():
        request.form.get("Body", "")
        return Response(FLOOR_REPLY, mimetype="text/xml")

    return app


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    rss_mb: list[float]
    pss_mb: list[float]
    rounds: list[float]  # requests per second in each round

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def texts() -> list[str]:
    """Return the realistic texts of tests/phrasings.tsv."""
    lines = (ROOT / "tests" / "phrasings.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [line.split("\t")[0] for line in lines if line.strip()]


def signed_requests(port: int) -> list[tuple[str, str]]:
    """Return (form body, signature) pairs, signed for this server's exact URL."""
    validator = RequestValidator(TOKEN)
    url = f"http://127.0.0.1:{port}/sms"
    pairs = []
    for n, text in enumerate(texts()):
        form = {
            "AccountSid": "AC" + "0" * 32,
            "MessageSid": f"SM{n:032x}",
            "From": f"+1555010{n % 10000:04d}",
            "To": "+15550199",
            "Body": text,
            "NumMedia": "0",
            "NumSegments": "1",
        }
        pairs.append((urlencode(form), validator.compute_signature(url, form)))
    return pairs


def form_headers(signature: str) -> dict[str, str]:
    return {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}


def crafted_texts(rng: random.Random) -> dict[str, str]:
    """Return 1,600-character texts built to cost the bot the most, by what they try."""

    def words(shortest: int, longest: int) -> str:
        letters = string.ascii_lowercase
        made = []
        while sum(len(word) + 1 for word in made) < TWILIO_MAX_BODY:
            made.append("".join(rng.choices(letters, k=rng.randint(shortest, longest))))
        return " ".join(made)[:TWILIO_MAX_BODY]

    def repeat(piece: str) -> str:
        return (piece * TWILIO_MAX_BODY)[:TWILIO_MAX_BODY]

    squared = [chr(code) for code in range(0x3300, 0x3400)]  # squared katakana: NFKC expands them
    return {
        "U+FDFA (18 letters under NFKC)": repeat("\ufdfa"),
        "U+FDFA and spaces": repeat("\ufdfa "),
        "squared katakana": "".join(rng.choices(squared, k=TWILIO_MAX_BODY)),
        "squared katakana and spaces": repeat(" ".join(rng.choices(squared, k=800)) + " "),
        "ligatures": repeat("\ufb03\ufb04\ufb00 "),
        "unknown words, 4-7 letters (typo search)": words(4, 7),
        "unknown words, 8-16 letters (typo search)": words(8, 16),
        "one-letter words": repeat("q "),
        "'me' (starts 50 Spanish phrases)": repeat("me "),
        "'me' and the phrases' words": repeat("me pegan me violaron me quiero ir me "),
    }


def slowest_text(rounds: int = 5) -> tuple[str, float]:
    """Return the crafted text that costs the most to answer, and its median cost in ms.

    In process: normalise, match on a fresh index (no word cached yet), compose, as the server's
    view does; new random words each round so no cache helps.
    """
    from app.matching import build_index
    from app.replies import answer_text
    from app.validation import load_file

    directory = load_file(ROOT / "data" / "referrals.yaml")
    # Stemmers and the common-word list loaded, as in a server that has answered once.
    answer_text(directory, build_index(directory), "i ran awya from hoem")
    costs: dict[str, list[float]] = {}
    for round_ in range(rounds):
        for name, text in crafted_texts(random.Random(round_)).items():
            index = build_index(directory)
            started = time.perf_counter()
            answer_text(directory, index, text)
            costs.setdefault(name, []).append((time.perf_counter() - started) * 1000)
    return max(((name, statistics.median(ms)) for name, ms in costs.items()), key=lambda c: c[1])


def large_directory(target: Path) -> Path:
    """Write the shipped directory plus GENERATED_TOPICS made-up topics; return its path."""
    data = yaml.safe_load((ROOT / "data" / "referrals.yaml").read_text(encoding="utf-8"))
    # only resources in service: a topic whose only resource is unconfirmed is refused
    resource_ids = [r["id"] for r in data["resources"] if r.get("status") is None]
    for n in range(GENERATED_TOPICS):
        word = "".join(chr(ord("A") + int(d)) for d in f"{n:03d}")  # 0..999 as letters: AAA..
        data["topics"].append(
            {
                "id": f"topic{n}",
                "label": {"en": f"made-up topic {n}", "es": f"tema inventado {n}"},
                "word": {"en": f"TOPIC{word}", "es": f"TEMA{word}"},
                "resources": [resource_ids[n % len(resource_ids)]],
                "keywords": {
                    "en": [f"topic{n} word", f"topic{n} thing", f"made up {n}"],
                    "es": [f"tema{n} palabra"],
                },
            }
        )
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    from app.validation import load_file

    load_file(target)  # refuse to measure a directory the server would refuse
    return target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def procfile_command(app_spec: str) -> str:
    """Return the Procfile's web command, bound to loopback, serving `app_spec`."""
    for line in (ROOT / "Procfile").read_text(encoding="utf-8").splitlines():
        if line.startswith("web:"):
            command = line.removeprefix("web:").strip()
            break
    else:
        raise SystemExit("Procfile has no web: command")
    command = command.replace("0.0.0.0", "127.0.0.1").replace("'app:create_app()'", app_spec)
    if "127.0.0.1" not in command or app_spec not in command:
        raise SystemExit(f"cannot adapt the Procfile command for the bench: {command}")
    return command


class Server:
    """The Procfile command running in its own process group, killed on exit."""

    def __init__(self, app_spec: str, env: dict, log: Path):
        self.port = free_port()
        self.log = log
        environment = {
            **os.environ,
            **env,
            "PORT": str(self.port),
            "TWILIO_AUTH_TOKEN": TOKEN,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'scripts'}",
        }
        environment.pop("DEMO_MODE", None)
        with log.open("wb") as stderr:
            self.process = subprocess.Popen(
                ["sh", "-c", "exec " + procfile_command(app_spec)],
                cwd=ROOT,
                env=environment,
                stdout=subprocess.DEVNULL,  # the access log: written, as in production, unread
                stderr=stderr,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"server exited:\n{self.log.read_text(errors='replace')}")
            if len(self.workers()) >= 2 and self.answers():
                return
            time.sleep(0.1)
        raise SystemExit(f"server did not start in {timeout:.0f} s")

    def answers(self) -> bool:
        """Tell whether a worker answers a signed text (it has loaded its directory)."""
        body, signature = signed_requests(self.port)[0]
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("POST", "/sms", body, form_headers(signature))
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    def workers(self) -> list[int]:
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return [int(child) for child in children]

    def _workers_mb(self, file: str, field: str) -> list[float]:
        """Return a memory figure of each worker, read from /proc/PID/`file`, in MB."""
        sizes = []
        for pid in self.workers():
            text = Path(f"/proc/{pid}/{file}").read_text()
            kilobytes = int(re.search(rf"^{field}:\s+(\d+) kB", text, re.M).group(1))
            sizes.append(kilobytes / 1024)
        return sizes

    def rss_mb(self) -> list[float]:
        """Return each worker's resident memory (VmRSS), in MB."""
        return self._workers_mb("status", "VmRSS")

    def pss_mb(self) -> list[float]:
        """Return each worker's proportional share of memory (Pss): shared pages split."""
        return self._workers_mb("smaps_rollup", "Pss")

    def failures(self) -> int:
        """Return how many requests the app answered with its fallback after an exception."""
        return self.log.read_text(errors="replace").count("handler failed")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


WRK_SCRIPT = """
local requests = {%s}
local i = 0
request = function()
  i = i %% #requests + 1
  return requests[i]
end
done = function(summary, latency, _)
  local e = summary.errors
  io.write(string.format("BENCH %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.status
    + e.timeout))
end
"""


def load_with_wrk(port: int, seconds: float, workdir: Path) -> tuple[int, float, float, float, int]:
    entries = []
    for body, signature in signed_requests(port):
        headers = (
            '{["Content-Type"]="application/x-www-form-urlencoded",'
            f'["X-Twilio-Signature"]={json.dumps(signature)}}}'
        )
        entries.append(f'wrk.format("POST", "/sms", {headers}, {json.dumps(body)})')
    script = workdir / "signed.lua"
    script.write_text(WRK_SCRIPT % ",\n".join(entries), encoding="utf-8")
    output = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{CONNECTIONS}",
            f"-d{seconds:.0f}s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}/sms",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    ).stdout
    numbers = re.search(r"^BENCH (\d+) (\d+) (\d+) (\d+) (\d+)$", output, re.M)
    requests, micros, p50, p99, errors = (int(n) for n in numbers.groups())
    return requests, micros / 1e6, p50 / 1000, p99 / 1000, errors


def load_with_threads(port: int, seconds: float) -> tuple[int, float, float, float, int]:
    """Keep CONNECTIONS keep-alive connections busy from threads (when wrk is missing)."""
    pairs = signed_requests(port)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def connection_loop(offset: int) -> None:
        mine, failed, n = [], 0, offset
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < deadline:
            body, signature = pairs[n % len(pairs)]
            n += 1
            started = time.perf_counter()
            try:
                connection.request("POST", "/sms", body, form_headers(signature))
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            mine.append(time.perf_counter() - started)
            failed += not ok
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.monotonic()
    threads = [threading.Thread(target=connection_loop, args=(n * 7,)) for n in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def percentile(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0
        )

    return len(latencies), elapsed, percentile(0.50), percentile(0.99), errors[0]


def measure(runs: dict, workdir: Path, seconds: float, generator: str) -> dict[str, Result]:
    """Load every target in ROUNDS turns, so noise from elsewhere on the machine hits all alike.

    Servers run side by side; an idle sync worker costs nothing while another target is loaded.
    """
    servers: dict[str, Server] = {}
    try:
        for key, (_, spec, env) in runs.items():
            servers[key] = Server(spec, env, workdir / f"{key}.log")
        for server in servers.values():
            server.wait_ready()

        def load(server: Server, burst: float) -> tuple[int, float, float, float, int]:
            if generator == "wrk":
                return load_with_wrk(server.port, burst, workdir)
            return load_with_threads(server.port, burst)

        for server in servers.values():
            load(server, WARM_UP)  # both workers import, build their indexes, fill their caches
        turns: dict[str, list] = {key: [] for key in runs}
        for round_ in range(ROUNDS):
            for key, server in servers.items():
                print(f"round {round_ + 1}/{ROUNDS}: {runs[key][0]}", file=sys.stderr, flush=True)
                turns[key].append(load(server, seconds / ROUNDS))
        results = {}
        for key, server in servers.items():
            done = turns[key]
            results[key] = Result(
                runs[key][0],
                requests=sum(turn[0] for turn in done),
                seconds=sum(turn[1] for turn in done),
                p50_ms=statistics.median(turn[2] for turn in done),
                p99_ms=statistics.median(turn[3] for turn in done),
                errors=sum(turn[4] for turn in done) + server.failures(),
                rss_mb=server.rss_mb(),
                pss_mb=server.pss_mb(),
                rounds=[turn[0] / turn[1] for turn in done],
            )
        return results
    finally:
        for server in servers.values():
            server.stop()


def round_ratio(top: Result, bottom: Result) -> float:
    """Return the median over rounds of top/bottom requests per second (same-moment pairs)."""
    return statistics.median(a / b for a, b in zip(top.rounds, bottom.rounds, strict=True))


def table(results: dict[str, Result], generator: str, load_before: str) -> str:
    if generator == "python":
        generator = "Python threads (GIL-bound: use wrk for numbers to compare)"
    rows = [
        f"load: {generator}, {CONNECTIONS} connections, {ROUNDS} rounds x "
        f"{DURATION / ROUNDS:.0f} s per target; {os.cpu_count()} cores shared by the load "
        f"generator and the server; load average before: {load_before}",
        f"{'target':<22}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'RSS/worker MB':>16}"
        f"{'PSS/worker MB':>16}",
    ]
    for result in results.values():
        rss = "/".join(f"{mb:.1f}" for mb in result.rss_mb) or "-"
        pss = "/".join(f"{mb:.1f}" for mb in result.pss_mb) or "-"
        rows.append(
            f"{result.name:<22}{result.rps:>8.0f}{result.p50_ms:>9.2f}{result.p99_ms:>9.2f}"
            f"{result.errors:>8}{rss:>16}{pss:>16}"
        )
    bare, bot, large = results["bare"], results["bot"], results["large"]
    rows.append(
        f"bot/bare = {round_ratio(bot, bare):.2f}   large/shipped = {round_ratio(large, bot):.2f}"
        "   (medians of per-round ratios)"
    )
    rows.append(f"targets: {TARGETS}")
    return "\n".join(rows)


@dataclass
class Reload:
    first_answer_s: float  # from starting the server to its first answered text
    restart_answer_s: float  # the same, restarted after the saves: its model is kept
    requests: int
    worst_ms: float
    p99_ms: float
    failures: int
    live_after_s: list[float]  # per save: from the save to the last reply from an older file


def started_server(env: dict, log: Path) -> tuple["Server", float]:
    """Start a server; return it and the seconds from its start to its first answer."""
    started = time.monotonic()
    server = Server("'app:create_app()'", env, log)
    deadline = started + 60
    while not server.answers():
        if time.monotonic() > deadline or server.process.poll() is not None:
            server.stop()
            raise SystemExit(f"server did not answer:\n{server.log.read_text()}")
        time.sleep(0.02)
    return server, time.monotonic() - started


def reload_versions(large: Path) -> list[str]:
    """Return the 100x file's text and RELOAD_SAVES edits of it, each changing topic0's resource.

    The examples stay as they are, as in most staff edits: each reload, and the restart after
    the saves, reads the model kept at the start instead of learning it.
    """
    text = large.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    topic0 = next(topic for topic in data["topics"] if topic["id"] == "topic0")
    resources = [r["id"] for r in data["resources"] if r.get("call") and r["id"] not in topic0]
    versions = [text]
    for n in range(1, RELOAD_SAVES + 1):
        topic0["resources"] = [resources[-n]]
        versions.append(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return versions


def reload_scenario(large: Path, workdir: Path) -> Reload:
    """Text non-stop from RELOAD_TEXTERS threads while the 100x file is saved RELOAD_SAVES times."""
    from app.matching import build_index
    from app.replies import answer_text
    from app.validation import load_text

    versions = reload_versions(large)
    probe_bodies = {}
    for n, text in enumerate(versions):
        directory = load_text(text)
        probe_bodies[answer_text(directory, build_index(directory), RELOAD_PROBE).body] = n
    if len(probe_bodies) != len(versions):
        raise SystemExit("the reload scenario's edits do not change the probe's reply")
    path = workdir / "referrals-reload.yaml"
    path.write_text(versions[0], encoding="utf-8")
    env = {"REFERRALS_PATH": str(path), "REFERRALS_STATE_DIR": str(workdir / "reload-state")}
    server, first_answer = started_server(env, workdir / "reload.log")
    try:
        server.wait_ready()
        pairs = signed_requests(server.port)
        validator = RequestValidator(TOKEN)
        form = {"From": "+15550100", "To": "+15550199", "Body": RELOAD_PROBE}
        url = f"http://127.0.0.1:{server.port}/sms"
        probe = (urlencode(form), validator.compute_signature(url, form))
        records: list[tuple[float, float, int | None]] = []  # (sent, seconds, version or None)
        lock, finished = threading.Lock(), threading.Event()

        def texter(offset: int) -> None:
            n, mine = offset, []
            while not finished.is_set():
                asking = n % 2 == 0  # every other text is the probe
                body, signature = probe if asking else pairs[n % len(pairs)]
                n += 1
                sent = time.monotonic()
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
                try:
                    connection.request("POST", "/sms", body, form_headers(signature))
                    response = connection.getresponse()
                    answer = response.read()
                    version = -1 if response.status == 200 else None
                    if asking and version == -1:
                        reply = re.search(rb"<Message[^>]*>(.*)</Message>", answer, re.S)
                        text = html.unescape(reply.group(1).decode()) if reply else ""
                        version = probe_bodies.get(text)
                except (OSError, http.client.HTTPException):
                    version = None
                finally:
                    connection.close()
                mine.append((sent, time.monotonic() - sent, version))
            with lock:
                records.extend(mine)

        threads = [threading.Thread(target=texter, args=(n,)) for n in range(RELOAD_TEXTERS)]
        for thread in threads:
            thread.start()
        saves = []
        try:
            for n in range(1, RELOAD_SAVES + 1):
                time.sleep(RELOAD_GAP)
                staging = path.with_suffix(".saving")
                staging.write_text(versions[n], encoding="utf-8")
                os.replace(staging, path)  # as docs/deploy.md says to save
                saves.append(time.monotonic())
            time.sleep(RELOAD_GAP)
        finally:
            finished.set()
            for thread in threads:
                thread.join()
        failures = sum(version is None for _, _, version in records) + server.failures()
        waits = sorted(seconds for _, seconds, _ in records)
        live = []
        for n, saved in enumerate(saves, 1):
            stale = [
                sent + took
                for sent, took, v in records
                if sent >= saved and v is not None and 0 <= v < n
            ]
            live.append(max(stale, default=saved) - saved)
        server.stop()  # and restart it: the examples did not change, so it need not learn
        server, restart_answer = started_server(env, workdir / "restart.log")
        return Reload(
            first_answer,
            restart_answer,
            len(records),
            waits[-1] * 1000,
            waits[min(len(waits) - 1, int(0.99 * len(waits)))] * 1000,
            failures,
            live,
        )
    finally:
        server.stop()


def reload_table(result: Reload) -> str:
    live = ", ".join(f"{seconds:.1f} s" for seconds in result.live_after_s)
    return "\n".join(
        [
            f"reload: 100x file, {RELOAD_TEXTERS} texters non-stop, saved {RELOAD_SAVES} times "
            f"{RELOAD_GAP:.0f} s apart (the examples unchanged: the model is kept, not learned)",
            f"first answer {result.first_answer_s:.1f} s after start "
            f"({result.restart_answer_s:.1f} s after a restart); {result.requests} texts, "
            f"worst wait {result.worst_ms:.0f} ms, p99 {result.p99_ms:.0f} ms, "
            f"{result.failures} failures; each save live in every worker after: {live}",
            f"targets: {RELOAD_TARGETS}",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=DURATION, help="load per target")
    parser.add_argument(
        "--load", choices=["auto", "wrk", "python"], default="auto", help="load generator"
    )
    parser.add_argument("--reload-only", action="store_true", help="only the reload scenario")
    args = parser.parse_args()
    generator = args.load
    if generator == "auto":
        generator = "wrk" if shutil.which("wrk") else "python"
    # Interrupted or killed: still stop the servers (the finally blocks run on SystemExit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        workdir = Path(tmp)
        large = large_directory(workdir / "referrals-large.yaml")
        state = {"REFERRALS_STATE_DIR": str(workdir / "state")}
        runs = {
            "bot": ("bot, shipped directory", "'app:create_app()'", state),
            "bare": ("bare Flask (floor)", "'bench:bare_app()'", {}),
            "large": (
                "bot, 100x directory",
                "'app:create_app()'",
                {**state, "REFERRALS_PATH": str(large)},
            ),
        }
        results = {} if args.reload_only else measure(runs, workdir, args.seconds, generator)
        reload = reload_scenario(large, workdir)
    if results:
        print(table(results, generator, load_before))
        name, cost = slowest_text()
        print(
            f"slowest text: {cost:.1f} ms to answer ({name}), the costliest of "
            f"{len(crafted_texts(random.Random(0)))} crafted {TWILIO_MAX_BODY}-character texts; "
            f"target <= {SLOWEST_TARGET_MS:.0f} ms"
        )
    print(reload_table(reload))


if __name__ == "__main__":
    main()
