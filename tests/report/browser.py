"""A headless Chromium driven over the DevTools protocol, with the standard library only.

Chromium's `--remote-debugging-pipe` speaks the protocol over file descriptors 3 (commands in) and
4 (replies and events out), one JSON message per NUL-terminated chunk, so no websocket client, no
port and no driver download are needed: only Debian's `chromium` package.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The flags the report's tests need: headless, no sandbox (CI runs as root), and nothing that
# would make a request of its own (updates, sync, field trials).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-pipe",
)
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class BrowserError(RuntimeError):
    """Chromium could not start or did not answer."""


def find_chromium() -> str | None:
    """`$MIGRATOR_CHROMIUM`, else the first Chromium-like program on PATH."""
    explicit = os.environ.get("MIGRATOR_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


@dataclass
class Page:
    """One tab, and what it reported since it was opened."""

    browser: Browser
    session: str
    console: list[dict[str, Any]] = field(default_factory=list)
    exceptions: list[dict[str, Any]] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    loaded: bool = False

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.browser.send(method, params, session=self.session)

    def resize(self, width: int, height: int) -> None:
        """Emulate a viewport of this size (CSS pixels, one device pixel each)."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )

    def goto(self, url: str, timeout: float = 20) -> None:
        self.loaded = False
        self.send("Page.navigate", {"url": url})
        self.browser.pump_until(lambda: self.loaded, timeout)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (awaited when it is a promise)."""
        reply = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in reply:
            raise BrowserError(f"{expression!r} threw: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self, path: Path, *, scale: float = 1.0) -> bytes:
        """A PNG of the viewport; with `scale` < 1 a smaller picture of the same area."""
        params: dict[str, Any] = {"format": "png"}
        if scale != 1.0:
            size = self.evaluate("[innerWidth, innerHeight]")
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": scale}
        data = base64.b64decode(self.send("Page.captureScreenshot", params)["data"])
        path.write_bytes(data)
        return data

    def errors(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions and error log entries (CSP too)."""
        found = [
            f"console.{c['type']}: {[a.get('value', a.get('description')) for a in c['args']]}"
            for c in self.console
            if c["type"] in ("error", "warning", "assert")
        ]
        found += [f"exception: {e['exceptionDetails']}" for e in self.exceptions]
        found += [f"log {e['level']}: {e['text']}" for e in self.log if e["level"] == "error"]
        return found

    def on_event(self, method: str, params: dict[str, Any]) -> None:
        if method == "Runtime.consoleAPICalled":
            self.console.append(params)
        elif method == "Runtime.exceptionThrown":
            self.exceptions.append(params)
        elif method == "Log.entryAdded":
            self.log.append(params["entry"])
        elif method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Page.loadEventFired":
            self.loaded = True


class Browser:
    """A Chromium process; use as a context manager."""

    def __init__(self, executable: str, *, width: int = 1366, height: int = 900) -> None:
        self.executable = executable
        self.size = (width, height)
        self._next_id = 0
        self._buffer = b""
        self._replies: dict[int, dict[str, Any]] = {}
        self._pages: dict[str, Page] = {}
        self._profile = tempfile.TemporaryDirectory(prefix="migrator-chromium-")

    def __enter__(self) -> Browser:
        commands_read, self._commands = os.pipe()
        self._events, events_write = os.pipe()
        flags = " ".join([*FLAGS, f"--user-data-dir={self._profile.name}"])
        # bash puts our pipe ends on the descriptors Chromium expects, 3 and 4 (dash cannot
        # redirect from descriptors above 9, which is where ours are under pytest).
        script = f'exec "$0" {flags} about:blank 3<&{commands_read} 4>&{events_write}'
        self._process = subprocess.Popen(
            ["bash", "-c", script, self.executable],
            pass_fds=(commands_read, events_write),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        os.close(commands_read)
        os.close(events_write)
        try:
            self.send("Browser.getVersion", timeout=30)
        except BrowserError:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process.poll() is None:
            with contextlib.suppress(BrowserError):
                self.send("Browser.close", timeout=5)
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        for fd in (self._commands, self._events):
            with contextlib.suppress(OSError):
                os.close(fd)
        if self._process.stderr is not None:
            self._process.stderr.close()
        self._profile.cleanup()

    def new_page(self) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})
        page = Page(self, session["sessionId"])
        self._pages[page.session] = page
        for domain in ("Runtime", "Log", "Network", "Page"):
            page.send(f"{domain}.enable")
        page.resize(*self.size)
        return page

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: str | None = None,
        timeout: float = 30,
    ) -> dict[str, Any]:
        self._next_id += 1
        ident = self._next_id
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        try:
            os.write(self._commands, json.dumps(message).encode() + b"\0")
        except OSError as exc:
            raise BrowserError(f"Chromium is gone: {exc}; {self._stderr()}") from None
        self.pump_until(lambda: ident in self._replies, timeout)
        reply = self._replies.pop(ident)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    def pump_until(self, done: Any, timeout: float) -> None:
        """Read messages, dispatching events to their page, until `done()` or the timeout."""
        deadline = time.monotonic() + timeout
        while not done():
            while b"\0" in self._buffer:
                raw, _, self._buffer = self._buffer.partition(b"\0")
                self._dispatch(json.loads(raw))
                if done():
                    return
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"no answer from Chromium within {timeout}s")
            ready, _, _ = select.select([self._events], [], [], left)
            if ready:
                chunk = os.read(self._events, 1 << 20)
                if not chunk:
                    raise BrowserError(f"Chromium exited: {self._stderr()}")
                self._buffer += chunk

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "id" in message:
            self._replies[message["id"]] = message
            return
        page = self._pages.get(message.get("sessionId", ""))
        if page is not None:
            page.on_event(message["method"], message.get("params", {}))

    def _stderr(self) -> str:
        if self._process.poll() is None or self._process.stderr is None:
            return "(still running)"
        return self._process.stderr.read().decode(errors="replace")[-2000:]
