"""What every published benchmark number states: the machine, the versions, the flags."""

import os
import platform
import statistics
import subprocess
import sys


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def tool_version(*command: str) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"
    return (result.stdout or result.stderr).strip().splitlines()[0]


def describe_machine(**flags) -> str:
    import django
    import numpy

    lines = [
        f"machine: {os.cpu_count()} cores, {cpu_model()}, {platform.system()} {platform.release()}",
        f"python {platform.python_version()} ({sys.executable}), django {django.get_version()},"
        f" numpy {numpy.__version__}",
    ]
    if flags:
        lines.append("flags: " + ", ".join(f"{key}={value}" for key, value in flags.items()))
    return "\n".join(lines)


def median(values):
    return statistics.median(values) if values else float("nan")
