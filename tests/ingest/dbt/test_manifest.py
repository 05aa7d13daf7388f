"""parse_manifest on manifests made by real dbt-core 1.12 with dbt-duckdb (see scripts/)."""

from __future__ import annotations

import dataclasses
import gzip
from functools import cache
from pathlib import Path

import orjson
import pytest

from tessera.ingest.dbt import DbtAsset, DbtProject, OwnerRef, parse_manifest

MANIFESTS = Path(__file__).resolve().parents[2] / "fixtures" / "dbt" / "manifests"

PLATFORM = OwnerRef("platform@shop.example", None, "platform@shop.example")
ANALYTICS = OwnerRef("Analytics <analytics@shop.example>", "Analytics", "analytics@shop.example")
FINANCE_OBJECT = OwnerRef("Finance <finance@shop.example>", "Finance", "finance@shop.example")
FINANCE_NAME = OwnerRef("finance", "finance", None)
INGEST = OwnerRef("ingest@shop.example", None, "ingest@shop.example")

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NTZ = {"type": "string", "format": "x-local-date-time", "x-timezone": False}


def raw_bytes(variant: str) -> bytes:
    return (MANIFESTS / f"shop__{variant}.json.gz").read_bytes()


@cache
def project(variant: str, include_packages: bool = False) -> DbtProject:
    return parse_manifest(raw_bytes(variant), include_packages=include_packages)


def changed(variant: str) -> dict[str, set[str]]:
    """unique_id -> names of the DbtAsset fields that differ from the base parse."""
    base, other = project("base").assets, project(variant).assets
    out: dict[str, set[str]] = {}
    for uid in sorted(set(base) | set(other)):
        if uid not in base or uid not in other:
            out[uid] = {"added" if uid not in base else "removed"}
        elif base[uid] != other[uid]:
            names = (f.name for f in dataclasses.fields(DbtAsset))
            out[uid] = {f for f in names if getattr(base[uid], f) != getattr(other[uid], f)}
    return out


def test_base_project_facts() -> None:
    shop = project("base")
    assert (shop.project_name, shop.dbt_version, shop.schema_version, shop.adapter_type) == (
        "shop",
        "1.12.6",
        12,
        "duckdb",
    )
    assert shop.warnings == ()
    assert {
        uid: (a.resource_type, a.fqn, a.owner, a.contact, a.depends_on) for uid, a in shop.assets.items()
    } == {
        "model.shop.dim_customers": (
            "model",
            "shop.main.dim_customers",
            ANALYTICS,
            "#analytics",
            ("model.shop.stg_customers", "model.shop.stg_orders"),
        ),
        "model.shop.fct_orders": (
            "model",
            "shop.main.fact_orders",
            ANALYTICS,
            "#analytics",
            ("model.shop.stg_customers", "model.shop.stg_orders"),
        ),
        "model.shop.finance_revenue": (
            "model",
            "shop.main_finance.finance_revenue",
            FINANCE_NAME,
            "#finance",
            ("model.shop.fct_orders", "model.shop.stg_invoices"),
        ),
        "model.shop.stg_customers": (
            "model",
            "shop.main.stg_customers",
            PLATFORM,
            "#data-platform",
            ("source.shop.raw.customers",),
        ),
        "model.shop.stg_invoices": (
            "model",
            "shop.main.stg_invoices",
            PLATFORM,
            "#data-platform",
            ("source.shop.erp.billing.invoices",),
        ),
        "model.shop.stg_orders": (
            "model",
            "shop.main.stg_orders",
            PLATFORM,
            "#data-platform",
            ("source.shop.raw.orders",),
        ),
        "seed.shop.country_codes": ("seed", "shop.main.country_codes", PLATFORM, None, ()),
        "snapshot.shop.customers_snapshot": (
            "snapshot",
            "shop.main_snapshots.customers_snapshot",
            PLATFORM,
            None,
            ("model.shop.stg_customers",),
        ),
        "source.shop.erp.billing.invoices": ("source", "shop.erp_billing.invoices", FINANCE_OBJECT, None, ()),
        "source.shop.raw.customers": ("source", "shop.raw.customers_v2", INGEST, None, ()),
        "source.shop.raw.orders": ("source", "shop.raw.orders", INGEST, None, ()),
    }


