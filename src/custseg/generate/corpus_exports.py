"""A small corpus of foreign and bad transactions exports, for tests/python/test_bad_input_exports.py.

Each ``*_corpus()`` returns a :class:`Corpus`: the files (relative path -> bytes) of one ``DATASET=user`` build,
the mapping that reads them (the keys of macros/staging/user_mapping.sql) and what the build must give:
``expected_lines`` (source_file, source_row) -> (invoice_id, stock_code, customer_id, quantity, unit_price,
ordered_at as ISO text, country) for the lines loaded clean, ``expected_rejects`` (source_file, source_row) ->
reject_reason for the quarantined ones, or ``expected_error`` (fragments of the message) for a build that
must stop. Files of one corpus share one mapping, so one build checks several cases.

``german_export(lines)`` rewrites Online Retail CSV lines the way a German ERP writes them (``;``, ``01.12.2010
08:26``, ``2,55``, cp1252): the check that such an export gives the same ``customer_rfm`` as the original.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

HEADER = ["invoice_id", "stock_code", "product_description", "quantity", "unit_price", "ordered_at",
          "customer_id", "country"]


@dataclass
class Corpus:
    files: dict[str, bytes]
    mapping: dict
    expected_lines: dict = field(default_factory=dict)
    expected_rejects: dict = field(default_factory=dict)
    expected_error: list[str] = field(default_factory=list)


def _csv(rows, delimiter=",", newline="\n") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerows(rows)
    return out.getvalue()


def _line(invoice, code, quantity, price, when, customer="17850", country="United Kingdom", item="LANTERN"):
    return [invoice, code, item, quantity, price, when, customer, country]


def _expect(invoice, code, customer, quantity, price, when, country="United Kingdom"):
    return (invoice, code, customer, quantity, price, when, country)


def cleaning_corpus() -> Corpus:
    """One build, comma-separated UTF-8, several files: padded keys, implausible dates and numbers, US dates
    under a d/m-first format list, mixed LF/CRLF, lines with too many / too few fields, a line over
    max_line_size, an unterminated quote on the last line, and currency symbols."""
    mapping = {"path": "corpus/*.csv", "max_line_size": 1_000_000, "currency_symbols": ["£", "$"],
               "date_formats": ["%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M", "%Y-%m-%d %H:%M:%S"]}
    files: dict[str, bytes] = {}
    lines: dict = {}
    rejects: dict = {}

    # (5) keys padded with spaces are trimmed before classification (not non_product_stock_code).
    files["corpus/padded.csv"] = _csv([HEADER, _line(" 536365 ", "  85123A ", "6", "2.55", "2010-12-01 08:26:00",
                                                     " 17850 ", " United Kingdom ")]).encode()
    lines[("corpus/padded.csv", 1)] = _expect("536365", "85123A", "17850", 6.0, 2.55, "2010-12-01T08:26:00")

    # (4) dates outside the window and non-finite / huge numbers are quarantined; the as-of date stays put.
    rows = [HEADER, _line("536400", "22633", "6", "1.85", "2011-12-09 12:50:00"),
            _line("536401", "22633", "6", "1.85", "2999-12-31 00:00:00"),
            _line("536402", "22633", "6", "1.85", "1900-01-01 00:00:00"),
            _line("536403", "22633", "NaN", "1.85", "2011-01-01 10:00:00"),
            _line("536404", "22633", "6", "Infinity", "2011-01-01 10:00:00"),
            _line("536405", "22633", "1e308", "1.85", "2011-01-01 10:00:00"),
            _line("536406", "22633", "-Infinity", "1.85", "2011-01-01 10:00:00")]
    files["corpus/plausible.csv"] = _csv(rows).encode()
    lines[("corpus/plausible.csv", 1)] = _expect("536400", "22633", "17850", 6.0, 1.85, "2011-12-09T12:50:00")
    rejects.update({("corpus/plausible.csv", 2): "implausible_date", ("corpus/plausible.csv", 3): "implausible_date",
                    ("corpus/plausible.csv", 4): "implausible_quantity", ("corpus/plausible.csv", 5): "implausible_unit_price",
                    ("corpus/plausible.csv", 6): "implausible_quantity", ("corpus/plausible.csv", 7): "implausible_quantity"})

    # (6) US dates with the d/m format listed first: one format per file, the one that reads every date.
    rows = [HEADER]
    for day in range(1, 21):
        rows.append(_line(f"5370{day:02d}", "21730", "2", "4.25", f"3/{day}/2011 09:{day:02d}", customer="12583",
                          country="France"))
        lines[("corpus/us_dates.csv", day)] = _expect(f"5370{day:02d}", "21730", "12583", 2.0, 4.25,
                                               f"2011-03-{day:02d}T09:{day:02d}:00", "France")
    files["corpus/us_dates.csv"] = _csv(rows).encode()

    # Mixed LF / CRLF line ends load; a line with too many or too few fields is quarantined by itself.
    text = (_csv([HEADER], newline="\r\n") + _csv([_line("536500", "84029G", "8", "3.39", "2010-12-01 08:34:00")])
            + _csv([_line("536501", "84029E", "8", "3.39", "2010-12-01 08:35:00")], newline="\r\n")
            + "536502,84029E,LANTERN,8,3.39,2010-12-01 08:36:00,17850,United Kingdom,extra\n"
            + "536503,84029E,LANTERN,8\n"
            + _csv([_line("536504", "84029E", "8", "3.39", "2010-12-01 08:37:00")]))
    files["corpus/newlines.csv"] = text.encode()
    lines[("corpus/newlines.csv", 1)] = _expect("536500", "84029G", "17850", 8.0, 3.39, "2010-12-01T08:34:00")
    lines[("corpus/newlines.csv", 2)] = _expect("536501", "84029E", "17850", 8.0, 3.39, "2010-12-01T08:35:00")
    rejects[("corpus/newlines.csv", 3)] = "unparseable_line: too many columns"
    rejects[("corpus/newlines.csv", 4)] = "unparseable_line: missing columns"
    lines[("corpus/newlines.csv", 5)] = _expect("536504", "84029E", "17850", 8.0, 3.39, "2010-12-01T08:37:00")

    # A line over max_line_size and an unterminated quote on the last line: quarantined, the rest loads.
    text = (_csv([HEADER, _line("536600", "22752", "2", "7.65", "2010-12-01 08:26:00"),
                  _line("536601", "22752", "2", "7.65", "2010-12-01 08:27:00", item="X" * 1_200_000),
                  _line("536602", "22752", "2", "7.65", "2010-12-01 08:28:00")])
            + '536603,22752,"UNTERMINATED,2,7.65,2010-12-01 08:29:00,17850,United Kingdom\n')
    files["corpus/broken_lines.csv"] = text.encode()
    lines[("corpus/broken_lines.csv", 1)] = _expect("536600", "22752", "17850", 2.0, 7.65, "2010-12-01T08:26:00")
    rejects[("corpus/broken_lines.csv", 2)] = "unparseable_line: line size over maximum"
    lines[("corpus/broken_lines.csv", 3)] = _expect("536602", "22752", "17850", 2.0, 7.65, "2010-12-01T08:28:00")
    rejects[("corpus/broken_lines.csv", 4)] = "unparseable_line: missing columns"

    # Currency symbols before or after the number.
    files["corpus/currency.csv"] = _csv([HEADER, _line("536700", "21754", "3", "£2.55", "2010-12-01 09:00:00"),
                                         _line("536701", "21754", "3", "2.55 $", "2010-12-01 09:01:00")]).encode()
    lines[("corpus/currency.csv", 1)] = _expect("536700", "21754", "17850", 3.0, 2.55, "2010-12-01T09:00:00")
    lines[("corpus/currency.csv", 2)] = _expect("536701", "21754", "17850", 3.0, 2.55, "2010-12-01T09:01:00")
    return Corpus(files, mapping, lines, rejects)


GERMAN_HEADER = ["Belegnummer", "Artikel", "Bezeichnung", "Menge", "Einzelpreis", "Belegdatum", "Kunde", "Land"]
GERMAN_COLUMNS = {"invoice_id": "Belegnummer", "stock_code": "Artikel", "product_description": "Bezeichnung",
                  "quantity": "Menge", "unit_price": "Einzelpreis", "ordered_at": "Belegdatum",
                  "customer_id": "Kunde", "country": "Land"}


def german_erp_corpus() -> Corpus:
    """A German ERP export: ``;``, decimal comma, thousands dot, ``2,55 €``, a trailing minus, ``01.12.2010
    08:26``, UTF-8 with a byte-order mark; a price ``2.55`` (a dot where only thousands groups may have one) is
    invalid, not 255."""
    mapping = {"path": "erp/*.csv", "delimiter": ";", "encoding": "utf-8", "decimal_separator": ",",
               "thousands_separator": ".", "currency_symbols": ["€", "EUR"], "date_formats": ["%d.%m.%Y %H:%M"],
               "columns": GERMAN_COLUMNS}
    rows = [GERMAN_HEADER,
            ["536365", "85123A", "Windlicht Müller", "6", "2,55 €", "01.12.2010 08:26", "17850", "Deutschland"],
            ["536366", "22633", "Handwärmer", "1.200", "1.234,50", "13.12.2010 09:00", "17850", "Deutschland"],
            ["C536367", "22633", "Handwärmer", "6-", "1,85 EUR", "14.12.2010 10:00", "17850", "Deutschland"],
            ["536368", "22633", "Handwärmer", "6", "2.55", "15.12.2010 10:00", "17850", "Deutschland"]]
    files = {"erp/export.csv": ("\ufeff" + _csv(rows, delimiter=";", newline="\r\n")).encode("utf-8")}
    lines = {("erp/export.csv", 1): _expect("536365", "85123A", "17850", 6.0, 2.55, "2010-12-01T08:26:00", "Deutschland"),
             ("erp/export.csv", 2): _expect("536366", "22633", "17850", 1200.0, 1234.5, "2010-12-13T09:00:00",
                                        "Deutschland"),
             ("erp/export.csv", 3): _expect("C536367", "22633", "17850", -6.0, 1.85, "2010-12-14T10:00:00",
                                        "Deutschland")}
    return Corpus(files, mapping, lines, {("erp/export.csv", 4): "invalid_unit_price"})


def encodings_corpus() -> Corpus:
    """Excel "Unicode text" (UTF-16 LE with BOM, tab-separated, CRLF) from a German Excel (decimal comma)."""
    mapping = {"path": "excel/*.txt", "delimiter": "\t", "encoding": "utf-16", "decimal_separator": ",",
               "date_formats": ["%d.%m.%Y %H:%M"]}
    rows = [HEADER, _line("536365", "85123A", "6", "2,55", "01.12.2010 08:26", item="Straße"),
            _line("536366", "22633", "6", "1,85", "01.12.2010 08:28", item="Café")]
    files = {"excel/unicode.txt": _csv(rows, delimiter="\t", newline="\r\n").encode("utf-16")}
    lines = {("excel/unicode.txt", 1): _expect("536365", "85123A", "17850", 6.0, 2.55, "2010-12-01T08:26:00"),
             ("excel/unicode.txt", 2): _expect("536366", "22633", "17850", 6.0, 1.85, "2010-12-01T08:28:00")}
    return Corpus(files, mapping, lines)


def shopify_corpus() -> Corpus:
    """ISO 8601 dates with ``T`` and ``Z`` / ``+01:00`` / ``-0500`` offsets, read as UTC; ``$`` prices."""
    mapping = {"path": "shopify/orders_export.csv", "currency_symbols": ["$"],
               "date_formats": ["%Y-%m-%dT%H:%M:%S%z"],
               "columns": {"invoice_id": "Name", "stock_code": "Lineitem sku", "product_description": "Lineitem name",
                           "quantity": "Lineitem quantity", "unit_price": "Lineitem price",
                           "ordered_at": "Created at", "customer_id": "Email", "country": "Billing Country"}}
    header = ["Name", "Email", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem sku",
              "Billing Country"]
    rows = [header, ["#1001", "a@example.com", "2010-12-01T08:26:00Z", "2", "Mug", "$12.50", "10001", "US"],
            ["#1002", "a@example.com", "2010-12-01T09:26:00+01:00", "1", "Mug", "$12.50", "10001", "DE"],
            ["#1003", "b@example.com", "2010-12-01T03:26:00-0500", "1", "Cap", "$1,250.00", "10002", "US"]]
    files = {"shopify/orders_export.csv": _csv(rows).encode()}
    lines = {("shopify/orders_export.csv", 1): _expect("#1001", "10001", "a@example.com", 2.0, 12.5, "2010-12-01T08:26:00",
                                               "US"),
             ("shopify/orders_export.csv", 2): _expect("#1002", "10001", "a@example.com", 1.0, 12.5, "2010-12-01T08:26:00",
                                               "DE")}
    # '$1,250.00' with no thousands separator in the mapping is not a number: quarantined, not 1.25.
    return Corpus(files, mapping, lines, {("shopify/orders_export.csv", 3): "invalid_unit_price"})


def cp1252_corpus() -> Corpus:
    """A Windows (cp1252) export with umlauts and £ (bytes in latin-1's range), the euro sign and curly quotes
    (bytes 0x80-0x9F, where cp1252 and latin-1 differ) and a header holding ``"``."""
    header = ["invoice_id", "stock_code", 'product "description"', "quantity", "unit_price", "ordered_at",
              "customer_id", "country"]
    mapping = {"path": "windows/export.csv", "encoding": "cp1252", "currency_symbols": ["£", "€"],
               "columns": {"product_description": 'product "description"'}}
    rows = [header, _line("536365", "85123A", "6", "£2.55", "2010-12-01 08:26:00", item="Größe"),
            _line("536366", "22633", "6", "£1.85", "2010-12-01 08:28:00", country="Österreich"),
            _line("536367", "22634", "2", "3.10 €", "2010-12-01 08:29:00", item="“Herz” – rot")]
    files = {"windows/export.csv": _csv(rows).encode("cp1252")}
    lines = {("windows/export.csv", 1): _expect("536365", "85123A", "17850", 6.0, 2.55, "2010-12-01T08:26:00"),
             ("windows/export.csv", 2): _expect("536366", "22633", "17850", 6.0, 1.85, "2010-12-01T08:28:00", "Österreich"),
             ("windows/export.csv", 3): _expect("536367", "22634", "17850", 2.0, 3.10, "2010-12-01T08:29:00")}
    return Corpus(files, mapping, lines)


def stopping_corpora() -> dict[str, Corpus]:
    """Inputs that must stop the build, each with the fragments its message must hold (file, column or line, fix).
    An unterminated quote on the last line is quarantined (cleaning_corpus); one before other lines would swallow
    them into its field, so it stops the build instead of losing them."""
    good = _line("536365", "85123A", "6", "2.55", "2010-12-01 08:26:00")
    duplicate = HEADER[:7] + ["Quantity"]  # the country column also named quantity
    mixed = [HEADER, _line("536365", "85123A", "6", "2.55", "13/01/2011 08:26"),
             _line("536366", "85123A", "6", "2.55", "01/13/2011 08:26")]
    return {
        "duplicate_header": Corpus(
            {"user/transactions.csv": _csv([duplicate, good]).encode()}, {},
            expected_error=["transactions.csv", "2 columns named 'quantity'", "rename the columns"]),
        "header_only": Corpus(
            {"user/transactions.csv": _csv([HEADER]).encode()}, {},
            expected_error=["transactions.csv", "has a header line but no data line"]),
        "mixed_date_formats": Corpus(
            {"user/transactions.csv": _csv(mixed).encode()},
            {"date_formats": ["%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M"]},
            expected_error=["transactions.csv", "'ordered_at'", "no single date format parses every date",
                            "%d/%m/%Y %H:%M parses 1", "%m/%d/%Y %H:%M parses 1", "of 2"]),
        "unterminated_quote_mid_file": Corpus(
            {"user/transactions.csv": (_csv([HEADER, good]) + '536366,"85123A,LANTERN,6,2.55,2010-12-01 08:27:00,17850,UK\n'
                                       + _csv([good, good])).encode()}, {},
            expected_error=["transactions.csv': a quote", "on data line 2 or before is never closed", "close the quote"]),
        "cp1252_declared_latin1": Corpus(
            {"user/transactions.csv": _csv([HEADER, _line("536365", "85123A", "6", "2.55 €", "2010-12-01 08:26:00")]
                                           ).encode("cp1252")},
            {"encoding": "latin-1", "currency_symbols": ["€"]},
            expected_error=["transactions.csv", "bytes 0x80-0x9F", "set encoding: cp1252"]),
        "cp1252_undefined_byte": Corpus(
            {"user/transactions.csv": _csv([HEADER, _line("536365", "85123A", "6", "2.55", "2010-12-01 08:26:00")]
                                           ).encode("cp1252") + b"536366,85123A,LANTERN\x81,6,2.55,2010-12-01 08:27:00,17850,UK\n"},
            {"encoding": "cp1252"},
            expected_error=["transactions.csv' line 3", "byte 0x81 is not a cp1252 character", "export the file again"]),
    }


def german_export(lines: list[str]) -> bytes:
    """Online Retail CSV lines (header first, ISO dates) as a German ERP writes them: ``;`` separator, dates
    ``01.12.2010 08:26`` (the seconds of the source are always 00), decimal comma, cp1252."""
    rows = list(csv.reader(lines))
    header, body = rows[0], rows[1:]
    date_at, price_at, quantity_at = header.index("InvoiceDate"), header.index("UnitPrice"), header.index("Quantity")
    out = [header]
    for row in body:
        row = list(row)
        iso = row[date_at]
        if iso[17:19] != "00":
            raise ValueError(f"german_export: {iso} has seconds, which %d.%m.%Y %H:%M would drop")
        row[date_at] = f"{iso[8:10]}.{iso[5:7]}.{iso[0:4]} {iso[11:16]}"
        row[price_at] = row[price_at].replace(".", ",")
        row[quantity_at] = row[quantity_at].replace(".", ",")
        out.append(row)
    return _csv(out, delimiter=";", newline="\r\n").encode("cp1252")
