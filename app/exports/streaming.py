"""The export response: streams a file built in a worker thread, and stops the work when the client leaves.

Starlette's ``StreamingResponse`` only notices a departed client when it next sends a chunk (ASGI
2.4 servers such as uvicorn): an XLSX sends nothing until the whole workbook is built, so a client
that gave up left the build running for minutes, its transaction open and its temporary files on
disk. Here a watcher waits for ``http.disconnect`` alongside the stream and sets the export's stop
event at once; the export checks it before each batch, so it ends within one batch. Whatever way
the response ends, the file generator is then closed in a worker thread (rolling back its
transaction, removing its temporary files) and the export's slot given back.
"""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator, Callable, Iterator, Mapping

import anyio
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from app.exports.limits import ExportCancelled, ExportSlot


def _next_chunk(chunks: Iterator[bytes]) -> bytes | None:
    """The next chunk, or None at the end, also when the export was stopped."""
    try:
        return next(chunks)
    except (StopIteration, ExportCancelled):
        return None


def _release(slot: ExportSlot, cleanup: Callable[[], None] | None) -> None:
    try:
        if cleanup is not None:
            cleanup()
    finally:
        slot.release()


class ExportResponse(StreamingResponse):
    """``cleanup`` runs once the response is over, after the generator is closed (a generator
    closed before its first chunk never ran its own ``finally``)."""

    def __init__(
        self,
        chunks: Iterator[bytes],
        slot: ExportSlot,
        *,
        media_type: str,
        headers: Mapping[str, str] | None = None,
        cleanup: Callable[[], None] | None = None,
    ) -> None:
        self._chunks = chunks
        self._slot = slot
        super().__init__(self._body(), media_type=media_type, headers=headers)
        # A response that is never sent (the request failed after it was built) still frees its slot.
        self._release = weakref.finalize(self, _release, slot, cleanup)

    async def _body(self) -> AsyncIterator[bytes]:
        while (chunk := await anyio.to_thread.run_sync(_next_chunk, self._chunks)) is not None:
            if chunk:
                yield chunk

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        failure: Exception | None = None
        try:
            async with anyio.create_task_group() as group:

                async def watch() -> None:
                    while (await receive())["type"] != "http.disconnect":
                        pass
                    self._slot.stop.set()
                    group.cancel_scope.cancel()

                async def stream() -> None:
                    nonlocal failure
                    try:
                        await self.stream_response(send)
                    except OSError:  # the server's "client disconnected" while a chunk was sent
                        self._slot.stop.set()
                    except Exception as exc:  # raised after the task group, not inside an exception group
                        failure = exc
                    group.cancel_scope.cancel()

                group.start_soon(watch)
                group.start_soon(stream)
        finally:
            # A cancelled worker call has already returned (anyio waits for the thread), so the
            # generator is not running and can be closed; shielded, as the caller may be cancelled.
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(self._finish)
        if failure is not None:
            raise failure

    def _finish(self) -> None:
        try:
            close = getattr(self._chunks, "close", None)
            if close is not None:
                close()
        finally:
            self._release()
