"""Slack objects as the Web API returns them (the fields its description requires)."""

from __future__ import annotations

from typing import Any


def channel_json(
    *,
    id: str,
    name: str,
    is_private: bool = False,
    is_archived: bool = False,
    is_member: bool = False,
    purpose: str = "",
    topic: str = "",
    creator: str = "U00000000",
    created: int = 1_700_000_000,
    num_members: int | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": id,
        "name": name,
        "name_normalized": name,
        "is_channel": not is_private,
        "is_group": is_private,
        "is_im": False,
        "is_mpim": False,
        "is_private": is_private,
        "is_archived": is_archived,
        "is_general": name == "general",
        "is_shared": False,
        "is_ext_shared": False,
        "is_org_shared": False,
        "is_member": is_member,
        "created": created,
        "creator": creator,
        "topic": {"value": topic, "creator": creator if topic else "", "last_set": 0},
        "purpose": {"value": purpose, "creator": creator if purpose else "", "last_set": 0},
        "previous_names": [],
    }
    if num_members is not None:
        data["num_members"] = num_members
    return data


def user_json(
    *,
    id: str,
    name: str,
    email: str | None,
    real_name: str = "",
    team_id: str = "T00000000",
    deleted: bool = False,
    is_bot: bool = False,
    is_restricted: bool = False,
    is_ultra_restricted: bool = False,
) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "real_name": real_name or name,
        "real_name_normalized": real_name or name,
        "display_name": name,
        "display_name_normalized": name,
        "avatar_hash": "",
        "title": "",
        "phone": "",
        "skype": "",
        "status_text": "",
        "status_emoji": "",
        "fields": {},
        "team": team_id,
    }
    if email:
        profile["email"] = email
    return {
        "id": id,
        "team_id": team_id,
        "name": name,
        "real_name": real_name or name,
        "deleted": deleted,
        "is_bot": is_bot,
        "is_app_user": False,
        "is_admin": False,
        "is_owner": False,
        "is_restricted": is_restricted,
        "is_ultra_restricted": is_ultra_restricted,
        "updated": 1_700_000_000,
        "profile": profile,
    }


def subteam_json(
    *,
    id: str,
    handle: str,
    name: str,
    description: str = "",
    users: list[str] | None = None,
    enabled: bool = True,
    team_id: str = "T00000000",
    created_by: str = "U00000000",
    auto_type: str | None = None,
    date_delete: int = 0,
) -> dict[str, Any]:
    members = sorted(users or [])
    return {
        "id": id,
        "team_id": team_id,
        "is_usergroup": True,
        "is_subteam": True,
        "name": name,
        "description": description,
        "handle": handle,
        "is_external": False,
        "date_create": 1_700_000_000,
        "date_update": 1_700_000_000,
        "date_delete": 0 if enabled else (date_delete or 1_700_000_001),
        "auto_type": auto_type,
        "auto_provision": False,
        "enterprise_subteam_id": "",
        "created_by": created_by,
        "updated_by": created_by,
        "deleted_by": None,
        "prefs": {"channels": [], "groups": []},
        "users": members,
        "user_count": len(members),
    }
