import datetime

import pytest

from lantian.knowledge.models import Category, Document


@pytest.fixture
def documents(db):
    """A few entries beside the seed ones, with known text, dates and statuses."""
    today = datetime.date.today()
    return {
        "upcoming": Document.objects.create(
            title="某市密封点泄漏管理办法（试行）",
            number="测环发〔2099〕1号",
            category=Category.REGULATION,
            issuer="测试市生态环境局",
            issued_on=today - datetime.timedelta(days=10),
            effective_on=today + datetime.timedelta(days=30),
            summary="规定密封点建档、检测频次和延迟修复的管理要求。",
        ),
        "abolished": Document.objects.create(
            title="旧版泄漏检测规程",
            number="T/TEST 1-2001",
            category=Category.DETECTION,
            issuer="测试学会、测试协会",
            issued_on=datetime.date(2001, 3, 1),
            effective_on=datetime.date(2001, 6, 1),
            abolished_on=datetime.date(2020, 1, 1),
            keywords="旧版、废止",
            summary="已被新标准代替。",
        ),
        "script": Document.objects.create(
            title="<b>加粗</b>标题",
            category=Category.GUIDE,
            summary='<script>alert("x")</script> 净检测值的计算 & 修约',
            full_text="第一章 总则\n第二条 泄漏检测值超过 2000 μmol/mol 的密封点应在 15 日内修复。",
        ),
    }
