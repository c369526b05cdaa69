"""The streaming readers: what Excel, WPS and other tools write, and a cross-check against fastexcel."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from openpyxl import Workbook

from alarfund.tracking.csv_source import CsvSource
from alarfund.tracking.normalise import Numeric
from alarfund.tracking.sources import ImportFailed
from alarfund.tracking.xlsx_source import XlsxSource, column_letters, column_position

LIMITS = {"max_entries": 2000, "max_uncompressed": 300 * 1024 * 1024, "max_ratio": 200}

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets}</sheets></workbook>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    "{rels}</Relationships>"
)
REL = '<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{type}" Target="{target}"/>'


def workbook(sheets: list[tuple[str, str]], shared: list[str] | str | None = None) -> bytes:
    """An XLSX made by hand: sheets as (name, sheetData inner XML or a whole worksheet document)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr(
            "_rels/.rels",
            RELS.format(rels=REL.format(id="rId1", type="officeDocument", target="xl/workbook.xml")),
        )
        entries = "".join(
            f'<sheet name="{name}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
            for i, (name, _x) in enumerate(sheets)
        )
        archive.writestr("xl/workbook.xml", WORKBOOK.format(sheets=entries))
        rels = [
            REL.format(id=f"rId{i + 1}", type="worksheet", target=f"worksheets/sheet{i + 1}.xml")
            for i in range(len(sheets))
        ]
        if shared is not None:
            rels.append(REL.format(id="rIdS", type="sharedStrings", target="sharedStrings.xml"))
            if isinstance(shared, str):
                archive.writestr("xl/sharedStrings.xml", shared)
            else:
                items = "".join(f"<si><t>{s}</t></si>" for s in shared)
                archive.writestr(
                    "xl/sharedStrings.xml",
                    f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{items}</sst>',
                )
        archive.writestr("xl/_rels/workbook.xml.rels", RELS.format(rels="".join(rels)))
        for i, (_name, xml) in enumerate(sheets):
            if not xml.startswith("<?xml"):
                xml = (
                    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    f"<sheetData>{xml}</sheetData></worksheet>"
                )
            archive.writestr(f"xl/worksheets/sheet{i + 1}.xml", xml)
    return out.getvalue()


def rows_of(data: bytes, **limits: int) -> list[tuple[str, int, list[object]]]:
    source = XlsxSource(io.BytesIO(data), size=len(data), **{**LIMITS, **limits}, batch_rows=3)
    found = []
    for sheet in source.sheets():
        for batch in sheet.batches:
            found += [(sheet.name, row_no, list(values)) for row_no, values in batch]
    return found


def test_column_letters_round_trip() -> None:
    for position in (0, 1, 25, 26, 27, 51, 52, 701, 702, 16383):
        assert column_position(column_letters(position).encode()) == position
    assert column_letters(0) == "A" and column_letters(26) == "AA" and column_letters(16383) == "XFD"


def test_openpyxl_workbook_with_title_rows_and_mixed_cells() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["阿拉尔市某电商公司 2025年快递单号明细"])
    sheet.append([])
    sheet.append(["序号", "订单号", "运单号", "承运商", "寄件日期", "备注"])
    sheet.append([1, "P001", "SF1400000000001", "顺丰", "2025-03-01", "=1+1"])
    sheet.append([2, "P002", 773123456789012, "申通", 45717, None])
    sheet.append([3, "P003", None, None, None, "只有备注"])  # no needed cell filled: left out
    sheet.append([4, "P004", "YT1234567890123", "圆通", None, ""])
    out = io.BytesIO()
    book.save(out)
    source = XlsxSource(io.BytesIO(out.getvalue()), size=len(out.getvalue()), **LIMITS)
    [found] = list(source.sheets())
    assert found.header_row == 3
    assert found.columns.names == {"number": "运单号", "courier": "承运商", "ship_date": "寄件日期"}
    assert found.columns.others == ["序号", "订单号", "备注"]
    rows = [row for batch in found.batches for row in batch]
    assert [r[0] for r in rows] == [4, 5, 7]
    assert rows[0][1] == ["SF1400000000001", "顺丰", "2025-03-01"]
    assert rows[1][1] == ["773123456789012", "申通", "45717"] and isinstance(rows[1][1][0], Numeric)
    assert rows[2][1] == ["YT1234567890123", "圆通", None]


