"""Handling status (办理状态) codes of item handling records, as local systems send them to the
national system (工程建设项目审批管理系统数据共享交换标准, SPGL_XMSPSXBLXXB.BLZT)."""

RECEIVED = 1  # 已接件
WITHDRAWN = 2  # 已撤件
ACCEPTED = 3  # 已受理
NOT_ACCEPTED = 4  # 不受理
REFUSED = 5  # 不予受理
CORRECTION_START = 6  # 补正（开始）
CORRECTION_END = 7  # 补正（结束）
HANDLING_START = 8  # 部门开始办理
SPECIAL_START = 9  # 特别程序（开始）
SPECIAL_END = 10  # 特别程序（结束）
APPROVED = 11  # 办结（通过）
APPROVED_TOLERANT = 12  # 办结（容缺通过）
REJECTED = 13  # 办结（不通过）
RETRACTED = 14  # 撤回
REVOKED = 15  # 撤销

NAMES = {
    RECEIVED: "已接件",
    WITHDRAWN: "已撤件",
    ACCEPTED: "已受理",
    NOT_ACCEPTED: "不受理",
    REFUSED: "不予受理",
    CORRECTION_START: "补正（开始）",
    CORRECTION_END: "补正（结束）",
    HANDLING_START: "部门开始办理",
    SPECIAL_START: "特别程序（开始）",
    SPECIAL_END: "特别程序（结束）",
    APPROVED: "办结（通过）",
    APPROVED_TOLERANT: "办结（容缺通过）",
    REJECTED: "办结（不通过）",
    RETRACTED: "撤回",
    REVOKED: "撤销",
}
CODES = frozenset(NAMES)

# A suspension (the clock stops) runs from its start code to its end code.
SUSPENSIONS = {CORRECTION_START: CORRECTION_END, SPECIAL_START: SPECIAL_END}
SUSPENSION_ENDS = frozenset(SUSPENSIONS.values())
COMPLETED = frozenset({APPROVED, APPROVED_TOLERANT, REJECTED})  # 办结: counts as handled
# Any of these ends the case: handled, or stopped without a decision (withdrawn, not accepted, revoked).
FINAL = COMPLETED | frozenset({WITHDRAWN, NOT_ACCEPTED, REFUSED, RETRACTED, REVOKED})
