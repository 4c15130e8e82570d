"""docs/ci.md's GitHub Actions example and docker/mock.Dockerfile stay true: the YAML reads,
the matrix and the merge name the same shards, and every `twosms-contract` command in them
parses with the real CLI (so a renamed option fails here, not in a user's CI)."""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

import pytest
import yaml

from tests.repo import ROOT
from twosms_kit.cli import build_parser

DOC = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
WORKFLOW: dict[str, Any] = yaml.safe_load(re.search(r"```yaml\n(.*?)```", DOC, re.S)[1])  # type: ignore[index]
SHARDS: list[int] = WORKFLOW["jobs"]["shard"]["strategy"]["matrix"]["shard"]


def _commands(job: str, shard: int) -> list[list[str]]:
    """The `twosms-contract` commands of a job's steps, as a shell would pass them."""
    commands = []
    for step in WORKFLOW["jobs"][job]["steps"]:
        script = str(step.get("run", ""))
        if not script.startswith("twosms-contract"):
            continue
        script = script.split("||")[0]
        script = script.replace("${{ matrix.shard }}", str(shard))
        script = script.replace("${{ github.run_id }}", "4242")
        script = re.sub(r"\$\{EXAMPLE_DB:-([^}]*)\}", r"\1", script)  # the secret unset
        commands.append(shlex.split(script)[1:])
    return commands


@pytest.mark.parametrize("shard", SHARDS)
def test_every_shard_job_runs_its_shard_of_one_run(shard: int) -> None:
    (command,) = _commands("shard", shard)
    args = build_parser().parse_args(command)
    assert args.command == "test"
    assert (args.shard.index, args.shard.count) == (shard, len(SHARDS))
    assert args.seed == 4242 and args.base_url == "http://127.0.0.1:8080"
    assert args.example_db == "redis://127.0.0.1:6379/0"
    assert str(args.json) == f"shard-{shard}.json"
    # the service the command reaches is the job's own mock, on the port it publishes
    services = WORKFLOW["jobs"]["shard"]["services"]
    assert services["mock"]["ports"] == ["8080:8080"]
    assert "twosms-mock" in services["mock"]["image"]


def test_the_merge_job_joins_every_shard_of_the_matrix() -> None:
    (command,) = _commands("merge", 1)
    args = build_parser().parse_args(command)
    assert args.command == "merge-reports"
    assert [str(p) for p in args.results] == [f"shard-{i}.json" for i in SHARDS]
    assert WORKFLOW["jobs"]["merge"]["needs"] == "shard"
    assert list(range(1, len(SHARDS) + 1)) == SHARDS


def test_the_mock_image_serves_the_mock_on_the_port_the_workflow_publishes() -> None:
    dockerfile = (ROOT / "docker" / "mock.Dockerfile").read_text(encoding="utf-8")
    (cmd,) = re.findall(r"^CMD (\[.*\])$", dockerfile, re.M)
    program, *command = json.loads(cmd)
    assert program == "twosms-contract"
    args = build_parser().parse_args(command)
    assert args.command == "mock" and args.port == 8080
    assert re.search(r"^EXPOSE 8080$", dockerfile, re.M)
    assert "docker/mock.Dockerfile" in WORKFLOW["jobs"]["mock-image"]["steps"][-1]["run"]
