"""Every page of the command centre, as each of its demo accounts and the platform's administrators,
in Chinese: no server error, no English left, no dropdown with two empty choices (the rules and
helpers of tests/core/test_crawl.py, which crawls the core accounts only)."""

from collections import defaultdict

import pytest
from django.db import transaction
from django.test import Client

from lantian.cases import demo
from lantian.cases.models import Case, Category, Workflow
from lantian.core.demo import build_demo
from lantian.core.models import User
from tests.core.test_crawl import empty_choices, english_words, pages_of, scaffolding_words, stored_words

ACCOUNTS = ("rh_grid1", "rh_operator", "rh_dispatch", "rh_street", "rh_leader", "admin", "bureau")


@pytest.fixture(scope="module")
def renhe(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        build_demo()
        demo.build_demo()
        yield stored_words() | scaffolding_words()
        transaction.set_rollback(True)


def cases_pages(user) -> dict[str, str]:
    pages = {url: what for url, what in pages_of(user).items() if url.startswith("/cases/")}
    seen = set()  # one case in each state and step
    for case in Case.objects.restrict(user, "view").order_by("pk"):
        if (case.state, case.step) not in seen:
            seen.add((case.state, case.step))
            pages[case.get_absolute_url()] = f"case at {case.step}"
    minor = Category.objects.restrict(user, "view").exclude(parent=None).order_by("pk").first()
    if minor is not None:
        pages[minor.get_absolute_url()] = "minor class"
    for workflow in Workflow.objects.restrict(user, "change"):
        pages[f"/cases/workflows/{workflow.pk}/design/"] = "workflow editor"
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("username", ACCOUNTS)
def test_every_cases_page_opens_in_chinese(renhe, username):
    user = User.objects.get(username=username)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    errors, english = [], defaultdict(set)
    pages = cases_pages(user)
    assert pages, username
    for url, what in sorted(pages.items()):
        response = client.get(url, follow=True)
        if response.status_code >= 500:
            errors.append(f"{url} ({what}): {response.status_code}")
        elif response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            html = response.content.decode()
            for word in english_words(html, renhe):
                english[word].add(url)
            errors += [f"{url} ({what}): {name} offers {n} empty choices" for name, n in empty_choices(html)]
    untranslated = [f"{word}: {' '.join(sorted(urls)[:3])}" for word, urls in sorted(english.items())]
    assert not errors + untranslated, "\n".join(errors + untranslated)
