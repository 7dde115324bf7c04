"""Hidden links (暗链): links a visitor cannot see, to targets outside the site.

How a link is hidden: display:none / visibility:hidden / opacity:0 (inline or by a <style> rule),
off-screen positioning, negative text-indent, zero size with overflow hidden, tiny font, the same
colour as its background, a tiny marquee, written by a script (document.write, innerHTML, escaped),
or spam text hidden behind HTML entities.

What is not a 暗链: links inside the site (hidden menus, drop-downs, skip-links to #content), links
to government domains and the services government footers embed (党政机关标识, 备案), and hidden
interface parts (menus, tabs, share panels: class/id words in data/structure/hidden_links.yaml)
unless the link itself carries spam words. External style sheets are not fetched: a link hidden
only by an external .css file is not seen (nor is one hidden by a script at run time).
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborNode

from govinspect.crawl.urls import BadURL, normalize
from govinspect.parse.page import ParsedPage, clean_text
from govinspect.structure.rules import hidden_link_rules

RULE_LABELS = {
    "display_none": "display:none 隐藏",
    "visibility_hidden": "visibility:hidden 隐藏",
    "transparent": "透明（opacity:0）",
    "offscreen": "定位到屏幕之外",
    "text_indent": "文字缩进到屏幕之外",
    "zero_size": "零尺寸并隐藏溢出",
    "tiny_font": "字号为零或极小",
    "same_color": "文字颜色与背景相同",
    "marquee": "极小的滚动字幕（marquee）",
    "clipped": "裁剪为不可见（clip）",
    "script_written": "由脚本写入的链接",
    "entity_encoded": "HTML 实体编码的垃圾文字",
    "cloaking": "仅对搜索引擎蜘蛛显示",
    "cloaking_title": "对搜索引擎蜘蛛显示不同的标题",
}

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_PX = re.compile(r"^(-?\d+(?:\.\d+)?)(px|pt|em|rem|%)?$")
_SCRIPT_HREF = re.compile(
    r"<a\b[^>]*?href\s*=\s*\\?[\"']?((?:https?:)?//[^\"'\\\s>]+)\\?[\"']?[^>]*>(.*?)</a", re.I | re.S
)
_WRITE_CALL = re.compile(r"(?:document\.write(?:ln)?\s*\(|\.innerHTML\s*\+?=|insertAdjacentHTML\s*\()", re.I)
_UNESCAPE = re.compile(r"%u([0-9a-fA-F]{4})|%([0-9a-fA-F]{2})|\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})")
_ENTITY_ANCHOR = re.compile(
    r"<a\b[^>]*?href\s*=\s*[\"']?([^\"'\s>]+)[^>]*>\s*((?:&#x?[0-9a-fA-F]+;\s*){2,})\s*</a>", re.I
)
_COLOR_WORDS = {
    "white": "#ffffff",
    "black": "#000000",
    "red": "#ff0000",
    "#fff": "#ffffff",
    "#000": "#000000",
}


@dataclass(frozen=True, slots=True)
class HiddenLink:
    url: str
    text: str
    rule: str
    where: str  # the hiding element as tag#id.class, or 脚本 / 实体编码

    @property
    def how(self) -> str:
        return RULE_LABELS.get(self.rule, self.rule)


def declarations(style: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in style.split(";"):
        name, colon, value = part.partition(":")
        if colon:
            out[name.strip().lower()] = value.strip().lower().replace("!important", "").strip()
    return out


def _length(value: str | None) -> float | None:
    if value is None:
        return None
    match = _PX.match(value.strip())
    if not match:
        return None
    number = float(match.group(1))
    unit = match.group(2) or "px"
    return number * 16 if unit in {"em", "rem"} else number if unit != "%" else None


def normal_color(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().lower().split()[0] if value.strip() else ""
    if value in _COLOR_WORDS:
        return _COLOR_WORDS[value]
    if re.fullmatch(r"#[0-9a-f]{3}", value):
        return "#" + "".join(c * 2 for c in value[1:])
    if re.fullmatch(r"#[0-9a-f]{6}", value):
        return value
    rgb = re.fullmatch(r"rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?\)", value.replace(" ", ""))
    if rgb:
        if rgb.group(4) is not None and float(rgb.group(4)) == 0:
            return None  # a transparent background shows what lies beneath
        return "#" + "".join(f"{int(rgb.group(i)):02x}" for i in (1, 2, 3))
    return None


def hiding_rule(decls: dict[str, str]) -> str | None:
    """Which hiding device a set of CSS declarations uses, if any."""
    rules = hidden_link_rules()
    if decls.get("display") == "none":
        return "display_none"
    if decls.get("visibility") in {"hidden", "collapse"}:
        return "visibility_hidden"
    if decls.get("opacity") in {"0", "0.0", "0.00"}:
        return "transparent"
    if decls.get("position") in {"absolute", "fixed", "relative"}:
        for side in ("left", "top", "right"):
            length = _length(decls.get(side))
            if length is not None and length <= -rules.offscreen_px:
                return "offscreen"
    for side in ("margin-left", "margin-top"):
        length = _length(decls.get(side))
        if length is not None and length <= -rules.offscreen_px:
            return "offscreen"
    indent = _length(decls.get("text-indent"))
    if indent is not None and indent <= -rules.offscreen_px:
        return "text_indent"
    if decls.get("overflow") == "hidden":
        for side in ("width", "height"):
            length = _length(decls.get(side))
            if length is not None and length <= rules.tiny_px:
                return "zero_size"
    font = _length(decls.get("font-size"))
    if font is not None and font <= rules.tiny_px:
        return "tiny_font"
    clip = decls.get("clip", "")
    if clip.startswith("rect(") and re.fullmatch(r"rect\((0(px)?[ ,]*){4}\)", clip.replace(" ", "")):
        return "clipped"
    return None


@cache
def _spam_pattern() -> re.Pattern[str]:
    words = hidden_link_rules().spam_words
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.I)


def has_spam(*texts: str) -> bool:
    pattern = _spam_pattern()
    return any(pattern.search(t) for t in texts if t)


@cache
def _benign_pattern() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in hidden_link_rules().benign_text_patterns), re.I)


def is_benign_text(text: str) -> bool:
    """No text at all, or a content system's credit line: nothing a spammer would hide."""
    return not text.strip() or bool(_benign_pattern().search(text))


