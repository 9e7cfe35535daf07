"""`realtime-gui key set|delete|status`: the API key of a profile in the OS keyring. Never from argv.

Qt-free.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from realtime_gui.cli.exits import INVALID, OK, UsageError, note, out
from realtime_gui.cli.request_options import known_profile
from realtime_gui.config.profiles import DEFAULT_PROFILE, check_profile


def add_parser(commands: Any) -> None:  # argparse's subparsers action has no public type
    key = commands.add_parser(
        "key",
        help="store, remove or inspect the API key in the OS keyring",
        description="The API key of a profile, kept in the OS keyring (service realtime-gui, user: the profile's "
        "name); never in a file, never taken from the command line. OPENAI_API_KEY, when set, is used instead.",
        epilog="Example: printf '%s\\n' \"$OPENAI_KEY\" | realtime-gui key set --profile work",
    )
    key.add_argument(
        "action",
        choices=("set", "delete", "status"),
        help="set: store the key, read as one line from standard input, or typed at a hidden prompt when standard "
        "input is a terminal. status: whether a key is stored (shown as a hint such as sk-…abcd) and whether "
        "OPENAI_API_KEY is used instead; exit 2 when there is neither. delete: remove the stored key.",
    )
    key.add_argument("--profile", default=DEFAULT_PROFILE, help="whose key (default: default)")


def run(args: argparse.Namespace) -> int:
    from realtime_gui.keys import store as secrets
    from realtime_gui.keys.api_key import KeyringUnavailable

    try:
        profile = check_profile(args.profile)
        if args.action == "status":
            # A typo is refused as in `mint`. `key set` is how a new profile gets its key, and `key delete` of a
            # name without a key already says so and stays idempotent for scripts.
            known_profile(profile)
        if args.action == "set":
            secrets.safe_backend()  # no keyring: said before the key is typed in vain
            text = _read_key_text()
            stored = secrets.store_key(profile, text)
            note(
                f"Stored the API key {stored.hint} for profile {profile!r} in the OS keyring "
                f"({secrets.backend_name(secrets.safe_backend())})."
            )
            return OK
        if args.action == "delete":
            if secrets.delete_key(profile):
                note(f"Deleted the API key of profile {profile!r} from the OS keyring.")
            else:
                note(f"No API key was stored for profile {profile!r}.")
            return OK
        return _key_status(profile)
    except (ValueError, KeyringUnavailable) as err:
        raise UsageError(str(err)) from None


def _read_key_text() -> str:
    # Never from argv: it would land in shell history and the process list.
    if sys.stdin is None or not sys.stdin.isatty():
        return sys.stdin.readline() if sys.stdin is not None else ""
    return getpass.getpass("API key (input hidden): ")


def _key_status(profile: str) -> int:
    from realtime_gui.keys import store as secrets
    from realtime_gui.keys.api_key import ENV_VAR, KeyringUnavailable

    from_env = secrets.key_from_environment()
    try:
        stored = secrets.load_stored_key(profile)
        where = f"in the OS keyring ({secrets.backend_name(secrets.safe_backend())})"
    except KeyringUnavailable as err:
        stored, where = None, ""
        out(f"OS keyring: {err}")
    if stored is not None:
        out(f"Profile {profile!r}: key {stored.hint} stored {where}.")
    elif where:
        out(f"Profile {profile!r}: no key stored {where}.")
    if from_env is not None:
        out(f"{ENV_VAR} is set ({from_env.hint}) and is used instead of the stored key.")
    elif secrets.environment_key_is_blank():
        out(f"{ENV_VAR} is set but empty, so it is not used.")
    return OK if (from_env or stored) else INVALID
