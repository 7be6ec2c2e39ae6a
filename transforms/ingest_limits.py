"""What one landing file may cost (IngestLimits), and gzip inflated within those limits."""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Iterator

_CHUNK = 1 << 20
MiB = 1 << 20


class UnreadableFile(ValueError):
    """Raised when a file's bytes cannot become article text; the message is the reason."""


@dataclass(frozen=True)
class IngestLimits:
    """What one landing file may cost; a file over a limit is quarantined with the limit as its reason.

    The defaults load every real news article while keeping one document to tens of MB of
    memory and about a minute of work (measured on a shared core, both linear: clean about 7 s
    and tag about 60 s per million characters of article text; HTML extraction 1.3 s for 1 MB
    of markup, 12 s for 5 MB). Peak memory of a run then stays under 2 GB (tests/test_bad_inputs.py).

    - max_file_bytes (16 MiB): the heaviest news pages are a few MB of HTML. A larger file is
      hashed in chunks (its doc_id is still the sha256 of its bytes) but never read, so a 50 MB
      or 2 GB file costs no memory and no parsing.
    - max_decompressed_bytes (16 MiB): the same bound for what a gzip holds. Gzip is inflated in
      chunks and stops here, so a bomb (1 MB expanding to 1 GB) costs at most this much memory.
    - max_compression_ratio (100) and ratio_floor_bytes (1 MiB): text and HTML deflate 3 to 15
      times; output over 100 times the compressed bytes read is a bomb, stopped as soon as it
      shows. Below 1 MiB of output the ratio is not held against a file: small files cost nothing.
    - max_body_chars (1,000,000, spaCy's own max_length): the longest article body kept. A plain
      text over it is refused before cleaning (its body is part of its text); an HTML page's
      extracted body over it is refused by clean. A 1.5 M-character article is quarantined in
      seconds instead of a minute and more of tagging.
    """

    max_file_bytes: int = 16 * MiB
    max_decompressed_bytes: int = 16 * MiB
    max_compression_ratio: float = 100.0
    ratio_floor_bytes: int = 1 * MiB
    max_body_chars: int = 1_000_000


def gunzip(chunks: Iterator[bytes] | list[bytes], limits: IngestLimits = IngestLimits()) -> bytes:
    """Inflate gzip data (all members) read in chunks, stopping as soon as a limit is passed.

    Raises UnreadableFile for corrupt data, output over limits.max_decompressed_bytes, or output
    over limits.max_compression_ratio times the compressed bytes read so far (beyond
    limits.ratio_floor_bytes of output).
    """
    out = bytearray()
    read = 0
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        for chunk in chunks:
            read += len(chunk)
            while chunk:
                if inflater.eof:
                    if not chunk.strip(b"\x00"):
                        break  # zero padding after the last member
                    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # the next member
                out += inflater.decompress(chunk, limits.max_decompressed_bytes + 1 - len(out))
                _check_inflated(len(out), read, limits)
                chunk = inflater.unused_data if inflater.eof else inflater.unconsumed_tail
        out += inflater.flush()
        _check_inflated(len(out), read, limits)
    except zlib.error as exc:
        raise UnreadableFile(f"corrupt gzip: {exc}") from exc
    if not inflater.eof:
        raise UnreadableFile("corrupt gzip: compressed data ends before the end-of-stream marker")
    return bytes(out)


def _check_inflated(size: int, read: int, limits: IngestLimits) -> None:
    if size > limits.max_decompressed_bytes:
        raise UnreadableFile(f"gzip expands past the decompressed size limit of {limits.max_decompressed_bytes} bytes")
    if size > limits.ratio_floor_bytes and size > limits.max_compression_ratio * read:
        raise UnreadableFile(f"gzip expands more than {limits.max_compression_ratio:g} times "
                             f"({size} bytes from {read}): a decompression bomb")
