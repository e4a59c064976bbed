"""HTML of the replica's generated pages: channel list pages and synthetic articles.

List pages use the 2024 list layout of ``fixtures/lists/2024-index`` (``[2024-04-11]`` dates, a pager
with numbers, 下一页 and 尾页). Synthetic articles use the main site's 2021+ article markup
(``h1.content_left_title``, ``div.content_left_time``, ``div.left_zw``, ``【编辑:X】``), the template
SITE.md verifies; their text is drawn from a seeded generator so that two synthetic articles are never
near-duplicates of each other.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from html import escape

from crawler.channels import CHANNELS

_WORDS = (
    "四川 成都 绵阳 德阳 宜宾 泸州 乐山 南充 达州 雅安 眉山 广安 遂宁 内江 自贡 "
    "攀枝花 巴中 资阳 阿坝 甘孜 凉山 "
    "经济 产业 项目 投资 企业 消费 旅游 文化 农业 科技 教育 医疗 交通 生态 环境 乡村 城市 社区 市场 贸易 "
    "发展 建设 推进 实施 完成 增长 提升 启动 举办 发布 签约 开工 投产 扩大 优化 改善 加快 打造 培育 引进 "
    "今年 一季度 上半年 近日 日前 记者 获悉 数据 显示 同比 环比 累计 达到 超过 万元 亿元 万人次 个百分点 "
    "高质量 新能源 数字化 智能化 绿色 低碳 开放 合作 创新 服务 保障 民生 就业 收入 安全 稳定 有序"
).split()


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 14))]
    words.insert(rng.randint(2, len(words) - 1), f"{rng.randint(2, 980)}.{rng.randint(1, 9)}%")
    return "".join(words) + "。"


def synthetic_paragraphs(seed: int | str, count: int = 4) -> list[str]:
    rng = random.Random(str(seed))
    return ["".join(_sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(count)]


@dataclass
class ListEntry:
    path: str  # root-relative, or an absolute URL when the list links another host form
    title: str
    date: str  # YYYY-MM-DD


def list_page(channel: str, entries: list[ListEntry], page: int, pages: int) -> bytes:
    """A list page in the 2024 layout: ``[2024-04-11]`` dates, numbers, 下一页 and 尾页; UTF-8."""
    name = CHANNELS.get(channel, channel)

    def page_href(n: int) -> str:
        return "index.shtml" if n == 1 else f"index_{n}.shtml"

    items = "\n".join(
        f'      <li><span class="date">[{e.date}]</span><a href="{escape(e.path)}">{escape(e.title)}</a></li>'
        for e in entries
    )
    pager = []
    if page > 1:
        pager.append(f'<a href="{page_href(1)}">首页</a> <a href="{page_href(page - 1)}">上一页</a>')
    for n in range(1, pages + 1):
        pager.append(f"<span>{n}</span>" if n == page else f'<a href="{page_href(n)}">{n}</a>')
    if page < pages:
        pager.append(f'<a href="{page_href(page + 1)}">下一页</a> <a href="{page_href(pages)}">尾页</a>')
    else:
        pager.append('<span class="disabled">下一页</span>')
    html = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{escape(name)} - 中新社四川分社</title>
</head>
<body>
<div class="header"><span class="brand">中新社四川分社</span>
  <ul class="nav"><li><a href="/">首页</a></li><li><a href="/scxw/index.shtml">四川新闻</a></li></ul>
</div>
<div class="crumb">首页 &gt; {escape(name)}</div>
<div class="main">
  <div class="news-list">
    <ul>
{items}
    </ul>
  </div>
  <div class="pager">
    {" ".join(pager)}
  </div>
</div>
</body>
</html>
"""
    return html.encode("utf-8")


def list_page_2019(channel: str, entries: list[ListEntry], page: int, pages: int) -> bytes:
    """A list page in the 2019-2020 layout: ``ul.paging > li > a`` with a span date, a pager of page numbers
    only (no 下一页), GB2312 bytes declared only in ``<meta>`` (served as plain ``text/html``)."""
    name = CHANNELS.get(channel, channel)
    items = "\n".join(
        f'    <li><a href="{escape(e.path)}" target="_blank">{escape(e.title)}</a><span>{e.date}</span></li>'
        for e in entries
    )
    numbers = " ".join(
        f'<span class="current">{n}</span>'
        if n == page
        else f'<a href="/{channel}/{"index" if n == 1 else f"index_{n}"}.shtml">{n}</a>'
        for n in range(1, pages + 1)
    )
    html = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>{escape(name)}-中国新闻网·四川新闻</title>
</head>
<body>
<div class="top"><a href="/">首页</a> | <a href="/scxw/index.shtml">四川新闻</a></div>
<div class="incont_l">
  <div class="lm_t">{escape(name)}</div>
  <ul class="paging">
{items}
  </ul>
  <div class="pagebox">{numbers}</div>
</div>
</body>
</html>
"""
    return html.encode("gb18030")


def article_page(
    *,
    path: str,
    title: str,
    date: str,
    time: str = "10:00",
    paragraphs: list[str],
    source: str = "中国新闻网",
    editor: str = "张三",
    page: int = 1,
    pages: int = 1,
    image: str | None = None,
) -> bytes:
    """A synthetic article in the main site's 2021+ markup; ``pages`` > 1 adds the ``_2`` pager."""
    y, m, d = date.split("-")
    body = "\n".join(f"      <p>\u3000\u3000{escape(p)}</p>" for p in paragraphs)
    if image:
        body += f'\n      <p style="text-align:center"><img src="{escape(image)}" alt="" /></p>'
    pager = ""
    if pages > 1:
        stem, ext = path.rsplit(".", 1)
        stem = stem.split("_")[0]
        links = []
        for n in range(1, pages + 1):
            current = " class=current" if n == page else ""
            links.append(f'<a href="{stem}{"" if n == 1 else f"_{n}"}.{ext}"{current}>{n}</a>')
        if page < pages:
            links.append(f'<a href="{stem}_{page + 1}.{ext}">下一页</a>')
        pager = f'\n      <div id="function_code_page">{"".join(links)}</div>'
    html = f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{escape(title)}-中新网</title>
</head>
<body>
<div class="w1200 content_main">
  <div class="content_left">
    <div class="crumbs"><a href="/">四川新闻</a> &gt; 正文</div>
    <h1 class="content_left_title">{escape(title)}</h1>
    <div class="content_left_time">{y}年{m}月{d}日 {time}\u3000来源：<a class="source" href="/">{
        escape(source)
    }</a></div>
    <div class="left_zw" style="position:relative">
{body}{pager}
    </div>
    <div class="adEditor"><div class="left_name"><span>【编辑:{escape(editor)}】</span></div></div>
  </div>
</div>
</body>
</html>
"""
    return html.encode("utf-8")


def soft_404_page() -> bytes:
    """An error page answered with status 200 at an article URL: the parser must refuse it."""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>页面不存在</title></head>"
        "<body><div class='err'><h2>对不起，您访问的页面不存在或已被删除</h2>"
        "<p><a href='/'>返回首页</a></p></div></body></html>"
    ).encode()
