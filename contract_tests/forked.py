"""A stage run in a forked process (in process only, where the system can fork): the
Schemathesis stage runs in two of them beside the other stages; outcomes come back pickled
through a pipe."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from contract_tests.core import Outcome, Progress
from contract_tests.session import TargetError

StageWork = Callable[[Progress], tuple[list[Outcome], int, list[str], dict[tuple[str, str], int]]]
"""A stage to run: given a progress watcher, its outcomes, cases sent and notes."""


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

    def join(
        self, advance: Callable[[int], None]
    ) -> tuple[list[Outcome], int, list[str], float, dict[tuple[str, str], int]]:
        """Wait for the stage: its outcomes, cases, notes, seconds and coverage counts."""
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
                outcomes, sent, notes, seconds, counts = message[1]
                return outcomes, sent, notes, seconds, counts
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
        outcomes, sent, notes, counts = work(_PipeProgress(writer))
        writer.send(("done", (outcomes, sent, notes, time.perf_counter() - started, counts)))
    except TargetError as exc:
        writer.send(("error", "target", str(exc)))
    except BaseException as exc:  # the parent reports it; the child must not die silently
        writer.send(("error", "other", "".join(traceback.format_exception(exc))[-4000:]))
    finally:
        writer.close()
        os._exit(0)
