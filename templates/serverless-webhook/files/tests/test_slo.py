"""The SLO burn-rate alarms, evaluated offline: the metric-math expressions and composite rules are read from
template.yaml and run by a small evaluator against synthetic HTTP API traffic (good, bad, slow burn, idle).

The evaluator follows CloudWatch's documented behaviour where it matters here: each window alarm sees one
datapoint per period, summed over aligned period buckets; a bucket with no requests has no datapoints (the
HTTP API publishes nothing without traffic), FILL replaces a missing value, arithmetic on a missing value is
missing, and a missing result is "not breaching" (TreatMissingData: notBreaching).
"""

from __future__ import annotations

import re

import pytest

from local_env import load_template

TEMPLATE = load_template()
RESOURCES = TEMPLATE["Resources"]
PARAMETERS = TEMPLATE["Parameters"]
COMPOSITES = {n: r for n, r in RESOURCES.items() if r["Type"] == "AWS::CloudWatch::CompositeAlarm"}
MATH_ALARMS = {
    n: r for n, r in RESOURCES.items() if r["Type"] == "AWS::CloudWatch::Alarm" and "Metrics" in r["Properties"]
}
OPERATORS = {
    "GreaterThanThreshold": lambda v, t: v > t,
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
}


def substitute(value) -> str:
    """A !Sub string with ${Parameter} replaced by its default and ${Resource} by the logical id."""
    text = value["Fn::Sub"] if isinstance(value, dict) else value

    def one(match: re.Match) -> str:
        name = match.group(1)
        return str(PARAMETERS[name]["Default"]) if name in PARAMETERS else name

    return re.sub(r"\$\{(\w+)\}", one, text)


# --- metric math ---------------------------------------------------------------------------------------------

TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_]\w*)|(>=|<=|==|!=|[-+*/(),<>]))")


def tokenize(text: str) -> list[str]:
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = TOKEN.match(text, pos)
        assert match, f"cannot read {text[pos:]!r}"
        tokens.append(next(g for g in match.groups() if g is not None))
        pos = match.end()
    return tokens


class Expression:
    """IF, FILL, + - * /, comparisons, numbers and metric ids: the subset the template uses, nothing more."""

    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.pos = 0
        self.tree = self.comparison()
        assert self.pos == len(self.tokens), f"unread tokens in {text!r}: {self.tokens[self.pos :]}"

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.tokens[self.pos]
        assert expected is None or token == expected, f"expected {expected}, got {token}"
        self.pos += 1
        return token

    def comparison(self):
        left = self.additive()
        if self.peek() in (">=", "<=", ">", "<", "==", "!="):
            return (self.take(), left, self.additive())
        return left

    def additive(self):
        node = self.term()
        while self.peek() in ("+", "-"):
            node = (self.take(), node, self.term())
        return node

    def term(self):
        node = self.factor()
        while self.peek() in ("*", "/"):
            node = (self.take(), node, self.factor())
        return node

    def factor(self):
        token = self.take()
        if token == "(":
            node = self.comparison()
            self.take(")")
            return node
        if re.fullmatch(r"\d+(\.\d+)?", token):
            return ("num", float(token))
        if self.peek() == "(":
            assert token in ("IF", "FILL"), f"function {token} is not supported by this evaluator"
            self.take("(")
            args = [self.comparison()]
            while self.peek() == ",":
                self.take(",")
                args.append(self.comparison())
            self.take(")")
            assert len(args) == {"IF": 3, "FILL": 2}[token], token
            return (token, *args)
        return ("id", token)

    def evaluate(self, values: dict[str, float | None]) -> float | None:
        return self._eval(self.tree, values)

    def _eval(self, node, values):
        kind = node[0]
        if kind == "num":
            return node[1]
        if kind == "id":
            return values[node[1]]
        if kind == "FILL":
            value = self._eval(node[1], values)
            return self._eval(node[2], values) if value is None else value
        if kind == "IF":
            condition = self._eval(node[1], values)
            if condition is None:
                return None
            return self._eval(node[2] if condition else node[3], values)
        left, right = self._eval(node[1], values), self._eval(node[2], values)
        if left is None or right is None:
            return None
        if kind == "/":
            return None if right == 0 else left / right
        return {
            "+": lambda: left + right,
            "-": lambda: left - right,
            "*": lambda: left * right,
            ">=": lambda: float(left >= right),
            "<=": lambda: float(left <= right),
            ">": lambda: float(left > right),
            "<": lambda: float(left < right),
            "==": lambda: float(left == right),
            "!=": lambda: float(left != right),
        }[kind]()


