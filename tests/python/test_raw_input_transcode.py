"""The UTF-8 copy of a cp1252 export: exact, line for line, made once per content, and a clear stop on a byte
cp1252 does not define."""

from __future__ import annotations

import gzip

import pytest

from custseg.raw_input import transcode

TEXT = "Beleg;Preis\r\n1;2,55 €\n2;“Größe” – 3\r\n"


def test_copy_is_the_file_decoded_with_every_line_end_kept(tmp_path):
    raw = tmp_path / "export.csv"
    raw.write_bytes(TEXT.encode("cp1252"))
    copy = transcode.utf8_copy(raw, "cp1252", tmp_path / "copies")
    assert open(copy, encoding="utf-8", newline="").read() == TEXT
    assert transcode.utf8_copy(raw, "cp1252", tmp_path / "copies") == copy  # the same content: the same copy
    raw.write_bytes(TEXT.replace("2,55", "2,56").encode("cp1252"))
    assert transcode.utf8_copy(raw, "cp1252", tmp_path / "copies") != copy  # changed content: a new copy


def test_gzip_file_is_decompressed(tmp_path):
    raw = tmp_path / "export.csv.gz"
    raw.write_bytes(gzip.compress(TEXT.encode("cp1252")))
    copy = transcode.utf8_copy(raw, "cp1252", tmp_path / "copies")
    assert open(copy, encoding="utf-8", newline="").read() == TEXT


def test_undefined_byte_names_file_and_line(tmp_path):
    raw = tmp_path / "export.csv"
    raw.write_bytes(TEXT.encode("cp1252") + b"3;\x81\n")
    with pytest.raises(transcode.UndecodableFile, match=r"export.csv' line 4: byte 0x81 is not a cp1252 character"):
        transcode.utf8_copy(raw, "cp1252", tmp_path / "copies")
    assert not list((tmp_path / "copies").iterdir())  # no partial copy left
