"""What can go wrong with a store, as sentences: the user sees these, never a driver's message.

``engine.py`` turns the SQLite errors that mean the file itself is at fault (damaged, unreadable,
full disk, read-only, in use) into a ``StoreError`` wherever they surface — on opening, in the
middle of a list or of a ledger print — so every command and the app say one sentence.
"""

from __future__ import annotations

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text

NO_STORE = Text("该目录中没有 FieldSurvey 数据", "there is no FieldSurvey data in this directory")
STORE_EXISTS = Text(
    "该目录中已有 FieldSurvey 数据，不会覆盖",
    "this directory already holds FieldSurvey data; it will not be overwritten",
)
UNFINISHED = Text(
    "该目录中的数据在创建时被中断，没有完成（其中没有任何记录）；请重新设置（fieldsurvey app）",
    "the store in this directory was interrupted while it was being created and holds nothing; "
    "set it up again (fieldsurvey app)",
)
KEYLESS = Text(
    "该目录中的数据库缺少密钥文件（store.key 和 store.key.bak 都不在），无法打开；请放回密钥文件，或重新设置",
    "the database in this directory has no key file (store.key and store.key.bak are both missing), so it "
    "cannot be opened; put the key file back, or set up again",
)
DAMAGED_DB = Text(
    "数据库文件已损坏或不是 FieldSurvey 数据库",
    "the database file is damaged or is not a FieldSurvey database",
)
NEED_SECRET = Text("请提供密码短语或恢复密钥", "give the passphrase or the recovery key")
DISK_FULL = Text(
    "磁盘已满，无法保存；请腾出空间后重试，已保存的数据未受影响",
    "the disk is full, so nothing could be saved; free some space and try again (saved data is intact)",
)
DISK_ERROR = Text(
    "读写数据库文件时出错（磁盘或U盘故障?）",
    "reading or writing the database file failed (a failing disk or USB stick?)",
)
READ_ONLY = Text(
    "数据库文件只读，无法保存", "the database file is read-only, so nothing can be saved"
)
CANNOT_OPEN = Text(
    "无法打开数据库文件（路径不可用或没有权限）",
    "the database file cannot be opened (the path is not available, or no permission)",
)
BUSY = Text(
    "数据正被另一个 FieldSurvey 使用，请先关闭它",
    "another FieldSurvey is using this data; close it first",
)


class StoreError(UserError):
    pass
