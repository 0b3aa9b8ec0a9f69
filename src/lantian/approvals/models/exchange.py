"""The 前置库 (front-end exchange database) tables in the shapes of 工程建设项目审批管理系统数据共享交换标准.

They live in the database ``DATABASES["exchange"]`` (``approvals.router.ExchangeRouter``): an SQLite
file in the embedded default, a PostgreSQL database or schema in production. The local system writes
rows with SJSCZT = 0; the provincial system reads them and writes back SJSCZT = 1 (accepted) or −1
(failed) with the reason in SBYY, which ``approvals.exchange.read_results`` reads.

Columns keep the standard's upper-case names (``db_column``) so that the provincial side's own
programs read them as they are.
"""

from django.apps.registry import Apps
from django.db import models
from django.utils.translation import gettext_lazy as _

# The exchange tables are not models of the application's own database: they are kept out of the
# global registry (no migrations, no generic pages, nothing that walks every model reaches them)
# and always read and written with ``.using("exchange")``; ``approvals.exchange.ensure_tables``
# creates them in a 前置库 that lacks them.
EXCHANGE_APPS = Apps()

UPLOAD_WAITING = 0  # written by the local system, not yet checked
UPLOAD_ACCEPTED = 1
UPLOAD_FAILED = -1


class ExchangeTable(models.Model):
    """The fields every exchange table has."""

    lsh = models.BigAutoField("LSH", db_column="LSH", primary_key=True)  # 流水号
    dfsjzj = models.CharField("DFSJZJ", db_column="DFSJZJ", max_length=60, unique=True)  # 地方数据主键
    xzqhdm = models.CharField("XZQHDM", db_column="XZQHDM", max_length=6)  # 行政区划代码
    sjyxbs = models.SmallIntegerField("SJYXBS", db_column="SJYXBS", default=1)  # 数据有效标识 1 有效 0 无效
    sjwxyy = models.CharField("SJWXYY", db_column="SJWXYY", max_length=200, blank=True)  # 数据无效原因
    sjsczt = models.SmallIntegerField("SJSCZT", db_column="SJSCZT", default=UPLOAD_WAITING)  # 数据上传状态
    sbyy = models.CharField("SBYY", db_column="SBYY", max_length=500, blank=True)  # 失败原因
    sjgxsj = models.DateTimeField("SJGXSJ", db_column="SJGXSJ")  # 数据更新时间

    exchange = True  # read by the router

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self._meta.db_table} {self.dfsjzj}"


class ProjectRow(ExchangeTable):
    """SPGL_XMJBXXB 项目基本信息表."""

    xmdm = models.CharField("XMDM", db_column="XMDM", max_length=24)
    gcdm = models.CharField("GCDM", db_column="GCDM", max_length=29)
    xmmc = models.CharField("XMMC", db_column="XMMC", max_length=200)
    jsdd = models.CharField("JSDD", db_column="JSDD", max_length=200, blank=True)  # 建设地点
    xmztz = models.DecimalField("XMZTZ", db_column="XMZTZ", max_digits=14, decimal_places=2, null=True)
    ydmj = models.DecimalField("YDMJ", db_column="YDMJ", max_digits=14, decimal_places=2, null=True)
    jzmj = models.DecimalField("JZMJ", db_column="JZMJ", max_digits=14, decimal_places=2, null=True)
    nkgsj = models.DateField("NKGSJ", db_column="NKGSJ", null=True)  # 拟开工时间
    njcsj = models.DateField("NJCSJ", db_column="NJCSJ", null=True)  # 拟建成时间
    splclx = models.SmallIntegerField("SPLCLX", db_column="SPLCLX", null=True)

    class Meta:
        db_table = "SPGL_XMJBXXB"
        verbose_name = _("exchange: projects")
        app_label = "approvals"
        apps = EXCHANGE_APPS


class UnitRow(ExchangeTable):
    """SPGL_XMDWXXB 项目单位信息表 (the builder)."""

    xmdm = models.CharField("XMDM", db_column="XMDM", max_length=24)
    dwmc = models.CharField("DWMC", db_column="DWMC", max_length=200)
    dwtyshxydm = models.CharField("DWTYSHXYDM", db_column="DWTYSHXYDM", max_length=18)
    dwlx = models.SmallIntegerField("DWLX", db_column="DWLX", default=1)  # 1 建设单位

    class Meta:
        db_table = "SPGL_XMDWXXB"
        verbose_name = _("exchange: project units")
        app_label = "approvals"
        apps = EXCHANGE_APPS


class ProcessRow(ExchangeTable):
    """SPGL_DFXMSPLCXXB 地方项目审批流程信息表."""

    xmdm = models.CharField("XMDM", db_column="XMDM", max_length=24)
    splcbm = models.CharField("SPLCBM", db_column="SPLCBM", max_length=40)  # 审批流程编码
    splcbbh = models.CharField("SPLCBBH", db_column="SPLCBBH", max_length=20)  # 版本号
    splclx = models.SmallIntegerField("SPLCLX", db_column="SPLCLX")

    class Meta:
        db_table = "SPGL_DFXMSPLCXXB"
        verbose_name = _("exchange: processes")
        app_label = "approvals"
        apps = EXCHANGE_APPS


