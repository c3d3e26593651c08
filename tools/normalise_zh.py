"""One voice per language: normalise the Chinese texts of the workbook to simlib/locales/GLOSSARY.md.

What it changes, in Chinese values only (a value with at least one Chinese character):

* **terms** — a variant the glossary forbids is replaced by the glossary's word (``回饋`` → ``反饋``,
  ``週`` → ``周``, ``资料`` → ``数据`` …; the table is :data:`TERMS`). A variant whose right word depends
  on the sentence (``預設``: default or preset? ``介面``: screen or API?) is listed in :data:`HAND` instead:
  the tests flag it and an author fixes it by hand;
* **quotes** — zh-Hant quotes with 「」 (『』 inside), zh-Hans with “” (‘’ inside); ASCII ``"…"`` pairs
  become the language's quotes;
* **punctuation** — a half-width ``, : ; ( ) ? !`` in Chinese prose becomes full-width (``，：；（）？！``)
  and the spaces around it go. Kept half-width: a comma or colon inside a number (``1,200``, ``10:30``), an
  ASCII list or example inside the sentence (``例如 A: 90, B: 75``: a half-width mark followed by a space with
  no Chinese on either side), and parentheses around ASCII only with no Chinese next to them (``(1 + r)``).

What it never touches: YAML keys, English values, values without Chinese characters (ids, options,
numbers), ``{placeholders}``, URLs, spans in `backticks`, and ASCII-only text in quotes (``「0: 2, 100: 3」``,
``「?」``: what a trainee types or sees as a symbol).

Which values are Chinese values: every value of ``simlib/locales/*zh-Hant.yaml`` and ``*zh-Hans.yaml``, and
the ``zh-Hant`` / ``zh-Hans`` entries of the multilingual texts (``{zh-Hant: …, zh-Hans: …, en: …}``) in
``scenarios/**/*.yaml``, ``exercises/material/*.yaml`` and ``exercises/keys/*.yaml``. Plain Chinese strings
outside such a mapping (a key file's sample answer, keyword lists a checker matches) are data, not text,
and are left alone.

A value is rewritten in its own place in the file (comments, key order and the other values stay byte for
byte); the file is then read back and compared with what was meant, so a change can never alter anything but
the Chinese texts. Running it twice changes nothing the second time.

Usage (from the repository's root)::

    .venv/bin/python tools/normalise_zh.py            # rewrite every file in scope, list what changed
    .venv/bin/python tools/normalise_zh.py --check    # change nothing; exit 1 if something would change
    .venv/bin/python tools/normalise_zh.py --diff simlib/locales/drills.zh-Hant.yaml   # show the changes
"""
from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
ZH = ("zh-Hant", "zh-Hans")

#: the files this tool normalises (relative to the repository's root), and the ones it leaves to others
CATALOGS = ("simlib/locales/zh-Hant.yaml", "simlib/locales/zh-Hans.yaml",
            "simlib/locales/*.zh-Hant.yaml", "simlib/locales/*.zh-Hans.yaml")
MULTILINGUAL = ("scenarios/*.yaml", "scenarios/*/*.yaml", "exercises/material/*.yaml", "exercises/keys/*.yaml")
EXCLUDED = ("scenarios/cases/*", "simlib/locales/cases.*", "simlib/locales/case_study.*")


# --------------------------------------------------------------------------------------------- the glossary

@dataclass(frozen=True)
class Term:
    """A forbidden variant (``pattern``, a regular expression) and the glossary's word that replaces it."""
    lang: str
    pattern: str
    replace: str | None     # None: the right word depends on the sentence (fix by hand)
    concept: str

    @property
    def regex(self) -> re.Pattern:
        return re.compile(self.pattern)


def _both(concept: str, hant: str, hans: str, repl_hant: str | None, repl_hans: str | None) -> list[Term]:
    return [Term("zh-Hant", hant, repl_hant, concept), Term("zh-Hans", hans, repl_hans, concept)]


