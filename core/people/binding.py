"""Binding a chat account to a roster person with a one-time code, or to a self-declared
(unverified) profile."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.errors import BindingError
from core.ports import IdentityView, Store
from core.replies import t
from core.types import JSONObject

_CODE_SHAPE = re.compile(r"^[A-Za-z0-9_-]{4,64}$")


def hash_code(code: str) -> str:
    """Codes are stored only as hashes; normalise first so case and spaces don't matter."""
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


@dataclass(frozen=True)
class BindingLimits:
    max_failed_attempts: int = 5
    window: timedelta = timedelta(hours=1)


async def bind_identity(store: Store, identity: IdentityView, code: str, *, now: datetime,
                        limits: BindingLimits) -> int:
    """Bind ``identity`` to the person the code was issued for; return the person id.

    Raises BindingError with a specific key: too many attempts, unknown, used, revoked
    or expired code, or the code of a person the roster has deactivated (whatever the
    code's state). Failed attempts are counted per account to stop guessing.

    An account bound to a roster person is never moved to someone else by that person's
    code (``bind.bound_to_other``, audited as ``binding_refused``; the code stays
    usable by its owner): a phone changing hands must not take over another person's
    concerns. Its own person's re-issued code binds it again; an account with only a
    self-declared (unverified) profile may bind to its roster identity.
    """
    failed = await store.failed_binding_attempts(identity.channel, identity.external_id,
                                                 now - limits.window)
    if failed >= limits.max_failed_attempts:
        minutes = int(limits.window.total_seconds() // 60)
        raise BindingError("bind.too_many", minutes=t("unit.minutes", count=minutes))
    found = None
    if _CODE_SHAPE.match(code.strip()):
        found = await store.find_binding_code(hash_code(code))
    problem = None
    if found is None:
        problem = "bind.invalid"
    elif not found.person_active:  # before "revoked": deactivation cancels the codes
        problem = "bind.inactive"
    elif found.revoked_at is not None:
        problem = "bind.revoked"
    elif found.used_at is not None:
        problem = "bind.used"
    elif found.expires_at <= now:
        problem = "bind.expired"
    if problem:
        await store.add_binding_attempt(identity.channel, identity.external_id, False, now)
        raise BindingError(problem)
    assert found is not None
    if identity.person_id is not None and identity.person_id != found.person_id:
        current = await store.person_card(identity.person_id)
        if current is not None and current.verified:
            await store.add_binding_attempt(identity.channel, identity.external_id, False, now)
            await store.audit("binding_refused", identity.person_id, {
                "identity_id": identity.id, "channel": identity.channel,
                "code_person_id": found.person_id, "why": "bound_to_other"}, now)
            raise BindingError("bind.bound_to_other", name=current.name)
    # One account per person per channel: a re-issued code moves the binding.
    await store.unlink_person_identities(found.person_id, identity.channel)
    await store.link_identity(identity.id, found.person_id)
    await store.mark_code_used(found.id, now)
    await store.add_binding_attempt(identity.channel, identity.external_id, True, now)
    await store.audit("identity_bound", found.person_id,
                      {"identity_id": identity.id, "channel": identity.channel}, now)
    return found.person_id


async def bind_unverified(store: Store, identity: IdentityView, *, name: str,
                          college_code: str, dorm_building: str, now: datetime,
                          audit: JSONObject) -> int:
    """Give an account without a person a self-declared (unverified) profile and return
    its id; the ``unverified_profile`` audit row carries ``audit`` (what was declared,
    or why the profile was made).

    An account that already has an unverified profile with no place yet (one the crisis
    path made on the spot, so the crisis team could reach the writer) keeps that profile,
    which gets the declared college and building: a second profile would leave the crisis
    case pointing at a person no chat reaches any more."""
    if identity.person_id is not None and await store.place_unverified_person(
            identity.person_id, college_code=college_code, dorm_building=dorm_building,
            now=now):
        await store.audit("unverified_profile", identity.person_id, audit, now)
        return identity.person_id
    person_id = await store.create_unverified_person(name=name, college_code=college_code,
                                                     dorm_building=dorm_building, now=now)
    await store.link_identity(identity.id, person_id)
    await store.audit("unverified_profile", person_id, audit, now)
    return person_id
