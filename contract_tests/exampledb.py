"""Where the properties keep the failing examples they find: Hypothesis's own databases.

`--example-db DIR` is a `DirectoryBasedExampleDatabase` (a folder a CI job can cache or
share), `--example-db redis://HOST:PORT/N` a `RedisExampleDatabase` (one store for every
job of a matrix). With one, a failing example found by one run replays first in every run
that shares it (Hypothesis's reuse phase); without one, each run draws afresh and keeps
nothing. The suite decides this itself, whatever Hypothesis's own profile (with `CI` set it
would load a derandomized profile without a database), and the report says which.
Hypothesis keeps no example of a seeded test, so with a database the properties' draws do
not follow `--seed` (the probes and Schemathesis still do): the database is their replay.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis.database import DirectoryBasedExampleDatabase, ExampleDatabase

from twosms_contract.errors import ContractKitError

_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


class ExampleDbError(ContractKitError):
    """An `--example-db` that cannot be opened."""


def open_example_db(where: str) -> ExampleDatabase:
    """The database `where` names: a redis URL, or a directory (made when missing)."""
    if where.startswith(_REDIS_SCHEMES):
        try:
            import redis
            from hypothesis.extra.redis import RedisExampleDatabase
        except ImportError as exc:
            raise ExampleDbError(f"--example-db {where}: {exc} (pip install redis)") from None
        client = redis.Redis.from_url(where)
        try:
            client.ping()
        except redis.RedisError as exc:
            raise ExampleDbError(f"--example-db {where}: {exc}") from None
        return RedisExampleDatabase(client)
    path = Path(where)
    if path.exists() and not path.is_dir():
        raise ExampleDbError(f"--example-db {where}: a file, not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExampleDbError(f"--example-db {where}: {exc}") from None
    return DirectoryBasedExampleDatabase(str(path))


def describe(where: str | None) -> str:
    """The run's note on its example database."""
    if where is None:
        return (
            "Hypothesis example database: none (each run draws afresh; --example-db DIR or "
            "redis://... keeps failing examples and replays them first)"
        )
    return (
        f"Hypothesis example database: {where} (failing examples are kept and replay first; "
        "the properties' draws do not follow the seed)"
    )
