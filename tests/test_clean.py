"""Plain text from feed HTML, and canonical article links."""

from __future__ import annotations

import re
import time

import pytest

from ingest.clean import ELLIPSIS, SUMMARY_MAX, TITLE_MAX, canonical_url, clean_text, html_to_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("AT&amp;T", "AT&T", id="escaped-once"),
        pytest.param("AT&amp;amp;T", "AT&T", id="escaped-twice"),
        pytest.param("&amp;quot;Ceasefire&amp;quot; holds", '"Ceasefire" holds', id="double-escaped-quote"),
        pytest.param("Tom &amp; Jerry", "Tom & Jerry", id="ampersand"),
        pytest.param("AT&T", "AT&T", id="bare-ampersand-untouched"),
        pytest.param("&#1575;&#1604;&#1602;&#1583;&#1587;", "القدس", id="numeric-references"),
        pytest.param("&lt;b&gt;Breaking&lt;/b&gt;: talks resume", "Breaking: talks resume", id="escaped-markup"),
        pytest.param("<b>عاجل</b>: وقف إطلاق النار", "عاجل: وقف إطلاق النار", id="inline-tag-no-space"),
        pytest.param("<p>First</p><p>Second</p>", "First Second", id="block-tags-separate-words"),
        pytest.param("line<br/>break", "line break", id="br"),
        pytest.param("<ul><li>one</li><li>two</li></ul>", "one two", id="list"),
        pytest.param("Hel<i>lo</i>", "Hello", id="inline-inside-word"),
        pytest.param("a<script>alert(1)</script>b", "a b", id="script-dropped-with-content"),
        pytest.param("<style>p{color:red}</style>Text", "Text", id="style-dropped"),
        pytest.param("x <script>unterminated", "x unterminated", id="unclosed-script-tag-removed"),
        pytest.param("before<!-- hidden -->after", "beforeafter", id="comment"),
        pytest.param("3 < 5 and 7 > 6", "3 < 5 and 7 > 6", id="comparison-kept"),
        pytest.param("tab\there\r\nnew\x00line\x07", "tab here newline", id="control-characters"),
        pytest.param("C1\x85next\x9bcontrol", "C1 nextcontrol", id="c1-controls"),
        pytest.param("  many   spaces\u00a0and\u2028separators  ", "many spaces and separators", id="whitespace"),
        pytest.param("<img src=x onerror=alert(1)>Photo", "Photo", id="img-attribute"),
        pytest.param("cut <a href='x'", "cut", id="truncated-tag-at-end"),
        pytest.param("", "", id="empty"),
        pytest.param(None, "", id="none"),
    ],
)
def test_html_to_text_gives_displayable_plain_text(raw: str | None, expected: str) -> None:
    assert html_to_text(raw) == expected


def test_html_to_text_never_leaves_markup_from_escaped_script() -> None:
    # A text/plain title that literally contains a script tag, escaped once or twice by the feed.
    for raw in ("<script>alert(1)</script> news", "&lt;script&gt;alert(1)&lt;/script&gt; news",
                "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; news"):  # fmt: skip
        text = html_to_text(raw)
        assert "<" not in text and ">" not in text, raw
        assert text.endswith("news")


def test_clean_text_caps_titles_at_a_word_boundary() -> None:
    title = "عاجل " + "مفاوضات " * 200
    got = clean_text(title, TITLE_MAX)
    assert len(got) <= TITLE_MAX
    assert got.endswith(ELLIPSIS)
    assert got[: -len(ELLIPSIS)].split()[-1] == "مفاوضات"  # no half word before the ellipsis


def test_clean_text_caps_one_giant_word_hard() -> None:
    got = clean_text("x" * 5000, TITLE_MAX)
    assert len(got) == TITLE_MAX and got.endswith(ELLIPSIS)


def test_clean_text_keeps_text_that_fits() -> None:
    text = "word " * 399 + "end"
    assert clean_text(text, SUMMARY_MAX) == text


def test_clean_text_stays_fast_on_hostile_markup() -> None:
    # Thousands of unclosed tags: a backtracking pattern would rescan the rest for each one.
    hostile = "<script <a <p " * 20_000 + "<!-- " * 5000
    start = time.perf_counter()
    got = clean_text(hostile, SUMMARY_MAX)
    assert time.perf_counter() - start < 1.0
    assert len(got) <= SUMMARY_MAX


