"""Synthetic rounds with a realistic mix of applicants, for benchmarks (deterministic per seed)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any


def _money(value: float) -> str:
    # Benchmark data only: the float is turned into an exact 2-decimal string before the engine sees it.
    return f"{max(value, 0):.2f}"


def applicant(rng: random.Random, number: int) -> dict[str, Any]:
    online = rng.lognormvariate(13.3, 1.3)  # median ~600,000; a long tail past 20,000,000
    record: dict[str, Any] = {
        "id": f"A{number:07d}",
        "name": f"阿拉尔示例电商{number}号有限公司",
        "online_sales": _money(online),
    }
    if rng.random() < 0.4:
        record["total_sales"] = _money(online * rng.uniform(1.0, 1.8))
    if rng.random() < 0.1:
        record["entity_type"] = "individual"
    if rng.random() < 0.2:
        record["loan_interest_paid"] = _money(rng.uniform(1_000, 120_000))
    if rng.random() < 0.25:
        record["local_brand_seller"] = True
    if rng.random() < 0.6:
        record["local_product_seller"] = True
        record["promotion_fees"] = _money(rng.lognormvariate(10.6, 1.0))
    if rng.random() < 0.05:
        record["inland_warehouse_rent"] = _money(rng.uniform(50_000, 400_000))
    if rng.random() < 0.5:
        record["parcels"] = int(rng.lognormvariate(10.2, 1.1))
    if rng.random() < 0.01:
        record["demonstrations"] = [{"level": rng.choice(["national", "provincial"])}]
    if rng.random() < 0.03:
        record[rng.choice(["credit_or_tax_violation_3y", "major_incident", "four_above_reward"])] = True
    return record


def round_document(count: int, seed: int = 2025) -> dict[str, Any]:
    rng = random.Random(seed)
    return {
        "sales_year": 2025,
        "commitments": [
            {"article": "12", "label": "电子商务大数据服务", "amount": "120000"},
            {"article": "13", "label": "电子商务协会技术服务", "amount": "200000"},
        ],
        "applicants": [applicant(rng, number) for number in range(1, count + 1)],
    }


def write_round(path: Path, count: int, seed: int = 2025) -> Path:
    path.write_text(json.dumps(round_document(count, seed), ensure_ascii=False), encoding="utf-8")
    return path