def test_asset_fields() -> None:
    fct = project("base").assets["model.shop.fct_orders"]
    assert (fct.name, fct.package_name, fct.database, fct.schema_name, fct.identifier) == (
        "fct_orders",
        "shop",
        "shop",
        "main",
        "fact_orders",
    )
    assert (fct.materialized, fct.contract_enforced, fct.tags) == ("table", True, ())
    assert fct.description == "Orders fact table with an enforced contract."
    assert fct.meta == {
        "owner": {"name": "Analytics", "email": "analytics@shop.example"},
        "contact": "#analytics",
    }
    dotted = project("base").assets["source.shop.erp.billing.invoices"]
    assert (dotted.name, dotted.identifier, dotted.materialized) == ("invoices", "invoices", None)


def test_schemas() -> None:
    assets = project("base").assets
    assert assets["model.shop.fct_orders"].schema == {
        "type": "object",
        "properties": {
            "order_id": INTEGER,
            "customer_id": INTEGER,
            "country_code": {"type": "string", "maxLength": 2},
            "status": {"type": "string", "maxLength": 16},
            "amount": {"type": "number", "x-precision": 12, "x-scale": 2},
            "ordered_at": NTZ,
        },
    }
    # Snowflake-style upper-case column names are lower-cased; undeclared types are unknown ({}).
    assert list(assets["source.shop.raw.customers"].schema["properties"]) == [
        "id",
        "email",
        "country",
        "tier",
        "attributes",
    ]
    assert assets["source.shop.raw.customers"].schema["properties"]["attributes"] == {"x-type": "json"}
    assert assets["model.shop.dim_customers"].schema["properties"]["lifetime_value"] == {
        "description": "Sum of order amounts; type not declared yet."
    }
    assert assets["model.shop.stg_orders"].schema["properties"]["items"] == {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"sku": STRING, "qty": INTEGER},
        },
    }
    assert assets["source.shop.raw.orders"].schema["properties"]["_loaded_at"]["format"] == "date-time"


def test_guarantees() -> None:
    assets = project("base").assets
    assert assets["model.shop.stg_orders"].guarantees == {
        "columns": {
            "customer_id": {
                "not_null": True,
                "relationships": {"to": "shop.main.stg_customers", "field": "customer_id"},
            },
            "order_id": {"not_null": True, "unique": True},
            "status": {"accepted_values": ["placed", "returned", "shipped"]},
        },
        "custom": [
            {"name": "assert_invoices_have_orders", "column": None, "arguments": {}},
            {
                "name": "shop_utils.expression_is_true",
                "column": "amount",
                "arguments": {"expression": ">= 0"},
            },
        ],
    }
    # enforced contract: not_null constraints and the model-level primary key become guarantees
    assert assets["model.shop.fct_orders"].guarantees == {
        "columns": {
            "customer_id": {
                "not_null": True,
                "relationships": {"to": "shop.main.dim_customers", "field": "customer_id"},
            },
            "order_id": {"not_null": True, "unique": True},
            "status": {"accepted_values": ["placed", "returned", "shipped"]},
        },
        "custom": [
            {
                "name": "shop_utils.expression_is_true",
                "column": None,
                "arguments": {"expression": "amount >= 0 or status = 'returned'"},
            }
        ],
    }
    # `arguments:` syntax, a warn-severity not_null and a relationship to a seed
    assert assets["model.shop.stg_customers"].guarantees == {
        "columns": {
            "country_code": {"relationships": {"to": "shop.main.country_codes", "field": "code"}},
            "customer_id": {"not_null": True, "unique": True},
            "email": {"not_null": True},
            "tier": {"accepted_values": ["enterprise", "free", "pro"]},
        }
    }
    # source tests (no attached_node even in v12) and freshness
    assert assets["source.shop.raw.orders"].guarantees == {
        "columns": {"order_id": {"not_null": True, "unique": True}},
        "freshness": {"warn_after": "12h", "error_after": "1d"},
    }
    assert assets["source.shop.erp.billing.invoices"].guarantees == {}
    assert assets["snapshot.shop.customers_snapshot"].guarantees == {}


