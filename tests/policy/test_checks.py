"""Meaning checks: rules the types cannot express, within a file and across files."""

from __future__ import annotations

from pathlib import Path

from reconciler.policy.policy_set import load_policies

GOOD = Path(__file__).parent / "good" / "minimal.yaml"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def minimal(**replacements: str) -> str:
    text = GOOD.read_text()
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_a_time_zone_alias_is_a_warning_naming_the_canonical_zone(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", minimal(**{"Europe/Berlin": "US/Central"}))
    result = load_policies([str(path)])
    assert result.ok
    [warning] = result.problems
    assert warning.severity == "warning"
    assert "'US/Central' is an alias of 'America/Chicago'" in warning.message
    assert str(warning).startswith(f"{path}:12:")


def test_the_chain_that_fits_the_target_passes(tmp_path: Path) -> None:
    two_steps = (
        "      acknowledge_within: 10m\n    - page: technical_manager\n"
        "      acknowledge_within: 5m\n"
    )
    text = minimal(**{"      acknowledge_within: 10m\n": two_steps})
    assert load_policies([str(write(tmp_path, "p.yaml", text))]).problems == []


def test_the_same_team_in_two_files_is_reported_at_the_second(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", minimal())
    second = write(tmp_path, "b.yaml", minimal())
    [problem] = load_policies([str(first), str(second)]).problems
    assert str(problem) == f"{second}:2:9: team 'Payments' is also declared in {first}:2:9"


def test_a_team_named_like_another_teams_schedule_collides(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", minimal())
    second = write(tmp_path, "b.yaml", minimal(**{"name: Payments": "name: Payments_eoc_schedule"}))
    [problem] = load_policies([str(first), str(second)]).problems
    assert problem.file == str(second)
    assert "collides with the schedule of the same name" in problem.message
    assert "one namespace" in problem.message


def test_two_teams_may_not_share_an_on_call_group_handle(tmp_path: Path) -> None:
    group = "slack:\n  on_call_group:\n    handle: oncall\n    name: On call\n"
    first = write(tmp_path, "a.yaml", minimal() + group)
    second = write(tmp_path, "b.yaml", minimal(**{"name: Payments": "name: Billing"}) + group)
    [problem] = load_policies([str(first), str(second)]).problems
    assert str(problem).startswith(f"{second}:23:13: user group @oncall is also declared in")


def test_emails_are_stored_lower_cased(tmp_path: Path) -> None:
    text = minimal(**{"lee@example.com": "Lee@Example.COM"})
    [loaded] = load_policies([str(write(tmp_path, "p.yaml", text))]).policies
    assert loaded.policy.team.members[2].email == "lee@example.com"
    assert loaded.policy.on_call.technical_manager.person == "lee@example.com"


def test_hand_off_notes_in_an_undeclared_channel_are_a_warning(tmp_path: Path) -> None:
    text = (
        minimal() + "slack:\n  channels: [{name: payments}]\nhandoff_notes:\n"
        "  url: https://docs.example.com/notes\n  channel: elsewhere\n"
    )
    result = load_policies([str(write(tmp_path, "p.yaml", text))])
    assert result.ok
    assert [p.message for p in result.problems] == [
        "hand-off notes go to #elsewhere, which is not among slack.channels"
    ]


def test_a_missing_path_and_an_empty_directory_are_problems(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = load_policies([str(tmp_path / "nope.yaml"), str(tmp_path / "empty")])
    assert [p.message for p in result.problems] == [
        "no policy files (*.yaml, *.yml) here",
        "no such file or directory",
    ]


def test_the_delivery_policy_is_valid_and_declares_the_handbook() -> None:
    result = load_policies(["policies/delivery.yaml"])
    assert result.problems == []
    policy = result.policies[0].policy
    assert [c.name for c in policy.slack.channels] == [
        "delivery",
        "incidents",
        "prod-eng-announcements",
        "ask-prod-eng",
        "buildkite-main",
    ]
    assert all(c.purpose and c.look_for for c in policy.slack.channels)
    assert [c.name for c in policy.slack.channels if c.on_call == "join_and_leave"] == ["incidents"]
    assert policy.slack.on_call_group.handle == "delivery-support"
    handoff = policy.on_call.engineer.handoff
    assert (handoff.weekday, str(handoff.time), handoff.time_zone) == (
        "monday",
        "10:00:00",
        "America/Chicago",
    )
    assert [str(s.acknowledge_within) for s in policy.escalation.steps] == ["10m", "5m"]
    assert str(policy.escalation.initial_response_target) == "20m"
    assert str(policy.escalation.support_response_target) == "24h"
    assert policy.handoff_notes.channel == "delivery"
