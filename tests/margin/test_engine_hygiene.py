"""The engine stays plain Python and exact: no Django, no float reaching a Decimal."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "margin"
# Monte Carlo estimates probabilities in numpy floats by design; nothing there becomes a Decimal.
# The recorded-event replay screens for possible liquidations and draws its equity path in floats;
# every figure it reports comes from the exact replay.
FLOAT_MODULES = {"montecarlo.py", "events.py"}


def test_the_engine_imports_without_django():
    code = (
        "import sys; import margin; import margin.montecarlo; "
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert result.stdout.strip() == "[]"


def float_literals(tree: ast.AST) -> list[ast.Constant]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, float)
    ]


def test_no_float_literal_appears_in_the_exact_engine():
    assert len(list(ENGINE.glob("*.py"))) > 5, "the scan must see the engine's modules"
    offenders = []
    for path in sorted(ENGINE.glob("*.py")):
        if path.name in FLOAT_MODULES:
            continue
        for node in float_literals(ast.parse(path.read_text())):
            offenders.append(f"{path.name}:{node.lineno}: {node.value!r}")
    assert offenders == []


def test_no_decimal_is_ever_built_from_a_float_literal():
    offenders = []
    sources = [*ENGINE.glob("*.py"), *(ROOT / "api").glob("*.py")]
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Decimal"
                and any(float_literals(arg) for arg in node.args)
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_the_scan_would_catch_a_float_literal():
    tree = ast.parse("from decimal import Decimal\nrate = Decimal(0.005)\n")
    assert [node.value for node in float_literals(tree)] == [0.005]


# Issue #14: an engine function longer than this is split into named steps. The allow-list holds
# a function only with the reason it cannot be split; it is empty.
MAX_FUNCTION_LINES = 60
LONG_FUNCTIONS_ALLOWED: dict[str, str] = {}


def long_functions(tree: ast.AST, source: str) -> list[tuple[str, int]]:
    """(name, lines) of every function or method over ``MAX_FUNCTION_LINES``, nested ones
    included, counted from its first decorator to its last line."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            assert node.end_lineno is not None
            lines = node.end_lineno - first + 1
            if lines > MAX_FUNCTION_LINES:
                found.append((f"{source}:{node.name}", lines))
    return found


def test_no_engine_function_is_longer_than_sixty_lines():
    assert len(list(ENGINE.glob("*.py"))) > 5, "the scan must see the engine's modules"
    offenders = []
    for path in sorted(ENGINE.rglob("*.py")):
        for name, lines in long_functions(ast.parse(path.read_text()), path.name):
            if name not in LONG_FUNCTIONS_ALLOWED:
                offenders.append(f"{name}: {lines} lines")
    assert offenders == []


def test_the_length_scan_counts_decorators_and_catches_a_long_method():
    body = "\n".join(f"        x{i} = {i}" for i in range(MAX_FUNCTION_LINES - 2))
    short = f"class K:\n    @staticmethod\n    def f():\n{body}\n"
    assert long_functions(ast.parse(short), "k.py") == []
    longer = short + "        return x0\n"
    assert long_functions(ast.parse(longer), "k.py") == [("k.py:f", MAX_FUNCTION_LINES + 1)]
