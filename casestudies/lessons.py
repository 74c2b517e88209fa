"""以案说法 of a generated draft: the prompt it starts with, and the refusal while it is still there.

A draft made from a case file (``casestudies.drafts``) has facts, handlings and classifications,
but nobody has drawn the lesson yet, and a case study without it reads as a bare charge sheet.
So the draft's 以案说法 starts with ``LESSONS_PROMPT``, which says what to write and that it
must be replaced. *Decision:* a case study whose 以案说法 still holds the prompt (its marker
【待撰写】 or its instruction 删除本提示, however it is spaced or in whichever width) may be
saved and sent to 初审 and 复审 like any draft, but not published nor moved into its final
step: the editor's form says so beside the field, and ``casestudies.publication.enforce``
refuses every other way (the workflow, a schedule, a bulk action, a script) with
``LessonsPromptError``. It is not one of the gate's problems: the gate's verdict hides a draft
from 编辑 and 审核, and a draft with no lesson yet names nobody.

Pure: no models, so the page form can import it.
"""

from casestudies.gate import AnonymizationGateError
from jingjian.core.chinese import fold

LESSONS_PROMPT = (
    "【待撰写】请在此写明本案的以案说法：违反了哪些纪律和规定，暴露出哪些作风问题，"
    "应当汲取什么教训、如何举一反三。写好后删除本提示；本提示未删除前，"
    "本案例不能进入终审，也不能发布。"
)

# Either part of the prompt left behind is enough to refuse: the marker, or its instruction.
PROMPT_MARKS = ("【待撰写】", "删除本提示")

REFUSAL = (
    "“以案说法”还留着生成脱敏稿时的提示（“【待撰写】……删除本提示”），"
    "不能发布或进入终审。请把它改写为本案的以案说法后再提交。"
)


def holds_prompt(text):
    """Whether ``text`` (a 以案说法) still holds the prompt, or a part of it."""
    folded = "".join(fold(text or "").split())
    return any(fold(mark) in folded for mark in PROMPT_MARKS)


class LessonsPromptError(AnonymizationGateError):
    """A case study with the prompt still in its 以案说法 was about to be published or moved into
    its final step. A refusal to publish like the gate's (the admin's message, the importer's
    refusal, a schedule cancelled), naming nothing of the case file: the same words for all."""

    def __init__(self, page):
        self.page = page
        self.problems = []
        Exception.__init__(self, REFUSAL)

    def message_for(self, user):
        return REFUSAL
