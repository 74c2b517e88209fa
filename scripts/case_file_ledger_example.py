"""Writes examples/case-file-ledger.xlsx, the example ledger (台账) the README documents.

Run: .venv/bin/python scripts/case_file_ledger_example.py
The people are invented. ``import_case_files`` reads the file as it is.
"""

import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

OUT = Path(__file__).resolve().parents[1] / "examples" / "case-file-ledger.xlsx"
HEADER = [
    "案卷编号",
    "案卷名称",
    "处理日期",
    "问题类型",
    "重点工作",
    "线索来源",
    "单位类型",
    "是否公开通报",
    "简要案情",
    "姓名",
    "性别",
    "单位",
    "职务",
    "职级",
    "四种形态",
    "党纪处分",
    "政务处分",
    "问责方式",
    "是否留置",
    "是否移送司法机关",
    "单位是否公开通报",
]
ROWS = [
    [
        "鉴纪台〔2025〕101号",
        "鉴湖区城市管理局推诿扯皮问题",
        datetime.date(2025, 3, 14),
        "推诿扯皮；拖延应付、敷衍塞责",
        "民心工程",
        "信访举报",
        "区直部门",
        "是",
        "群众反映背街小巷路灯损坏，相关科室互相推诿，三个月未予维修。",
        "钱砚澄",
        "男",
        "鉴湖区城市管理局",
        "市政设施科科长",
        "乡科级",
        "第二种形态",
        "警告",
        "",
        "",
        "否",
        "否",
        "是",
    ],
    [
        "鉴纪台〔2025〕101号",
        "",
        None,
        "",
        "",
        "",
        "",
        "",
        "",
        "周珩筠",
        "女",
        "鉴湖区城市管理局",
        "市政设施科科员",
        "一般干部",
        "第一种形态",
        "",
        "",
        "批评教育",
        "",
        "",
        "是",
    ],
    [
        "鉴纪台〔2025〕102号",
        "鉴湖区青山镇不贪不占也不干问题",
        "2025年4月2日",
        "不贪不占也不干",
        "环境治理",
        "暗访",
        "镇街",
        "否",
        "",
        "韩樾朔",
        "男",
        "鉴湖区青山镇人民政府",
        "副镇长",
        "乡科级",
        "第一种形态",
        "",
        "",
        "诫勉",
        "",
        "",
        "",
    ],
    [
        "鉴纪台〔2025〕103号",
        "鉴湖区不动产登记中心吃拿卡要问题",
        "2025-05-20",
        "吃拿卡要",
        "双万双服促发展",
        "巡察",
        "事业单位",
        "否",
        "",
        "陶璟翊",
        "男",
        "鉴湖区不动产登记中心",
        "主任",
        "县处级",
        "第三种形态",
        "留党察看",
        "撤职",
        "",
        "否",
        "否",
        "",
    ],
    [
        "鉴纪台〔2025〕103号",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "严棠昶",
        "女",
        "鉴湖区不动产登记中心",
        "窗口工作人员",
        "一般干部",
        "第四种形态",
        "开除党籍",
        "开除",
        "",
        "是",
        "是",
        "",
    ],
]


def main():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "台账"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in ROWS:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    workbook.properties.creator = "镜鉴"
    workbook.properties.created = workbook.properties.modified = datetime.datetime(2025, 6, 1)
    workbook.save(OUT)
    print(OUT)


if __name__ == "__main__":
    main()
