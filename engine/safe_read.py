"""Reading a file a person named: only a regular file, only up to a size limit, as UTF-8.

The file is opened without blocking and checked with fstat before a byte is read, so a
directory, a FIFO (which would wait for a writer for ever) or a device (/dev/zero never ends) is
refused at once, and a file over the limit is refused before it is read.
"""

from __future__ import annotations

import os
import stat

from .errors import GraphError

_KINDS = {stat.S_IFDIR: "a directory", stat.S_IFIFO: "a FIFO (named pipe)",
          stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket"}


def read_bytes(path, max_bytes: int, what: str = "file") -> bytes:
    """The whole content of the regular file ``path``, at most ``max_bytes`` of it."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) |
                     getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise GraphError(f"{path}: no such file") from None
    except OSError as exc:
        raise GraphError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
            raise GraphError(f"{path}: is {kind}, not a {what}")
        if info.st_size > max_bytes:
            raise GraphError(f"{path}: {info.st_size:,} bytes; a {what} may have at most "
                             f"{max_bytes:,}")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:               # it grew while being read
                raise GraphError(f"{path}: more than {max_bytes:,} bytes; a {what} may have "
                                 f"at most {max_bytes:,}")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise GraphError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def decode_utf8(data: bytes, path, what: str = "file") -> str:
    """UTF-8 text, with or without a byte-order mark; else a message naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise GraphError(f"{path}, line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                         f"save the {what} as UTF-8") from None
