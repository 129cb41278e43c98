"""Run a generator in a forked producer process and consume its items here.

The import reads, validates and prepares rows (CPU-bound Python) while the database
writer inserts the previous batch: two cores instead of one. The queue between them is
bounded (``depth`` items), so memory stays that of a few batches whatever the file size.
Items cross the process boundary as bytes made by ``encode`` (the import uses
``marshal``: for lists of tuples of strings and numbers it is two to three times cheaper
than pickle on both sides; it is safe here because only our own child writes them).
The child never touches the parent's database connection: it only runs ``make()`` and
exits with ``os._exit`` (multiprocessing's fork start method), so nothing of the
parent's state is closed or flushed twice.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import queue as queues
import traceback
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from scorecard.scorecards.exports.read import ExportError, FastReadRefused

T = TypeVar("T")
_ITEM, _DONE, _EXPORT_ERROR, _REFUSED, _FAILED = range(5)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while rows stream through (a producer forked inside
    inherits it): an import allocates millions of tuples and lists, none in reference
    cycles, and the collector's passes over them cost up to a quarter of its time.
    Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class ProducerFailed(RuntimeError):
    """The producer process raised (its traceback is the message) or died."""


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _produce(
    make: Callable[[], Iterator[Any]], encode: Callable[[Any], Any] | None, out: Any
) -> None:
    try:
        for item in make():
            out.put((_ITEM, item if encode is None else encode(item)))
        out.put((_DONE, None))
    except ExportError as exc:  # its errors pickle; the exception itself does not rebuild
        out.put((_EXPORT_ERROR, exc.errors))
    except FastReadRefused as exc:
        out.put((_REFUSED, str(exc)))
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises
        out.put((_FAILED, traceback.format_exc()))


def forked(
    make: Callable[[], Iterator[T]],
    *,
    depth: int = 4,
    encode: Callable[[T], Any] | None = None,
    decode: Callable[[Any], T] | None = None,
) -> Iterator[T]:
    """The items of ``make()``, computed in a forked child process, in order.

    ``encode`` runs in the child on each item and ``decode`` here on what it made.

    An ExportError or FastReadRefused in the child is raised again here; any other
    failure raises ProducerFailed. Stopping early (or an error here) kills the child.
    """
    ctx = multiprocessing.get_context("fork")
    channel = ctx.Queue(maxsize=depth)
    child = ctx.Process(target=_produce, args=(make, encode, channel), daemon=True)
    child.start()
    try:
        while True:
            try:
                kind, value = channel.get(timeout=1.0)
            except queues.Empty:
                if not child.is_alive() and channel.empty():
                    raise ProducerFailed(f"the producer process died ({child.exitcode})") from None
                continue
            if kind == _ITEM:
                yield value if decode is None else decode(value)
            elif kind == _DONE:
                return
            elif kind == _EXPORT_ERROR:
                raise ExportError(value)
            elif kind == _REFUSED:
                raise FastReadRefused(value)
            else:
                raise ProducerFailed(value)
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        channel.close()
        channel.join_thread()
