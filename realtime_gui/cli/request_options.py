"""What to mint, for `mint` and `serve` alike: the options (endpoint, --set and --preset values, the connection,
the profile) and reading them into checked values, a Connection and the key, or a UsageError.

Qt-free.
"""

from __future__ import annotations

import argparse

from realtime_gui.api.catalog import DEFAULT_ENDPOINT, ENDPOINT_IDS, endpoint
from realtime_gui.api.checks import Problem
from realtime_gui.cli.exits import PROG, UsageError, say
from realtime_gui.config.connection import Connection, check_base_url, default_connection
from realtime_gui.config.connection_options import ConnectionOptions, add_connection_options
from realtime_gui.config.profiles import (
    DEFAULT_PROFILE,
    FILE_NAME,
    Profile,
    check_profile,
    config_folder,
    read_profiles,
)
from realtime_gui.errors import ConfigError
from realtime_gui.jsontext import JsonValue


def add_request_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoint",
        choices=ENDPOINT_IDS,
        default=DEFAULT_ENDPOINT,
        help="which token to mint: realtime (a conversation; the default), transcription or translation, on "
        "today's API; beta-sessions or beta-transcription on the retired beta API.",
    )
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="a parameter by its JSON path in the request body; VALUE is read as JSON when it parses "
        "(numbers, true/false, null, arrays, objects), else as text. Repeatable.",
    )
    parser.add_argument("--preset", metavar="FILE", help="a JSON file of PATH -> VALUE (as the window saves)")
    add_connection_options(parser)  # shared with the window
    parser.add_argument(
        "--profile",
        default=DEFAULT_PROFILE,
        help="which stored key to use, and the base URL, auth, organization, project and timeout saved for it "
        "in the window; a name that is neither saved nor holds a stored key is refused as a likely typo",
    )


def form_values(args: argparse.Namespace) -> dict[str, JsonValue]:
    """The --preset, then the --set values (they win), each read for its row; a UsageError naming every problem."""
    from realtime_gui.api.value_text import value_from_text

    ep = endpoint(args.endpoint)
    values: dict[str, JsonValue] = {}
    problems: list[Problem] = []
    if args.preset is not None:
        values.update(_read_preset(args.preset, args.endpoint))
    for item in args.sets:
        path, sep, text = item.partition("=")
        path = path.strip()
        if not sep or not path:
            raise UsageError(f"--set needs PATH=VALUE, e.g. --set session.model=gpt-realtime (got {item!r}).")
        value, problem = value_from_text(ep.parameter(path), path, text)
        if problem is not None:
            problems.append(problem)
        else:
            values[path] = value
    if problems:
        raise UsageError("the request is not valid; nothing was sent.", problems)
    return values


def _read_preset(path: str, endpoint_id: str) -> dict[str, JsonValue]:
    from realtime_gui.api.presets import PresetError, read_preset  # the same checks as the window's File > Open

    try:
        return read_preset(path, endpoint_id)
    except PresetError as err:
        raise UsageError(str(err), err.problems) from None


def connection_for(args: argparse.Namespace) -> Connection:
    """The options given, else the profile's saved settings, else OPENAI_BASE_URL and the defaults; a UsageError
    for a timeout or base URL that cannot be used."""
    try:
        options = ConnectionOptions.from_args(args)
    except ValueError as err:
        raise UsageError(str(err)) from None
    profile = known_profile(args.profile)
    connection = options.over(profile.connection if profile is not None else default_connection())
    try:
        check_base_url(connection.base_url)
    except ConfigError as err:
        raise UsageError(str(err)) from None
    return connection


def known_profile(name: str) -> Profile | None:
    """The profile saved as `name`, or None for the default one or one that only has a stored key. Any other
    name is most likely a typo: it is refused, even with OPENAI_API_KEY set, rather than silently minting with
    the default URL. A broken profiles.json is said once on stderr and read as empty."""
    from realtime_gui.keys import store as secrets
    from realtime_gui.keys.api_key import ENV_VAR, KeyringUnavailable

    try:
        name = check_profile(name)
    except ValueError as err:
        raise UsageError(str(err)) from None
    saved = read_profiles(config_folder() / FILE_NAME)
    if saved.problem:
        say(saved.problem)
    profile = saved.saved(name)  # the default profile, never saved, follows OPENAI_BASE_URL
    if profile is not None or name == DEFAULT_PROFILE:
        return profile
    try:
        if secrets.load_stored_key(name) is not None:
            return None
    except KeyringUnavailable:
        # `key set --profile NAME` cannot work without a keyring; the environment and a saved profile can.
        raise UsageError(
            f"no profile {name!r} (saved: {', '.join(saved.names)}; no OS keyring to look for a stored key); "
            f"check the name, or set {ENV_VAR} and leave out --profile (a profile saved in the window works too)."
        ) from None
    raise UsageError(
        f"no profile {name!r} (saved: {', '.join(saved.names)}); check the name, or give it a key "
        f"with `{PROG} key set --profile {name}`."
    )


def api_key_for(profile: str) -> str:
    """The key `profile` mints with (secrets.resolve_key), or a UsageError saying how to give one."""
    from realtime_gui.keys import store as secrets
    from realtime_gui.keys.api_key import ENV_VAR, KeyringUnavailable

    # Set but empty looks like a key given: say why it was not used.
    empty = f"{ENV_VAR} is set but empty" if secrets.environment_key_is_blank() else ""
    try:
        key = secrets.resolve_key(check_profile(profile))
    except ValueError as err:
        raise UsageError(str(err)) from None
    except KeyringUnavailable as err:
        instead = "" if ENV_VAR in str(err) else f" Or set {ENV_VAR} to the key."
        raise UsageError(f"{empty}. {err}{instead}" if empty else f"{err}{instead}") from None
    if key is None:
        raise UsageError(
            f"no API key for profile {profile!r}{f' ({empty})' if empty else ''}: "
            f"run `{PROG} key set --profile {profile}` or set {ENV_VAR} to the key."
        )
    return key.value
