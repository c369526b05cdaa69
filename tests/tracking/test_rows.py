"""The per-row checks: normalising numbers, carrier patterns, courier names, ship dates, headers."""

from __future__ import annotations

import datetime as dt

import pytest

from alarfund.tracking import flags as F
from alarfund.tracking.carriers import courier_code, fits, guess
from alarfund.tracking.headers import COURIER, NUMBER, SHIP_DATE, find_columns, role_of
from alarfund.tracking.normalise import Numeric, RowChecker, normalise_number, parse_date


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        ("SF1400000000001", "SF1400000000001"),
        ("  sf1400000000001 ", "SF1400000000001"),
        ("ＳＦ１４００００００００００１", "SF1400000000001"),  # full-width, as typed with a Chinese IME
        ("SF 1400-0000-0000-1", "SF1400000000001"),
        ('="773123456789012"', "773123456789012"),  # Excel's keep-as-text trick in CSV
        ("'773123456789012", "773123456789012"),
        ("\t773123456789012", "773123456789012"),
    ],
)
def test_numbers_are_normalised(cell: str, number: str) -> None:
    found, problems, _raw = normalise_number(cell)
    assert (found, problems) == (number, 0)


@pytest.mark.parametrize(
    ("cell", "flag"),
    [
        (None, F.MISSING_NUMBER),
        ("   ", F.MISSING_NUMBER),
        ("顺丰快递", F.INVALID),
        ("N/A", F.INVALID),
        ("1234567", F.INVALID),  # too short
        ("A" * 31, F.INVALID),  # too long
        ("SF14000\x00\x01\x1b00001", F.INVALID),  # binary junk
        ("\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd", F.INVALID),
        ("7.73123456789012E+14", F.PRECISION_LOST),  # a CSV saved from Excel
        ('=HYPERLINK("http://x")', F.INVALID),
    ],
)
def test_what_is_not_a_number(cell: str | None, flag: int) -> None:
    _number, problems, _raw = normalise_number(cell)
    assert problems == flag


def test_junk_is_kept_printable_for_the_report() -> None:
    number, _problems, raw = normalise_number("SF\x00\x01\ud800ABC")
    assert "\x00" not in number and "\x00" not in raw and "\ud800" not in raw and "\ufffd" in raw


@pytest.mark.parametrize(
    ("cell", "number", "flag"),
    [
        (Numeric("773123456789012"), "773123456789012", 0),
        (Numeric("4312345678901"), "4312345678901", 0),
        (Numeric("7.73123456789012E+14"), "773123456789012", F.PRECISION_LOST),
        (Numeric("7731234567890120"), "7731234567890120", F.PRECISION_LOST),  # ≥ 10^15: digits lost
        (Numeric("123.5"), "123.5", F.INVALID),
    ],
)
def test_numbers_stored_as_excel_numbers(cell: Numeric, number: str, flag: int) -> None:
    found, problems, _raw = normalise_number(cell)
    assert (found, problems) == (number, flag)


@pytest.mark.parametrize(
    ("number", "carrier"),
    [
        ("SF1400000000001", "SF"),
        ("SF140000000001", "SF"),
        ("YT1234567890123", "YTO"),
        ("JT1234567890123", "JT"),
        ("JD0123456789012", "JD"),
        ("JDV012345678901", "JD"),
        ("DPK123456789012", "DEPPON"),
        ("EA123456789CN", "EMS"),
        ("1123456789012", "EMS"),
        ("RR123456789CN", "POST"),
        ("9812345678901", "POST"),
        ("773123456789012", "STO"),
        ("268123456789", "STO"),
        ("753123456789012", "ZTO"),
        ("512345678901", "ZTO"),
        ("312345678901234", "YUNDA"),
        ("4312345678901", "YUNDA"),
    ],
)
def test_carrier_patterns(number: str, carrier: str) -> None:
    assert guess(number) == carrier
    assert fits(number, carrier)


@pytest.mark.parametrize(
    "number", ["ABCDEFGHIJ", "SF123", "12345678901", "1234567890123456", "XX1234567890123"]
)
def test_unknown_formats(number: str) -> None:
    assert guess(number) == ""


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("顺丰", "SF"),
        ("顺丰速运", "SF"),
        ("SF Express", "SF"),
        ("中通快递", "ZTO"),
        ("圆通速递", "YTO"),
        ("韵达", "YUNDA"),
        ("申通", "STO"),
        ("京东物流", "JD"),
        ("EMS", "EMS"),
        ("邮政EMS", "EMS"),
        ("中国邮政", "POST"),
        ("极兔速递", "JT"),
        ("J&T", "JT"),
        ("德邦快递", "DEPPON"),
        ("自提", ""),
        ("", ""),
    ],
)
def test_courier_names(text: str, code: str) -> None:
    assert courier_code(text) == code