#: forbidden variants replaced mechanically (order matters: a longer word before a word inside it)
TERMS: list[Term] = [
    *_both("week", "週", "週", "周", "周"),
    *_both("share (占)", "佔", "佔", "占", "占"),
    *_both("what", "甚麼", "甚么", "什麼", "什么"),
    *_both("feedback", "回饋", "回馈", "反饋", "反馈"),
    *_both("quality", "品質", "品质", "質量", "质量"),
    *_both("project", "專案", "专案", "項目", "项目"),
    *_both("information", "資訊|訊息", "资讯|讯息", "信息", "信息"),
    *_both("software", "軟體", "软体", "軟件", "软件"),
    *_both("user", "使用者", "使用者", "用戶", "用户"),
    *_both("save as (Excel's menu)", "另存新檔", "另存新档", "另存為", "另存为"),
    *_both("folder", "資料夾", "资料夹", "文件夾", "文件夹"),
    *_both("database", "資料庫", "资料库", "數據庫", "数据库"),
    *_both("data", "(?<!背景)(?<!產品)資料", "(?<!背景)(?<!产品)资料", "數據", "数据"),
    *_both("file", "檔案", "档案", "文件", "文件"),
    *_both("file", "(?<![歸存])檔(?!案)", "(?<![归存])档(?!案)", "文件", "文件"),
    *_both("export", "匯出", "汇出", "導出", "导出"),
    *_both("import", "匯入", "汇入", "導入", "导入"),
    *_both("save", "儲存", "储存", "保存", "保存"),
    *_both("server", "伺服器", "伺服器", "服務器", "服务器"),
    *_both("example", "範例", "范例", "示例", "示例"),
    *_both("template", "範本", "范本", "模板", "模板"),
    *_both("plan", "計畫", "计画", "計劃", "计划"),
    *_both("program", "程式", "程式", "程序", "程序"),
    *_both("log in", "登入", "登入", "登錄", "登录"),
    *_both("review (復盤)", "檢討|覆盤", "检讨|覆盘", "復盤", "复盘"),
    *_both("forecast", "推估", "推估", "預測", "预测"),
    *_both("support", "支援", "支援", "支持", "支持"),
    *_both("probability", "機率", "机率", "概率", "概率"),
    *_both("workbook (Excel)", "活頁簿", "活页簿", "工作簿", "工作簿"),
    *_both("field (of a table or form)", "欄位", "栏位", "字段", "字段"),
    *_both("header row", "標題列", "标题列", "表頭", "表头"),
    *_both("slides", "投影片", "投影片", "幻燈片", "幻灯片"),
    *_both("video", "(?<!投)影片", "(?<!投)影片", "視頻", "视频"),
    *_both("slider", "滑桿", "滑杆", "滑塊", "滑块"),
    *_both("identity", "身分", "身分", "身份", "身份"),
    *_both("level (水平)", "水準", "水准", "水平", "水平"),
    *_both("video recording", "錄影", "录影", "錄像", "录像"),
    *_both("Pareto", "柏拉圖", "柏拉图", "帕累托", "帕累托"),
    *_both("overdue", "逾時", "逾时", "超時", "超时"),
    *_both("through", "透過", "透过", "通過", "通过"),
    *_both("dashboard (the deck's 儀表盤; the pages say 看板)", "儀表板", "仪表板", "儀表盤", "仪表盘"),
    *_both("character (of text)", "字元", "字元", "字符", "字符"),
    *_both("open (a page, a workshop)", "開啟", "开启", "打開", "打开"),
    *_both("record", "紀錄", "纪录", "記錄", "记录"),
    *_both("custom-made", "客製", "客制", "定製", "定制"),
    *_both("custom (user-defined)", "自訂", "自订", "自定義", "自定义"),
    *_both("real time", "即時", "即时", "實時", "实时"),
    *_both("payslip", "薪資單", "薪资单", "工資單", "工资单"),
    *_both("tier (of a commission)", "級距", "级距", "階梯", "阶梯"),
    *_both("bill", "帳單", "帐单", "賬單", "账单"),
    *_both("replay", "重播", "重播", "重放", "重放"),
    *_both("refresh", "重新整理", "重新整理", "刷新", "刷新"),
    *_both("key (secret)", "金鑰", "金钥", "密鑰", "密钥"),
    *_both("hash", "雜湊", "杂凑", "哈希", "哈希"),
    *_both("QR code", " ?QR 碼", " ?QR 码", "二維碼", "二维码"),
    *_both("length of service", "年資", "年资", "工齡", "工龄"),
    *_both("current state", "現況", "现况", "現狀", "现状"),
    *_both("load", "載入", "载入", "加載", "加载"),
    *_both("device", "裝置", "装置", "設備", "设备"),
    *_both("module", "模組", "模组", "模塊", "模块"),
    *_both("according to", "依照", "依照", "按照", "按照"),
    *_both("in order", "依序", "依序", "依次", "依次"),
    *_both("look for", "尋找", "寻找", "查找", "查找"),
    *[Term("zh-Hant", old, new, "character form (OpenCC's s2t variants)")
      for old, new in (("爲", "為"), ("裏", "裡"), ("綫", "線"), ("衆", "眾"), ("啓", "啟"), ("僞", "偽"), ("羣", "群"),
                       ("峯", "峰"), ("牀", "床"), ("喫", "吃"), ("着", "著"),
                       ("纔", "才"), ("公佈", "公布"))],
    Term("zh-Hans", "情景", "情境", "scenario"),
    Term("zh-Hans", "(?<!显)(?<!卓)(?<!土)著(?![名作称])", "着", "-ing particle (着)"),
]

