"""The eligibility gate (Art. 14, 19, 20, 21), checked before any amount.

Every failed check is reported, in the order of policy-rules §3, not only the first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from alarfund.policy.facts import ENTITY_TYPES, RoundFacts


@dataclass(frozen=True)
class Reason:
    code: str
    article: str
    zh: str
    en: str


REASONS: tuple[Reason, ...] = (
    Reason(
        "NOT_REGISTERED",
        "14(一)",
        "未在师市辖区市场监管部门登记注册",
        "not registered with the market-supervision authorities of the Division and city",
    ),
    Reason(
        "NOT_LEGAL_PERSON",
        "14(一)",
        "企业不具有独立法人资格（如分支机构）",
        "an enterprise without independent legal-person status (e.g. a branch)",
    ),
    Reason(
        "CREDIT_OR_TAX_VIOLATION",
        "14(二)",
        "近三年有失信或税收违法案件",
        "a dishonesty record or tax-violation case in the last 3 years",
    ),
    Reason(
        "FALSE_MATERIAL_RECORD",
        "14(三)",
        "近三年在兑现政策中有提供虚假材料、骗取财政资金的记录",
        "false materials to obtain fiscal funds in the last 3 years",
    ),
    Reason(
        "STATISTICS_NOT_REPORTED",
        "14(四)",
        "未按规定向商务主管部门报送统计数据和年报资料",
        "statistics and annual reports not reported to the commerce bureau",
    ),
    Reason(
        "MAJOR_INCIDENT",
        "21",
        "当年发生重大责任事故、偷税漏税被立案查处或重大群体性事件",
        "a major accident, tax-evasion case or major mass incident that year",
    ),
    Reason("BANNED", "20", "因弄虚作假处于三年禁止享受期内", "within a 3-year ban after fraud"),
    Reason(
        "FOUR_ABOVE_CONFLICT",
        "19",
        "同一年度已享受“四上企业”奖励（师市办发〔2024〕9号）",
        "receives the “four-above” enterprise reward for the same year",
    ),
)
REASON_BY_CODE = {reason.code: reason for reason in REASONS}
_BRANCH = ENTITY_TYPES.index("branch")


def failed_checks(facts: RoundFacts) -> npt.NDArray[np.uint16]:
    """A bit per failed check (bit i = REASONS[i]); 0 means the applicant passes the gate."""
    a = facts.applicants
    as_of = facts.as_of.toordinal()
    checks = (
        ~a.registered_in_jurisdiction,  # Art. 14(一)
        a.entity_type == _BRANCH,  # Art. 14(一): enterprises need independent legal-person status
        a.credit_or_tax_violation_3y,  # Art. 14(二)
        a.false_material_3y,  # Art. 14(三)
        ~a.statistics_reported,  # Art. 14(四)
        a.major_incident,  # Art. 21
        (a.banned_until > 0) & (a.banned_until >= as_of),  # Art. 20: ban still running on the as-of date
        a.four_above_reward,  # Art. 19: not together with the 四上企业 reward
    )
    bits = np.zeros(len(a), dtype=np.uint16)
    for position, failed in enumerate(checks):
        bits |= failed.astype(np.uint16) << position
    return bits


def reasons_of(bits: int) -> list[Reason]:
    return [reason for position, reason in enumerate(REASONS) if bits >> position & 1]
