"""Demo rectification notices after site checks: one in each state, one overdue."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from lantian.core import review
from lantian.core.demo import demo_account
from lantian.core.models import Organization, User
from lantian.rectification.models import RectificationNotice, RectificationResponse

# enterprise, issuing bureau, days before today of the check, days given, problems, requirements, what the
# enterprise did (None: nothing yet), how the review went ("" none, "submitted", "approved", "rejected")
NOTICES = (
    ("渭川宏远化工有限公司", "渭川市生态环境局岐阳分局", 40, 30,
     "1. 罐区呼吸阀 3 处密封点未建档；2. 2026 年第三季度检测报告未附仪器校准记录。",
     "补建密封点档案并补充校准记录，报送整改报告及照片。",
     "已对罐区呼吸阀补建档案 3 处，补充第三季度仪器校准记录并上传。", "approved"),
    ("渭川宏远化工有限公司", "渭川市生态环境局岐阳分局", 20, 10,
     "装置区 2 处法兰可见滴漏，未在 5 日内首次维修。", "立即维修并复测，报送维修记录。",
     "已完成首次维修并复测，复测值低于泄漏阈值。", "submitted"),
    ("渭川金泰石化有限公司", "渭川市生态环境局岐阳分局", 45, 15,
     "延迟修复台账不完整，缺少延迟修复原因及计划修复日期。", "完善延迟修复台账。",
     "已补充原因。", "rejected"),
    ("渭川金泰石化有限公司", "渭川市生态环境局岐阳分局", 5, 25,
     "不可达密封点未按要求拍照存档。", "补拍照片并更新不可达密封点清单。", None, ""),
    ("渭川市秦岭热电有限责任公司", "渭川市生态环境局", 60, 20,
     "氨区阀门未纳入检测计划。", "纳入检测计划并于下一周期完成检测。", None, ""),
)  # fmt: skip
REJECTION = "台账仍缺少计划修复日期，请补充后重新提交。"


@transaction.atomic
def build_demo() -> list[str]:
    today = timezone.localdate()
    bureau = User.objects.get(username="bureau")
    # 金泰石化 answers its notices itself (the core demo has an account for 宏远化工 only).
    jintai = Organization.objects.get(name="渭川金泰石化有限公司")
    lines = [demo_account("jintai", "刘晓燕", jintai, "enterprise_admin")]
    made = 0
    for name, issuer, days_ago, days_given, problems, requirements, measures, outcome in NOTICES:
        enterprise = Organization.objects.get(name=name)
        checked_on = today - timedelta(days=days_ago)
        notice = RectificationNotice.objects.filter(enterprise=enterprise, problems=problems).first()
        if notice is not None:
            continue
        notice = RectificationNotice.objects.create(
            enterprise=enterprise,
            issued_by=Organization.objects.get(name=issuer),
            checked_on=checked_on,
            problems=problems,
            requirements=requirements,
            deadline=checked_on + timedelta(days=days_given),
        )
        made += 1
        if measures is None:
            continue
        author = User.objects.filter(organization=enterprise).order_by("pk").first()
        response = RectificationResponse.objects.create(
            notice=notice,
            measures=measures,
            completed_on=min(today, checked_on + timedelta(days=days_given // 2)),
            contact_person=enterprise.contact_person or author.name,
            contact_phone=enterprise.contact_phone,
        )
        if outcome:
            review.submit(response, author)
        if outcome == "approved":
            review.approve(response, bureau)
        elif outcome == "rejected":
            review.reject(response, bureau, REJECTION)
    from lantian.rectification.overdue import mark_overdue

    mark_overdue(timezone.now())
    return [f"Rectification: {made} notices added ({RectificationNotice.objects.count()} in all).", *lines]