#: forbidden variants whose right word depends on the sentence: the tests flag them, an author fixes them
HAND: list[Term] = [
    *_both("default", "(?<!行為)預設", "(?<!行为)预设", None, None),            # 默認 / 默认 (a preset stays 預設)
    *_both("interface", "介面", "介面", None, None),                             # 界面 (screen) or 接口 (API)
    # 列 is a column, 行 a row (mainland usage): "第 {row} 列" reads "column {row}" there
    *_both("row (行)", r"第\s*\{(?:row|first|n)\}\s*列|每筆交易一列|每天一列|列與欄|最多 \{n\} 列|[新刪]\w{0,2}一列",
           r"第\s*\{(?:row|first|n)\}\s*列|每笔交易一列|每天一列|列与栏|最多 \{n\} 列|[新删]\w{0,2}一列", None, None),
    *_both("money", r"\d\s*[MK]\b|\d\s*k\b", r"\d\s*[MK]\b|\d\s*k\b", None, None),   # 120 萬元, not 1.2 M
]


# --------------------------------------------------------------------------------------------- the text

CJK_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_SIDE = re.compile(r"[\u2014\u2026\u2018\u2019\u201c\u201d\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf"
                       r"\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_PROTECTED = re.compile(
    r"\{[^{}\s]*\}"                                   # {placeholder}, {x:.1%}
    r"|`[^`]*`"                                       # `code`
    r"|[A-Za-z][A-Za-z0-9+.-]*://[!-~]*"              # URLs (ASCII)
    r"|(?<=「)[ -~]*(?=」)|(?<=“)[ -~]*(?=”)"          # ASCII-only text in quotes: typed input, symbols
    r"|(?<=『)[ -~]*(?=』)|(?<=‘)[ -~]*(?=’)"
)
HALF_TO_FULL = {",": "\uff0c", ":": "\uff1a", ";": "\uff1b", "(": "\uff08", ")": "\uff09", "?": "\uff1f",
                "!": "\uff01"}
_FULL_PUNCT = "\uff0c\uff1a\uff1b\uff08\uff09\uff1f\uff01\u3002\u3001"   # ，：；（）？！。、


def is_chinese(text: str) -> bool:
    """A text with at least one Chinese character (the others are ids, numbers or English)."""
    return bool(CJK_IDEOGRAPH.search(text))


def _mask(text: str) -> list[bool]:
    """True at every character no rule may change (placeholders, code, URLs, ASCII text in quotes)."""
    masked = [False] * len(text)
    for m in _PROTECTED.finditer(text):
        for i in range(m.start(), m.end()):
            masked[i] = True
    # ASCII-only text between ASCII double quotes: the content is protected, the quotes are not
    for m in re.finditer(r'"([ -!#-~]*)"', text):
        for i in range(m.start(1), m.end(1)):
            masked[i] = True
    return masked


def _segments(text: str) -> Iterator[tuple[str, bool]]:
    """The text as (piece, protected) runs."""
    mask = _mask(text)
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or mask[i] != mask[start]:
            yield text[start:i], mask[start]
            start = i


def _on_free_text(text: str, fn: Callable[[str], str]) -> str:
    return "".join(piece if protected else fn(piece) for piece, protected in _segments(text))


def _terms(text: str, lang: str) -> str:
    for term in TERMS:
        if term.lang == lang and term.replace is not None:
            text = _on_free_text(text, lambda s, term=term: term.regex.sub(term.replace, s))
    return text


def _quotes(text: str, lang: str) -> str:
    if lang == "zh-Hant":
        pairs = {"\u201c": "「", "\u201d": "」", "\u2018": "『", "\u2019": "』"}
        open_q, close_q = "「", "」"
    else:
        pairs = {"「": "\u201c", "」": "\u201d", "『": "\u2018", "』": "\u2019"}
        open_q, close_q = "\u201c", "\u201d"
    mask = _mask(text)
    chars = [pairs.get(c, c) if not mask[i] else c for i, c in enumerate(text)]
    quotes = [i for i, c in enumerate(chars) if c == '"' and not mask[i]]
    if quotes and len(quotes) % 2 == 0:
        for n, i in enumerate(quotes):
            chars[i] = open_q if n % 2 == 0 else close_q
    return "".join(chars)


