"""events.xlsx written by a child process, on another CPU, while the export writes the rest.

Building the sheet's XML and compressing it is about a third of the export's time (issue 20).
On a thread it would still hold the GIL; in a process it runs beside the rest. The export
already encodes each event's record as JSON for events.json, so it sends those same bytes, one
record per line, to the child's standard input; the child flattens each record as events.csv
does (`columns.flat_row`) and adds it to the sheet (`xlsx.EventsSheet`). The child imports no
Django, so it starts in a few hundredths of a second, and it holds one batch of rows at a time.

    python -m coding.export.sheet_process OUT.xlsx TMP_DIR < records.jsonl
"""

from __future__ import annotations

import contextlib
import fcntl
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

import orjson

from coding.export.columns import EVENT_COLUMNS, flat_row
from coding.export.xlsx import EventsSheet

PIPE_SIZE = 1 << 20  # Linux's default limit (/proc/sys/fs/pipe-max-size)
ROOT = Path(__file__).resolve().parents[2]  # where `python -m coding...` finds the package


class SheetProcessError(RuntimeError):
    """The child process that writes events.xlsx failed; the message is what it printed."""


class SheetProcess:
    """The child that writes events.xlsx to `path`. `send` takes records as JSON lines, `wait`
    ends the input and returns once the file is complete. Leaving the `with` block any other
    way (an error, a download the client gave up) kills the child."""

    def __init__(self, path: Path, tmp: Path) -> None:
        self._errors = tempfile.TemporaryFile(dir=tmp)  # noqa: SIM115 (closed by __exit__)
        self._process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(path), str(tmp)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=self._errors,
        )
        # A batch of records (~400 KB) fits in the pipe, so sending it does not wait for the
        # child to work through it (Linux; elsewhere the pipe keeps its 64 KB).
        if hasattr(fcntl, "F_SETPIPE_SZ"):
            with contextlib.suppress(OSError):
                fcntl.fcntl(self._process.stdin.fileno(), fcntl.F_SETPIPE_SZ, PIPE_SIZE)

    def send(self, lines: bytes) -> None:
        """Records, one JSON object per line, each line ending in a newline."""
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(lines)
        except BrokenPipeError:  # the child has stopped: say why
            self.wait()
            raise

    def close_input(self) -> None:
        """No more records: the child writes the rest of the file and exits."""
        assert self._process.stdin is not None
        with contextlib.suppress(BrokenPipeError):  # the child has stopped; wait() says why
            self._process.stdin.close()

    def wait(self) -> None:
        """End the input and wait for the child; a SheetProcessError if it failed."""
        self.close_input()
        if self._process.wait() != 0:
            self._errors.seek(0)
            printed = self._errors.read().decode("utf-8", "replace").strip()
            raise SheetProcessError(
                f"events.xlsx was not written (exit status {self._process.returncode}): "
                f"{printed.splitlines()[-1] if printed else 'no message'}"
            )

    @property
    def returncode(self) -> int | None:
        return self._process.returncode

    def __enter__(self) -> SheetProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self.close_input()
        self._process.wait()
        self._errors.close()


def write_sheet(lines: Iterable[bytes], path: Path, tmp: Path) -> int:
    """The child's work: every record in `lines` (JSON, one per line) into the sheet at
    `path`; returns the number of rows."""
    sheet = EventsSheet(path, tmp, EVENT_COLUMNS)
    count = 0
    for line in lines:
        sheet.add(flat_row(orjson.loads(line)))
        count += 1
    sheet.close()
    return count


if __name__ == "__main__":
    write_sheet(sys.stdin.buffer, Path(sys.argv[1]), Path(sys.argv[2]))
