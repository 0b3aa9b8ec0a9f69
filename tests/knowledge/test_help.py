"""The in-app help: the user manuals of docs/manual rendered as pages, their links and images."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from lantian.core import help

pytestmark = pytest.mark.django_db
MANUALS = Path(django_settings.REPO_DIR) / "docs" / "manual"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


@pytest.fixture
def manual_dir(tmp_path, settings):
    """A small manual directory of its own, so that the tests do not depend on the manuals' wording."""
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "shot.png").write_bytes(PNG)
    (tmp_path / "README.md").write_text(
        "# 手册\n\n[通用](common.md) [企业](enterprise.md)\n", encoding="utf-8"
    )
    (tmp_path / "common.md").write_text(
        "# 通用操作\n\n所有用户都会用到的操作。\n\n## 登录\n输入密码。\n", encoding="utf-8"
    )
    (tmp_path / "enterprise.md").write_text(
        "<!-- roles: enterprise_admin -->\n# 企业手册\n\n企业管理员的手册。\n\n"
        "## 账户\n见[通用操作的登录](common.md#登录)和[索引](README.md)，"
        "或[部署](../deployment.md)、[外站](https://example.org/x)、[脚本](javascript:alert(1))。\n\n"
        "![首页](img/shot.png)\n\n![外部图片](https://example.org/a.png)\n\n"
        '| 列 | 值 |\n|:--|--:|\n| a | 1 |\n\n<script>alert(1)</script>\n\n<div style="color:red">红</div>\n',
        encoding="utf-8",
    )
    settings.LANTIAN_MANUAL_DIR = tmp_path
    return tmp_path


