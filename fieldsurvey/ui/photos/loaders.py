"""Loaders that fetch thumbnails and pictures from the village store on its worker thread."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject

from fieldsurvey.ui.context import AppContext


def thumb_loader(
    ctx: AppContext, owner: QObject
) -> Callable[[Sequence[str], Callable[[dict[str, bytes]], None]], None]:
    def load(hashes: Sequence[str], done: Callable[[dict[str, bytes]], None]) -> None:
        wanted = list(hashes)

        def op(env: Any) -> dict[str, bytes]:
            return {h: env.store.photos.thumbnail(h) or b"" for h in wanted}

        ctx.ops.run(op, owner=owner, on_done=done, name="photo thumbnails")

    return load


def photo_loader(ctx: AppContext, owner: QObject) -> Callable[[str, Callable[[bytes], None]], None]:
    def load(sha: str, done: Callable[[bytes], None]) -> None:
        ctx.ops.run(lambda env: env.store.photos.jpeg(sha), owner=owner, on_done=done, name="photo")

    return load
