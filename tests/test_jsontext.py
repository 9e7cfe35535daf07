"""Strict, bounded JSON from outside: what is refused, and that the refusal is a sentence, never a crash."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from realtime_gui import jsontext
from realtime_gui.jsontext import JsonTextError


def test_plain_json_parses() -> None:
    assert jsontext.loads('{"a": [1, 2.5, "x", null, true]}') == {"a": [1, 2.5, "x", None, True]}


@pytest.mark.parametrize("text", ["NaN", "[Infinity]", '{"speed": -Infinity}'])
def test_nan_and_infinity_are_refused(text: str) -> None:
    with pytest.raises(JsonTextError, match="JSON does not allow"):
        jsontext.loads(text)


@pytest.mark.parametrize("text", ["1e400", "[-1e999]", '{"t": 1.5e309}'])
def test_a_number_too_large_for_a_float_is_refused(text: str) -> None:
    # Python reads these as inf, which would go out again as `Infinity`.
    with pytest.raises(JsonTextError, match="which is too large; use a finite number"):
        jsontext.loads(text)


def test_nesting_past_the_limit_is_refused_and_within_it_accepted() -> None:
    assert jsontext.loads("[" * 64 + "]" * 64) is not None
    with pytest.raises(JsonTextError, match="nested too deeply"):
        jsontext.loads("[" * 65 + "]" * 65)


def test_pathological_nesting_is_a_sentence_not_a_recursion_error() -> None:
    with pytest.raises(JsonTextError, match="nested too deeply"):
        jsontext.loads("[" * 100_000 + "]" * 100_000)


def test_syntax_errors_say_where() -> None:
    with pytest.raises(JsonTextError, match=r"line 1 column 6"):
        jsontext.loads('{"a" 1}')


def test_an_integer_past_pythons_digit_limit_is_refused() -> None:
    with pytest.raises(JsonTextError, match="not valid JSON"):
        jsontext.loads("1" * 5000)


def test_depth_counts_lists_and_objects() -> None:
    assert jsontext.depth(1) == 0
    assert jsontext.depth({"a": [{"b": 1}]}) == 3


def test_read_file_reads_a_small_regular_file(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"x": 1}', encoding="utf-8")
    assert jsontext.read_file(path, max_bytes=100) == '{"x": 1}'


def test_read_file_refuses_a_large_file(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 2048)
    with pytest.raises(OSError, match="larger than 1 KiB"):
        jsontext.read_file(path, max_bytes=1024)


def test_read_file_refuses_devices_and_pipes_without_blocking(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="not a regular file"):
        jsontext.read_file("/dev/zero", max_bytes=1024)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        jsontext.read_file(fifo, max_bytes=1024)


def test_read_file_refuses_binary(tmp_path: Path) -> None:
    path = tmp_path / "bin.json"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(OSError, match="not UTF-8"):
        jsontext.read_file(path, max_bytes=1024)