def _near(text: str, i: int, step: int) -> str:
    """The nearest character from ``i`` in direction ``step`` that is not a space ('' at either end)."""
    j = i + step
    while 0 <= j < len(text) and text[j] == " ":
        j += step
    return text[j] if 0 <= j < len(text) else ""


def _cjk(ch: str) -> bool:
    return bool(ch) and bool(_CJK_SIDE.match(ch))


def _cjk_or_field(ch: str) -> bool:
    return _cjk(ch) or ch in ("{", "}")


def _punctuation(text: str) -> str:
    """Full-width punctuation in Chinese prose, repeated until nothing changes (a converted mark can make
    its neighbour Chinese prose too: ``(…):``)."""
    for _ in range(10):
        out = _punctuation_once(text)
        if out == text:
            return out
        text = out
    raise RuntimeError(f"punctuation does not settle: {text!r}")


def _punctuation_once(text: str) -> str:
    mask = _mask(text)
    chars = list(text)
    n = len(text)
    for i, c in enumerate(text):
        if mask[i] or c not in ",:;?!":
            continue
        before, after = text[i - 1] if i else "", text[i + 1] if i + 1 < n else ""
        if c in ",:" and before.isdigit() and after.isdigit():
            continue                                          # 1,200  10:30
        spaced = after in (" ", "")
        if spaced and not _cjk(_near(text, i, -1)) and not _cjk(_near(text, i, +1)) and after != "":
            continue                                          # an ASCII list or example: A: 90, B: 75
        if after == "" and not _cjk(_near(text, i, -1)) and c in ",:;":
            continue
        chars[i] = HALF_TO_FULL[c]
    # parentheses, as pairs
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    for i, c in enumerate(text):
        if mask[i]:
            continue
        if c == "(":
            stack.append(i)
        elif c == ")" and stack:
            pairs.append((stack.pop(), i))
    now = "".join(chars)
    for i, j in pairs:      # a {placeholder} next to a parenthesis counts as Chinese: "{plan}(YAML)"
        outside = _cjk_or_field(_near(now, i, -1)) or _cjk_or_field(_near(now, j, +1))
        if outside or is_chinese(text[i + 1:j]) or _cjk(_near(text, i, +1)) or _cjk(_near(text, j, -1)):
            chars[i], chars[j] = HALF_TO_FULL["("], HALF_TO_FULL[")"]
    out = "".join(chars)
    # no spaces around full-width punctuation (outside protected text)
    mask = _mask(out)
    keep = [True] * len(out)
    for i, c in enumerate(out):
        if c in _FULL_PUNCT and not mask[i]:
            for step in (-1, 1):
                j = i + step
                while 0 <= j < len(out) and out[j] == " " and not mask[j]:
                    keep[j] = False
                    j += step
    return "".join(c for c, k in zip(out, keep) if k)


def normalise(text: str, lang: str) -> str:
    """``text`` (a value in ``lang``, zh-Hant or zh-Hans) as the glossary writes it; any other text as it is."""
    if lang not in ZH or not is_chinese(text):
        return text
    out = _punctuation(_quotes(_terms(text, lang), lang))
    return out


# --------------------------------------------------------------------------------------------- the files

def files(paths: list[str] | None = None) -> list[Path]:
    """The files in scope (all of them, or those of ``paths`` that are in scope)."""
    found: set[Path] = set()
    for pattern in (*CATALOGS, *MULTILINGUAL):
        found.update(ROOT.glob(pattern))
    excluded = {p for pattern in EXCLUDED for p in ROOT.glob(pattern)}
    chosen = sorted(found - excluded)
    if paths:
        wanted = {Path(p).resolve() for p in paths}
        chosen = [p for p in chosen if p.resolve() in wanted]
    return chosen


def catalog_lang(path: Path) -> str | None:
    """zh-Hant / zh-Hans for a catalog file of that language, None for any other file."""
    if path.parent.name != "locales":
        return None
    for lang in ZH:
        if path.name == f"{lang}.yaml" or path.name.endswith(f".{lang}.yaml"):
            return lang
    return None


