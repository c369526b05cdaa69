"""The measure as code: articles, parameters, interpretations and money — and nothing of Django.

Entry points: `roundfile.parse_round` (validated facts), `engine.compute_round` (the plan),
`explain.Explainer` (the arithmetic in words), `report.plan_dict` (the round file's output).
"""