@pytest.mark.parametrize(
    ("link", "base", "expected"),
    [
        pytest.param("https://www.aljazeera.net/news/2025/4/1/x", None, "https://www.aljazeera.net/news/2025/4/1/x",
                     id="already-canonical"),
        pytest.param("HTTPS://WWW.Example.COM/Path/A", None, "https://www.example.com/Path/A", id="case"),
        pytest.param("https://example.com/a#comments", None, "https://example.com/a", id="fragment"),
        pytest.param("https://example.com:443/a", None, "https://example.com/a", id="default-port"),
        pytest.param("http://example.com:8080/a", None, "http://example.com:8080/a", id="other-port"),
        pytest.param("https://example.com", None, "https://example.com/", id="empty-path"),
        pytest.param(
            "https://example.com/a?utm_source=rss&id=7&utm_medium=feed&fbclid=X1&page=2&gclid=y",
            None, "https://example.com/a?id=7&page=2", id="tracking-params",
        ),
        pytest.param(
            "https://example.com/a?mc_cid=1&mc_eid=2&igshid=3&yclid=4&_ga=5&ref_src=6&cmpid=7&UTM_Campaign=8",
            None, "https://example.com/a", id="only-tracking-params",
        ),
        pytest.param("https://example.com/a?b=2&a=1", None, "https://example.com/a?b=2&a=1", id="order-kept"),
        pytest.param("/news/1?utm_source=x", "https://www.youm7.com/rss/Section/65", "https://www.youm7.com/news/1",
                     id="root-relative"),
        pytest.param("story.html", "https://example.com/feeds/rss.xml", "https://example.com/feeds/story.html",
                     id="relative"),
        pytest.param("//cdn.example.com/a", "https://example.com/rss", "https://cdn.example.com/a",
                     id="protocol-relative"),
        pytest.param("  https://example.com/a\n", None, "https://example.com/a", id="whitespace"),
        pytest.param(
            "https://www.elbalad.news/story/لافروف-موسكو", None,
            "https://www.elbalad.news/story/%D9%84%D8%A7%D9%81%D8%B1%D9%88%D9%81-%D9%85%D9%88%D8%B3%D9%83%D9%88",
            id="arabic-path-encoded",
        ),
        pytest.param("https://example.com/%d9%84", None, "https://example.com/%D9%84", id="escape-case"),
    ],
)
def test_canonical_url_normalises_links(link: str, base: str | None, expected: str) -> None:
    assert canonical_url(link, base) == expected


@pytest.mark.parametrize(
    "link",
    [
        pytest.param("javascript:alert(1)", id="javascript"),
        pytest.param("JavaScript:alert(1)", id="javascript-case"),
        pytest.param(" java\tscript:alert(1)", id="javascript-tab"),
        pytest.param("data:text/html;base64,PHNjcmlwdD4=", id="data"),
        pytest.param("mailto:desk@example.com", id="mailto"),
        pytest.param("ftp://example.com/file", id="ftp"),
        pytest.param("https://", id="no-host"),
        pytest.param("http://example.com:99999/a", id="bad-port"),
        pytest.param("", id="empty"),
        pytest.param(None, id="none"),
    ],
)
def test_canonical_url_rejects_non_web_links(link: str | None) -> None:
    assert canonical_url(link, "https://example.com/rss") is None


def test_canonical_url_makes_raw_and_encoded_forms_equal() -> None:
    raw = canonical_url("https://example.com/خبر عاجل?q=غزة")
    encoded = canonical_url("https://example.com/%d8%ae%d8%a8%d8%b1%20%d8%b9%d8%a7%d8%ac%d9%84?q=%D8%BA%D8%B2%D8%A9")
    assert raw == encoded


def test_links_already_canonical_come_out_as_the_general_path_makes_them() -> None:
    """canonical_url returns common, already-canonical links as they are; the general path must agree."""
    import random

    from ingest import clean

    rng = random.Random(3)
    pieces = ["a", "Z", "0", "-", ".", "/", "_", "~", ",", ";", "=", ":", "@", "+", "!", "$", "'", "(", ")", "*",
              "%20", "?x=1", "#f", "é", " ", "..", "//"]
    hosts = ["example.com", "news.example.co.uk", "a-b.example", "xn--mgbh0fb.example", "EXAMPLE.com",
             "example.com.", "example.com:80", "example.com:8080", "1.2.3.4", "-bad.example", "u@example.com"]
    links = []
    for _ in range(3000):
        path = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        links.append(f"{rng.choice(['http', 'https', 'HTTP'])}://{rng.choice(hosts)}{'/' if rng.random() < 0.8 else ''}{path}")
    original = clean._ALREADY_CANONICAL
    assert sum(1 for link in links if original.fullmatch(link)) > 300  # the shortcut is really exercised
    try:
        fast = [clean.canonical_url(link) for link in links]
        clean._ALREADY_CANONICAL = re.compile(r"(?!)")  # never matches: every link takes the general path
        general = [clean.canonical_url(link) for link in links]
    finally:
        clean._ALREADY_CANONICAL = original
    assert fast == general
