"""The test server's embedding function, for the store's semantic index.

``langgraph.json`` names it (``"store": {"index": {"embed": "./embeddings.py:aembed_texts"}}``),
as the semantic-search guide names a custom one. Deterministic and offline: each word of a
text (lower-cased, letters only) adds 1 to one of ``DIMS`` dimensions chosen by its SHA-256,
and the vector is scaled to length 1. Texts that share words are close, so a search by
meaning ranks "I have a cat" first for "which cat do I have?".
"""

from __future__ import annotations

import hashlib
import math
import re

#: The vectors' length (``"dims"`` in ``langgraph.json``).
DIMS = 64


def _embed(text: str) -> list[float]:
    vector = [0.0] * DIMS
    for word in re.findall(r"[a-z]+", text.lower()):
        digest = hashlib.sha256(word.encode()).digest()
        vector[int.from_bytes(digest[:4], "big") % DIMS] += 1.0
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


async def aembed_texts(texts: list[str]) -> list[list[float]]:
    """One vector per text (the server awaits it for every item put and every query)."""
    return [_embed(text) for text in texts]
