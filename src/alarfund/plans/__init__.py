"""The reward plan (奖励方案): commitments of the round, plan versions, adjustments, approval, exports."""