def is_trusted_host(host: str) -> bool:
    host = host.lower().split(":")[0].rstrip(".")
    for suffix in hidden_link_rules().trusted_host_suffixes:
        bare = suffix.lstrip(".")
        if host == bare or host.endswith("." + bare):
            return True
    return False


class LinkJudge:
    """Whether a link's target lies outside the site and outside trusted hosts."""

    def __init__(self, page_url: str, site_hosts: set[str]) -> None:
        self.page_url = page_url
        self.hosts = {h.lower() for h in site_hosts} | {urlsplit(page_url).netloc.lower()}
        self._trusted: dict[str, bool] = {}

    def resolve(self, href: str) -> str | None:
        href = html_lib.unescape(href.strip())
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            return None
        try:
            return normalize(href, self.page_url)
        except BadURL:
            return None

    def outside(self, url: str) -> bool:
        _, sep, rest = url.partition("://")
        host = (rest.split("/", 1)[0] if sep else urlsplit(url).netloc).lower()
        if not host or host in self.hosts:
            return False
        known = self._trusted.get(host)
        if known is None:
            known = self._trusted[host] = is_trusted_host(host)
        return not known


def _describe(node: LexborNode) -> str:
    attrs = node.attributes
    out = node.tag or "?"
    if attrs.get("id"):
        out += f"#{attrs['id']}"
    if attrs.get("class"):
        out += "." + ".".join((attrs.get("class") or "").split())
    return out


def _is_interface(node: LexborNode) -> bool:
    attrs = node.attributes
    names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower()
    return bool(names.strip()) and any(m in names for m in hidden_link_rules().interface_markers)


def _styled_nodes(page: ParsedPage) -> dict[int, str]:
    """Elements hidden by a rule of the page's own <style> blocks: mem_id → hiding rule."""
    hidden: dict[int, str] = {}
    for style in page.tree.css("style"):
        css = _CSS_COMMENT.sub("", style.text(deep=True) or "")
        for match in _CSS_RULE.finditer(css):
            rule = hiding_rule(declarations(match.group(2)))
            if rule is None:
                continue
            for selector in match.group(1).split(","):
                selector = selector.strip()
                if not selector or selector.startswith("@") or ":" in selector:
                    continue  # :hover/:focus rules apply only while the user points at something
                try:
                    nodes = page.tree.css(selector)
                except Exception:  # a selector Lexbor does not know: that rule is not judged
                    continue
                for node in nodes:
                    hidden.setdefault(node.mem_id, rule)
    return hidden


def _background_of_body(page: ParsedPage) -> str | None:
    body = page.tree.body
    if body is None:
        return None
    color = normal_color(body.attributes.get("bgcolor"))
    if color:
        return color
    decls = declarations(body.attributes.get("style") or "")
    return normal_color(decls.get("background-color") or decls.get("background"))


def _marquee_hides(node: LexborNode) -> bool:
    rules = hidden_link_rules()
    attrs = node.attributes
    decls = declarations(attrs.get("style") or "")
    for value in (attrs.get("height"), attrs.get("width"), decls.get("height"), decls.get("width")):
        length = _length(value)
        if length is not None and length <= rules.marquee_max_px:
            return True
    amount = _length(attrs.get("scrollamount"))
    return amount is not None and amount >= 1000


