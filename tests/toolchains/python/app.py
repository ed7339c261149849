"""The `example:toolchains/guest` world in Python, built into a component by componentize-py
(scripts/build-toolchains.mjs). The bindings (`wit_world`) are generated at build time."""

import os
import re
import sys
import time
from typing import List, Optional, Tuple

from componentize_py_types import Err
from wit_world import exports
from wit_world.exports import api
from wit_world.imports import host


def _shout(word: str) -> str:
    # ASCII only, like the other guests: "é" stays as it is.
    return "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in word)


class Api(exports.Api):
    def toolchain(self) -> str:
        return "componentize-py"

    def greet(self, name: str) -> str:
        text = f"hello, {name}!"
        host.log(text)
        return text

    def sum(self, xs: List[int]) -> int:
        return sum(xs)

    def shout_reversed(self, words: List[str]) -> List[str]:
        return [_shout(w) for w in reversed(words)]

    def translate(self, p: api.Point, dx: int, dy: int) -> api.Point:
        def wrap(n: int) -> int:
            return (n + 2**31) % 2**32 - 2**31

        return api.Point(x=wrap(p.x + dx), y=wrap(p.y + dy), label=p.label + "'")

    def area(self, s: api.Shape) -> float:
        if isinstance(s, api.Shape_Circle):
            return s.value * s.value * 3
        if isinstance(s, api.Shape_Rect):
            return float(abs(s.value.x * s.value.y))
        return 0.0

    def parse_u32(self, s: str) -> int:
        if not re.fullmatch(r"[0-9]+", s, re.ASCII):
            raise Err(f"not a number: {s}")
        n = int(s)
        if n > 0xFFFFFFFF:
            raise Err(f"too big: {s}")
        return n

    def split_labelled(self, ps: List[api.Point]) -> Tuple[List[api.Point], int]:
        labelled = [p for p in ps if p.label != ""]
        return (labelled, len(ps) - len(labelled))

    def first_longer(self, words: List[str], min: int) -> Optional[str]:
        return next((w for w in words if len(w) > min), None)

    def print(self, text: str) -> None:
        print(text)
        sys.stdout.flush()

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000

    def random_bytes(self, n: int) -> bytes:
        return os.urandom(n)
