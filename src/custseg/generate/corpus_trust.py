"""Small bad inputs for the build's trust checks (issue 16): raw files changed after they were loaded, damaged
gzip files, two exports with the same name in two folders. Each function writes or alters one input and says
what it changed, so a test can assert the exact outcome (``tests/python/test_bad_input_trust.py``).

``python -m custseg.generate.corpus_trust --out DIR`` writes every case under ``DIR/<case>/`` (a raw data folder
each), with the altered copy beside the original where the case is a change.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
from pathlib import Path

import duckdb

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
USER_HEADER = "invoice_id,stock_code,product_description,quantity,unit_price,ordered_at,customer_id,country\n"


def retail_lines(count: int, start: int = 0) -> list[str]:
    """``count`` clean Online Retail lines (quantity 6, distinct invoices and stock codes), from line ``start``."""
    return [f"{536365 + i},{22000 + i},ITEM {i},6,2010-12-01 08:{i % 60:02d}:00,2.55,{17850 + i % 7}.0,"
            f"United Kingdom\n" for i in range(start, start + count)]


def user_lines(count: int, start: int = 0) -> list[str]:
    """``count`` clean lines of a user export with the canonical header names (USER_HEADER)."""
    return [f"INV{1000 + i},{22000 + i},ITEM {i},3,1.25,2024-03-{1 + i % 28:02d} 10:00:00,C{100 + i % 5},DE\n"
            for i in range(start, start + count)]


def write_retail_csv(raw_dir: Path, lines: list[str], name: str = "online_retail/online_retail.csv") -> Path:
    """An Online Retail CSV under ``raw_dir`` (``.gz`` names are gzip-compressed, stored: no deflate, so a
    flipped bit changes one character and only the CRC can tell)."""
    path = raw_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (HEADER + "".join(lines)).encode()
    if path.suffix == ".gz":
        with gzip.open(path, "wb", compresslevel=0) as handle:
            handle.write(data)
    else:
        path.write_bytes(data)
    return path


def write_same_name_in_two_folders(raw_dir: Path, name: str = "orders.csv", lines: int = 3) -> list[Path]:
    """Two user exports with the same file name in two folders (``2023/`` and ``2024/``), different lines."""
    paths = []
    for year, start in (("2023", 0), ("2024", lines)):
        path = raw_dir / "exports" / year / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(USER_HEADER + "".join(user_lines(lines, start)))
        paths.append(path)
    return paths


def flip_quantity_bit_in_gzip(path: Path) -> tuple[int, int]:
    """Flip the lowest bit of the first quantity digit of the middle data line in a stored gzip file
    (``6`` -> ``7``): the text stays a valid CSV, only the gzip CRC-32 shows the damage.
    Returns (byte offset, line number) of the change."""
    raw = bytearray(path.read_bytes())
    text = gzip.decompress(bytes(raw)).decode()
    lines = text.splitlines(keepends=True)
    middle = len(lines) // 2
    quantity_at = sum(len(line) for line in lines[:middle]) + lines[middle].index(",6,") + 1
    needle = text[quantity_at - 20:quantity_at + 1].encode()
    offset = raw.index(needle) + 20
    raw[offset] ^= 0x01
    path.write_bytes(bytes(raw))
    return offset, middle


def truncate(path: Path, keep: float = 0.5) -> int:
    """Cut ``path`` to ``keep`` of its bytes; returns the new size."""
    data = path.read_bytes()
    size = int(len(data) * keep)
    path.write_bytes(data[:size])
    return size


def change_middle_quantity_csv(path: Path) -> int:
    """Change the quantity of the middle data line of a CSV in place (same size: one digit); returns its line
    number (1-based, header not counted)."""
    lines = path.read_text().splitlines(keepends=True)
    middle = len(lines) // 2
    fields = lines[middle].split(",")
    fields[3] = str((int(fields[3]) + 1) % 10)
    lines[middle] = ",".join(fields)
    path.write_text("".join(lines))
    return middle


def change_middle_quantity_parquet(path: Path) -> int:
    """Rewrite a Parquet part with the quantity of its middle row plus one (every other value as it was);
    returns that row's number (1-based)."""
    con = duckdb.connect()
    rows = con.execute(f"select count(*) from read_parquet('{path}')").fetchone()[0]
    middle = rows // 2
    changed = path.with_name(f".{path.name}.changed")
    con.execute(f"""
        copy (
            select * exclude (file_row_number)
                replace (case when file_row_number = {middle} then quantity + 1 else quantity end as quantity)
            from read_parquet('{path}', file_row_number = true)
            order by file_row_number
        ) to '{changed}' (format parquet)""")
    con.close()
    changed.replace(path)
    return middle + 1


def write_corpus(out: Path) -> list[Path]:
    """Every case of this corpus under ``out``; returns the case folders."""
    cases = []
    gz = write_retail_csv(out / "gzip_flipped_bit", retail_lines(21), "online_retail/online_retail.csv.gz")
    flip_quantity_bit_in_gzip(gz)
    cases.append(out / "gzip_flipped_bit")
    gz = write_retail_csv(out / "gzip_truncated", retail_lines(21), "online_retail/online_retail.csv.gz")
    truncate(gz)
    cases.append(out / "gzip_truncated")
    csv = write_retail_csv(out / "csv_middle_line_changed", retail_lines(21))
    shutil.copy(csv, csv.with_name("online_retail.loaded.csv"))
    change_middle_quantity_csv(csv)
    cases.append(out / "csv_middle_line_changed")
    write_same_name_in_two_folders(out / "same_name_two_folders")
    cases.append(out / "same_name_two_folders")
    return cases


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    for case in write_corpus(parser.parse_args(argv).out):
        print(case)


if __name__ == "__main__":
    main()