def test_many_rows_take_the_fast_path_and_agree() -> None:
    cells = "".join(
        f'<row r="{r}"><c r="A{r}" t="s"><v>{r % 3}</v></c><c r="B{r}" s="1"><v>{45000 + r}</v></c>'
        f'<c r="C{r}" t="inlineStr"><is><t>SF{1400000000000 + r}</t></is></c></row>'
        for r in range(2, 500)
    )
    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>快递公司</t></is></c><c r="B1" t="inlineStr"><is><t>发货日期</t></is></c><c r="C1" t="inlineStr"><is><t>快递单号</t></is></c></row>'
    rows = rows_of(workbook([("S", header + cells)], shared=["顺丰", "中通", "韵达"]))
    assert len(rows) == 498
    assert rows[0] == ("S", 2, [f"SF{1400000000002}", "韵达", "45002"])
    assert rows[-1][2][0] == "SF1400000000499"


def test_shared_strings_rich_text_entities_and_escapes() -> None:
    shared = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>快递单号</t></si>"
        "<si><r><rPr><b/></rPr><t>SF14000</t></r><r><t>00000001</t></r><rPh><t>ふりがな</t></rPh></si>"
        "<si><t>A&amp;B&#x41;&#66;</t></si>"
        "<si><t>SF_x0000_\u0001JUNK_x001B_</t></si>"
        '<si><t xml:space="preserve"> SF1400000000002 </t></si>'
        "</sst>"
    )
    sheet = "".join(f'<row r="{i + 1}"><c r="A{i + 1}" t="s"><v>{i}</v></c></row>' for i in range(5))
    rows = rows_of(workbook([("S", sheet)], shared=shared))
    assert [r[2][0] for r in rows] == ["SF1400000000001", "A&BAB", "SF\x00\x01JUNK\x1b", " SF1400000000002 "]


def test_namespace_prefixes_and_cells_without_references() -> None:
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<x:sheetData>"
        '<x:row><x:c t="inlineStr"><x:is><x:t>单号</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>快递</x:t></x:is></x:c></x:row>'
        '<x:row><x:c t="inlineStr"><x:is><x:t>JT1234567890123</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>极兔</x:t></x:is></x:c></x:row>'
        '<x:row><x:c t="str"><x:f>A2</x:f><x:v>JT1234567890124</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    )
    assert rows_of(workbook([("S", xml)])) == [
        ("S", 2, ["JT1234567890123", "极兔"]),
        ("S", 3, ["JT1234567890124", None]),
    ]


def test_sheets_without_a_number_column_are_skipped() -> None:
    cover = '<row r="1"><c r="A1" t="inlineStr"><is><t>说明</t></is></c></row>'
    data = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>快递单号</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>SF1400000000001</t></is></c></row>'
    )
    more = (
        '<row r="1"><c r="B1" t="inlineStr"><is><t>运单号</t></is></c></row>'
        '<row r="2"><c r="B2"><v>773123456789012</v></c></row>'
    )
    source = XlsxSource(
        io.BytesIO(payload := workbook([("封面", cover), ("1", data), ("2", more)])),
        size=len(payload),
        **LIMITS,
    )
    found = [(s.name, [r for b in s.batches for r in b]) for s in source.sheets()]
    assert found == [("1", [(2, ["SF1400000000001"])]), ("2", [(2, ["773123456789012"])])]
    assert source.skipped_sheets() == ["封面"]


def test_no_number_column_anywhere() -> None:
    sheet = '<row r="1"><c r="A1" t="inlineStr"><is><t>订单号</t></is></c></row>'
    with pytest.raises(ImportFailed) as refused:
        rows_of(workbook([("S", sheet)]))
    assert refused.value.code == "no_number_column"


def test_doctype_and_entities_are_refused() -> None:
    xml = (
        '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>快递单号&b;</t></is></c></row></sheetData></worksheet>'
    )
    with pytest.raises(ImportFailed) as refused:
        rows_of(workbook([("S", xml)]))
    assert refused.value.code == "xlsx_damaged"


