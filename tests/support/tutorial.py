"""Follow a docs page the way a reader does: write the files it shows, run its shell lines, in order.

A page marks what the reader must do in two ways, both visible to the reader:

- a ```bash block: each line is a command, run in the project root;
- a code block whose first line names a file, as a comment: `# rootsystem/application/models/post.py`
  (or `{# rootsystem/templates/posts/index.html #}`) means "this is the file's content", and
  `# <path>, below the line with: <text>` means "insert these lines after the first line containing
  <text>".

Other blocks (output, fragments to read) are not steps. A command that starts the server
(`python3 nori.py serve`) keeps running in the background, on a port of its own, while the next
steps run, as it would in a reader's second terminal.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support.server import free_port

FENCE = re.compile(r"^```(\w*)[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
PATH = r"(?P<path>[\w.-]+(?:/[\w.-]+)+\.\w+)"
FILE_MARKERS = (
    re.compile(rf"^# {PATH}(?:, below the line with: (?P<anchor>.+))?$"),
    re.compile(rf"^\{{# {PATH} #\}}$"),
)
DOCUMENTED_ADDRESS = "127.0.0.1:8000"
SERVER_COMMAND = "python3 nori.py serve"
SITE_SETTINGS = ("DB_", "DEBUG", "SECRET_KEY", "NORI_ENV_FILE")


@dataclass(frozen=True)
class WriteFile:
    line: int
    path: str
    text: str
    anchor: str | None = None  # insert below the first line containing it, instead of replacing the file

    def apply(self, site: Path) -> None:
        target = site / self.path
        if self.anchor is None:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self.text)
            return
        lines = target.read_text().splitlines(keepends=True)
        at = next((i for i, line in enumerate(lines) if self.anchor in line), None)
        assert at is not None, f"line {self.line}: {self.path} has no line with {self.anchor!r}"
        lines[at + 1:at + 1] = [self.text]
        target.write_text("".join(lines))


@dataclass(frozen=True)
class Command:
    line: int
    text: str


Step = WriteFile | Command


def tutorial_steps(text: str) -> list[Step]:
    """The page's steps in reading order; `line` is where each starts in the page (1-based)."""
    steps: list[Step] = []
    for match in FENCE.finditer(text):
        language, body = match[1], match[2]
        first_line = text.count("\n", 0, match.start(2)) + 1
        if language == "bash":
            steps.extend(Command(first_line + offset, line.strip()) for offset, line in enumerate(body.splitlines())
                         if line.strip() and not line.lstrip().startswith("#"))
            continue
        head, _, rest = body.partition("\n")
        for marker in FILE_MARKERS:
            found = marker.match(head.strip())
            if found:
                steps.append(WriteFile(first_line, found["path"], rest, found.groupdict().get("anchor")))
                break
    return steps


@dataclass
class Reader:
    """Runs the steps in a site copy with the environment of a new user: no `.env`, no SECRET_KEY."""

    site: Path
    port: int = field(default_factory=free_port)
    background: list[subprocess.Popen[str]] = field(default_factory=list)

    def environment(self) -> dict[str, str]:
        environ = {k: v for k, v in os.environ.items() if not k.startswith(SITE_SETTINGS)}
        # `python3` in the page is the interpreter running the tests; the page's pytest step uses SQLite.
        environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environ.get('PATH', '')}"
        return {**environ, "NORI_TEST_ENGINES": "sqlite", "PYTHONUNBUFFERED": "1"}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def follow(self, step: Step) -> None:
        if isinstance(step, WriteFile):
            step.apply(self.site)
            return
        command = step.text.replace(DOCUMENTED_ADDRESS, f"127.0.0.1:{self.port}")
        if command.startswith(SERVER_COMMAND):
            self.start_server(f"{command} --port {self.port}", step.line)
            return
        result = subprocess.run(["bash", "-c", command], cwd=self.site, env=self.environment(), capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 0, (f"line {step.line}: `{step.text}` exited {result.returncode}\n"
                                        f"{result.stdout}\n{result.stderr}")

    def start_server(self, command: str, line: int) -> None:
        """Start the server in its own process group and wait until it answers `/health`."""
        log = self.site.parent / f"serve-{self.port}.log"  # a file, so a chatty server never blocks on a pipe
        with log.open("w") as output:
            process = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=self.site, env=self.environment(),
                                       stdout=output, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.background.append(process)
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError(f"line {line}: `{command}` exited {process.returncode}\n{log.read_text()}")
            try:
                httpx.get(self.base_url + "/health", timeout=1)
                return
            except httpx.TransportError:
                assert time.monotonic() < deadline, f"line {line}: `{command}` did not answer within 60 s"
                time.sleep(0.2)

    def stop(self) -> None:
        """Stop what the steps left running (the server and, with reload on, its worker)."""
        while self.background:
            process = self.background.pop()
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()

    @contextmanager
    def serving(self) -> Iterator[str]:
        """The finished site, served afresh without reload, for checks after the last step."""
        self.port = free_port()
        self.start_server(f"{SERVER_COMMAND} --no-reload --port {self.port}", 0)
        try:
            yield self.base_url
        finally:
            self.stop()
