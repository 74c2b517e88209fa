"""The outbox: the shared folder the TV station, the radio station and the paper collect from.

A collector must never pick up half a file, so every file is written under a hidden temporary
name in the same folder (``.<name>.<random>.part``, which collectors ignore), flushed to disk and
renamed onto its final name in one step; the folder itself is then synced so the rename survives
a power cut.
"""

import errno
import os
import secrets
from pathlib import Path, PurePosixPath, PureWindowsPath

from django.conf import settings

from jingjian.syndication.clients import ChannelError

TEMP_SUFFIX = ".part"


# --- The root every channel's folder is inside ---------------------------------------------
#
# An editor names a channel's folder; without a limit the server would write wherever it says.
# So a folder is a relative path inside SYNDICATION_OUTBOX_ROOT, checked when the channel is
# saved (``folder_problem``) and again, after resolving symbolic links, every time a file is
# written (``write``): a link made later inside the root that points out of it is refused too.


def root() -> Path:
    """The outbox root, as configured (``SYNDICATION_OUTBOX_ROOT``)."""
    return Path(settings.SYNDICATION_OUTBOX_ROOT)


def folder_problem(folder: str) -> str | None:
    """Why ``folder`` cannot be a channel's outbox folder (Chinese, with what to do), or None."""
    text = folder or ""
    base = root()
    if "\x00" in text or any(ord(c) < 32 for c in text):
        return "投递文件夹不能包含控制字符：请重新填写。"
    windows = PureWindowsPath(text)
    if text.startswith(("/", "\\", "~")) or windows.drive or windows.root:
        return (
            f"投递文件夹须是投递根目录“{base}”下的相对路径（如“电视台”或“共享/电视台”），"
            "不能是绝对路径或以“~”开头：请改为相对路径；根目录由管理员在设置"
            "“SYNDICATION_OUTBOX_ROOT”中配置。"
        )
    if ".." in PurePosixPath(text.replace("\\", "/")).parts:
        return "投递文件夹不能包含“..”（不能指向投递根目录之外）：请改为根目录下的相对路径。"
    if not _inside(base / text, base):
        return (
            f"投递文件夹“{text}”经符号链接指向了投递根目录“{base}”之外：请改用根目录下的普通文件夹，"
            "或请管理员删除该链接。"
        )
    return None


def _inside(path, base):
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(base))
    except (OSError, ValueError):
        return False


def write(folder: str, filename: str, data: bytes) -> Path:
    """``data`` written atomically as ``filename`` in ``folder`` (relative to the root), which
    is checked before it is made and again after: the file lands inside the root or nowhere.
    A folder outside the root is a ``ChannelError`` that is not retried."""
    base = root()
    problem = folder_problem(folder)
    if problem is None:
        try:
            (base / folder).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _outbox_error(base / folder, filename, exc) from exc
        real = Path(os.path.realpath(base / folder))
        if not _inside(real, base):  # a link appeared between the checks
            problem = (
                folder_problem(folder)
                or "投递文件夹指向了投递根目录之外：请改用根目录下的普通文件夹。"
            )
    if problem is not None:
        raise ChannelError(f"文件“{filename}”没有写入：{problem}", retryable=False)
    return write_atomic(real, filename, data)


def check_filename(filename: str) -> str:
    """``filename`` if it is a plain file name; ValueError (in Chinese) otherwise."""
    if not isinstance(filename, str) or not filename.strip():
        raise ValueError("文件名不能为空。")
    if "/" in filename or "\\" in filename or "\x00" in filename:
        raise ValueError(f"文件名“{filename}”不能包含路径分隔符，请只填写文件名。")
    if filename in (".", "..") or ".." in filename:
        raise ValueError(f"文件名“{filename}”不能包含“..”。")
    if filename.startswith("."):
        raise ValueError(f"文件名“{filename}”不能以“.”开头（取稿方会忽略隐藏文件）。")
    if filename.endswith(TEMP_SUFFIX):
        raise ValueError(f"文件名“{filename}”不能以“{TEMP_SUFFIX}”结尾（这是临时文件的后缀）。")
    return filename


def write_atomic(folder: Path, filename: str, data: bytes) -> Path:
    """Write ``data`` to ``folder/filename`` atomically and return the final path.

    Either the complete new file is in place or, on failure, the folder is as it was (an older
    file of the same name stays untouched and no temporary file is left). Failures raise
    ``ChannelError``: retryable for I/O errors (a disconnected share, a full disk), not
    retryable when the folder cannot be written at all (no permission).
    """
    check_filename(filename)
    folder = Path(folder)
    final = folder / filename
    temp_path = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp_path = _create_temp(folder, filename)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_path, final)
        temp_path = None
        _fsync_directory(folder)
    except BaseException as exc:
        if temp_path is not None:
            try:
                os.unlink(temp_path)
            except OSError:
                pass
        if isinstance(exc, OSError):
            raise _outbox_error(folder, filename, exc) from exc
        if isinstance(exc, Exception):
            raise ChannelError(
                f"写入投递文件夹时出现程序错误（{type(exc).__name__}），文件“{filename}”没有写入：请联系技术人员。",
                retryable=False,
            ) from exc
        raise  # KeyboardInterrupt and friends: cleaned up, then let through
    return final


def _create_temp(folder, filename):
    """A new hidden temporary file beside the final one, opened for writing.

    Created with mode 0o666 less the umask, like any file the process writes, so the stations'
    collectors can read it on the share (``tempfile.mkstemp`` would make it owner-only).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        path = folder / f".{filename}.{secrets.token_hex(6)}{TEMP_SUFFIX}"
        try:
            return os.open(path, flags, 0o666), path
        except FileExistsError:
            continue


def _fsync_directory(folder):
    # Makes the rename durable on POSIX; not possible (nor needed) on Windows or some shares.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _outbox_error(folder, filename, exc):
    reason = exc.strerror or type(exc).__name__
    if isinstance(exc, PermissionError):
        return ChannelError(
            f"没有投递文件夹“{folder}”的写入权限（{reason}），文件“{filename}”没有写入："
            "请管理员授予写入权限或在渠道设置中更换投递文件夹。",
            retryable=False,
            code=exc.errno,
        )
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return ChannelError(
            f"投递文件夹“{folder}”空间不足（{reason}），文件“{filename}”没有写入："
            "请清理空间，系统会稍后自动重试。",
            retryable=True,
            code=exc.errno,
        )
    return ChannelError(
        f"无法写入投递文件夹“{folder}”（{reason}），文件“{filename}”没有写入："
        "请检查共享文件夹是否已连接，系统会稍后自动重试。",
        retryable=True,
        code=exc.errno,
    )