@pytest.mark.parametrize(
    ("cell", "date"),
    [
        ("2025-03-01", dt.date(2025, 3, 1)),
        ("2025/3/1", dt.date(2025, 3, 1)),
        ("2025.03.01", dt.date(2025, 3, 1)),
        ("2025年3月1日", dt.date(2025, 3, 1)),
        ("2025-03-01 14:22:05", dt.date(2025, 3, 1)),
        ("20250301", dt.date(2025, 3, 1)),
        (Numeric("45717"), dt.date(2025, 3, 1)),  # Excel's date serial
        (Numeric("45717.6"), dt.date(2025, 3, 1)),
        (Numeric("20250301"), dt.date(2025, 3, 1)),
        ("2025-02-30", None),
        ("next week", None),
        ("3/1/2025", None),  # month/day order is ambiguous: not guessed
    ],
)
def test_ship_dates(cell: object, date: dt.date | None) -> None:
    assert parse_date(cell) == date


def test_row_checker_flags() -> None:
    checker = RowChecker(sales_year=2025, has_courier=True, has_date=True)
    rows = [
        (2, ["SF1400000000001", "顺丰", "2025-03-01"]),  # fine
        (3, ["753123456789012", "顺丰", "2025-03-01"]),  # ZTO's form, named SF
        (4, ["ABCDEFGHIJ", "", "2025-03-01"]),  # unknown format
        (5, ["SF1400000000002", "顺丰", "2024-12-31"]),  # previous year
        (6, ["SF1400000000003", "顺丰", ""]),  # no date
        (7, ["", "顺丰", "2025-03-01"]),  # no number
        (8, ["", "", ""]),  # empty row: left out
        (9, ["773123456789012", "中通", "2025-05-05"]),  # fits both STO and ZTO: the named one wins
    ]
    records = {r[1]: r for r in checker.records(0, rows)}
    assert records[2][6] == 0 and records[2][3] == "SF"
    assert records[3][6] == F.COURIER_MISMATCH
    assert records[4][6] == F.UNKNOWN_FORMAT
    assert records[5][6] == F.DATE_OUTSIDE_YEAR
    assert records[6][6] == F.DATE_MISSING
    assert records[7][6] == F.MISSING_NUMBER
    assert 8 not in records
    assert records[9][6] == 0 and records[9][3] == "ZTO"


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("快递单号", NUMBER),
        ("运单号", NUMBER),
        ("单号", NUMBER),
        ("*快递单号：", NUMBER),
        ("物流运单号(必填)", NUMBER),
        ("Tracking Number", NUMBER),
        ("tracking no.", NUMBER),
        ("Waybill No", NUMBER),
        ("订单号", None),  # an order number is not a tracking number
        ("Order No", None),
        ("快递公司", COURIER),
        ("承运商", COURIER),
        ("Courier", COURIER),
        ("物流公司名称", COURIER),
        ("发货日期", SHIP_DATE),
        ("寄件日期", SHIP_DATE),
        ("发货时间", SHIP_DATE),
        ("Ship Date", SHIP_DATE),
        ("收件城市", None),
    ],
)
def test_header_variants(header: str, role: str | None) -> None:
    assert role_of(header) == role


def test_columns_found_and_others_kept_by_name() -> None:
    columns = find_columns(["订单号", "收件人", "运单号", "承运商", "寄件日期", "重量(kg)"])
    assert columns is not None
    assert (columns.number, columns.courier, columns.ship_date) == (2, 3, 4)
    assert columns.others == ["订单号", "收件人", "重量(kg)"]
    assert find_columns(["订单号", "收件人"]) is None


def test_job_ids_are_time_ordered_and_unguessable() -> None:
    """A new import's id sorts after older ones (its rows go to the edge of the primary-key index), is a
    version-7 UUID and keeps 74 random bits."""
    import time

    from alarfund.tracking.models import time_ordered_uuid

    older = [time_ordered_uuid() for _ in range(1000)]
    time.sleep(0.002)
    newer = time_ordered_uuid()
    assert all(value < newer for value in older)
    assert newer.version == 7 and newer.variant == "specified in RFC 4122"
    assert len(set(older)) == 1000
