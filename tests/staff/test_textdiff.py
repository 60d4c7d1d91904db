"""Old and new side by side: words, list items and single values marked where they differ."""

from __future__ import annotations

from app.staff.textdiff import compare


def test_texts_differ_word_by_word() -> None:
    diff = compare("Ensure access to care.", "Ensure free access to health care!")
    assert diff.old == [("same", "Ensure access to care"), ("del", ".")]
    assert diff.new == [
        ("same", "Ensure"),
        ("ins", " free"),
        ("same", " access to "),
        ("ins", "health "),
        ("same", "care"),
        ("ins", "!"),
    ]
    assert not diff.old_missing and not diff.new_missing


def test_lists_mark_the_items_removed_and_added() -> None:
    diff = compare(["Children", "Justice"], ["Justice", "Detention"])
    assert diff.old == [("del", "Children"), ("same", ", Justice")]
    assert diff.new == [("same", "Justice, "), ("ins", "Detention")]


def test_values_that_appear_or_go() -> None:
    added = compare(None, "CRC/C/PER/CO/6")
    assert added.old == [] and added.old_missing and added.new == [("ins", "CRC/C/PER/CO/6")]
    assert compare(False, True).old == [("del", "false")]
    assert compare(3, 4).new == [("ins", "4")]
    gone = compare(["5"], [])
    assert gone.new_missing and gone.old == [("del", "5")]
