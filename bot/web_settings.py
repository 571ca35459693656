"""config.toml ``[web]`` (a section of ``bot.config.Settings``): the local web chat's
settings, and the loopback check that keeps its demo mode local."""
from __future__ import annotations

import ipaddress

from pydantic import BaseModel, ConfigDict, Field, model_validator


class WebSection(BaseModel):
    """``[web]``: the local web chat (bot/web/): a page and a JSON/SSE API on host:port."""

    # A mistyped key must fail at start, like every section of bot/config.py.
    model_config = ConfigDict(extra="forbid")

    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    # Demo mode: a picker on the page to act as any roster person, without a token of
    # their own. Only for a local showcase; refused on any bind other than loopback.
    demo: bool = False
    upload_dir: str = "var/web-uploads"
    max_upload_mb: int = Field(default=10, ge=1, le=50)
    token_ttl_days: int = Field(default=90, ge=1, le=3650)  # a web chat link stops working after this
    # A link is checked against the database at most this often per process: a revoked
    # link stops working within this many seconds (0: checked on every request).
    token_check_seconds: float = Field(default=10.0, ge=0, le=300)
    # POSTs per link (token): up to post_burst at once, then post_rate_per_second; more
    # are refused with 429 and Retry-After (a person never types that fast).
    post_rate_per_second: float = Field(default=5.0, gt=0, le=1000)
    post_burst: int = Field(default=20, ge=1, le=1000)
    # Where people and apps reach this server from outside (behind a proxy, say):
    # "https://xq.example.edu". Links the bot hands out (leaders' calendar feeds) start
    # with it; empty: the bind address (``url``).
    base_url: str = Field(default="", pattern=r"^(https?://[^\s/?#]+(/[^\s?#]*)?)?$")

    @property
    def url(self) -> str:
        """Where the page is: http://host:port/ (an IPv6 host in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    @property
    def public_url(self) -> str:
        """``base_url`` if set, else ``url``; without a final /."""
        return (self.base_url or self.url).rstrip("/")

    @model_validator(mode="after")
    def _demo_only_on_loopback(self) -> "WebSection":
        if self.demo and not is_loopback(self.host):
            raise ValueError(
                f"demo mode lets anyone act as any person, so it runs only on a loopback "
                f"address (127.0.0.1, ::1 or localhost), not on {self.host!r}: set "
                f"[web] host = \"127.0.0.1\" or [web] demo = false")
        return self


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