def test_csv_in_gb18030_with_tabs_quotes_and_a_bom() -> None:
    text = '运单号\t快递公司\t发货日期\nSF1400000000001\t顺丰\t2025-03-01\n"YT1234\n567890123"\t圆通\t2025-03-02\n'
    source = CsvSource(io.BytesIO(text.encode("gb18030")), content_type="text/csv; charset=gb18030")
    [sheet] = list(source.sheets())
    rows = [(n, list(v)) for b in sheet.batches for n, v in b]
    assert rows == [
        (2, ["SF1400000000001", "顺丰", "2025-03-01"]),
        (3, ["YT1234\n567890123", "圆通", "2025-03-02"]),
    ]
    bom = CsvSource(io.BytesIO("\ufeff快递单号\nSF1400000000001\n".encode()), content_type="")
    assert [(n, list(v)) for s in bom.sheets() for b in s.batches for n, v in b] == [(2, ["SF1400000000001"])]


def test_binary_is_not_a_csv() -> None:
    with pytest.raises(ImportFailed) as refused:
        CsvSource(io.BytesIO(bytes(range(256)) * 100))
    assert refused.value.code == "not_spreadsheet"


def test_agrees_with_calamine() -> None:
    """The same cells as calamine (the Rust reader under fastexcel) reads, on a workbook with text,
    numbers, dates, formulas' cached values and gaps."""
    calamine = pytest.importorskip("python_calamine")
    book = Workbook()
    sheet = book.active
    sheet.append(["快递单号", "快递公司", "发货日期"])
    for n in range(300):
        number = f"SF{1400000000000 + n}" if n % 3 else 773123456789000 + n
        sheet.append([number, ["顺丰", "申通", None][n % 3], f"2025-03-{n % 28 + 1:02d}" if n % 5 else None])
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    ours = [values for _s, _r, values in rows_of(data)]
    theirs = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()[1:]

    def plain(value: object) -> str | None:
        if value in (None, ""):
            return None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    assert [[plain(v) for v in row] for row in ours] == [[plain(v) for v in row] for row in theirs]


def test_the_row_template_path_agrees_with_the_cell_by_cell_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows in one repeated layout are read by one pattern per run (``_template``); a run with a row of
    another layout (a missing cell, a formula, an inline string, other attributes) falls back. Every
    value must be the same as without the template."""
    from alarfund.tracking import xlsx_source

    def row(r: int) -> str:
        if r < 3000 and r % 97 == 0:  # no courier cell (the first runs only)
            return (
                f'<row r="{r}"><c r="A{r}" t="s"><v>{r}</v></c><c r="C{r}" s="1"><v>{45000 + r}</v></c></row>'
            )
        if r < 3000 and r % 89 == 0:  # a formula's cached value, an inline string
            return (
                f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>YT{7000000000000 + r}</t></is></c>'
                f'<c r="B{r}" t="s"><v>0</v></c><c r="C{r}"><f>A1</f><v>{45000 + r}</v></c></row>'
            )
        kind = ' t="str"' if r < 3000 and r % 83 == 0 else ' t="s"'
        value = f"SF{1400000000000 + r}" if r < 3000 and r % 83 == 0 else str(r)
        return (
            f'<row r="{r}" spans="1:4"><c r="A{r}"{kind}><v>{value}</v></c><c r="B{r}" s="2" t="s"><v>{r % 3}</v></c>'
            f'<c r="C{r}" s="1"><v>{45000 + r}</v></c><c r="D{r}"><v>7</v></c></row>'
        )

    header = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>快递单号</t></is></c><c r="B1" t="inlineStr"><is><t>快递公司'
        '</t></is></c><c r="C1" t="inlineStr"><is><t>发货日期</t></is></c></row>'
    )
    last = 15_000  # several 1 MB runs
    strings = ["顺丰", "中通", "韵达", *[f"SF{1400000000000 + r}" for r in range(3, last)]]
    data = workbook([("S", header + "".join(row(r) for r in range(2, last)))], shared=strings)
    used: list[int] = []
    original = XlsxSource._template_rows

    def counting(self: XlsxSource, *args: Any) -> Any:
        result = original(self, *args)
        used.append(len(result or []))
        return result

    monkeypatch.setattr(XlsxSource, "_template_rows", counting)
    with_template = rows_of(data)
    assert sum(used) > 5000  # the template read most runs
    monkeypatch.setattr(xlsx_source, "_template", lambda body, letters: None)
    assert rows_of(data) == with_template
    assert len(with_template) == last - 2
    assert with_template[1] == ("S", 3, ["SF1400000000003", "顺丰", "45003"])