def _hidden_by(
    anchor: LexborNode, styled: dict[int, str], body_bg: str | None
) -> tuple[str, LexborNode] | None:
    """The hiding device and element that keep ``anchor`` from view, walking up to <body>."""
    color: str | None = None
    background: tuple[str, LexborNode] | None = None
    node: LexborNode | None = anchor
    while node is not None and node.tag not in {"body", "html"}:
        attrs = node.attributes
        decls = declarations(attrs.get("style") or "")
        rule = hiding_rule(decls) or styled.get(node.mem_id)
        if rule is not None:
            return rule, node
        if node.tag == "marquee" and _marquee_hides(node):
            return "marquee", node
        if attrs.get("hidden") is not None and node.tag != "input":
            return "display_none", node
        if color is None:
            color = normal_color(decls.get("color")) or (
                normal_color(attrs.get("color")) if node.tag == "font" else None
            )
        if background is None:
            value = normal_color(
                decls.get("background-color") or decls.get("background") or attrs.get("bgcolor")
            )
            if value is not None:
                background = (value, node)
        node = node.parent
    if color is None:
        return None
    if background is not None:
        return ("same_color", background[1]) if background[0] == color else None
    return ("same_color", anchor) if body_bg is not None and color == body_bg else None


def _interface_between(anchor: LexborNode, top: LexborNode) -> bool:
    node: LexborNode | None = anchor
    while node is not None:
        if _is_interface(node):
            return True
        if node.mem_id == top.mem_id:
            return False
        node = node.parent
    return False


def markup_hidden_links(page: ParsedPage, judge: LinkJudge) -> list[HiddenLink]:
    # the page's links are parsed already: only their raw hrefs that lead outside need a look
    outside = {link.raw.strip() for link in page.links if link.raw and judge.outside(link.url)}
    if not outside:
        return []  # the common case: nothing leads outside the site, no CSS to read
    candidates: list[tuple[LexborNode, str, str]] = []
    for anchor in page.tree.css("a[href], area[href]"):
        href = (anchor.attributes.get("href") or "").strip()
        if href not in outside:
            continue
        url = judge.resolve(href)
        if url and judge.outside(url):
            text = clean_text(anchor.text(deep=True)) or clean_text(anchor.attributes.get("title"))
            candidates.append((anchor, url, text))
    if not candidates:
        return []
    styled = _styled_nodes(page) if "<style" in page.html or "<STYLE" in page.html else {}
    body_bg = _background_of_body(page)
    out: list[HiddenLink] = []
    for anchor, url, text in candidates:
        found = _hidden_by(anchor, styled, body_bg)
        if found is None:
            continue
        rule, top = found
        if is_benign_text(text) and not has_spam(url):
            continue
        if rule == "same_color" and body_bg is None and not has_spam(text, url):
            continue
        if not has_spam(text, url) and _interface_between(anchor, top):
            continue  # a menu, tab or share panel that a script shows
        out.append(HiddenLink(url, text, rule, _describe(top)))
    return out


def _unescape_js(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2) or match.group(3) or match.group(4)
        return chr(int(code, 16))

    return _UNESCAPE.sub(one, text)


def script_written_links(page: ParsedPage, judge: LinkJudge) -> list[HiddenLink]:
    """Links to outside hosts that inline scripts write into the page."""
    rules = hidden_link_rules()
    out: list[HiddenLink] = []
    for script in page.tree.css("script"):
        if script.attributes.get("src"):
            continue
        body = script.text(deep=True) or ""
        if not _WRITE_CALL.search(body):
            continue
        decoded = _unescape_js(unquote(body) if "%3C" in body.upper() else body)
        decoded = decoded.replace('\\"', '"').replace("\\'", "'").replace("\\/", "/")
        found: list[tuple[str, str]] = []
        for match in _SCRIPT_HREF.finditer(decoded):
            url = judge.resolve(match.group(1))
            if url and judge.outside(url):
                found.append((url, clean_text(re.sub(r"<[^>]+>", " ", match.group(2)))))
        if not found:
            continue
        hidden_markup = any(
            hiding_rule(declarations(m)) for m in re.findall(r"style\s*=\s*[\"']([^\"']+)", decoded)
        )
        farm = len({u for u, _ in found}) >= rules.link_farm_min
        for url, text in found:
            if has_spam(text, url) or hidden_markup or farm:
                out.append(HiddenLink(url, text, "script_written", "脚本"))
    return out


def entity_encoded_links(page: ParsedPage, judge: LinkJudge) -> list[HiddenLink]:
    """Spam text written as &#…; entities so that a plain keyword search misses it."""
    if "&#" not in page.html:
        return []
    out: list[HiddenLink] = []
    for match in _ENTITY_ANCHOR.finditer(page.html):
        url = judge.resolve(match.group(1))
        text = clean_text(html_lib.unescape(match.group(2)))
        if url and judge.outside(url) and has_spam(text, url):
            out.append(HiddenLink(url, text, "entity_encoded", "实体编码"))
    return out


def find_hidden_links(page: ParsedPage, site_hosts: set[str]) -> list[HiddenLink]:
    """Each hidden (target, text) once: one page never carries two identical findings."""
    judge = LinkJudge(page.url, site_hosts)
    found: list[HiddenLink] = []
    seen: set[tuple[str, str]] = set()
    for hidden in (
        markup_hidden_links(page, judge)
        + script_written_links(page, judge)
        + entity_encoded_links(page, judge)
    ):
        if (hidden.url, hidden.text) not in seen:
            seen.add((hidden.url, hidden.text))
            found.append(hidden)
    return found
