"""A CRM export as it arrives, before any validation (COURSE.md §8): a path, CSV text, the bytes of an
upload, a list of records or a DataFrame, read into a table of raw cells.

CSV text is UTF-8 (with or without a byte-order mark), or a Chinese Excel's GB18030 or Big5 export —
recognised by a header the import knows (:data:`~simlib.data.crm.aliases.COLUMN_ALIASES`); cells are
separated by ``,``, ``;`` or a tab (the one the header uses most). An ``.xlsx`` workbook is read when
openpyxl is installed. Every failure is a :class:`~simlib.base.schema.ScenarioError`, never a traceback.
"""
from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from simlib.base.schema import Issue, ScenarioError
from simlib.data.crm.aliases import COLUMN_ALIASES

__all__ = ["raw_table"]


def _decode(data: bytes, origin: str | None) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    known = set(COLUMN_ALIASES)
    for enc in ("gb18030", "big5"):     # a Chinese Excel's "CSV" export: keep the one whose header we know
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        head = text.split("\n", 1)[0]
        if sum(h.strip().strip('"').lower() in known for h in re.split(r"[,;\t]", head)) >= 3:
            return text
    raise ScenarioError.at("", "crm_encoding", file=origin or "CSV")


def _parse_csv(text: str, origin: str | None) -> pd.DataFrame:
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ScenarioError.at("", "crm_empty")
    head = text.split("\n", 1)[0]
    sep = max((",", ";", "\t"), key=head.count)
    try:
        # header=None: a row with more cells than the header is an error, not a silent index column
        table = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False,
                            skip_blank_lines=False, skipinitialspace=True, header=None, index_col=False)
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+), saw (\d+)", str(exc))
        exp = re.search(r"Expected (\d+) fields", str(exc))
        if m and exp:
            row, expected, got = int(m.group(1)), int(exp.group(1)), int(m.group(2))
            issue = Issue(f":{row}", "crm_fields", {"row": row, "expected": expected, "got": got})
            raise ScenarioError([issue], origin) from None
        raise ScenarioError([Issue("", "crm_csv", {"detail": str(exc).strip()})], origin) from None
    except (pd.errors.EmptyDataError, UnicodeError, ValueError) as exc:
        raise ScenarioError([Issue("", "crm_csv", {"detail": str(exc).strip()})], origin) from None
    header = [str(h) for h in table.iloc[0]]
    return pd.DataFrame(table.iloc[1:].to_numpy(), columns=header)


def _read_excel(data: bytes, origin: str | None) -> pd.DataFrame:
    try:
        df = pd.read_excel(io.BytesIO(data), dtype=str)
    except ImportError:
        raise ScenarioError.at("", "crm_excel", file=origin or "xlsx") from None
    except Exception:  # noqa: BLE001 - a damaged workbook: say so, never a traceback
        raise ScenarioError.at("", "crm_excel_bad", file=origin or "xlsx") from None
    return df.where(df.notna(), "")


def raw_table(source: Any) -> tuple[pd.DataFrame, str | None]:
    """The table as given, all cells as they are (CSV cells as text), and where it came from.

    Args:
        source: a file path, CSV text (``str`` holding a line break or a comma), ``bytes`` of a CSV
            (or ``.xlsx``) file, a file-like object (an upload), a list of records or a DataFrame.

    Returns:
        ``(table, origin)``: the header row as column names, and the file's name (None when unknown).

    Raises:
        ScenarioError: a missing file, an unknown encoding, a broken CSV or workbook, an empty table.

        >>> table, origin = raw_table("deal_id;rep\\nD1;R01")
        >>> table.values.tolist(), origin
        ([['D1', 'R01']], None)
    """
    if isinstance(source, pd.DataFrame):
        return source.copy(), None
    origin = None
    if hasattr(source, "read"):
        data = source.read()
        origin = getattr(source, "name", None)
        origin = str(origin) if isinstance(origin, (str, Path)) else None
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, Path)):
        text = str(source)
        is_text = isinstance(source, str) and ("\n" in text or not text.strip()
                                               or ("," in text and not Path(text).is_file()))
        if is_text:
            return _parse_csv(text, None), None
        path = Path(source)
        if not path.is_file():
            raise ScenarioError.at("", "crm_file_not_found", file=str(source))
        data, origin = path.read_bytes(), str(path)
    elif isinstance(source, Sequence) and all(isinstance(r, Mapping) for r in source):
        return pd.DataFrame(list(source)), None
    else:
        raise ScenarioError.at("", "crm_table", input=type(source).__name__)
    if isinstance(data, str):
        return _parse_csv(data, origin), origin
    data = bytes(data)
    if data[:4] == b"PK\x03\x04":
        return _read_excel(data, origin), origin
    return _parse_csv(_decode(data, origin), origin), origin
