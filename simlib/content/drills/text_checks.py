"""What the drills' checkers ask of a trainee's free text before any keyword counts (COURSE.md §9): the text is
an answer (not a placeholder), it is not another field's text again, a negated phrase is read as negated, and a
next step names a concrete action (COURSE.md §4: COIN's "Next").

A keyword found in a text shows only that the text *may* do its job; these pure functions keep a checker from
calling "x", "同上" or a copy of the previous field right, from reading "我們不降價" ("we won't cut the price") as
a price concession (COURSE.md §7, S3's price "sandwich"), and from taking "下週多學習" ("learn more next week") —
the very slip the trainer notes of the COIN drill name — for a next step::

    >>> is_placeholder("同上"), is_placeholder("上週三在華達機械的產品演示中")
    (True, False)
    >>> near_duplicate("客戶沒有約下一次會議。", "客戶沒有約下一次會議")
    True
    >>> negated("我們不降價,但可以先做試點", "降價"), negated("我們可以降價 5 %", "降價")
    (True, False)
    >>> vague_action("下週多學習"), vague_action("本週五前補上 2 次產品培訓")
    (True, False)

Whether a text is *good* — fair, convincing, right for this customer — no function here can say: the checkers
leave that to the trainer (a "for your trainer's review" line), never to a keyword.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence

from simlib.formulas.appraisal import NUMBER_RE

__all__ = ["CLAUSE_BREAK", "affirmed_mentions", "is_placeholder", "near_duplicate", "negated", "normalise",
           "vague_action"]

# ---------------------------------------------------------------------------------------------
# Normalising a text
# ---------------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """``text`` reduced to what it says: full-width forms folded (NFKC), case folded, and every blank,
    punctuation mark and symbol dropped — letters (Chinese characters among them) and digits stay.

        >>> normalise("  Same as   above!! "), normalise("同上。"), normalise("ＸＹＺ，1")
        ('sameasabove', '同上', 'xyz1')
    """
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


# ---------------------------------------------------------------------------------------------
# Placeholders
# ---------------------------------------------------------------------------------------------
#: what trainees type to get past a field (normalised): filler words, "n/a", "same as above", "none" …
_PLACEHOLDER_WORDS = (
    "x", "xx", "xxx", "xyz", "abc", "abcd", "asdf", "qwer", "qwerty", "test", "testing", "todo", "tbd", "tba",
    "na", "none", "nil", "null", "nothing", "idk", "dunno", "foo", "bar", "blah", "lorem", "ipsum", "etc",
    "sameasabove", "seeabove", "asabove", "ditto", "same", "ok", "okay", "yes", "no",
    "無", "无", "沒有", "没有", "同上", "如上", "見上", "见上", "同前", "略", "待定", "待補", "待补", "測試", "测试",
    "不知道", "暫無", "暂无", "未定", "空", "等等", "一樣", "一样", "隨便", "随便", "嗯", "哈", "啊", "好", "是",
)
_PLACEHOLDER_RE = re.compile("(?:" + "|".join(sorted(map(re.escape, _PLACEHOLDER_WORDS), key=len, reverse=True))
                             + r"|\d)+")


def is_placeholder(text: str, *, min_chars: int = 3) -> bool:
    """Whether ``text`` is a placeholder rather than an answer (COURSE.md §9: a drill's text part is what the
    trainee would say or do): blank or punctuation only, digits only, filler ("x", "test", "n/a", "...", "無",
    "同上", "same as above", or several of them), one character repeated ("xxxx", "哈哈哈"), or shorter than
    ``min_chars`` letters or digits — 3 by default ("one or two characters"); a person's name may pass
    ``min_chars=1`` (王芳 is a whole answer to "who owns it?").

        >>> [is_placeholder(x) for x in ("x", "...", "無", "test", "同上", "ok", "12345", "x y z 1", "哈哈哈哈")]
        [True, True, True, True, True, True, True, True, True]
        >>> [is_placeholder(x) for x in ("最近", "不好", "多學習", "Call the customer")]
        [True, True, False, False]
        >>> is_placeholder("王芳", min_chars=1), is_placeholder("x", min_chars=1)
        (False, True)
    """
    n = normalise(text)
    if not n or _PLACEHOLDER_RE.fullmatch(n):
        return True
    if len(n) >= 2 and len(set(n)) == 1:
        return True
    return len(n) < min_chars


# ---------------------------------------------------------------------------------------------
# A field that repeats another
# ---------------------------------------------------------------------------------------------
def near_duplicate(a: str, b: str, *, ratio: float = 0.9) -> bool:
    """Whether two fields say the same thing (COURSE.md §4: each COIN part, each LAER step, each part of S3's
    30-day plan has its own job): after :func:`normalise`, the same text, a :class:`difflib.SequenceMatcher`
    ratio of at least ``ratio``, or one containing the other with at most half as much again (a copy with a few
    words added). Blank texts are never duplicates.

        >>> near_duplicate("Listen to the customer.", "listen to the customer")
        True
        >>> near_duplicate("上週三的演示", "上週三的演示,小陳")                          # a copy with a word added
        True
        >>> near_duplicate("上週三的演示", "上週三的演示中,客戶問了 3 個技術問題,你答不出 2 個")   # says more
        False
        >>> near_duplicate("", "")
        False
    """
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    short, long_ = sorted((na, nb), key=len)
    if short in long_ and len(long_) <= 1.5 * len(short):
        return True
    return difflib.SequenceMatcher(None, na, nb, autojunk=False).ratio() >= ratio


# ---------------------------------------------------------------------------------------------
# Negation
# ---------------------------------------------------------------------------------------------
#: where a clause ends: a negation before it does not reach the words after it
CLAUSE_BREAK = re.compile(r"[,.;:!?，。；：！？、\n]|\bbut\b|\bhowever\b|但|可是|不過|不过|然而")
_ZH_NEGATION = re.compile(r"不|沒|没|別|别|無需|无需|無須|无须|毋須|毋须|勿|拒絕|拒绝|免")
#: compounds with 不 / 沒 / no that do not negate what follows them
_ZH_NOT_NEGATION = re.compile(r"不好意思|不但|不僅|不仅|不只|不光|不少|不錯|不错|不斷|不断|不同|不如|要不|"
                              r"不管|不論|不论|沒問題|没问题|免費|免费")
_EN_NEGATION = re.compile(r"\b(?:not|never|no|none|neither|nor|without|refuse[sd]?|refusing|cannot|wont|dont|cant)\b"
                          r"|n't\b")
_EN_NOT_NEGATION = re.compile(r"\bnot only\b|\bno doubt\b|\bno problem\b|\bno matter\b")
_ZH_WINDOW = 8        # characters before a Chinese term that a negation may stand in
_EN_WINDOW = 6        # words before an English term that a negation may stand in


def _lower(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold().replace("\u2019", "'")


def _negated_at(low: str, start: int) -> bool:
    """Whether the clause before position ``start`` of the (lowered) text negates what stands there."""
    before = low[:start]
    breaks = list(CLAUSE_BREAK.finditer(before))
    clause = before[breaks[-1].end():] if breaks else before
    if re.search(r"[\u4e00-\u9fff]", low[start:start + 1]) or re.search(r"[\u4e00-\u9fff]$", clause):
        window = _ZH_NOT_NEGATION.sub("", clause[-_ZH_WINDOW - 4:])[-_ZH_WINDOW:]
        if _ZH_NEGATION.search(window):
            return True
    words = _EN_NOT_NEGATION.sub(" ", clause).split()
    return bool(_EN_NEGATION.search(" ".join(words[-_EN_WINDOW:])))


def _spans(low: str, term: str) -> list[int]:
    t = _lower(term)
    if not t:
        return []
    if re.fullmatch(r"[a-z][a-z' -]*", t):          # an English word: not inside a longer word
        return [m.start() for m in re.finditer(rf"(?<![a-z]){re.escape(t)}", low)]
    return [m.start() for m in re.finditer(re.escape(t), low)]


def negated(text: str, term: str) -> bool:
    """Whether ``term`` is in ``text`` and every mention of it is negated (COURSE.md §7: "我們不降價" refuses a
    price cut, it does not offer one): a negation word shortly before the term in the same clause — Chinese
    不 / 不會 / 不要 / 沒有 / 別 / 無需 / 絕不 / 拒絕 within 8 characters, English not / never / no / won't /
    don't / refuse / without within 6 words. "不好意思", "不但", "不如", "no problem", "not only" do not negate;
    a comma, full stop or "but" ends the clause. (A negation *after* the term, "降價是不可能的", is not read.)

        >>> [negated(x, "降價") for x in ("我們不降價", "我們不會降價", "絕不降價", "拒絕降價", "降價 5 %")]
        [True, True, True, True, False]
        >>> negated("不好意思,我們可以降價", "降價"), negated("我們不降價,但可以降價 3 %", "降價")
        (False, False)
        >>> negated("We won't cut the price.", "cut the price"), negated("No discount, but a pilot.", "discount")
        (True, True)
        >>> negated("Not only a discount: free delivery too", "discount"), negated("Fine.", "discount")
        (False, False)
    """
    low = _lower(text)
    starts = _spans(low, term)
    return bool(starts) and all(_negated_at(low, s) for s in starts)


def affirmed_mentions(text: str, terms: Iterable[str], *, unless: Sequence[str] = ()) -> list[str]:
    """The ``terms`` that ``text`` mentions without negating them (:func:`negated`) — and, with ``unless``,
    outside any clause that also holds one of those words (context: "A 公司便宜 15 %" speaks of the rival's
    price, "總成本更低" of the total cost — neither offers a cut of one's own).

        >>> affirmed_mentions("我們不降價,也不打折。", ["降價", "打折"])
        []
        >>> affirmed_mentions("我們可以打九折", ["打九折", "降價"])
        ['打九折']
        >>> affirmed_mentions("A 公司確實便宜一些,但我們的總成本更低", ["便宜"], unless=["a 公司"])
        []
    """
    low = _lower(text)
    found = []
    for term in dict.fromkeys(terms):
        for s in _spans(low, term):
            if _negated_at(low, s):
                continue
            if unless and _in_clause_with(low, s, unless):
                continue
            found.append(str(term))
            break
    return found


def _in_clause_with(low: str, start: int, words: Sequence[str]) -> bool:
    """Whether the clause around ``start`` holds one of ``words``."""
    left = [m.end() for m in CLAUSE_BREAK.finditer(low[:start])]
    right = CLAUSE_BREAK.search(low, start)
    clause = low[left[-1] if left else 0:right.start() if right else len(low)]
    return any(_lower(w) in clause for w in words)


# ---------------------------------------------------------------------------------------------
# A next step without an action
# ---------------------------------------------------------------------------------------------
_VAGUE = re.compile(
    r"多學|多学|學習|学习|多努力|努力|加油|加強|加强|多注意|注意|提高|提升|改進|改进|改善|好好|認真|认真|用心|繼續|继续|"
    r"進步|进步|多看|多聽|多听|多瞭解|多了解|多練|多练|盡量|尽量|爭取|争取|"
    r"\b(?:learn|study|work|try|do|get|be)\s+(?:more|harder|better)\b|\bimprove\b|\bpay (?:more )?attention\b|"
    r"\bbe (?:more )?careful\b|\bkeep it up\b|\bstep up\b|\bmore effort\b|\bpracti[cs]e more\b|\bdo your best\b",
    re.IGNORECASE)
#: a specific day or date ("週五前", "9 月 30 日", "by Friday", "2025-09-30", "月底") — not "下週", "next week"
_SPECIFIC_DAY = re.compile(
    r"[週周][一二三四五六日天]|星期[一二三四五六日天]|禮拜[一二三四五六日天]|礼拜[一二三四五六日天]|"
    r"\d+\s*[月/.-]\s*\d+|\d+\s*[日號号]|月底|月末|季末|年底|明天|今天|"
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|today|tonight)\b|"
    r"\bend of (?:the |this )?(?:day|week|month|quarter)\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.? \d", re.IGNORECASE)
#: verbs of a step one can do and check: attend, write, send, call, rehearse …
_CONCRETE = re.compile(
    r"參加|参加|報名|报名|完成|整理|提交|寫|写|準備|准备|預約|预约|約|约|打電話|打电话|拜訪|拜访|演練|演练|回覆|回复|"
    r"發送|发送|寄|補上|补上|陪|旁聽|旁听|考核|考試|考试|通過|通过|複述|复述|演示|安排|列出|製作|制作|更新|讀完|读完|"
    r"錄|录|模擬|模拟|角色扮演|請教|请教|對練|对练|記錄|记录|培訓|培训|上課|上课|背熟|熟記|熟记|"
    r"\b(?:attend|join|complete|finish|write|prepare|send|call|book|schedule|submit|role-?play|rehearse|shadow|"
    r"present|email|reply|answer|list|draft|read|pass|sit|meet|record|update|fill|register|sign up|enrol|enroll|"
    r"arrange|deliver|train(?:ing)?)\b", re.IGNORECASE)


def vague_action(text: str, *, effort_only: bool = False) -> bool:
    """Whether a next step names no concrete action (COURSE.md §4: COIN's "Next" is a concrete step with a date
    or a number; the COIN drill's trainer notes name "多學習" as the typical slip): it has no number and no
    specific day or date, and either it asks for effort ("多學習", "多努力", "加強", "learn more", "work harder",
    "improve") or it names nothing one could do and check (attend, write, send, call, rehearse …). A vague time
    ("下週", "next week") does not make it concrete.

        >>> [vague_action(x) for x in ("下週多學習", "多努力", "learn more next week", "下週多學習產品知識")]
        [True, True, True, True]
        >>> [vague_action(x) for x in ("下週參加產品技術培訓", "Join the product training this Friday",
        ...                           "週五前把 3 個問題的答案整理好", "改善", "")]
        [False, False, False, True, True]
        >>> vague_action("Add an ROI page to every proposal"), vague_action("Add an ROI page", effort_only=True)
        (True, False)
    """
    if NUMBER_RE.search(text or "") or _SPECIFIC_DAY.search(text or ""):
        return False
    if effort_only:       # a form that asks for the date and the measure beside it: only effort words are vague
        return bool(_VAGUE.search(text or ""))
    return bool(_VAGUE.search(text or "")) or not _CONCRETE.search(text or "")
