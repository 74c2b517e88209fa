"""The words around a name that say it is one, or that it is not a person of the case.

Official texts name people by their post: the post comes right before the name, with no mark
between (副校长冯某某：党内警告, 村民刘某某), or right after it (蔺某镇长, 邝某某律师, 马某某同志).
``POSTS`` are posts, ranks, professions and roles that stand there; ``post_pattern()`` finds them.
"""

import re
from functools import lru_cache

POSTS = frozenset(
    """
书记 副书记 第一书记 党委书记 党组书记 党工委书记 支部书记 总支书记 纪委书记 支书 村支书 委员 常委
党委委员 纪委委员 局长 副局长 处长 副处长 科长 副科长 股长 副股长 主任 副主任 所长 副所长 站长 副站长
队长 副队长 大队长 中队长 院长 副院长 校长 副校长 园长 馆长 行长 社长 台长 部长 副部长 厅长 副厅长
县长 副县长 区长 副区长 市长 副市长 州长 副州长 镇长 副镇长 乡长 副乡长 村长 组长 副组长 主席 副主席
会长 副会长 理事长 秘书长 董事长 总经理 经理 副经理 厂长 矿长 场长 主管 总监 助理 干事 专干 科员 办事员
职员 干部 村干部 专员 巡视员 调研员 主任科员 一级科员 二级科员 监察员 检查员 调查员 网格员 协管员
信息员 联络员 指导员 教导员 辅导员 护林员 保洁员 驾驶员 操作员 统计员 审计员 技术员 农技员 讲解员
通讯员 记者 编辑 主持人 工作人员 负责人 联系人 会计 出纳 律师 法官 检察官 警官 民警 辅警 交警 法医
医生 医师 村医 护士 护士长 药剂师 教师 老师 教授 讲师 班主任 工程师 总工程师 会计师 农艺师 兽医
司机 厨师 保安 门卫 村民 居民 群众 农民 牧民 渔民 职工 员工 工人 学生 学员 同学 家长 患者 病人 家属
老人 党员 老党员 志愿者 户主 车主 店主 失主 大户 种粮大户 承包商 老板 当事人 举报人 申请人 被执行人
行贿人 受贿人 开户人 证人 原告 被告 妻子 丈夫 儿子 女儿 父亲 母亲 孙女 孙子 外孙女 外孙 妻弟 弟弟
哥哥 姐姐 妹妹 侄子 亲戚 同事 战友 邻居 队员 成员 班子成员 骨干 代表 组员 社员 业主 租户 店员
青年 返乡青年 大学生 村官 大学生村官 农户 种植户 养殖户 贫困户 脱贫户 低保户 老汉 大爷 大妈 阿姨 小伙
姑娘 孩子 女孩 男孩 嘎查长 网格长 河长 楼长 驻村干部 乡村医生 队医 牧户 商户 摊主 船主 房东
班长 副班长 文书 村文书 苏木达 嘎查达 执法人员 民兵连长 治保主任 妇女主任 报账员 出纳员 收费员
审判员 书记员 检察员 片长 协理员 保管员 安全员 质检员 监理 施工员 项目经理 包工头 村医生
秘书 文员 董事 监事 理事 纪检员 监督员 宣传员 调解员 巡逻员 消防员 环卫工 保洁工 教练 导游 店长
校医 法警 狱警 社区工作者 社工 护工 营业员 收银员 售货员 快递员 外卖员 电工 焊工 木工 村民代表
馆员 研究员 歌师 技师 药师 设计师 建筑师 理发师 摄影师 画师 绣娘 匠人 传承人 手艺人
官员 落马官员 涉案人员 企业家 创始人 法定代表人 实际控制人 法人代表 股东 合伙人 经纪人 中间人
姓名 户名 收款人 付款人 持卡人 借款人 贷款人 担保人 委托人 代理人 受托人 驾驶人 购房人 产权人 权利人
所有人 登记人 经办人 承办人 签收人 领款人 报销人 收件人 寄件人 投诉人 反映人 信访人 来访人 被举报人
一级主办 二级主办 三级主办 四级主办 工勤人员 临聘人员 编外人员 聘用人员 协警 村组长 组干部
参会人员 出席人员 列席人员 参加人员 缺席人员 陪同人员 谈话人 被谈话人 记录人 审核人 拟稿人 签发人
被约谈人 谈话对象 约谈对象 函询对象 被调查人 调查对象 审查对象 核稿人
""".split()
)
# The labels of minutes and records, a name after their colon (出席：某某 某某, 记录：某某).
FORM_LABEL = re.compile(
    r"(?:出席|列席|缺席|记录|审核|主持|签发|拟稿|参会|参加|陪同|请假|审批|核稿|校对|谈话|被谈话)(?=[:：])"
    # …and 参加会议的有：, 出席会议的是：
    r"|(?:参加|出席|列席|参与|陪同)[\u4e00-\u9fff]{0,4}的(?:有|是)(?=[:：])"
)
# Verbs and prepositions whose object is a person (约谈了某某和某某, 对某某进行诫勉谈话, 由某某负责,
# 经某某同意, 被某某截留): a name right after them where the clause reads on after it.
PERSON_VERBS = re.compile(
    r"(?:约谈|询问|通知|督促|提醒|约见|委托|授意|指使|安排|要求|协助|陪同|邀请|看望|慰问|走访|告知"
    r"|责令|批评|帮助|联系|会同|指派|派出|举报|检举|诫勉|函询|告诉|通过|伙同|串通|勾结|找到|找来|找)了?"
    r"|[对向被让把跟同给由经与和及叫请替帮陪将派令]"
)
# Festivals, holidays and the solar terms: a "given name" that is one of them is a greeting or a
# date (贺中秋, 庆元宵, 贺新春), and one followed by a word of time is the day (中秋节前, 端午前夕).
FESTIVALS = frozenset(
    """
春节 新春 新年 元旦 除夕 元宵 上元 端午 端阳 中秋 重阳 重九 清明 寒食 七夕 中元 腊八 小年 国庆 劳动节
立春 雨水 惊蛰 春分 谷雨 立夏 小满 芒种 夏至 小暑 大暑 立秋 处暑 白露 秋分 寒露 霜降 立冬 小雪
大雪 冬至 小寒 大寒 五一 六一 七一 八一 十一 双节 佳节
""".split()
)
# Words of time that are no festival but read as a given name the same way (贺周末).
FESTIVALS |= frozenset("周末 月末 年末 岁末 年初 年底 月底 寒假 暑假 初一 十五 正月 腊月".split())
DATE_AFTER = re.compile(
    r"节|佳节|前夕|期间|假期|长假|小长假|前后|当天|当日|之际|时节|将至|来临|临近|到来|前|后|假日|黄金周"
)
# Only after a name: 马某某同志, 张某等.
AFTER_ONLY = ["同志", "先生", "女士", "老师傅"]
# After a list of names (冉某某、佘某某等5名老党员): the list is of people.
LIST_OF_PEOPLE = re.compile(r"等(?:[0-9一二三四五六七八九十两]+(?:名|人|位)|人|同志)")