class StageRow(ExchangeTable):
    """SPGL_DFXMSPLCJDXXB 地方项目审批流程阶段信息表."""

    splcbm = models.CharField("SPLCBM", db_column="SPLCBM", max_length=40)
    spjdxh = models.SmallIntegerField("SPJDXH", db_column="SPJDXH")  # 审批阶段序号
    spjdmc = models.CharField("SPJDMC", db_column="SPJDMC", max_length=60)
    kssj = models.DateField("KSSJ", db_column="KSSJ", null=True)
    jssj = models.DateField("JSSJ", db_column="JSSJ", null=True)

    class Meta:
        db_table = "SPGL_DFXMSPLCJDXXB"
        verbose_name = _("exchange: stages")
        app_label = "approvals"
        apps = EXCHANGE_APPS


class StageItemRow(ExchangeTable):
    """SPGL_DFXMSPLCJDSXXXB 地方项目审批流程阶段事项信息表."""

    spsxbm = models.CharField("SPSXBM", db_column="SPSXBM", max_length=40)  # 审批事项编码
    spsxbbh = models.CharField("SPSXBBH", db_column="SPSXBBH", max_length=10)
    spsxmc = models.CharField("SPSXMC", db_column="SPSXMC", max_length=200)
    spjdxh = models.SmallIntegerField("SPJDXH", db_column="SPJDXH")
    blsx = models.IntegerField("BLSX", db_column="BLSX")  # 办理时限
    sxdw = models.CharField("SXDW", db_column="SXDW", max_length=10)  # 时限单位
    dwmc = models.CharField("DWMC", db_column="DWMC", max_length=100)  # 办理部门

    class Meta:
        db_table = "SPGL_DFXMSPLCJDSXXXB"
        verbose_name = _("exchange: stage items")
        app_label = "approvals"
        apps = EXCHANGE_APPS


class HandlingRow(ExchangeTable):
    """SPGL_XMSPSXBLXXB 项目审批事项办理信息表."""

    xmdm = models.CharField("XMDM", db_column="XMDM", max_length=24, blank=True)
    gcdm = models.CharField("GCDM", db_column="GCDM", max_length=29, blank=True)
    splclx = models.SmallIntegerField("SPLCLX", db_column="SPLCLX", null=True)
    spjdxh = models.SmallIntegerField("SPJDXH", db_column="SPJDXH", null=True)
    spsxbm = models.CharField("SPSXBM", db_column="SPSXBM", max_length=40)
    spsxslbm = models.CharField("SPSXSLBM", db_column="SPSXSLBM", max_length=50)  # 审批事项实例编码
    dwmc = models.CharField("DWMC", db_column="DWMC", max_length=100)
    slsj = models.DateTimeField("SLSJ", db_column="SLSJ", null=True)  # 受理时间
    blzt = models.SmallIntegerField("BLZT", db_column="BLZT")  # 当前办理状态

    class Meta:
        db_table = "SPGL_XMSPSXBLXXB"
        verbose_name = _("exchange: item handling")
        app_label = "approvals"
        apps = EXCHANGE_APPS


class HandlingDetailRow(ExchangeTable):
    """SPGL_XMSPSXBLXXXXB 项目审批事项办理详细信息表: one row per handling step."""

    spsxslbm = models.CharField("SPSXSLBM", db_column="SPSXSLBM", max_length=50)
    blcs = models.IntegerField("BLCS", db_column="BLCS")  # 办理次序
    blr = models.CharField("BLR", db_column="BLR", max_length=50)  # 办理人
    blzt = models.SmallIntegerField("BLZT", db_column="BLZT")
    blyj = models.CharField("BLYJ", db_column="BLYJ", max_length=500, blank=True)  # 办理意见
    blsj = models.DateTimeField("BLSJ", db_column="BLSJ")  # 办理时间
    dwmc = models.CharField("DWMC", db_column="DWMC", max_length=100)

    class Meta:
        db_table = "SPGL_XMSPSXBLXXXXB"
        verbose_name = _("exchange: handling details")
        app_label = "approvals"
        apps = EXCHANGE_APPS


class SpecialProcedureRow(ExchangeTable):
    """SPGL_XMSPSXBLTBCXXXB 项目审批事项特别程序信息表: one row per special procedure."""

    spsxslbm = models.CharField("SPSXSLBM", db_column="SPSXSLBM", max_length=50)
    tbcxkssj = models.DateTimeField("TBCXKSSJ", db_column="TBCXKSSJ")  # 特别程序开始时间
    tbcxjssj = models.DateTimeField("TBCXJSSJ", db_column="TBCXJSSJ", null=True)  # 结束时间
    tbcxyy = models.CharField("TBCXYY", db_column="TBCXYY", max_length=500, blank=True)

    class Meta:
        db_table = "SPGL_XMSPSXBLTBCXXXB"
        verbose_name = _("exchange: special procedures")
        app_label = "approvals"
        apps = EXCHANGE_APPS


EXCHANGE_MODELS = (
    ProjectRow,
    UnitRow,
    ProcessRow,
    StageRow,
    StageItemRow,
    HandlingRow,
    HandlingDetailRow,
    SpecialProcedureRow,
)
TABLES = {model._meta.db_table: model for model in EXCHANGE_MODELS}
