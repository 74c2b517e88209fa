"""The history entries of pages written by the import and demo commands."""

from wagtail import hooks
from wagtail.log_actions import LogFormatter

from jingjian.importing.writer import DEMO_ACTION, IMPORT_ACTION, IMPORT_UNPUBLISH_ACTION


class CommandWriteFormatter(LogFormatter):
    """“由导入命令 import_content 写入（文件 a.jsonl 第 3 行）”: which command, file and line."""

    kind = ""

    def format_message(self, log_entry):
        data = log_entry.data or {}
        where = ""
        if data.get("file") and data.get("line"):
            where = f"（文件 {data['file']} 第 {data['line']} 行）"
        return f"由{self.kind}命令 {data.get('command', '')} 写入{where}"


@hooks.register("register_log_actions")
def command_log_actions(actions):
    @actions.register_action(IMPORT_ACTION)
    class ImportFormatter(CommandWriteFormatter):
        label = "导入"
        kind = "导入"

    @actions.register_action(DEMO_ACTION)
    class DemoFormatter(CommandWriteFormatter):
        label = "演示内容"
        kind = "演示内容"

    actions.register_action(
        IMPORT_UNPUBLISH_ACTION, "导入时撤下", "导入文件要求撤下（live 为 false）"
    )
