"""Every selector and text pattern the article parser uses, as data, in one place.

Layer 1 (selectors): one ``Template`` per known markup generation of the site (see shared/SITE.md), tried in
order; the first whose ``detect`` selector matches owns the page. Layer 2 (patterns): markup-independent
regular expressions for the 2024 meta line, 来源, 编辑, the disclaimer heading and the dateline. Layer 3
(generic) uses only the thresholds at the end of this module.

Selectors are CSS; ``layers/selectors.py`` compiles them once to XPath at import (parsel's translator).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    name: str
    detect: str  # this selector matching means the page is of this generation
    title: tuple[str, ...]  # first selector with text wins
    meta: tuple[str, ...]  # elements whose text holds the date (and often 来源)
    body: str  # the article text container
    source: tuple[str, ...] = ()  # elements holding the source (an <a> or a "来源：X" text)
    date: tuple[str, ...] = ()  # elements holding only the date (hidden spans)
    editor: tuple[str, ...] = ()  # elements holding the editor ("【编辑:X】", "责任编辑：X" or "X")
    drop: tuple[str, ...] = ()  # inside the body: never text
    captions: tuple[str, ...] = ()  # inside the body: image captions


# Known generations, most specific first.
TEMPLATES: tuple[Template, ...] = (
    Template(
        name="cns-main",
        detect="h1.content_left_title",
        title=("h1.content_left_title",),
        meta=("div.content_left_time",),
        source=("div.content_left_time a.source", "#source_baidu"),
        date=("#pubtime_baidu",),
        editor=("div.adEditor div.left_name span", "div.adEditor div.left_name", "#editor_baidu"),
        body="div.left_zw",
        drop=("table.adInContent", "#function_code_page", "div.adEditor", "div.left_name"),
        captions=("div.pictext",),
    ),
    Template(
        name="cns-main-old",
        detect="div.left-time div.left-t",
        title=("#cont_1_1_2 h1", "div.content h1", "h1"),
        meta=("div.left-time div.left-t",),
        source=("div.left-t a.source", "#source_baidu"),
        date=("#pubtime_baidu",),
        editor=("div.left_name div.left_name", "div.left_name", "#editor_baidu"),
        body="div.left_zw",
        drop=("table.adInContent", "#function_code_page", "div.adEditor", "div.left_name"),
        captions=("div.pictext",),
    ),
    Template(
        name="cns-video",
        detect="div.content_title",
        title=("div.content_title h1", "div.content_title"),
        meta=("div.content_title div.time", "div.content_title span", "div.video_con1_text_top"),
        source=("#source_baidu",),
        date=("#pubtime_baidu",),
        editor=("div.adEditor div.left_name span", "div.left_name", "#editor_baidu"),
        body="div.content_desc",
        drop=("div.adEditor", "div.left_name"),
    ),
    Template(
        name="sc-2019",
        detect="div.incont_t > h2",
        title=("div.incont_t > h2",),
        meta=("div.incont_t > p",),
        body="div.incont_txt",
    ),
    Template(
        name="sc-2013",
        detect="div#newbody",
        title=("div.news_nr div.news_h1", "div.news_nr div.new_h1", "div.news_h1", "div.new_h1", "h1"),
        meta=("div.new_txtct",),
        source=("div.new_txtct span",),
        body="div#newbody",
    ),
)

# Inside any body container, whatever the layer: elements whose class or id says they are never article
# text. Matched against "class id" of each element during the one walk over the text (cheaper than XPath).
DROP_CLASS = re.compile(
    r"share|fontsize|font-size|font_size|related|xgxw|recommend|pager|paging|advert|comment|breadcrumb|"
    r"crumbs|(?:^|[\s_-])(?:ad|ads|print|adv)(?:$|[\s_-])",
    re.I,
)
# Elements that hold an image caption (besides <figcaption>), by class.
CAPTION_CLASS = re.compile(r"pictext|caption|img_?desc|pic_?desc|img-desc|pic-?txt|pictxt", re.I)

# Tags whose content is never text; block tags end a line.
SKIP_TAGS = frozenset(
    {
        "script", "style", "noscript", "iframe", "form", "button", "select", "textarea", "input",
        "object", "embed", "svg", "canvas", "template", "head", "title", "meta", "link",
    }
)  # fmt: skip
BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "blockquote",
        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr",
        "td", "th", "tbody", "thead", "tfoot", "caption", "figure", "figcaption", "pre", "center",
        "address", "hr", "body", "html",
    }
)  # fmt: skip

# Image URLs (src) and classes that are page furniture, not article pictures.
IMAGE_SKIP = re.compile(
    r"logo|icon|share|weixin|wechat|qrcode|erweima|ewm|banner|btn|button|spacer|blank\.gif|pixel|/ad/|"
    r"adv|arrow|loading|avatar",
    re.I,
)
IMAGE_MIN_SIZE = 60  # width or height attributes below this mean an icon

# ---------------------------------------------------------------------------------------------------------
# Layer 2: text patterns
# ---------------------------------------------------------------------------------------------------------

_SPACE = r"[\s\u3000\xa0]"
_COLON = r"[:：]"

# A date as the page's meta line or meta element gives it (any of the absolute forms of dates.py).
_DAY = r"(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2})"
_DAY_NO_YEAR = r"(?:\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}-\d{1,2})"
_RELATIVE = r"(?:\d+\s*(?:秒|分钟|小时|天|周)前|刚刚|今天|昨天|前天)"
_TIME = rf"\d{{1,2}}{_COLON}\d{{2}}(?:{_COLON}\d{{2}})?"
META_DATE = rf"{_DAY}(?:{_SPACE}*{_TIME})?"
# The 2024 meta line: "2024年04月11日 10:57 来源：四川日报 编辑：曹惠君".
# A line opening with a date and a time, or with any date (also "04-11 10:57", "3小时前")
# soon followed by 来源 or 编辑.
META_LINE = re.compile(
    rf"^{_DAY}{_SPACE}*{_TIME}(?:$|{_SPACE}|来源|(?:责任)?编辑)|"
    rf"^(?:{_DAY}|{_DAY_NO_YEAR}|{_RELATIVE}).{{0,12}}?(?:来源|(?:责任)?编辑){_SPACE}*{_COLON}"
)
META_LINE_MAX_CHARS = 120
# A meta line somewhere inside a longer text (to find the element that holds the article): a date, then
# within 40 characters 来源 or 编辑 and a colon; or 来源 and a colon, then within 40 characters a date.
# The parser runs the two halves only near each label (article._has_meta_in_text); META_IN_TEXT is their
# union.
META_DATE_THEN_LABEL = re.compile(rf"{META_DATE}.{{0,40}}?(?:来源|(?:责任)?编辑){_SPACE}*{_COLON}")
META_LABEL_THEN_DATE = re.compile(rf"来源{_SPACE}*{_COLON}.{{0,40}}?{META_DATE}")
META_IN_TEXT = re.compile(rf"{META_DATE_THEN_LABEL.pattern}|{META_LABEL_THEN_DATE.pattern}")
# Text holding both 来源： and a date is a meta line too, in either order.
META_ANYWHERE = re.compile(
    rf"{META_DATE}.{{0,40}}?来源{_SPACE}*{_COLON}|来源{_SPACE}*{_COLON}.{{0,40}}?{META_DATE}"
)

# The value after 来源 ends at whitespace, at a following label, or at a bracket.
SOURCE = re.compile(
    rf"来源{_SPACE}*{_COLON}{_SPACE}*(?P<value>[^\s\u3000\xa0|｜【】\[\]()（）]+?)"
    rf"(?=$|{_SPACE}|[|｜【\[(（]|(?:责任)?编辑|作者|记者|发布时间|时间{_COLON})"
)
EDITOR = (
    re.compile(rf"【{_SPACE}*(?:责任)?编辑{_SPACE}*{_COLON}{_SPACE}*(?P<value>[^】]+?){_SPACE}*】"),
    re.compile(rf"(?:责任)?编辑{_SPACE}*{_COLON}{_SPACE}*(?P<value>[^\s\u3000\xa0)）】\]|｜,，;；]+)"),
)
# A line that is nothing but a source statement ("来源：四川日报", "（来源：人民日报）");
# "（数据来源：X）" is article text.
SOURCE_LINE = re.compile(
    rf"^[\[【(（]?{_SPACE}*(?:来源|稿件来源|摘自|转自|选自){_SPACE}*{_COLON}{_SPACE}*(?P<value>[^\s\u3000\xa0\]】)）]{{1,30}}){_SPACE}*[\]】)）]?$"
)
# A line that is nothing but an editor statement ("编辑：X", "【编辑:X】", "(责任编辑：X)", or an empty
# "责任编辑：").
EDITOR_LINE = re.compile(
    rf"^[\[【(（]?{_SPACE}*(?:责任)?编辑{_SPACE}*{_COLON}{_SPACE}*[^\s\u3000\xa0]{{0,20}}{_SPACE}*[\]】)）]?$"
)

DISCLAIMER_HEADING = "版权与免责声明"

# An unfilled template placeholder is no value: "作者：${中新记者姓名}", "{{editor}}", "<%=author%>".
PLACEHOLDER = re.compile(r"\$\{[^}]*\}|\{\{[^}]*\}\}|<%.*?%>|\$[A-Za-z_]+\$")
# A value that is itself the next label ("责任编辑：作者：" read as an editor).
LABEL_ONLY = re.compile(rf"^(?:来源|作者|记者|(?:责任)?编辑|发布时间|时间){_SPACE}*{_COLON}")
# "作者：何春燕" (a labelled author, in a meta line or a hidden span).
_NOT_LABEL = r"(?!责任|编辑|来源|作者|记者|时间|发布)"
AUTHOR_LABEL = re.compile(
    rf"(?<![\w(（])作者{_SPACE}*{_COLON}{_SPACE}*"
    rf"(?P<value>{_NOT_LABEL}[\u4e00-\u9fff]{{2,4}}(?:[\s\u3000、，,]+{_NOT_LABEL}[\u4e00-\u9fff]{{2,4}})*)"
    rf"(?=$|{_SPACE}|[|｜】)）]|(?:责任)?编辑|来源)"
)
# A source written before the time with no label (wap pages: "新华社 2017-08-26 14:39:45"): a short name
# ending in a news-organisation word, right before a date.
SOURCE_BEFORE_DATE = re.compile(
    rf"^(?P<value>[\u4e00-\u9fff·]{{1,12}}(?:社|网|报|台|刊|新闻|日报|晚报|时报|中心)){_SPACE}+{_DAY}"
)

# The dateline group at the start of the body:
# "中新网四川新闻5月23日 电 (杨勇  邓文鑫)", "中新网成都10月6日电(记者 王逸飞)".
DATELINE = re.compile(r"^[^。，,；;]{0,40}?电\s*[(（](?P<names>[^()（）]{1,60})[)）]")
# A byline group at the end of the last paragraph (before "(完)"): "...发展。(川观智库研究员 黄爱林)".
BYLINE = re.compile(r"[(（](?P<names>[^()（）]{1,60})[)）]\s*$")
END_MARK = re.compile(r"[(（]\s*完\s*[)）]\s*$")
AUTHOR_SPLIT = re.compile(r"[\s\u3000\xa0、，,/／]+")
AUTHOR_ROLES = frozenset({"记者", "实习生", "通讯员", "摄影", "编辑", "摄"})
AUTHOR_PREFIXES = ("见习记者", "特约记者", "记者", "实习生", "通讯员")
AUTHOR_ROLE_SUFFIX = ("记者", "研究员", "通讯员", "实习生", "摄影", "编辑")
AUTHOR_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")

# Lines that are page furniture wherever they appear in a body.
WIDGET_LINE = re.compile(
    r"^(?:【?(?:大字体|小字体|中字体|字号|字体|打印|关闭|关闭窗口|返回顶部|收藏|纠错)】?[\s\u3000]*)+$|"
    r"^(?:分享到|分享：|分享:|扫一扫|微信扫一扫|打开微信|点击播放|【打印】|【关闭】|字号[:：])|"
    # notices about the page or its pictures, not article text ("声明:本版文章之版权属于原作者...",
    # "版权声明:凡标注有“cnsphoto”字样的图片...")
    r"^[【\[]?(?:版权声明|声明|图片版权声明)[】\]]?\s*[:：]|"
    r"^(?:上一页|下一页|首页|尾页|\d+|[<>«»]|[\s\u3000])+$|"
    # separators such as DedeCMS's "------分隔线------"
    r"^[-—–=_*~·]{3,}[^。，,.]{0,8}[-—–=_*~·]{3,}$|^[-—–=_*~·]{3,}$"
)
# In a body found by the text-pattern or generic layer, these lines end the article.
STOP_LINE = re.compile(
    r"^(?:相关新闻|相关阅读|相关链接|延伸阅读|推荐阅读|热点推荐|热门推荐|精彩推荐|图片推荐|更多新闻|"
    r"上一篇|下一篇|网友评论|【?纠错】?|Copyright|版权所有|关于我们|.{0,20}ICP备|"
    r"[:：\s]*相\s*关\s*(?:报\s*道|新\s*闻|阅\s*读|链\s*接|专\s*题)|"
    r"本网站所刊载信息|刊用本网站稿件|未经授权禁止转载|全部评论|热门评论|最新评论|发表评论|参与互动)"
)
BREADCRUMB_LINE = re.compile(r"^(?:首页|首頁|当前位置|您的位置|你的位置)\s*[>＞›»/]|[>＞›»]\s*正文$")
# The three above as one anchored test (the hot path tries it on every line).
FURNITURE_LINE = re.compile(
    rf"(?:{WIDGET_LINE.pattern})|(?:{STOP_LINE.pattern})|(?:^(?:首页|首頁|当前位置|您的位置|你的位置)\s*[>＞›»/])"
)

# An image caption written as a paragraph right after the picture.
CAPTION_LINE = re.compile(
    r"^(?:图为|图：|图:|[(（]?图\d*[)）]|上图|下图|左图|右图)|(?:摄|摄影|供图|资料图)[)）]?$"
)
CAPTION_MAX_CHARS = 160

# <title> suffixes: "标题-中新网", "标题_中国新闻网·四川新闻".
TITLE_SEPARATORS = re.compile(
    r"\s*(?:[-_|｜—–]+)\s*(?=[^-_|｜—–]*(?:中新|新闻|网|chinanews)[^-_|｜—–]*$)", re.I
)

# Text that still looks garbled after decoding: replacement characters, "锟斤拷" (U+FFFD read as GBK), or
# UTF-8 punctuation read as GBK, twice close together ("，" becomes "锛", "。" becomes "銆").
MOJIBAKE = re.compile(r"\ufffd|锟斤拷|[銆锛].{0,30}[銆锛]")

# Error pages.
ERROR_TEXT = re.compile(
    r"404|页面不存在|页面没有找到|找不到(?:该|您要访问的)?页面|您访问的页面|not\s+found|页面已删除|访问出错|出错了",
    re.I,
)

# ---------------------------------------------------------------------------------------------------------
# Layer 3 and refusals: thresholds
# ---------------------------------------------------------------------------------------------------------

GOOD_LINE_MIN_CHARS = 10  # a line counts towards the densest cluster from this length
LINK_LINE_RATIO = 0.5  # a line whose text is mostly link text is navigation
MIN_ARTICLE_CHARS = 100  # body text below this, with no article meta, is not an article
LIST_LINK_COUNT = 20  # this many links ...
LIST_LINK_TEXT_RATIO = 0.35  # ... carrying this share of the text (list dates and pager take the rest)
TRUNCATED_MIN_CHARS = 200  # a document with no closing tags and less body text than this is truncated
