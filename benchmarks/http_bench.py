"""HTTP benchmark: the site in production mode on loopback, driven by wrk, reported as ratios.

    .venv/bin/python -m benchmarks.http_bench                  # granian, 8 connections, 3 rounds
    .venv/bin/python -m benchmarks.http_bench --servers gunicorn granian --concurrency 8 32

What it does, so a noisy 2-core machine does not fool us:
- builds a throw-away SQLite database (migrate + seed) and collects static files, then starts the
  site with DEBUG off and whitenoise serving the static files;
- warms every target up, then runs `rounds` interleaved rounds: in each round every target is loaded
  in turn at each concurrency, so slow drift of the machine hits all targets alike;
- prints for each target the median over the rounds of requests/s, p50/p95/p99 latency and non-2xx
  count, and its throughput as a ratio to the baseline view measured in the same rounds.
The baseline is `/healthz/`: the same middleware, a tiny template, no database.

wrk runs on the same machine as the server (loopback only), with a fixed duration per run; the load
stops by itself.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from importlib import metadata
from pathlib import Path

from benchmarks.load_mixed import UNTHROTTLED_ENV
from benchmarks.machine import describe_machine, median, tool_version
from benchmarks.target import Browser, Target

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Requests/s no write endpoint reaches on the 2-core machine (measured: a few hundred).
MAX_UNIQUE_RATE = 1_200
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(database_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="academy.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="benchmark-only-secret-key-" + "x" * 40,
        DJANGO_STATIC_MANIFEST="1",
        # Loopback has no TLS: no redirect to https, cookies without the Secure flag.
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=f"sqlite:///{database_path}",
        **UNTHROTTLED_ENV,
    )
    env.pop("REDIS_URL", None)
    return env


def prepare_site(env: dict[str, str]) -> None:
    manage = [PYTHON, "manage.py"]
    for command in (["migrate", "--no-input"], ["seed", "--demo-accounts"]):
        subprocess.run(
            manage + command + ["-v", "0"],
            cwd=PROJECT_ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    subprocess.run(
        manage + ["collectstatic", "--no-input", "-v", "0"], cwd=PROJECT_ROOT, env=env, check=True
    )


SERVERS = {
    # Sync workers: one request at a time per process; 2 x cores keeps both cores busy while one
    # worker waits on the database.
    "gunicorn": lambda port: [
        str(Path(PYTHON).parent / "gunicorn"),
        "academy.wsgi",
        f"--bind=127.0.0.1:{port}",
        "--workers=4",
        "--worker-class=sync",
        "--log-level=warning",
    ],
    "granian": lambda port: [
        str(Path(PYTHON).parent / "granian"),
        "--interface=wsgi",
        f"--port={port}",
        "--host=127.0.0.1",
        "--workers=2",
        "--blocking-threads=2",
        "--log-level=warning",
        "academy.wsgi:application",
    ],
}


def start_server(name: str, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        SERVERS[name](port), cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base_url + "/healthz/", timeout=2) as response:
                if response.status == 200:
                    return process, base_url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{name} did not answer on {base_url}/healthz/ within 30 s")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def build_targets(base_url: str, env: dict[str, str]) -> list[Target]:
    """The pages and endpoints to load; each part of the site contributes its own through
    `benchmarks.targets.<part>.targets`."""
    from benchmarks.targets import lessons, quiz, simulator

    targets = [
        Target("baseline /healthz/", "/healthz/", expect="ok"),
        Target("home page", "/", expect="Margin Academy"),
    ]
    for part in (simulator, lessons, quiz):
        targets += part.targets(Browser, base_url, env)
    return targets


def run_wrk(base_url: str, target: Target, *, connections: int, duration: int) -> dict:
    threads = min(2, connections)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(target.lua(threads=threads))
    try:
        result = subprocess.run(
            [
                "wrk",
                f"--threads={threads}",
                f"--connections={connections}",
                f"--duration={duration}s",
                "--timeout=10s",
                f"--script={script.name}",
                base_url + target.path,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(script.name)
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("WRK_JSON "))
    stats = json.loads(line.removeprefix("WRK_JSON "))
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    target.used(stats["used"])
    return stats


def check_target(base_url: str, target: Target) -> int:
    """One request as wrk will send it: it must answer 2xx with the expected text. Returns the
    response's size in bytes (the body as sent, compressed or not)."""
    path, body, headers = target.first_request()
    request = urllib.request.Request(
        base_url + path,
        data=body.encode() if body else None,
        headers=headers,
        method=target.method,
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"{target.name}: {path} answered {error.code}") from error
    if target.expect not in text:
        raise RuntimeError(f"{target.name}: {path} answered without {target.expect!r}")
    if target.refuse and target.refuse in text:
        raise RuntimeError(f"{target.name}: {path} answered with {target.refuse!r}")
    return len(text.encode())


