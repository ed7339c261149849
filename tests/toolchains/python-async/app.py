"""The `example:python-async/guest` world in Python: componentize-py's async support (exports are
coroutines run on its asyncio loop over the component model's callback ABI), built into a
component by scripts/build-toolchains.mjs. The bindings (`wit_world`) are generated at build time."""

import asyncio
from typing import List

import wit_world
from componentize_py_async_support import spawn
from componentize_py_async_support.futures import FutureReader
from componentize_py_async_support.streams import ByteStreamReader
from wit_world import exports
from wit_world.imports import host


class Api(exports.Api):
    async def greet(self, name: str) -> str:
        return f"{await host.fetch_greeting(name)}!"

    async def greet_all(self, names: List[str]) -> List[str]:
        # Every host call is a subtask in flight at once; gather keeps the order of `names`.
        return list(await asyncio.gather(*(host.fetch_greeting(n) for n in names)))

    async def count_bytes(self, data: ByteStreamReader) -> int:
        total = 0
        with data:
            while not data.writer_dropped:
                total += len(await data.read(4096))
        return total

    async def doubled_later(self, value: int) -> FutureReader[int]:
        writer, reader = wit_world.u32_future(lambda: 0)

        async def write() -> None:
            with writer:
                await writer.write(value * 2)

        spawn(write())
        return reader
