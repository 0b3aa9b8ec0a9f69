"""A group's page tells the number marked on its photo from the archive's own count."""

import re

import pytest

from tests.ldar.factories import build_branch

pytestmark = pytest.mark.django_db


def counts_card(html: str) -> str:
    return re.search(r'<dl class="row mb-0" id="point-counts">.*?</div>\s*</div>', html, re.S).group(0)


def test_the_photos_number_is_named_as_such_beside_the_counted_valid_points(tree, login):
    *_branch, group, points = build_branch(tree.ent_a1, points=5)
    points[0].is_valid = False
    points[0].save()
    group.point_count = 10
    group.save()
    client = login(tree.ent_a1_admin)
    html = client.get(group.get_absolute_url()).content.decode()
    card = counts_card(html)
    assert re.search(r"档案中的有效密封点</dt><dd[^>]*>4<", card)
    assert re.search(r"群组照片标注</dt><dd[^>]*>10<", card)
    assert "群组照片标注了 10 个密封点，档案中有 4 个有效密封点。请核对照片或本群组的密封点。" in card
    assert "照片标注密封点数" in html  # the field, in the details beside the card
    listing = client.get("/ldar/componentgroups/").content.decode()
    assert "照片标注密封点数" in listing  # the list's column says what the number is

    group.point_count = 4
    group.save()
    card = counts_card(client.get(group.get_absolute_url()).content.decode())
    assert re.search(r"群组照片标注</dt><dd[^>]*>4<", card) and "请核对" not in card


def test_a_group_without_a_photo_count_shows_only_the_archives(tree, login):
    *_branch, group, _points = build_branch(tree.ent_a1)
    card = counts_card(login(tree.ent_a1_admin).get(group.get_absolute_url()).content.decode())
    assert re.search(r"档案中的有效密封点</dt><dd[^>]*>3<", card) and "群组照片标注" not in card