# Single characters that may end a name's context on the right: a name is often followed by a
# function word or a light verb (为其外孙女, 在会上, 受到处分).
FOLLOWERS = set("为在和与及对被因等说将从向所的是任以也都就把受于已未曾又还并均即给让带作称向系")
# Characters almost never inside a given name (pronouns, particles).
NEVER_IN_GIVEN_NAME = set("某她他它我你们的了着过吗呢吧啊之其这那些")

# A person of a case is written this way in bulletins and profiles: name, then sex (张某，男，
# 汉族), or name, then the handling (给予张某党内警告处分, 。张某受到政务记过处分).
SEX_AFTER = re.compile(r"[，,（(](?:男|女)(?=[，,、）)\s])")
HANDLING_AFTER = re.compile(
    r"(?:受到|被给予|予以)?(?:党内严重警告|党内警告|严重警告|留党察看|撤销党内职务|开除党籍|政务警告"
    r"|政务记过|政务记大过|政务降级|政务撤职|开除公职|诫勉谈话|诫勉|批评教育|提醒谈话|通报批评)"
)
HANDLING_BEFORE = ("决定给予", "给予", "对", "责令", "由")
# Posts only the country's leaders hold: the name before them is a public figure (…总书记).
NATIONAL_POSTS = ("总书记", "国家主席", "国务院总理", "总理", "委员长")

