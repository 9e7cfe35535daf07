"""Structural checks of the JSON-valued parameters (tools, tool choice, prompt variables, metadata).

Qt-free. Each `JsonCheck` (TOOLS, TOOL_CHOICE, …) is what a catalog row names in `check`: the function, the same
rule in words, and an example. The function takes the parameter's JSON path and its value and returns every problem
found, each with the path of the offending member (`session.tools[1].server_label`) and what is allowed there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from realtime_gui.jsontext import JsonValue


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request: where (a JSON path) and what, in words a person can act on."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def sentence(self, subject: str | None = None) -> str:
        """The problem as a sentence that starts with its subject (`subject`, else the path): "Tools is not valid
        JSON (…)", "session.tools[0].name is required: …", "Speed: expected a number"."""
        joiner = " " if self.message.startswith(("is ", "cannot ", "must ")) else ": "
        return f"{subject or self.path}{joiner}{self.message}"


def describe(value: JsonValue) -> str:
    """A short, quoted rendering of a value for messages."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


Check = Callable[[str, JsonValue], list[Problem]]

FUNCTION_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
TUNNEL_ID = re.compile(r"tunnel_[a-z0-9]{32}")
CONNECTORS = (
    "connector_dropbox",
    "connector_gmail",
    "connector_googlecalendar",
    "connector_googledrive",
    "connector_microsoftteams",
    "connector_outlookcalendar",
    "connector_outlookemail",
    "connector_sharepoint",
)
FUNCTION_KEYS = ("type", "name", "description", "parameters")
MCP_KEYS = (
    "type",
    "server_label",
    "server_url",
    "connector_id",
    "tunnel_id",
    "authorization",
    "server_description",
    "headers",
    "allowed_tools",
    "allowed_callers",
    "require_approval",
    "defer_loading",
)
MCP_LOCATIONS = ("server_url", "connector_id", "tunnel_id")


def _check_any(path: str, value: JsonValue) -> list[Problem]:
    return []


def _check_object(path: str, value: JsonValue) -> list[Problem]:
    if isinstance(value, dict):
        return []
    return [Problem(path, f"{describe(value)} is not a JSON object; expected {{…}}")]


def _check_tools(path: str, value: JsonValue) -> list[Problem]:
    return _check_tool_list(path, value, allow_mcp=True)


def _check_function_tools(path: str, value: JsonValue) -> list[Problem]:
    return _check_tool_list(path, value, allow_mcp=False)


def _check_tool_list(path: str, value: JsonValue, *, allow_mcp: bool) -> list[Problem]:
    if not isinstance(value, list):
        return [Problem(path, f"{describe(value)} is not a JSON array; expected [ {{tool}}, … ]")]
    kinds = '"function" or "mcp"' if allow_mcp else '"function"'
    problems: list[Problem] = []
    names: dict[str, int] = {}
    for i, tool in enumerate(value):
        where = f"{path}[{i}]"
        if not isinstance(tool, dict):
            problems.append(Problem(where, f"{describe(tool)} is not a JSON object"))
            continue
        kind = tool.get("type")
        if kind == "function":
            problems += _check_function_tool(where, tool)
            name = tool.get("name")
            if isinstance(name, str):
                if name in names:
                    problems.append(Problem(f"{where}.name", f'"{name}" is also the name of tool {names[name]}'))
                names.setdefault(name, i)
        elif kind == "mcp" and allow_mcp:
            problems += _check_mcp_tool(where, tool)
        else:
            problems.append(Problem(f"{where}.type", f"{describe(kind)} is not allowed; expected {kinds}"))
    return problems


def _unknown_keys(where: str, obj: dict[str, JsonValue], known: tuple[str, ...]) -> list[Problem]:
    return [
        Problem(f"{where}.{key}", f"is not a field of this tool; expected {', '.join(known)}")
        for key in obj
        if key not in known
    ]


def _check_function_tool(where: str, tool: dict[str, JsonValue]) -> list[Problem]:
    problems = _unknown_keys(where, tool, FUNCTION_KEYS)
    name = tool.get("name")
    if name is None:
        problems.append(Problem(f"{where}.name", "is required: the function's name"))
    elif not isinstance(name, str) or not FUNCTION_NAME.fullmatch(name):
        problems.append(
            Problem(
                f"{where}.name",
                f"{describe(name)} is not allowed; expected 1 to 64 letters, digits, _ or -",
            )
        )
    description = tool.get("description")
    if description is not None and not isinstance(description, str):
        problems.append(Problem(f"{where}.description", "expected text"))
    if "parameters" in tool:
        problems += check_parameters_schema(f"{where}.parameters", tool["parameters"])
    return problems


def check_parameters_schema(where: str, schema: JsonValue) -> list[Problem]:
    """A function's `parameters` must be a JSON Schema describing an object."""
    expected = 'expected a JSON Schema object such as {"type": "object", "properties": {…}}'
    if not isinstance(schema, dict):
        return [Problem(where, f"{describe(schema)} is not a JSON object; {expected}")]
    problems: list[Problem] = []
    if schema.get("type") != "object":
        problems.append(Problem(f"{where}.type", f'must be "object"; {expected}'))
    properties = schema.get("properties")
    if properties is not None:
        if not isinstance(properties, dict):
            problems.append(Problem(f"{where}.properties", "expected an object of property schemas"))
        else:
            for key, sub in properties.items():
                if not isinstance(sub, dict | bool):
                    problems.append(Problem(f"{where}.properties.{key}", "expected a JSON Schema (an object)"))
    required = schema.get("required")
    if required is not None and not (isinstance(required, list) and all(isinstance(r, str) for r in required)):
        problems.append(Problem(f"{where}.required", "expected a list of property names"))
    return problems


