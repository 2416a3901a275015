"""Managing the reporting line: partner organisations, partner accounts and API keys (admins),
and recognising a partner system by its key."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nlp.vocabulary import ADMIN, ORGANISATION_KINDS, PARTNER
from signals import auth
from signals.config import Settings
from signals.db.models import User
from signals.db.partner_models import PartnerAccount, PartnerApiToken, PartnerOrganisation
from signals.db.types import utcnow
from signals.errors import Conflict, DomainError, NotAllowed, NotFound
from signals.partner import tokens
from signals.services import Actor, record_as
from signals.services.partner import Reporter
from signals.services.users import create_account


class BadToken(DomainError):
    status_code = 401


def _admin(actor: Actor) -> None:
    if actor.role != ADMIN:
        raise NotAllowed("Alleen een beheerder beheert partnerorganisaties en hun sleutels.")


def create_organisation(
    session: Session, actor: Actor, name: str, kind: str
) -> PartnerOrganisation:
    _admin(actor)
    name = " ".join((name or "").split())
    if not 2 <= len(name) <= 128:
        raise DomainError("Naam van de organisatie: 2 tot 128 tekens.")
    if kind not in ORGANISATION_KINDS:
        raise DomainError("Kies het soort organisatie.")
    exists = session.scalar(
        select(PartnerOrganisation).where(func.lower(PartnerOrganisation.name) == name.lower())
    )
    if exists is not None:
        raise Conflict(f"Organisatie '{name}' bestaat al.")
    org = PartnerOrganisation(name=name, kind=kind, active=True, created_by=actor.username)
    session.add(org)
    session.flush()
    record_as(
        session, actor, action="partner.organisation.create", target_type="partner_organisation",
        target_id=org.id, purpose="beheer meldlijn", details={"name": name, "kind": kind},
    )
    return org


@dataclass(frozen=True, slots=True)
class OrganisationView:
    organisation: PartnerOrganisation
    accounts: list[str]
    tokens: list[PartnerApiToken]


def list_organisations(session: Session, actor: Actor) -> list[OrganisationView]:
    _admin(actor)
    orgs = session.scalars(select(PartnerOrganisation).order_by(PartnerOrganisation.name)).all()
    members: dict[int, list[str]] = {}
    for org_id, username in session.execute(
        select(PartnerAccount.organisation_id, User.username)
        .join(User, User.id == PartnerAccount.user_id)
        .order_by(User.username)
    ):
        members.setdefault(org_id, []).append(username)
    keys: dict[int, list[PartnerApiToken]] = {}
    for key in session.scalars(select(PartnerApiToken).order_by(PartnerApiToken.id)):
        keys.setdefault(key.organisation_id, []).append(key)
    return [OrganisationView(o, members.get(o.id, []), keys.get(o.id, [])) for o in orgs]


def create_partner_account(
    session: Session,
    actor: Actor,
    username: str,
    organisation_id: int | None,
    password: str,
    *,
    settings: Settings | None = None,
) -> User:
    """A partner account, in an organisation. The CLI acts as the host operator (role admin,
    no id), like `signals users add`."""
    _admin(actor)
    org = session.get(PartnerOrganisation, organisation_id) if organisation_id else None
    if org is None or not org.active:
        raise DomainError("Kies de partnerorganisatie waar dit account bij hoort.")
    try:
        user = create_account(session, actor, username, password, PARTNER, settings)
    except auth.AuthError as exc:
        raise Conflict(str(exc)) from exc
    session.add(PartnerAccount(user_id=user.id, organisation_id=org.id))
    record_as(
        session, actor, action="partner.account.create", target_type="user", target_id=user.id,
        purpose="beheer meldlijn", details={"username": user.username, "organisation_id": org.id},
    )
    return user


def create_token(
    session: Session, actor: Actor, organisation_id: int, label: str
) -> tuple[PartnerApiToken, str]:
    """A new key for a partner system; the token itself is returned once and never stored."""
    _admin(actor)
    org = session.get(PartnerOrganisation, organisation_id)
    if org is None:
        raise NotFound("Deze organisatie bestaat niet.")
    token = tokens.new_token()
    row = PartnerApiToken(
        organisation_id=org.id,
        token_hash=tokens.token_hash(token),
        prefix=tokens.shown_prefix(token),
        label=" ".join((label or "").split())[:128],
        created_by=actor.username,
    )
    session.add(row)
    session.flush()
    record_as(
        session, actor, action="partner.token.create", target_type="partner_organisation",
        target_id=org.id, purpose="beheer meldlijn",
        details={"token_id": row.id, "prefix": row.prefix},
    )
    return row, token


def revoke_token(session: Session, actor: Actor, token_id: int) -> PartnerApiToken:
    _admin(actor)
    row = session.get(PartnerApiToken, token_id)
    if row is None:
        raise NotFound("Deze sleutel bestaat niet.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        row.revoked_by = actor.username
        record_as(
            session, actor, action="partner.token.revoke", target_type="partner_organisation",
            target_id=row.organisation_id, purpose="beheer meldlijn",
            details={"token_id": row.id, "prefix": row.prefix},
        )
    return row


def reporter_for_token(session: Session, token: str) -> Reporter:
    """The partner system a key belongs to; refused for an unknown or revoked key or an
    organisation that is no longer active (the same answer for each)."""
    row = session.scalar(
        select(PartnerApiToken).where(PartnerApiToken.token_hash == tokens.token_hash(token))
    )
    if row is None or row.revoked_at is not None or not row.organisation.active:
        raise BadToken("Onbekende of ingetrokken API-sleutel.")
    row.last_used_at = utcnow()
    return Reporter(row.organisation, f"api:{row.prefix}", api_token_id=row.id)
