"""The names a CRM export may give its columns and outcomes (COURSE.md §8): English and Chinese headers
mapped to the CSV format's column names, and the words for won, lost and open.

    >>> canonical_column(" 商機編號 "), canonical_column("Proposal Date"), canonical_column("提案日期")
    ('deal_id', 'proposal_date', '提案_date')
"""
from __future__ import annotations

from typing import Any

__all__ = ["COLUMN_ALIASES", "OUTCOME_ALIASES", "canonical_column"]

COLUMN_ALIASES: dict[str, str] = {
    # deal_id
    "deal_id": "deal_id", "deal": "deal_id", "id": "deal_id", "商機編號": "deal_id", "商机编号": "deal_id",
    "編號": "deal_id", "编号": "deal_id", "單號": "deal_id", "单号": "deal_id",
    # rep
    "rep": "rep", "owner": "rep", "salesperson": "rep", "業務員": "rep", "业务员": "rep", "銷售": "rep",
    "销售": "rep", "銷售員": "rep", "销售员": "rep", "負責人": "rep", "负责人": "rep",
    # region, product
    "region": "region", "區域": "region", "区域": "region", "地區": "region", "地区": "region",
    "product": "product", "產品": "product", "产品": "product", "產品線": "product", "产品线": "product",
    # dates
    "created": "created", "created_date": "created", "建立日期": "created", "创建日期": "created",
    "創建日期": "created", "建立": "created", "创建": "created",
    "closed": "closed", "closed_date": "closed", "結案日期": "closed", "结案日期": "closed",
    "關閉日期": "closed", "关闭日期": "closed", "結案": "closed", "结案": "closed",
    # outcome, amount, loss reason
    "outcome": "outcome", "status": "outcome", "結果": "outcome", "结果": "outcome", "狀態": "outcome",
    "状态": "outcome",
    "amount": "amount", "value": "amount", "金額": "amount", "金额": "amount",
    "loss_reason": "loss_reason", "丟單原因": "loss_reason", "丢单原因": "loss_reason",
    "輸單原因": "loss_reason", "输单原因": "loss_reason",
}
"""Header names the import understands (case-insensitive), mapped to the format's column names."""

OUTCOME_ALIASES: dict[str, str] = {
    "won": "won", "win": "won", "贏單": "won", "赢单": "won", "成交": "won", "簽約": "won", "签约": "won",
    "lost": "lost", "lose": "lost", "輸單": "lost", "输单": "lost", "丟單": "lost", "丢单": "lost",
    "失敗": "lost", "失败": "lost",
    "open": "open", "進行中": "open", "进行中": "open", "跟進中": "open", "跟进中": "open",
}
"""Outcome words the import understands (lower case), mapped to ``won``, ``lost`` or ``open``."""


def canonical_column(name: Any) -> str:
    """The format's name of a header: an alias (:data:`COLUMN_ALIASES`), ``<stage>日期`` or
    ``<stage> date`` as ``<stage>_date``, any other header as written (blanks and a byte-order mark
    stripped)."""
    s = str(name).replace("\ufeff", "").strip()
    low = s.lower()
    if low in COLUMN_ALIASES:
        return COLUMN_ALIASES[low]
    if low.endswith("日期") and len(low) > 2:
        return low[:-2].strip(" _") + "_date"
    if low.endswith(" date"):
        return low[:-5].strip() + "_date"
    return low if low.endswith("_date") else s