def _check_mcp_tool(where: str, tool: dict[str, JsonValue]) -> list[Problem]:
    problems = _unknown_keys(where, tool, MCP_KEYS)
    label = tool.get("server_label")
    if not isinstance(label, str) or not label:
        problems.append(Problem(f"{where}.server_label", "is required: a short label for the server"))
    given = [key for key in MCP_LOCATIONS if key in tool]
    if len(given) != 1:
        problems.append(
            Problem(
                where,
                f"needs exactly one of server_url, connector_id or tunnel_id (found {len(given)})",
            )
        )
    url = tool.get("server_url")
    if "server_url" in tool and not (isinstance(url, str) and re.match(r"https?://\S+$", url)):
        problems.append(Problem(f"{where}.server_url", "expected an http(s) URL"))
    connector = tool.get("connector_id")
    if "connector_id" in tool and connector not in CONNECTORS:
        problems.append(Problem(f"{where}.connector_id", f"expected one of {', '.join(CONNECTORS)}"))
    tunnel = tool.get("tunnel_id")
    if "tunnel_id" in tool and not (isinstance(tunnel, str) and TUNNEL_ID.fullmatch(tunnel)):
        problems.append(Problem(f"{where}.tunnel_id", "expected tunnel_ followed by 32 lowercase letters or digits"))
    for key in ("authorization", "server_description"):
        if key in tool and not isinstance(tool[key], str):
            problems.append(Problem(f"{where}.{key}", "expected text"))
    headers = tool.get("headers")
    if headers is not None and not (isinstance(headers, dict) and all(isinstance(v, str) for v in headers.values())):
        problems.append(Problem(f"{where}.headers", "expected an object of text values, or null"))
    if tool.get("allowed_tools") is not None:
        allowed_tools = tool["allowed_tools"]
        if isinstance(allowed_tools, list):
            if not all(isinstance(t, str) for t in allowed_tools):
                problems.append(Problem(f"{where}.allowed_tools", "expected a list of tool names"))
        else:
            problems += _check_filter(f"{where}.allowed_tools", allowed_tools)
    callers = tool.get("allowed_callers")
    if callers is not None and not (
        isinstance(callers, list) and callers and all(c in ("direct", "programmatic") for c in callers)
    ):
        problems.append(Problem(f"{where}.allowed_callers", "expected a non-empty list of direct, programmatic"))
    approval = tool.get("require_approval")
    if approval is not None and approval not in ("always", "never"):
        if isinstance(approval, dict) and set(approval) <= {"always", "never"}:
            for key, sub in approval.items():
                problems += _check_filter(f"{where}.require_approval.{key}", sub)
        else:
            problems.append(
                Problem(
                    f"{where}.require_approval",
                    'expected "always", "never", {"always": {filter}, "never": {filter}} or null',
                )
            )
    if "defer_loading" in tool and not isinstance(tool["defer_loading"], bool):
        problems.append(Problem(f"{where}.defer_loading", "expected true or false"))
    return problems