def measure(server: str, args, env) -> dict:
    process, base_url = start_server(server, env)
    try:
        # Targets whose requests may be sent once (quiz answers) prepare this many: enough for
        # every run at up to MAX_UNIQUE_RATE requests/s.
        loaded_seconds = args.warmup + args.rounds * len(args.concurrency) * args.duration
        unique = {"BENCH_UNIQUE_REQUESTS": str(loaded_seconds * MAX_UNIQUE_RATE)}
        targets = build_targets(base_url, env | unique)
        sizes = {target.name: check_target(base_url, target) for target in targets}
        for target in targets:  # warm-up: imports, caches, connections, compiled templates
            run_wrk(base_url, target, connections=8, duration=args.warmup)
        samples: dict[tuple[str, int], list[dict]] = {}
        for _ in range(args.rounds):
            for connections in args.concurrency:
                for target in targets:
                    stats = run_wrk(
                        base_url, target, connections=connections, duration=args.duration
                    )
                    samples.setdefault((target.name, connections), []).append(stats)
        return {"targets": [t.name for t in targets], "samples": samples, "sizes": sizes}
    finally:
        stop_server(process)


def summarise(server: str, result: dict, concurrency: list[int]) -> str:
    rows = [
        f"\n### {server}\n",
        "| target | clients | req/s | ratio to baseline | p50 ms | p95 ms | p99 ms | errors"
        " | response |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for connections in concurrency:
        baseline_rps = median(
            [s["rps"] for s in result["samples"][(result["targets"][0], connections)]]
        )
        for name in result["targets"]:
            runs = result["samples"][(name, connections)]
            rps = median([s["rps"] for s in runs])
            rows.append(
                f"| {name} | {connections} | {rps:,.0f} | {rps / baseline_rps:.2f}x"
                f" | {median([s['p50_us'] for s in runs]) / 1000:.1f}"
                f" | {median([s['p95_us'] for s in runs]) / 1000:.1f}"
                f" | {median([s['p99_us'] for s in runs]) / 1000:.1f}"
                f" | {sum(s['non2xx'] + s['socket_errors'] for s in runs)}"
                f" | {result['sizes'][name] / 1024:.1f} KB |"
            )
    return "\n".join(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", nargs="+", default=["granian"], choices=SERVERS)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median of them)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per target")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8])
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        sys.exit(
            "wrk is not installed: `make wrk` installs it (as root), or apt-get install -y wrk"
        )

    workdir = Path(tempfile.mkdtemp(prefix="academy-bench-"))
    env = production_env(workdir / "bench.sqlite3")
    prepare_site(env)
    # The apps' target builders read the same database (e.g. a published lesson's URL).
    os.environ.update(env)
    import django

    django.setup()
    print(
        describe_machine(
            rounds=args.rounds,
            duration_s=args.duration,
            clients=args.concurrency,
            wrk=tool_version("wrk", "--version").split(" Copyright")[0],
            **{server: metadata.version(server) for server in args.servers},
        )
    )
    for server in args.servers:
        print(summarise(server, measure(server, args, env), args.concurrency), flush=True)
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
