"""Whether a collection policy can be run, as one pure function: `policy_problems`.

A policy is JSON a supervisor edits by hand; the nightly run trusts it. Anything it could not
run, or would run differently than it reads (a channel we have no provider for, a step whose
template does not exist so every message it queues fails, a condition with the wrong kind of
value), is a problem here, with the JSON path it is at. Nothing here reads the database: the
templates that exist are passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

from django.utils.translation import gettext as _

from collections_app.models.choices import Channel, Segment
from collections_app.policies.segmentation import OPS, Signals
from collections_app.policies.stages import CONDITIONS, STAGE_RANK, step_template_key
from collections_app.problems import Problem

# The dispatcher renders a message in the borrower's language, else in this one: a step is
# sendable when its template exists at least here.
FALLBACK_LANGUAGE = "en"
SEGMENTS = tuple(s for s in Segment.values if s)
CHANNELS = tuple(Channel.values)
SIGNALS = tuple(Signals.__dataclass_fields__)
LIST_CONDITIONS = frozenset({"segment_in", "segment_not_in"})
RULE_KEYS = ("segment", "signal", "op", "value", "weight")
STEP_KEYS = ("day", "channel", "at")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _names(values: Collection[str]) -> str:
    return ", ".join(values)


def _segment_list(path: str, value: object) -> list[Problem]:
    if not isinstance(value, list) or not value:
        return [Problem(path, _("must be a list of segments (%s)") % _names(SEGMENTS))]
    return [
        Problem(
            f"{path}[{i}]",
            _("unknown segment %(segment)r (use %(known)s)")
            % {"segment": segment, "known": _names(SEGMENTS)},
        )
        for i, segment in enumerate(value)
        if segment not in SEGMENTS
    ]


# --- segmentation


def _segmentation_rule(path: str, rule: object) -> list[Problem]:
    if not isinstance(rule, Mapping):
        return [Problem(path, _("a rule is an object with %s") % _names(RULE_KEYS))]
    missing = [k for k in RULE_KEYS if k not in rule]
    if missing:
        return [Problem(path, _("a rule needs %s") % _names(missing))]
    problems = []
    if rule["segment"] not in SEGMENTS:
        problems.append(
            Problem(
                f"{path}.segment",
                _("unknown segment %(segment)r (use %(known)s)")
                % {"segment": rule["segment"], "known": _names(SEGMENTS)},
            )
        )
    if rule["signal"] not in SIGNALS:
        problems.append(Problem(f"{path}.signal", _("unknown signal %r") % (rule["signal"],)))
    if not isinstance(rule["op"], str) or rule["op"] not in OPS:
        problems.append(
            Problem(
                f"{path}.op",
                _("unknown op %(op)r (use %(known)s)") % {"op": rule["op"], "known": _names(OPS)},
            )
        )
    for key in ("value", "weight"):
        if not _is_number(rule[key]):
            problems.append(Problem(f"{path}.{key}", _("must be a number")))
    return problems


def _segmentation(config: object) -> list[Problem]:
    if not isinstance(config, Mapping):
        return [Problem("segmentation", _("must be a JSON object"))]
    problems = []
    lookback = config.get("lookback_days", 30)
    if not _is_count(lookback) or lookback < 1:
        problems.append(
            Problem("segmentation.lookback_days", _("must be a whole number of days, at least 1"))
        )
    rules = config.get("rules", [])
    if not isinstance(rules, list):
        problems.append(Problem("segmentation.rules", _("must be a list of rules")))
        rules = []
    for i, rule in enumerate(rules):
        problems += _segmentation_rule(f"segmentation.rules[{i}]", rule)
    thresholds = config.get("thresholds", {})
    if not isinstance(thresholds, Mapping):
        problems.append(Problem("segmentation.thresholds", _("must be an object")))
        thresholds = {}
    for segment, threshold in thresholds.items():
        path = f"segmentation.thresholds.{segment}"
        if segment not in SEGMENTS:
            problems.append(Problem(path, _("unknown segment (use %s)") % _names(SEGMENTS)))
        elif not _is_number(threshold):
            problems.append(Problem(path, _("must be a number")))
    if "priority" in config:
        problems += _segment_list("segmentation.priority", config["priority"])
    if config.get("default", "self_cure") not in SEGMENTS:
        problems.append(
            Problem("segmentation.default", _("unknown segment (use %s)") % _names(SEGMENTS))
        )
    return problems


# --- stages


def _entry_rule(path: str, rule: object) -> list[Problem]:
    if not isinstance(rule, Mapping):
        return [Problem(path, _('an entry rule is an object with "rule" and "when"'))]
    problems = []
    if not isinstance(rule.get("rule"), str) or not rule["rule"].strip():
        problems.append(Problem(f"{path}.rule", _("an entry rule needs a name")))
    when = rule.get("when", {})
    if not isinstance(when, Mapping):
        return [*problems, Problem(f"{path}.when", _("must be an object of conditions"))]
    for condition, value in when.items():
        at = f"{path}.when.{condition}"
        if condition not in CONDITIONS:
            problems.append(
                Problem(
                    at,
                    _("unknown condition %(condition)r (use %(known)s)")
                    % {"condition": condition, "known": _names(CONDITIONS)},
                )
            )
        elif condition in LIST_CONDITIONS:
            problems += _segment_list(at, value)
        elif not _is_number(value):
            problems.append(Problem(at, _("must be a number")))
    return problems


def _template_problem(
    path: str, key: str, channel: str, templates: Collection[tuple[str, str]], note: str = ""
) -> list[Problem]:
    if (key, channel) in templates:
        return []
    message = _(
        "no active %(channel)s template %(key)r in %(language)s; add it under Message "
        "templates first"
    ) % {"channel": channel, "key": key, "language": FALLBACK_LANGUAGE}
    return [Problem(path, f"{message}{note}")]


def _cadence_step(
    path: str,
    stage: str,
    step: object,
    switch: Mapping[str, str],
    templates: Collection[tuple[str, str]],
) -> list[Problem]:
    if not isinstance(step, Mapping):
        return [Problem(path, _("a cadence step is an object with %s") % _names(STEP_KEYS))]
    missing = [k for k in STEP_KEYS if k not in step]
    if missing:
        return [Problem(path, _("a cadence step needs %s") % _names(missing))]
    problems = []
    if not _is_count(step["day"]):
        problems.append(Problem(f"{path}.day", _("must be a whole number of days, 0 or more")))
    if step["channel"] not in CHANNELS:
        problems.append(
            Problem(
                f"{path}.channel",
                _("unknown channel %(channel)r (use %(known)s)")
                % {"channel": step["channel"], "known": _names(CHANNELS)},
            )
        )
    try:
        dt.time.fromisoformat(step["at"])
    except (TypeError, ValueError):
        problems.append(Problem(f"{path}.at", _("must be a local time like 10:00")))
    if "segments" in step:
        problems += _segment_list(f"{path}.segments", step["segments"])
    if "template" in step and not (isinstance(step["template"], str) and step["template"]):
        problems.append(Problem(f"{path}.template", _("must be a template key")))
    if problems:
        return problems
    channel = step["channel"]
    problems += _template_problem(
        f"{path}.template", step_template_key(stage, step, channel), channel, templates
    )
    # Unreachable cases are sent this step on the channel the policy switches them to.
    segments = step.get("segments") or SEGMENTS
    switched = switch.get(channel)
    if "unreachable" in segments and switched in CHANNELS and switched != channel:
        problems += _template_problem(
            f"{path}.template",
            step_template_key(stage, step, switched),
            switched,
            templates,
            _(" (unreachable cases get this step by %s: channel_switch)") % switched,
        )
    return problems


def _stages(
    stages: object, switch: Mapping[str, str], templates: Collection[tuple[str, str]]
) -> list[Problem]:
    if not isinstance(stages, Mapping):
        return [Problem("stages", _("must be a JSON object of stages"))]
    problems = []
    for stage, config in stages.items():
        path = f"stages.{stage}"
        if stage not in STAGE_RANK:
            problems.append(
                Problem(
                    path,
                    _("unknown stage %(stage)r (use %(known)s)")
                    % {"stage": stage, "known": _names(STAGE_RANK)},
                )
            )
            continue
        if not isinstance(config, Mapping):
            problems.append(Problem(path, _('must be an object with "entry" and "cadence"')))
            continue
        entry, cadence = config.get("entry", []), config.get("cadence", [])
        for part, value in (("entry", entry), ("cadence", cadence)):
            if not isinstance(value, list):
                problems.append(Problem(f"{path}.{part}", _("must be a list")))
        for i, rule in enumerate(entry if isinstance(entry, list) else []):
            problems += _entry_rule(f"{path}.entry[{i}]", rule)
        for i, step in enumerate(cadence if isinstance(cadence, list) else []):
            problems += _cadence_step(f"{path}.cadence[{i}]", stage, step, switch, templates)
    return problems


def _channel_switch(switch: object) -> list[Problem]:
    if not isinstance(switch, Mapping):
        return [Problem("channel_switch", _('must be an object like {"sms": "email"}'))]
    problems = []
    for source, target in switch.items():
        path = f"channel_switch.{source}"
        if source not in CHANNELS or target not in CHANNELS:
            problems.append(Problem(path, _("both sides must be channels (%s)") % _names(CHANNELS)))
        elif source == target:
            problems.append(Problem(path, _("switches a channel to itself")))
    return problems


def policy_problems(
    *,
    segmentation: object,
    stages: object,
    channel_switch: object,
    templates: Collection[tuple[str, str]],
) -> list[Problem]:
    """Everything that stops this policy from running as written; empty when it can run.

    `templates`: the (key, channel) pairs with an active template in FALLBACK_LANGUAGE."""
    switch_problems = _channel_switch(channel_switch or {})
    switch = channel_switch if not switch_problems else {}
    return [
        *_segmentation(segmentation),
        *_stages(stages, switch or {}, templates),
        *switch_problems,
    ]
