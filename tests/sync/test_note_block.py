"""The marked note block keeps the runner's own description intact."""

from __future__ import annotations

from sync.sinks.note_block import BEGIN, END, existing_block, remove_block, upsert_block


def test_block_is_appended_after_the_runners_text() -> None:
    """The runner's words come first and survive unchanged."""
    text = upsert_block("Great day on the ridge.\nSore quads.", "hamsync: 1,240 m descent")
    assert text.startswith("Great day on the ridge.\nSore quads.\n\n")
    assert existing_block(text) == "hamsync: 1,240 m descent"


def test_resync_replaces_only_our_block_and_never_duplicates_it() -> None:
    """Writing twice leaves one block, with the newest text."""
    once = upsert_block("Mine.", "old note")
    twice = upsert_block(once, "new note")
    assert twice.count(BEGIN) == 1 and twice.count(END) == 1
    assert existing_block(twice) == "new note"
    assert remove_block(twice) == "Mine."


def test_empty_description_gets_only_the_block_and_removal_restores_empty() -> None:
    """No stray blank lines around a block alone."""
    text = upsert_block(None, "note")
    assert text == f"{BEGIN}\nnote\n{END}"
    assert remove_block(text) == ""
    assert existing_block("no block here") is None
