"""The column-lineage analysis in a process pool gives exactly the lineage of the in-process analysis."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tessera.config import Settings
from tessera.core import schema_fingerprint
from tessera.ingest.dbt import DbtProject, column_lineage, lineage_pool, parse_manifest
from tessera.ingest.dbt.column_lineage import analyse_project
from tessera.ingest.lineage import ProjectLineage

from .test_synthetic import load_generator

MANIFESTS = Path(__file__).resolve().parents[2] / "fixtures" / "dbt" / "manifests"


@pytest.fixture(scope="module", autouse=True)
def _stop_workers() -> Iterator[None]:
    yield
    lineage_pool.shutdown_pool()


@pytest.fixture
def any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send even a small project to the pool, in chunks of a few models."""
    monkeypatch.setattr(lineage_pool, "PARALLEL_MIN_MODELS", 0)
    monkeypatch.setattr(lineage_pool, "MIN_CHUNK", 1)


def fresh(project: DbtProject, workers: int) -> ProjectLineage:
    """The lineage computed now, not remembered from an earlier analysis."""
    column_lineage._CACHE.clear()
    return analyse_project(project, workers=workers)


def without_columns(project: DbtProject, every: int) -> DbtProject:
    """``project`` with every ``every``-th model declaring no columns (its children wait for its SQL)."""
    assets = dict(project.assets)
    models = [uid for uid in project.code if uid in assets]
    for uid in models[::every]:
        assets[uid] = dataclasses.replace(assets[uid], schema={"type": "object", "properties": {}})
    return dataclasses.replace(project, assets=assets)


@pytest.mark.usefixtures("any_size")
@pytest.mark.parametrize("variant", ["lineage__base", "lineage__base_compiled", "lineage__retyped_amount"])
def test_pool_equals_in_process_on_real_dbt_manifests(variant: str) -> None:
    project = parse_manifest((MANIFESTS / f"{variant}.json.gz").read_bytes())
    assert fresh(project, workers=2) == fresh(project, workers=1)


@pytest.mark.usefixtures("any_size")
def test_pool_equals_in_process_on_a_generated_manifest_with_inferred_columns() -> None:
    raw = load_generator().generate_manifest_bytes(160, 6, seed=5)
    project = without_columns(parse_manifest(raw), every=3)
    sequential = fresh(project, workers=1)
    parallel = fresh(project, workers=2)
    assert lineage_pool._POOL is not None  # the workers did run (a broken pool falls back silently)
    assert parallel == sequential
    # The inferred columns mattered: a child of an undeclared model resolved columns through it.
    undeclared = {uid for uid in project.code if not project.assets[uid].schema["properties"]}
    assert any(
        source.node in undeclared
        for uid in project.code
        for deps in sequential.nodes[uid].derives.values()
        for source in deps
    )
    waves = column_lineage._waves(project, list(project.code), column_lineage._contracts(project))
    assert len(waves) > 1


def test_a_small_project_stays_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(workers: int) -> None:
        raise AssertionError("a small project must not start a pool")

    monkeypatch.setattr(lineage_pool, "_pool", no_pool)
    project = parse_manifest((MANIFESTS / "lineage__base.json.gz").read_bytes())
    assert len(project.code) < lineage_pool.PARALLEL_MIN_MODELS
    assert fresh(project, workers=4).nodes


@pytest.mark.parametrize(
    ("workers", "models", "expected"),
    [(0, 5000, 1), (1, 5000, 1), (3, 300, 3), (8, 299, 1), (None, 299, 1)],
)
def test_worker_count(workers: int | None, models: int, expected: int) -> None:
    assert lineage_pool.worker_count(workers, models) == expected


def test_worker_count_defaults_to_the_cpus() -> None:
    assert lineage_pool.worker_count(None, 5000) == lineage_pool.cpu_count()


def test_lineage_workers_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).lineage_workers is None
    monkeypatch.setenv("LINEAGE_WORKERS", "0")
    assert Settings(_env_file=None).lineage_workers == 0
    monkeypatch.setenv("LINEAGE_WORKERS", "-1")
    with pytest.raises(ValueError, match="lineage_workers"):
        Settings(_env_file=None)


@pytest.mark.usefixtures("any_size")
def test_a_broken_pool_falls_back_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    project = parse_manifest((MANIFESTS / "lineage__base.json.gz").read_bytes())
    expected = fresh(project, workers=1)

    class Broken:
        def submit(self, *args: object) -> None:
            raise lineage_pool.BrokenProcessPool("a worker died")

        def shutdown(self, **kwargs: object) -> None:
            """Nothing to stop: no worker was ever started."""

    monkeypatch.setattr(lineage_pool, "_pool", lambda workers: Broken())
    assert fresh(project, workers=2) == expected


def test_warming_starts_every_worker_before_the_first_analysis() -> None:
    lineage_pool.warm_pool(2)
    pool = lineage_pool._pool(2)
    assert len(pool._processes) == 2  # both started, not one on demand
    assert all(process.is_alive() for process in pool._processes.values())
    lineage_pool.warm_pool(2)  # a warm pool is reused, not restarted
    assert lineage_pool._pool(2) is pool


def test_warming_a_single_worker_starts_no_pool() -> None:
    lineage_pool.shutdown_pool()
    lineage_pool.warm_pool(1)
    assert lineage_pool._POOL is None


@pytest.mark.usefixtures("any_size")
def test_fingerprints_in_the_pool_equal_this_process() -> None:
    project = parse_manifest((MANIFESTS / "lineage__base_compiled.json.gz").read_bytes())
    schemas: list[Any] = [node.schema for node in project.assets.values()]
    schemas.append({"type": "object", "properties": {"x": {"minimum": "not a number"}}})  # invalid
    parts = lineage_pool.fingerprints_in_pool(schemas, 2)
    assert len(parts) > 1  # chunked
    found = [fp for part in parts for fp in part.result()]
    assert found[:-1] == [schema_fingerprint(s) for s in schemas[:-1]]
    assert found[-1] is None  # the caller's own computation reports what is wrong


@pytest.mark.usefixtures("any_size")
def test_the_pool_results_share_equal_sets_and_strings() -> None:
    # Results are remembered between syncs: equal column sets and names are one object each.
    raw = load_generator().generate_manifest_bytes(160, 6, seed=5)
    result = fresh(parse_manifest(raw), workers=2)
    derived: dict[frozenset[Any], int] = {}
    read: dict[frozenset[str], int] = {}
    names: dict[str, int] = {}
    for node in result.nodes.values():
        for column, deps in node.derives.items():
            assert derived.setdefault(deps, id(deps)) == id(deps)
            assert names.setdefault(column, id(column)) == id(column)
        for cols in node.reads.values():
            if cols is not None:
                assert read.setdefault(cols, id(cols)) == id(cols)
    assert len(derived) > 10 and len(read) > 10


def test_the_server_stops_the_workers_when_it_shuts_down(tmp_path: Path) -> None:
    import asyncio

    from tessera.app import create_app

    lineage_pool.warm_pool(2)
    assert lineage_pool._POOL is not None
    workers = list(lineage_pool._POOL[1]._processes.values())

    async def serve_and_stop() -> None:
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'stop.db'}",
            worker_enabled=False,
            secret_key="test",
            data_dir=tmp_path,
        )
        from tessera.db.migrate import upgrade

        await asyncio.to_thread(upgrade, settings.database_url)
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            pass

    asyncio.run(serve_and_stop())
    assert lineage_pool._POOL is None
    for process in workers:
        process.join(timeout=10)
        assert not process.is_alive()