def test_exposures() -> None:
    (exposure,) = project("base").exposures
    assert exposure.unique_id == "exposure.shop.weekly_revenue"
    assert exposure.owner == FINANCE_OBJECT
    assert exposure.depends_on == ("model.shop.dim_customers", "model.shop.finance_revenue")


def test_packages_are_excluded_unless_asked_for() -> None:
    assert not any(uid.startswith("model.shop_utils.") for uid in project("base").assets)
    with_packages = project("base", include_packages=True)
    calendar = with_packages.assets["model.shop_utils.utils_calendar"]
    assert calendar.package_name == "shop_utils"
    assert calendar.guarantees == {"columns": {"day": {"not_null": True}}}
    assert set(with_packages.assets) - set(project("base").assets) == {"model.shop_utils.utils_calendar"}


def test_reparse_is_identical() -> None:
    assert raw_bytes("base") != raw_bytes("base_reparse")  # created_at, invocation_id ... differ
    assert project("base_reparse") == project("base")


def test_volatile_fields_never_matter() -> None:
    """Another OS and another run: CRLF raw_code, backslash paths, new timestamps and checksums."""
    data = orjson.loads(gzip.decompress(raw_bytes("base")))
    data["metadata"].update(generated_at="2030-01-01T00:00:00Z", invocation_id="another")
    for collection in ("nodes", "sources", "exposures"):
        for node in data[collection].values():
            node["created_at"] = 1.0
            if "raw_code" in node:
                node["raw_code"] = node["raw_code"].replace("\n", "\r\n")
            for key in ("original_file_path", "path", "patch_path"):
                if isinstance(node.get(key), str):
                    node[key] = node[key].replace("/", "\\")
            if "checksum" in node:
                node["checksum"] = {"name": "sha256", "checksum": "0" * 64}
            if isinstance(node.get("description"), str):
                node["description"] = node["description"].replace("\n", "\r\n")
    assert parse_manifest(data) == project("base")


def test_input_mapping_is_not_mutated() -> None:
    data = orjson.loads(gzip.decompress(raw_bytes("base")))
    before = orjson.dumps(data)
    parse_manifest(data)
    assert orjson.dumps(data) == before


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("base_reparse", {}),
        ("dropped_column", {"model.shop.fct_orders": {"schema"}}),
        ("type_change", {"model.shop.fct_orders": {"schema"}}),
        ("removed_not_null", {"model.shop.stg_orders": {"guarantees"}}),
        ("widened_accepted_values", {"model.shop.stg_orders": {"guarantees"}}),
        ("added_nullable_column", {"model.shop.stg_orders": {"schema"}}),
        (
            "renamed_model",
            {
                "model.shop.dim_customer": {"added"},
                "model.shop.dim_customers": {"removed"},
                "model.shop.fct_orders": {"guarantees"},
            },
        ),
        ("new_source_consumer", {"model.shop.finance_order_audit": {"added"}}),
        (
            "owner_as_object",
            {
                f"model.shop.{name}": {"owner", "meta"}
                for name in ("stg_customers", "stg_invoices", "stg_orders")
            },
        ),
    ],
)
def test_each_variant_changes_exactly_what_it_should(variant: str, expected: dict[str, set[str]]) -> None:
    assert changed(variant) == expected
    assert project(variant).warnings == ()


def test_variant_details() -> None:
    fct = lambda variant: project(variant).assets["model.shop.fct_orders"]  # noqa: E731
    stg = lambda variant: project(variant).assets["model.shop.stg_orders"]  # noqa: E731
    assert "country_code" not in fct("dropped_column").schema["properties"]
    assert fct("type_change").schema["properties"]["customer_id"] == STRING
    assert "not_null" not in stg("removed_not_null").guarantees["columns"]["customer_id"]
    assert stg("widened_accepted_values").guarantees["columns"]["status"]["accepted_values"] == [
        "cancelled",
        "placed",
        "returned",
        "shipped",
    ]
    discount = stg("added_nullable_column").schema["properties"]["discount"]
    assert discount == {
        "type": "number",
        "x-precision": 12,
        "x-scale": 2,
        "description": "Discount granted, if any.",
    }
    renamed = project("renamed_model")
    assert renamed.assets["model.shop.dim_customer"].fqn == "shop.main.dim_customer"
    assert renamed.assets["model.shop.fct_orders"].guarantees["columns"]["customer_id"]["relationships"][
        "to"
    ] == ("shop.main.dim_customer")
    assert renamed.exposures[0].depends_on == ("model.shop.dim_customer", "model.shop.finance_revenue")
    audit = project("new_source_consumer").assets["model.shop.finance_order_audit"]
    assert (audit.owner, audit.depends_on) == (FINANCE_NAME, ("source.shop.raw.orders",))
    assert project("owner_as_object").assets["model.shop.stg_orders"].owner == OwnerRef(
        "Platform <platform@shop.example>", "Platform", "platform@shop.example"
    )


