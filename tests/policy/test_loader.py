"""The loader keeps where every key and value stands, and refuses what YAML lets slip."""

from __future__ import annotations

import pytest

from reconciler.policy.loader import MAX_NODES, LoadError, load_bytes


def test_values_come_back_typed_as_yaml_1_2_with_dates_and_times_as_text() -> None:
    doc = load_bytes(b"a: 1\nb: true\nc: ~\nd: 2026-01-05\nt: 10:00\ny: yes\nf: 1.5\n", "f.yaml")
    assert doc.data == {
        "a": 1,
        "b": True,
        "c": None,
        "d": "2026-01-05",
        "t": "10:00",
        "y": "yes",
        "f": 1.5,
    }


def test_every_key_and_value_has_a_one_based_position() -> None:
    doc = load_bytes(b"team:\n  members:\n    - email: a@example.com\n", "f.yaml")
    assert doc.key_positions[("team", "members")] == (2, 3)
    assert doc.value_positions[("team", "members", 0)] == (3, 7)
    assert doc.value_positions[("team", "members", 0, "email")] == (3, 14)


def test_a_position_falls_back_to_the_nearest_ancestor() -> None:
    doc = load_bytes(b"team:\n  name: x\n", "f.yaml")
    assert doc.position(("team", "members", 3, "email")) == (2, 3)


def test_a_byte_order_mark_is_accepted() -> None:
    assert load_bytes("\ufeffa: 1\n".encode(), "f.yaml").data == {"a": 1}


def test_duplicate_keys_name_both_places() -> None:
    with pytest.raises(LoadError) as caught:
        load_bytes(b"a: 1\nb:\n  c: 1\n  c: 2\n", "f.yaml")
    assert (caught.value.line, caught.value.column) == (4, 3)
    assert caught.value.message == "duplicate key 'c' (first defined at line 3)"


def test_aliases_are_expanded_but_only_so_far() -> None:
    ok = load_bytes(b"a: &x [1, 2]\nb: *x\n", "f.yaml")
    assert ok.data == {"a": [1, 2], "b": [1, 2]}
    bomb = "a: &a [" + ", ".join(["x"] * 200) + "]\nb: [" + ", ".join(["*a"] * 200) + "]\n"
    with pytest.raises(LoadError, match=f"more than {MAX_NODES:,} values"):
        load_bytes(bomb.encode(), "f.yaml")


def test_a_recursive_alias_does_not_hang() -> None:
    with pytest.raises(LoadError, match="nests deeper than 50 levels"):
        load_bytes(b"a: &a [*a]\n", "f.yaml")


def test_deep_nesting_is_refused_not_crashed_on() -> None:
    with pytest.raises(LoadError, match="nests deeper"):
        load_bytes(b"a: " + b"[" * 500 + b"]" * 500 + b"\n", "f.yaml")


def test_complex_keys_are_refused() -> None:
    with pytest.raises(LoadError, match="keys must be plain values"):
        load_bytes(b"? [a, b]\n: 1\n", "f.yaml")


def test_non_string_keys_are_kept_as_written() -> None:
    assert load_bytes(b"1: a\ntrue: b\n", "f.yaml").data == {"1": "a", "true": "b"}


def test_control_characters_are_reported_where_they_are() -> None:
    with pytest.raises(LoadError) as caught:
        load_bytes(b"team:\n  name: \x00x\n", "f.yaml")
    assert (caught.value.line, caught.value.column) == (2, 9)
    assert "U+0000" in caught.value.message