def _chinese_nodes(node: yaml.Node, lang: str | None) -> Iterator[tuple[yaml.ScalarNode, str]]:
    """The scalar nodes holding Chinese values: all values of a catalog (``lang`` given), or the zh-Hant /
    zh-Hans values of the multilingual mappings of any other file."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(value, yaml.ScalarNode):
                if lang is not None:
                    yield value, lang
                elif isinstance(key, yaml.ScalarNode) and key.value in ZH:
                    yield value, key.value
            else:
                yield from _chinese_nodes(value, lang)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if isinstance(item, yaml.ScalarNode):
                if lang is not None:
                    yield item, lang
            else:
                yield from _chinese_nodes(item, lang)


def _double_quoted(value: str) -> str:
    out = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{out}"'


def _plain_ok(value: str, flow: bool) -> bool:
    if not value or value != value.strip() or "\n" in value:
        return False
    doc = f"{{k: {value}}}" if flow else f"k: {value}\n"
    try:
        return yaml.safe_load(doc) == {"k": value}
    except yaml.YAMLError:
        return False


def _render(node: yaml.ScalarNode, raw: str, value: str, flow: bool) -> str:
    """``value`` written where ``raw`` (the node's source text) was, in the node's style when it can be."""
    if node.style == "|" and "\n" in raw:
        header, body = raw.split("\n", 1)
        indent = re.match(r"[ ]*", body).group(0)
        lines = value.split("\n")
        if lines and lines[-1] == "":
            lines = lines[:-1]
        text = header + "\n" + "".join((indent + line if line else "") + "\n" for line in lines)
        return text if raw.endswith("\n") else text.rstrip("\n")
    if node.style is None and _plain_ok(value, flow):
        return value
    if node.style == "'" and "\n" not in value:
        return "'" + value.replace("'", "''") + "'"
    return _double_quoted(value)


def _flow_context(source: str, index: int) -> bool:
    """Whether the scalar starting at ``index`` sits inside a flow collection ({…} or […]) on its line."""
    line_start = source.rfind("\n", 0, index) + 1
    before = source[line_start:index]
    return before.count("{") + before.count("[") > before.count("}") + before.count("]")


def _expected(data, lang: str | None):
    """The file's data as it must read after normalising (to check the rewrite)."""
    if isinstance(data, dict):
        out = {}
        for k, v in data.items():
            if isinstance(v, str):
                out[k] = normalise(v, lang) if lang else (normalise(v, k) if k in ZH else v)
            else:
                out[k] = _expected(v, lang)
        return out
    if isinstance(data, list):
        return [normalise(v, lang) if (isinstance(v, str) and lang) else _expected(v, lang) for v in data]
    return data


@dataclass
class Change:
    path: Path
    line: int
    lang: str
    before: str
    after: str


def normalise_file(path: Path, write: bool = True) -> list[Change]:
    """Normalise the Chinese values of one YAML file in place; the changes made (or to be made)."""
    source = path.read_text(encoding="utf-8")
    lang = catalog_lang(path)
    root = yaml.compose(source)
    if root is None:
        return []
    edits: list[tuple[int, int, str]] = []
    changes: list[Change] = []
    for node, value_lang in _chinese_nodes(root, lang):
        if node.tag != "tag:yaml.org,2002:str":
            continue
        new = normalise(node.value, value_lang)
        if new == node.value:
            continue
        start, end = node.start_mark.index, node.end_mark.index
        raw = source[start:end]
        edits.append((start, end, _render(node, raw, new, _flow_context(source, start))))
        changes.append(Change(path, node.start_mark.line + 1, value_lang, node.value, new))
    if not edits:
        return []
    out = source
    for start, end, text in sorted(edits, reverse=True):
        out = out[:start] + text + out[end:]
    want = _expected(yaml.safe_load(source), lang)
    got = yaml.safe_load(out)
    if got != want:
        raise RuntimeError(f"{path}: the rewrite would change more than its Chinese texts; nothing written")
    if write:
        path.write_text(out, encoding="utf-8")
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="only these files (default: every file in scope)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")
    parser.add_argument("--diff", action="store_true", help="print every changed value, before and after")
    args = parser.parse_args(argv)
    total = 0
    for path in files(args.paths):
        changes = normalise_file(path, write=not args.check)
        if changes:
            total += len(changes)
            print(f"{path.relative_to(ROOT)}: {len(changes)} " + ("to change" if args.check else "changed"))
            if args.diff:
                for ch in changes:
                    print(f"  {ch.line}: {ch.before}\n  {' ' * len(str(ch.line))}→ {ch.after}")
    print(f"values {'to change' if args.check else 'changed'}: {total}")
    return 1 if (args.check and total) else 0


if __name__ == "__main__":
    sys.exit(main())
