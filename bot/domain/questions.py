"""The one question detector: whether a member's message asks something. Both the 提问者 activity tag (via
the message's stored signal) and the unanswered-question alerts use it, so they always agree.

It looks at the analysed head of the text (:func:`bot.core.textnorm.analysis_text`) and every scan is linear.
"""

from __future__ import annotations

from bot.core.textnorm import analysis_text

QUESTION_WORDS = ("怎么", "怎样", "如何", "为什么", "为啥", "哪里", "哪儿", "哪个", "哪家", "哪款", "什么", "多少",
                  "几点", "几号", "是否", "能不能", "可不可以", "可以吗", "有没有", "是不是", "请问", "求推荐",
                  "求助", "求问", "谁知道", "有人知道", "咋")
QUESTION_ENDINGS = ("吗", "呢", "么", "嘛")
# What may follow a final question particle: closing punctuation and every character str.isspace() knows.
# Stripped with str.rstrip (one pass from the end): a "[…]+$" regex restarts at every position, quadratic
# on a long run of such characters that does not reach the end.
TRAILING = "。.!！~～…,，:：;；)）]】\"'”’" + "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


def is_question(text: str) -> bool:
    """A Chinese (or English) question: a question mark (full-width too), a question word, or a final
    question particle. A command to the bot is no question."""
    s = analysis_text(text).strip()
    if not s or s.startswith("/"):
        return False
    if "?" in s:
        return True
    if any(w in s for w in QUESTION_WORDS):
        return True
    return s.rstrip(TRAILING).endswith(QUESTION_ENDINGS)