# Figures from books, films or history, and public exemplars quoted in a text (“保尔·柯察金”,
# 焦裕禄精神, 《平凡的世界》中孙少平的奋斗故事) are not people of the case.
FIGURE_AFTER = re.compile(
    r"(?:的[\u4e00-\u9fff]{0,3})?(?:精神|事迹|故事|名言|形象|式的|式好|学习)"
    r"|(?:[、和与][\u4e00-\u9fff·]{2,8})+(?:的[\u4e00-\u9fff]{0,3})?(?:精神|事迹|故事|学习)"
)
# An honour that only a public figure holds, right before the name (时代楷模某某, 英雄某某,
# 全国道德模范某某, 人民楷模某某): a public figure, whatever post the honour's words hold.
HONOUR_BEFORE = re.compile(
    r"(?:楷模|道德模范|英雄|烈士|院士|勋章获得者|奖章获得者|感动中国人物|感动中国年度人物|最美奋斗者"
    r"|全国优秀县委书记|全国优秀共产党员|全国劳动模范|全国先进工作者|英模|先烈)[”」』]?$"
)
FIGURE_BEFORE = re.compile(r"(?:》|扮演|饰演|塑造|学习)(?:中|里|里的|中的)?$")
# A writer's or a historical figure's words and works quoted (艾青的诗句, 艾青的《我爱这土地》,
# 林则徐在《…》中写道), what a person admires in someone (我最敬佩的人是某某), and the
# writer, poet or historical figure a text introduces (诗人某某, 北宋的某某): a figure.
WORKS_AFTER = re.compile(
    r"的?(?:诗句|诗词|诗篇|诗歌|名句|名篇|作品|著作|小说|散文|语录|格言|名著)|的?《|在《|曾写道|写道"
)
ADMIRED_BEFORE = re.compile(
    r"(?:敬佩|敬仰|崇敬|崇拜|钦佩|佩服|景仰|偶像|楷模)(?:的人|的英雄|的榜样|的人物)?(?:是|就是|有)?$"
)
WRITER_BEFORE = re.compile(
    r"(?:诗人|词人|作家|文学家|思想家|革命家|民族英雄|革命先烈|伟人|古人|唐代|宋代|北宋|南宋|明代|清代"
    r"|东汉|西汉|三国|战国|春秋)(?:的|是|就是)?$"
)
# Before a quotation of words written down (a poem, a saying): the quotation's words are no
# persons (郑板桥的“衙斋卧听萧萧竹”, 写道：“…”, 引用了“…”).
QUOTED_WORDS_BEFORE = re.compile(r"(?:的|写道[:：]?|引用了?|吟诵|朗诵|诗句|名句|名言|诗云|有云)$")
# An exemplar held up to others (向黄文秀同志学习, 像焦裕禄那样, 廖俊波同志的先进事迹, 缅怀杨善洲):
# a public figure, whoever wrote it down.
# …with the title the exemplar is known by between (张某某校长的事迹, 杨某某老书记那样).
EXEMPLAR_TITLES = (
    "同志 先生 老师 老书记 书记 校长 院长 教授 院士 医生 烈士 老人 支书 局长 县长".split()
)
_EXEMPLAR_TITLE = "(?:" + "|".join(EXEMPLAR_TITLES) + ")?"
EXEMPLAR_AFTER = re.compile(
    _EXEMPLAR_TITLE + r"(?:的[\u4e00-\u9fff]{0,3})?(?:精神|事迹|先进事迹|故事|名言|榜样)"
    "|" + _EXEMPLAR_TITLE + r"(?:学习|那样|一样|为榜样|式的)"
    # …held up as a model (把某某、某某当作人生的榜样).
    "|" + r"(?:当作|当成|作为|视为|视作|奉为)[\u4e00-\u9fff]{0,4}(?:榜样|楷模|偶像)"
)
# Before an exemplar, words that make one alone (致敬某某, 缅怀某某).
HOMAGE_BEFORE = re.compile(r"(?:致敬|缅怀|追忆|追思|悼念)$")
EXEMPLAR_BEFORE = re.compile(r"(?:向|像|学习|缅怀|纪念|追忆|致敬|以|如|追随|传承)$")


@lru_cache(maxsize=1)
def post_pattern():
    words = sorted(set(POSTS) | set(AFTER_ONLY), key=len, reverse=True)
    return re.compile("|".join(re.escape(word) for word in words))


def is_post(word):
    return word in POSTS
