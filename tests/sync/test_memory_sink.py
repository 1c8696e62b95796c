"""The memory sink passes the sink contract, and it enforces etags like a server."""

from __future__ import annotations

import pytest
from sink_contract import SinkContract

from sync.sinks.contract import Item, PreconditionFailed, Storage
from sync.sinks.memory import MemorySink


class TestMemorySink(SinkContract):
    """The contract on :class:`MemorySink`."""

    @pytest.fixture
    def sink(self) -> MemorySink:
        return MemorySink()


def test_memory_sink_is_a_storage() -> None:
    """It has every operation and attribute of the contract."""
    assert isinstance(MemorySink(), Storage)


def test_the_runners_edit_changes_the_etag() -> None:
    """An edit behind hamsync's back makes hamsync's next write fail its precondition."""
    sink = MemorySink()
    href, etag = sink.create(Item("a@hamsync", "one"))
    sink.edit(href, "mine now")
    with pytest.raises(PreconditionFailed):
        sink.update(href, Item("a@hamsync", "two"), etag)
