"""The connection options `realtime-gui mint` and the window share: --base-url, --auth, --organization, --project,
--timeout. Given options win over a profile's saved settings, which win over OPENAI_BASE_URL and the defaults.
Qt-free.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, fields

from realtime_gui.config.connection import AUTH_STYLES, AuthStyle, Connection, check_base_url, timeout_problem
from realtime_gui.errors import ConfigError


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """Add the options; each defaults to None (not given), so a profile's saved value can apply instead."""
    parser.add_argument(
        "--base-url",
        help="API base URL (default: the profile's, else OPENAI_BASE_URL, else https://api.openai.com/v1)",
    )
    parser.add_argument(
        "--auth",
        choices=AUTH_STYLES,
        help="bearer (OpenAI) or api-key (Azure OpenAI); default: the profile's, else bearer",
    )
    parser.add_argument("--organization", help="sent as OpenAI-Organization")
    parser.add_argument("--project", help="sent as OpenAI-Project")
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        help="give up after this many seconds, 0.1 to 600 (default: the profile's, else 30)",
    )


@dataclass(frozen=True)
class ConnectionOptions:
    """The options given on the command line; None where not given."""

    base_url: str | None = None
    auth: AuthStyle | None = None
    organization: str | None = None
    project: str | None = None
    timeout: float | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ConnectionOptions:
        """The options in `args`; ValueError with a sentence for a timeout out of range or an empty base URL."""
        given = {f.name: getattr(args, f.name, None) for f in fields(cls)}
        base_url = given["base_url"]
        if base_url is not None and not base_url.strip():
            # Given but empty (`--base-url ""`, an unset variable): said, never silently the default.
            try:
                check_base_url(base_url)
            except ConfigError as err:
                raise ValueError(str(err)) from None
        if given["timeout"] is not None:
            problem = timeout_problem(given["timeout"])
            if problem:
                raise ValueError(f"--timeout {problem}.")
            given["timeout"] = float(given["timeout"])
        return cls(**given)

    @property
    def given(self) -> list[str]:
        """The options given, as typed (`--base-url URL`), for messages."""
        out = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                shown = f"{value:g}" if isinstance(value, float) else value
                out.append(f"--{f.name.replace('_', '-')} {shown}")
        return out

    def over(self, base: Connection) -> Connection:
        """`base` with the given options in place of its values."""
        timeout = self.timeout if self.timeout is not None else base.timeout
        return Connection(
            base_url=self.base_url or base.base_url,
            auth=self.auth or base.auth,
            organization=self.organization if self.organization is not None else base.organization,
            project=self.project if self.project is not None else base.project,
            timeout=timeout,
            connect_timeout=min(base.connect_timeout, timeout),
        )
