"""Concern category codes: the stable keys that zones, routing, time limits and reports share.

The Chinese and English names live in the locale files (``category.<code>``), never here,
so renaming a category for users never changes stored data. ``report`` (举报) is routed out
to the discipline office and ``psych`` takes the crisis route; routing, not this list,
decides that.
"""
from __future__ import annotations

CATEGORY_CODES: tuple[str, ...] = (
    "logistics",        # 后勤生活: canteen, bath/hot water, water room, dorm repairs, parcels
    "academic",         # 教学教务
    "student_affairs",  # 学生事务: aid, awards, dorm change, certificates
    "employment",       # 就业实习
    "safety",           # 校园安全
    "it",               # 网络与信息化
    "health",           # 医疗健康
    "psych",            # 心理健康 (special route)
    "staff_affairs",    # 教职工事务
    "finance",          # 财务报销
    "policy",           # 校务公开/政策咨询
    "party",            # 党务
    "suggestion",       # 意见建议/表扬
    "report",           # 举报 (routed out)
)

#: A zone with this category covers every category (a fallback zone).
ANY_CATEGORY = "*"
