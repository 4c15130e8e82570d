"""A stage run in a forked process (in process only, where the system can fork): the
Schemathesis stage runs in two of them beside the other stages; outcomes come back pickled
through a pipe."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from contract_tests.core import Outcome, Progress
from contract_tests.observer import Span
from contract_tests.session import TargetError


@dataclass(slots=True)
class ForkedResult:
    """What a forked stage sends back."""

    outcomes: list[Outcome]
    sent: int  # cases
    notes: list[str]
    counts: dict[tuple[str, str], int]  # the coverage map's counts
    spans: list[Span] = field(default_factory=list)  # its debits, in a concurrent window
    message_ids: dict[str, str] = field(default_factory=dict)  # the IDs it saw issued
    seconds: float = 0.0


StageWork = Callable[[Progress], ForkedResult]
"""A stage to run: given a progress watcher, what it found."""


class ForkedStage:
    """A stage run in a forked process; its outcomes come back through a pipe.

    The child inherits the parent's objects as they are at the fork (the app, the session,
    imported modules): nothing is rebuilt, nothing but the result is pickled. It reports
    progress as ("progress", cases), then ("done", result) or ("error", kind, text).
    """

    def __init__(self, process: Any, reader: Any) -> None:
        self.process = process
        self.reader = reader

    @staticmethod
    def available() -> bool:
        import multiprocessing

        return "fork" in multiprocessing.get_all_start_methods()

    @classmethod
    def start(cls, work: StageWork) -> ForkedStage:
        import multiprocessing
        import sys

        context = multiprocessing.get_context("fork")
        reader, writer = context.Pipe(duplex=False)
        # What the parent has buffered must not be written again by the child at its exit.
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        process = context.Process(target=_forked_main, args=(work, writer), daemon=True)
        process.start()
        writer.close()
        return cls(process, reader)

    def join(self, advance: Callable[[int], None]) -> ForkedResult:
        """Wait for the stage: what it found, and how long it took."""
        while True:
            try:
                message = self.reader.recv()
            except EOFError:
                self.process.join(10)
                raise RuntimeError(
                    f"the forked stage ended without a result (exit code {self.process.exitcode})"
                ) from None
            if message[0] == "progress":
                advance(int(message[1]))
                continue
            if message[0] == "done":
                result: ForkedResult = message[1]
                return result
            _kind, error, text = message
            if error == "target":
                raise TargetError(text)
            raise RuntimeError(f"the forked stage failed: {text}")

    def close(self) -> None:
        self.reader.close()
        self.process.join(10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


class _PipeProgress:
    """The child's progress, sent to the parent (at most every 64 cases)."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer
        self.sent = 0

    def stage(self, name: str) -> None:
        pass

    def advance(self, cases: int) -> None:
        if cases - self.sent >= 64:
            self.sent = cases
            self.writer.send(("progress", cases))


def _forked_main(work: StageWork, writer: Any) -> None:
    """The child's whole life: the result goes through the pipe, then the process ends at
    once (`os._exit`), without the interpreter's exit handlers or flushing the standard
    streams it inherited, whose locks another thread of the parent may have held at the
    fork."""
    import os
    import traceback

    started = time.perf_counter()
    try:
        result = work(_PipeProgress(writer))
        result.seconds = time.perf_counter() - started
        writer.send(("done", result))
    except TargetError as exc:
        writer.send(("error", "target", str(exc)))
    except BaseException as exc:  # the parent reports it; the child must not die silently
        writer.send(("error", "other", "".join(traceback.format_exception(exc))[-4000:]))
    finally:
        writer.close()
        os._exit(0)