# --- alarms --------------------------------------------------------------------------------------------------


class WindowAlarm:
    def __init__(self, logical_id: str):
        props = MATH_ALARMS[logical_id]["Properties"]
        self.name = logical_id
        self.stats = {}
        self.period = None
        [result] = [q for q in props["Metrics"] if q.get("ReturnData", True)]
        for query in props["Metrics"]:
            if "MetricStat" in query:
                metric = query["MetricStat"]["Metric"]
                assert metric["Namespace"] == "AWS/ApiGateway"
                assert query["MetricStat"]["Stat"] == "Sum"
                self.stats[query["Id"]] = metric["MetricName"]
                assert self.period in (None, query["MetricStat"]["Period"]), "one period per window alarm"
                self.period = query["MetricStat"]["Period"]
        self.expression = Expression(substitute(result["Expression"]))
        self.threshold = float(props["Threshold"])
        self.compare = OPERATORS[props["ComparisonOperator"]]
        assert props["TreatMissingData"] == "notBreaching"
        assert int(props["EvaluationPeriods"]) == 1

    def in_alarm(self, traffic: list[tuple[int, int]], minute: int) -> bool:
        """State at `minute`, from the last complete aligned bucket; traffic is (requests, 5xx) per minute."""
        size = self.period // 60
        end = (minute // size) * size
        if end < size:
            return False  # no complete bucket yet
        bucket = traffic[end - size : end]
        requests = sum(r for r, _ in bucket)
        errors = sum(e for _, e in bucket)
        series = {"Count": requests or None, "5xx": errors if requests and errors else None}
        value = self.expression.evaluate({i: series[name] for i, name in self.stats.items()})
        return value is not None and self.compare(value, self.threshold)


def composite_rule(logical_id: str):
    """ALARM("${X}") AND|OR ALARM("${Y}") -> (operator, [X, Y])."""
    rule = substitute(COMPOSITES[logical_id]["Properties"]["AlarmRule"])
    names = re.findall(r'ALARM\("(\w+)"\)', rule)
    operators = set(re.findall(r"\b(AND|OR)\b", rule))
    assert re.fullmatch(r'ALARM\("\w+"\)( (AND|OR) ALARM\("\w+"\))*', rule), rule
    assert len(operators) == 1, rule
    return operators.pop(), names


def composite_fires(logical_id: str, traffic: list[tuple[int, int]]) -> list[int]:
    """Minutes at which the composite alarm is in ALARM."""
    operator, names = composite_rule(logical_id)
    windows = [WindowAlarm(n) for n in names]
    combine = all if operator == "AND" else any
    return [m for m in range(len(traffic) + 1) if combine(w.in_alarm(traffic, m) for w in windows)]


# --- traffic -------------------------------------------------------------------------------------------------

HOURS = 8


def steady(requests: int, errors: int, minutes: int = HOURS * 60) -> list[tuple[int, int]]:
    return [(requests, errors)] * minutes


TRAFFIC = {
    # 0.05% errors at 2,000 requests a minute: inside the 0.1% budget.
    "good": steady(2000, 1),
    # An outage of 20% 5xx from the second hour on.
    "bad": steady(1000, 0, 60) + steady(1000, 200, HOURS * 60 - 60),
    # 1% errors all day: over 6x (0.6%), under 14.4x (1.44%).
    "slow burn": steady(1000, 10),
    "idle": steady(0, 0),
    # One request every 10 minutes, every one a 5xx: 100% errors, but too few requests to judge.
    "trickle of failures": [(1, 1) if m % 10 == 0 else (0, 0) for m in range(HOURS * 60)],
}


@pytest.mark.parametrize(
    ("traffic", "page", "ticket"),
    [
        ("good", False, False),
        ("bad", True, True),
        ("slow burn", False, True),
        ("idle", False, False),
        ("trickle of failures", False, False),
    ],
)
def test_burn_rate_alarms_fire_on_bad_traffic_and_stay_silent_otherwise(traffic, page, ticket):
    assert bool(composite_fires("SloBurnPageAlarm", TRAFFIC[traffic])) is page
    assert bool(composite_fires("SloBurnTicketAlarm", TRAFFIC[traffic])) is ticket


def test_the_page_clears_soon_after_an_outage_ends():
    # 20% errors for 2 hours, then healthy: the 1-hour window still holds the outage for a while, the 5-minute one
    # clears within a bucket, so the composite clears as soon as the short window does.
    traffic = steady(1000, 200, 120) + steady(1000, 0, 120)
    fired = composite_fires("SloBurnPageAlarm", traffic)
    assert fired
    assert max(fired) < 120 + 10


def test_the_minimum_traffic_guard_is_what_keeps_a_trickle_quiet():
    window = WindowAlarm("SloBurnPage5mAlarm")
    guard = int(PARAMETERS["SloMinRequests"]["Default"])
    failing = [(guard, guard)] * 5
    assert window.in_alarm(failing, 5)
    assert not window.in_alarm([(guard - 1, guard - 1)] + [(0, 0)] * 4, 5)


def test_thresholds_and_windows_are_the_stated_burn_rates_of_the_stated_objective():
    runbook_objective = "99.9%"
    seen = set()
    for logical_id, composite in COMPOSITES.items():
        slo = composite["Metadata"]["Slo"]
        assert f"{slo['Objective'] * 100:g}%" == runbook_objective
        budget = 1 - slo["Objective"]
        _, names = composite_rule(logical_id)
        assert sorted(WindowAlarm(n).period for n in names) == sorted(slo["Windows"])
        for name in names:
            assert WindowAlarm(name).threshold == pytest.approx(slo["BurnRate"] * budget)
            seen.add(name)
        assert composite["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    assert {
        (c["Metadata"]["Slo"]["BurnRate"], tuple(c["Metadata"]["Slo"]["Windows"])) for c in COMPOSITES.values()
    } == {
        (14.4, (3600, 300)),
        (6, (21600, 1800)),
    }
    assert seen == set(MATH_ALARMS), "every window alarm belongs to one composite"
    for name in MATH_ALARMS:
        assert "AlarmActions" not in MATH_ALARMS[name]["Properties"], f"{name} notifies only through its composite"


def test_the_indicator_is_the_http_apis_own_5xx_and_request_count():
    for name in MATH_ALARMS:
        for query in MATH_ALARMS[name]["Properties"]["Metrics"]:
            if "MetricStat" in query:
                metric = query["MetricStat"]["Metric"]
                assert metric["MetricName"] in ("5xx", "Count")
                assert metric["Dimensions"] == [{"Name": "ApiId", "Value": {"Ref": "HttpApi"}}]


def test_evaluator_reads_what_it_is_given():
    expression = Expression("IF(requests >= 20, FILL(errors, 0) / requests, 0)")
    assert expression.evaluate({"requests": 100.0, "errors": None}) == 0
    assert expression.evaluate({"requests": 100.0, "errors": 5.0}) == 0.05
    assert expression.evaluate({"requests": 10.0, "errors": 10.0}) == 0
    assert expression.evaluate({"requests": None, "errors": None}) is None
    with pytest.raises(AssertionError):
        Expression("RATE(errors)")
