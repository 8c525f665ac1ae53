"""A key project's assessment rules, as sample data: the demo's metro line and the tests build it.

The scorecard follows the shape of published rules for metro and road construction labour competitions
(a 100-point card: organization 20, progress 30, quality 20, safety 15, civilized construction 10,
technical innovation 5; progress measured against the monthly plan, quality by the acceptance rate,
safety by hidden dangers rectified on time), with a bonus cap of 5 and a deduction cap of 10 a period.
"""

from __future__ import annotations

from decimal import Decimal

from competitions.labour import setup
from competitions.organize.models import Competition

D = Decimal

GROUPS = (
    ("ORG", "组织管理", D(20)),
    ("PROG", "施工进度", D(30)),
    ("QUAL", "工程质量", D(20)),
    ("SAFE", "安全生产", D(15)),
    ("CIVIL", "文明施工", D(10)),
    ("INNOV", "技术创新", D(5)),
)

# (group, code, name, kind, max points, unit label, value range, formula)
INDICATORS = (
    ("ORG", "O1", "竞赛组织与宣传发动", "judged", D(10), "", None, None),
    ("ORG", "O2", "班组建设与劳动保护", "judged", D(10), "", None, None),
    ("PROG", "P1", "月度施工计划完成率", "measured", D(25), "%", (D(0), D(200)),
     {"type": "above_target", "target": 100, "base": 20, "per_unit_above": 1, "per_unit_below": 2}),
    ("PROG", "P2", "关键节点滞后天数", "measured", D(5), "天", (D(0), D(90)),
     {"type": "linear", "from_value": 0, "from_points": 5, "to_value": 10, "to_points": 0}),
    ("QUAL", "Q1", "分项工程验收合格率", "measured", D(12), "%", (D(0), D(100)),
     {"type": "linear", "from_value": 90, "from_points": 0, "to_value": 100, "to_points": 12}),
    ("QUAL", "Q2", "质量管理体系运行", "judged", D(8), "", None, None),
    ("SAFE", "S1", "安全隐患按时整改率", "measured", D(8), "%", (D(0), D(100)),
     {"type": "bands", "bands": [{"at_least": 100, "points": 8}, {"at_least": 95, "points": 6},
                                 {"at_least": 90, "points": 3}], "otherwise": 0}),
    ("SAFE", "S2", "安全管理与教育培训", "judged", D(7), "", None, None),
    ("CIVIL", "C1", "文明施工与环境保护", "judged", D(10), "", None, None),
    ("INNOV", "I1", "技术创新与合理化建议", "judged", D(5), "", None, None),
)


def build_metro_scorecard(competition: Competition, *, actor=None) -> dict:
    """Give ``competition`` the sample 100-point scorecard; returns the indicators by code."""
    setup.save_settings(competition, setup.ScorecardSettings(
        title="地铁7号线建设劳动竞赛考评办法", document_ref="市重点办〔2026〕3号", cadence="month",
        bonus_cap=D(5), deduction_cap=D(10), aggregation="mean"), actor=actor)
    groups = {code: setup.save_group(competition, setup.GroupData(code, name, points), actor=actor)
              for code, name, points in GROUPS}
    indicators = {}
    for group, code, name, kind, points, label, span, formula in INDICATORS:
        indicators[code] = setup.save_indicator(competition, setup.IndicatorData(
            group_id=groups[group].id, code=code, name=name, kind=kind, max_points=points, step=D("0.5"),
            unit_label=label, value_min=span[0] if span else None, value_max=span[1] if span else None,
            formula=formula), actor=actor)
    return indicators