def test_anonymous_is_sent_to_the_login_page(client, manual_dir):
    for url in ("/core/help/", "/core/help/common/", "/core/help/img/shot.png"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_the_list_puts_the_manual_of_ones_role_first(tree, client, login, manual_dir):
    response = login(tree.ent_a1_admin).get("/core/help/")
    assert response.status_code == 200
    assert [m.slug for m in response.context["own"]] == ["enterprise"]
    assert [m.slug for m in response.context["others"]] == ["common"]
    html = response.content.decode()
    assert html.index('data-manual="enterprise"') < html.index('data-manual="common"')
    assert "企业管理员的手册。" in html
    client.logout()
    bureau = login(tree.county_a_admin).get("/core/help/")
    assert bureau.context["own"] == [] and [m.slug for m in bureau.context["others"]] == [
        "common",
        "enterprise",
    ]


def test_a_manual_renders_with_its_contents(tree, login, manual_dir):
    response = login(tree.ops).get("/core/help/common/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="登录">登录</h2>' in html
    assert 'href="#登录"' in html  # the table of contents
    assert login(tree.ops).get("/core/help/nothing/").status_code == 404
    assert login(tree.ops).get("/core/help/README/").status_code == 404


def test_links_and_images_are_rewritten_and_nothing_unsafe_gets_through(tree, login, manual_dir):
    html = login(tree.ent_a1_admin).get("/core/help/enterprise/").context["html"]
    assert '<a href="/core/help/common/#登录">通用操作的登录</a>' in html
    assert '<a href="/core/help/">索引</a>' in html
    assert "<a>部署</a>" in html  # a repository file: no target in the application
    assert '<a href="https://example.org/x">外站</a>' in html
    assert "<a>脚本</a>" in html and "javascript:" not in html
    assert re.search(
        r'<img alt="首页" class="[^"]*img-fluid[^"]*" loading="lazy" src="/core/help/img/shot.png"', html
    )
    assert "example.org/a.png" not in html and "[外部图片]" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html
    # Content-Security-Policy: no inline style (table alignment as attributes), no element from the text
    assert not re.search(r"<[a-z]+[^>]*\sstyle=", html) and "&lt;div style=" in html
    assert 'align="left"' in html and 'class="table table-bordered table-sm"' in html
    assert "roles:" not in html


def test_an_image_is_served_and_only_a_plain_name_of_the_image_folder(tree, login, manual_dir):
    client = login(tree.ent_a1_admin)
    response = client.get("/core/help/img/shot.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    (manual_dir / "secret.png").write_bytes(PNG)
    for bad in ("..%2Fsecret.png", "..%2F..%2Fsettings", "../../settings", "%2E%2E%2Fsecret.png",
                "missing.png", "shot.svg", ".hidden.png", "shot.png%00.txt"):  # fmt: skip
        assert client.get(f"/core/help/img/{bad}").status_code == 404, bad
    view = help.HelpImageView()
    for bad in ("../secret.png", "../../settings.py", "/etc/passwd", "img/shot.png"):
        with pytest.raises(help.Http404):
            view.get(None, bad)


def test_a_changed_manual_is_rendered_again(tree, login, manual_dir):
    client = login(tree.ops)
    assert "输入密码。" in client.get("/core/help/common/").context["html"]
    path = manual_dir / "common.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("输入密码。", "输入新的密码，长一些。"), encoding="utf-8"
    )
    assert "输入新的密码，长一些。" in client.get("/core/help/common/").context["html"]


def test_a_cards_summary_is_rendered_markdown_without_links_or_raw_html(tree, login, manual_dir):
    (manual_dir / "devices.md").write_text(
        "# 设备手册\n\n网关只接收**已登记**设备的报文：MN 见 `ST=22`，详见[通用操作](common.md)、"
        "![图](img/shot.png)与 <script>alert(1)</script>，以及 LDAR\n检测。\n\n## 登记\n",
        encoding="utf-8",
    )
    html = login(tree.ops).get("/core/help/").content.decode()
    card = re.search(r'data-manual="devices">(.*?)</a>', html, re.S).group(1)
    summary = re.search(r'<p class="text-secondary mb-0">(.*?)</p>', card, re.S).group(1)
    assert "<strong>已登记</strong>" in summary and "<code>ST=22</code>" in summary
    assert "**" not in summary and "`" not in summary and "](" not in summary
    assert "<a" not in summary and "<img" not in summary  # the card itself is the link
    assert "<span>通用操作</span>" in summary and "<span>图</span>" in summary
    assert "&lt;script&gt;" in summary and "<script" not in summary
    assert "以及 LDAR 检测。" in summary  # lines joined as the manual's page shows them


# --- the real manuals of docs/manual ---


def manual_files() -> list[Path]:
    return sorted(MANUALS.glob("*.md"))


def test_the_real_manuals_render_for_every_role(tree, client, login):
    assert {"common", "system-admin", "bureau-admin", "enterprise-admin", "provider", "knowledge"} <= {
        m.slug for m in help.manuals()
    }
    own = {
        "admin": "system-admin", "county_a_admin": "bureau-admin", "ent_a1_admin": "enterprise-admin",
        "agency_admin": "provider", "ops": "provider",
    }  # fmt: skip
    for who, slug in own.items():
        client.logout()
        login(getattr(tree, who))
        listing = client.get("/core/help/")
        assert listing.context["own"][0].slug == slug, who
        for manual in listing.context["own"] + listing.context["others"]:
            assert client.get(manual.url).status_code == 200, manual.slug


def test_every_image_the_manuals_show_exists():
    missing = []
    for path in manual_files():
        for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)", path.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://")):
                missing.append(f"{path.name}: {target} (images must be files of docs/manual/img)")
            elif not (MANUALS / target).is_file() or not help.IMAGE_NAME.match(Path(target).name):
                missing.append(f"{path.name}: {target}")
    assert missing == []


def test_every_link_between_manuals_finds_its_manual():
    slugs = {p.stem for p in manual_files()}
    broken = []
    for path in manual_files():
        for target in re.findall(r"\]\(([a-z0-9_-]+)\.md(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
            if target not in slugs and target != "README":
                broken.append(f"{path.name}: {target}.md")
    assert broken == []


def test_every_screenshot_declared_is_referenced_by_a_manual_and_exists():
    import json

    declared = json.loads((MANUALS / "screenshots.json").read_text(encoding="utf-8"))["pages"]
    text = "\n".join(p.read_text(encoding="utf-8") for p in manual_files())
    for page in declared:
        assert help.IMAGE_NAME.match(page["file"]), page
        assert (MANUALS / "img" / page["file"]).is_file(), (
            f"run scripts/manual_screenshots.py: {page['file']}"
        )
        assert f"img/{page['file']}" in text, f"no manual shows img/{page['file']}"