def test_v7_layout_without_attached_node_or_project_name() -> None:
    """Derived from the base manifest (older layout); tests attach through depends_on + kwargs.model."""
    old, base = project("v7_layout"), project("base")
    assert (old.schema_version, old.project_name, old.warnings) == (7, "shop", ())
    assert set(old.assets) == set(base.assets)
    for uid, asset in old.assets.items():
        if uid == "model.shop.fct_orders":  # v7 had no contracts: no constraint guarantees
            assert not asset.contract_enforced
            assert asset.guarantees["columns"]["customer_id"] == {
                "relationships": {"to": "shop.main.dim_customers", "field": "customer_id"}
            }
            continue
        assert asset == base.assets[uid]
    assert old.exposures == base.exposures


def test_a_relation_named_by_several_nodes_is_one_asset_kept_for_its_builder() -> None:
    from .builders import manifest, model, source

    # The project reads the table its snapshot builds through a source, and two sources name one table.
    snap = model("orders_snapshot", resource_type="snapshot", schema="snapshots", alias="orders_snapshot")
    snap["unique_id"] = "snapshot.shop.orders_snapshot"
    again = source("snapshots", "orders_snapshot", schema="snapshots")
    quote_a = source("crm", "quote", identifier="quote_c")
    quote_b = source("crm", "zquote", identifier="quote_c")
    reader = model(
        "orders_history",
        depends_on={"nodes": [again["unique_id"], quote_b["unique_id"]]},
        raw_code="select * from {{ source('snapshots', 'orders_snapshot') }}",
    )
    project = parse_manifest(manifest(snap, reader, sources=(again, quote_a, quote_b)))
    assert sorted(project.assets) == [
        "model.shop.orders_history",
        "snapshot.shop.orders_snapshot",
        "source.shop.crm.quote",
    ]
    assert project.assets["model.shop.orders_history"].depends_on == (
        "snapshot.shop.orders_snapshot",
        "source.shop.crm.quote",
    )
    dropped = {w.node: w.message for w in project.warnings if w.code == "duplicate_relation"}
    assert set(dropped) == {again["unique_id"], quote_b["unique_id"]}
    assert "synced as snapshot.shop.orders_snapshot" in dropped[again["unique_id"]]
    assert len({a.fqn for a in project.assets.values()}) == len(project.assets)


@pytest.mark.parametrize("name", ["shop__base", "lineage__base_compiled"])
def test_a_compacted_project_is_the_same_project(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from tessera.ingest.dbt import manifest as manifest_module

    raw = (MANIFESTS / f"{name}.json.gz").read_bytes()
    monkeypatch.setattr(manifest_module, "COMPACT_FROM_ASSETS", 1)  # these fixtures are small
    rebuilt: list[int] = []
    real = manifest_module._compacted

    def spy(project: DbtProject) -> DbtProject:
        rebuilt.append(len(project.assets))
        return real(project)

    monkeypatch.setattr(manifest_module, "_compacted", spy)
    plain = parse_manifest(raw)
    assert rebuilt == []
    compacted = parse_manifest(raw, compact=True)
    assert rebuilt == [len(plain.assets)]
    assert compacted == plain and compacted.code == plain.code
    monkeypatch.setattr(manifest_module, "COMPACT_FROM_ASSETS", len(plain.assets) + 1)
    parse_manifest(raw, compact=True)  # below the threshold: kept as parsed
    assert rebuilt == [len(plain.assets)]
