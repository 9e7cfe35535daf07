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


# -- the number of values --------------------------------------------------------------------------------------------


def test_a_text_of_tiny_arrays_is_refused_by_its_number_of_values() -> None:
    # Under every byte and depth limit: 838,000 `[[]]` in 4 MiB once took 300 MiB to parse.
    text = "[" + ",".join(["[[]]"] * 838_000) + "]"
    with pytest.raises(jsontext.JsonTooLarge) as caught:
        jsontext.loads(text)
    assert str(caught.value) == "holds more than 100,000 values (arrays, objects, strings and numbers)"
    with pytest.raises(jsontext.JsonTooLarge):
        jsontext.loads(text.encode())


def test_values_up_to_the_limit_parse() -> None:
    text = "[" + ",".join(["1"] * 99_999) + "]"  # the array and 99,999 numbers
    assert len(jsontext.loads(text)) == 99_999
    with pytest.raises(jsontext.JsonTooLarge):
        jsontext.loads("[" + ",".join(["1"] * 100_000) + "]")


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("1", 1),
        ("[]", 1),
        ("[[]]", 2),
        ("[[], {}]", 3),
        ('{"a": 1, "b": [2, 3]}', 5),
        ('["a,b,[c]", "{,}"]', 3),  # commas and brackets inside strings are text
        ('["say \\"a, b\\"", 2]', 3),  # and so are escaped quotes
    ],
)
def test_most_values_counts_values_without_parsing(text: str, values: int) -> None:
    assert jsontext.most_values(text) == values
    assert jsontext.most_values(text.encode()) == values


def test_a_long_string_full_of_commas_is_one_value() -> None:
    text = '{"instructions": "' + "a, " * 1_000_000 + '"}'
    assert jsontext.most_values(text) == 2
    assert len(jsontext.loads(text)["instructions"]) == 3_000_000


def test_the_limit_is_a_parameter() -> None:
    assert jsontext.loads("[1, 2, 3]", max_values=4) == [1, 2, 3]
    with pytest.raises(jsontext.JsonTooLarge, match="more than 3 values"):
        jsontext.loads("[1, 2, 3]", max_values=3)