def _check_filter(where: str, value: JsonValue) -> list[Problem]:
    shape = 'expected {"tool_names": [names], "read_only": true|false}'
    if not isinstance(value, dict) or not set(value) <= {"tool_names", "read_only"}:
        return [Problem(where, shape)]
    names = value.get("tool_names")
    if names is not None and not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
        return [Problem(f"{where}.tool_names", "expected a list of tool names")]
    if "read_only" in value and not isinstance(value["read_only"], bool):
        return [Problem(f"{where}.read_only", "expected true or false")]
    return []


def _check_tool_choice(path: str, value: JsonValue) -> list[Problem]:
    shape = TOOL_CHOICE.shape
    if not isinstance(value, dict):
        return [Problem(path, f"{describe(value)} is not allowed; {shape}")]
    kind = value.get("type")
    if kind == "function":
        name = value.get("name")
        problems = _unknown_keys(path, value, ("type", "name"))
        if not isinstance(name, str) or not name:
            problems.append(Problem(f"{path}.name", "is required: the function to call"))
        return problems
    if kind == "mcp":
        problems = _unknown_keys(path, value, ("type", "server_label", "name"))
        if not isinstance(value.get("server_label"), str) or not value.get("server_label"):
            problems.append(Problem(f"{path}.server_label", "is required: the MCP server's label"))
        if value.get("name") is not None and not isinstance(value.get("name"), str):
            problems.append(Problem(f"{path}.name", "expected a tool name or null"))
        return problems
    return [Problem(f"{path}.type", f'{describe(kind)} is not allowed; expected "function" or "mcp"')]


_CONTENT_TYPES = ("input_text", "input_image", "input_file")


def _check_prompt_variables(path: str, value: JsonValue) -> list[Problem]:
    if not isinstance(value, dict):
        return _check_object(path, value)
    problems: list[Problem] = []
    for key, item in value.items():
        where = f"{path}.{key}"
        if isinstance(item, str):
            continue
        if not isinstance(item, dict) or item.get("type") not in _CONTENT_TYPES:
            problems.append(Problem(where, f"expected text, or an object whose type is {', '.join(_CONTENT_TYPES)}"))
        elif item["type"] == "input_text" and not isinstance(item.get("text"), str):
            problems.append(Problem(f"{where}.text", "is required for input_text"))
        elif item["type"] == "input_image" and item.get("detail") not in (
            "low",
            "high",
            "auto",
            "original",
        ):
            problems.append(Problem(f"{where}.detail", "is required: low, high, auto or original"))
    return problems


@dataclass(frozen=True)
class JsonCheck:
    """What a JSON-valued row accepts: the check itself, the same rule in words (`allowed()` quotes it), and an
    example (the editor's placeholder, and a valid value in tests)."""

    run: Check
    shape: str
    example: str


ANY = JsonCheck(_check_any, "expected any JSON value", '{"key": "value"}')
OBJECT = JsonCheck(_check_object, "expected a JSON object {…}", '{"team": "voice"}')
_TOOLS_EXAMPLE = (
    '[{"type": "function", "name": "get_weather",\n'
    '  "description": "Weather for a city",\n'
    '  "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}]'
)
TOOLS = JsonCheck(_check_tools, "expected a JSON array of function tools and MCP tools", _TOOLS_EXAMPLE)
FUNCTION_TOOLS = JsonCheck(_check_function_tools, "expected a JSON array of function tools", _TOOLS_EXAMPLE)
TOOL_CHOICE = JsonCheck(
    _check_tool_choice,
    'expected {"type": "function", "name": …} or {"type": "mcp", "server_label": …}',
    '{"type": "function", "name": "get_weather"}',
)
PROMPT_VARIABLES = JsonCheck(
    _check_prompt_variables,
    "expected a JSON object of text or input_text/input_image/input_file values",
    '{"city": "Paris"}',
)
