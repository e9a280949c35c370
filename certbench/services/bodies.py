"""The certification body, its users and their keys.

Where things live. ``init_body`` records absolute paths in the body's
``settings`` so every command (and every machine sharing a PostgreSQL
database through the same file share) finds them again:

* ``key_dir``: the issuer keyring (``keyring.json`` and ``issuer-<kid>.key``)
  and ``users/user-<kid>.key``, each user's personal key (a user working on
  another machine against the same PostgreSQL database keeps theirs in
  ``<their data dir>/keys/users``). The database keeps only public keys and key ids;
* ``trust_path`` and ``registry_path``: the published trust file and registry;
* ``certificates_dir``: default output folder of issued certificates;
* ``vault_dir``: the evidence vault.

Passphrases. Each user's key is encrypted with that user's own passphrase.
The issuer key has its own passphrase; ``init_body`` uses the first admin's
passphrase for it unless a separate one is given, and issuing asks for it
(the CLI's ``--issuer-passphrase-file`` or ``$CERTBENCH_ISSUER_PASSPHRASE``,
falling back to the acting user's passphrase).

An :class:`Actor` is a user who proved who they are by opening their key:
:func:`authenticate` decrypts the key file and checks it is the key the
database has registered for that user. Only actors can sign.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization

from certbench import assets
from certbench.certify.keys import UserKey, generate_user_key, load_key, save_key
from certbench.errors import KeyStoreError, NotFoundError, WorkflowError
from certbench.storage import Body, Role, User

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import ec
    from sqlalchemy.orm import Session

    from certbench.storage import Database

__all__ = [
    "Actor",
    "BodyPaths",
    "InitResult",
    "UserRow",
    "add_user",
    "authenticate",
    "body_paths",
    "change_passphrase",
    "current_roles",
    "get_body",
    "init_body",
    "list_users",
    "public_key_of",
    "require_role",
    "user_key_path",
]


@dataclass(frozen=True, slots=True)
class BodyPaths:
    """The folders and files of a certification body."""

    key_dir: Path
    trust_path: Path
    registry_path: Path
    certificates_dir: Path
    vault_dir: Path

    def to_json(self) -> dict[str, str]:
        """The ``settings`` entries that record these paths."""
        return {"key_dir": str(self.key_dir), "trust_path": str(self.trust_path),
                "registry_path": str(self.registry_path),
                "certificates_dir": str(self.certificates_dir),
                "vault_dir": str(self.vault_dir)}

    @classmethod
    def under(cls, home: Path) -> BodyPaths:
        """The default layout under ``home`` (the user data directory)."""
        home = home.expanduser().resolve()
        return cls(home / "keys", home / "published" / "trust.json",
                   home / "published" / "registry.json", home / "certificates", home / "vault")


@dataclass(frozen=True, slots=True)
class Actor:
    """A user who opened their personal key: they can act and sign."""

    user_id: str
    name: str
    display_name: str
    roles: frozenset[Role]
    key: UserKey

    def has(self, role: Role) -> bool:
        """Whether the actor holds ``role``."""
        return role in self.roles


@dataclass(frozen=True, slots=True)
class UserRow:
    """A user as ``user list`` shows it."""

    name: str
    display_name: str
    roles: tuple[str, ...]
    key_id: str | None
    active: bool


@dataclass(frozen=True, slots=True)
class InitResult:
    """What :func:`init_body` created."""

    body_id: str
    code: str
    name: str
    issuer_kid: str
    admin: str
    paths: BodyPaths


def get_body(session: Session) -> Body:
    """The certification body of this database.

    :raises NotFoundError: the database has no body yet (run ``certbench init``).
    """
    body = session.scalars(sa.select(Body).order_by(Body.created_at).limit(1)).first()
    if body is None:
        raise NotFoundError("this database has no certification body: run `certbench init`")
    return body


def body_paths(body: Body) -> BodyPaths:
    """Where the body's keys, published files, certificates and vault live."""
    s = body.settings or {}
    default = BodyPaths.under(assets.user_data_dir())
    return BodyPaths(Path(s.get("key_dir", default.key_dir)),
                     Path(s.get("trust_path", default.trust_path)),
                     Path(s.get("registry_path", default.registry_path)),
                     Path(s.get("certificates_dir", default.certificates_dir)),
                     Path(s.get("vault_dir", default.vault_dir)))


def user_key_path(paths: BodyPaths, kid: str) -> Path:
    """The key file of the user key ``kid``."""
    return paths.key_dir / "users" / f"user-{kid}.key"


def _pem(key: UserKey) -> str:
    return key.public_key.public_bytes(serialization.Encoding.PEM,
                                       serialization.PublicFormat.SubjectPublicKeyInfo
                                       ).decode("ascii")


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise WorkflowError(f"a user name is 1-64 characters without spaces, not {name!r}")
    return name


def init_body(db: Database, *, name: str, code: str, admin_name: str, admin_passphrase: str,
              issuer_passphrase: str | None = None, address: str = "",
              admin_display_name: str = "", paths: BodyPaths | None = None,
              number_prefix: str = "CB") -> InitResult:
    """Create the body, its issuer key, the first admin, the trust file and an empty registry.

    The first user holds the ``admin`` and ``issuer`` roles. The issuer key is
    encrypted with ``issuer_passphrase`` (default: the admin's passphrase).

    :raises WorkflowError: the database already has a body, or the key folder has keys.
    """
    from certbench.certify.keyring import create_issuer, export_trust
    from certbench.certify.registry import Registry

    admin_name = _check_name(admin_name)
    if not name.strip() or not code.strip():
        raise WorkflowError("the body needs a name and a short code")
    paths = paths or BodyPaths.under(assets.user_data_dir())
    with db.session() as session:
        if session.scalar(sa.select(sa.func.count()).select_from(Body)):
            raise WorkflowError("this database already has a certification body")
    issuer_pass = issuer_passphrase or admin_passphrase
    if (paths.key_dir / "keyring.json").exists():
        raise WorkflowError(f"{paths.key_dir} already holds issuer keys; "
                            "give another key folder")
    issuer = create_issuer(paths.key_dir, name, issuer_pass, body_id=code)
    user_key = generate_user_key(admin_name)
    save_key(user_key_path(paths, user_key.kid), user_key, admin_passphrase)
    for folder in (paths.trust_path.parent, paths.registry_path.parent, paths.certificates_dir,
                   paths.vault_dir):
        folder.mkdir(parents=True, exist_ok=True)
    export_trust(paths.key_dir, paths.trust_path, issuer_pass)
    registry = Registry(name.strip(), code)
    registry.sign_head(issuer)
    registry.export(paths.registry_path)
    with db.session() as session:
        body = Body(code=code, name=name.strip(), address=address, issuer_kid=issuer.kid,
                    settings={**paths.to_json(), "number_prefix": number_prefix})
        session.add(body)
        session.add(User(name=admin_name, display_name=admin_display_name or admin_name,
                         roles=frozenset({Role.ADMIN, Role.ISSUER}),
                         public_key_pem=_pem(user_key), key_id=user_key.kid))
        session.flush()
        body_id = body.id
    return InitResult(body_id, code, name.strip(), issuer.kid, admin_name, paths)


def _user(session: Session, name: str) -> User:
    user = session.scalars(sa.select(User).where(User.name == name)).first()
    if user is None:
        raise NotFoundError(f"no user {name!r}", user=name)
    return user


def public_key_of(user: User) -> ec.EllipticCurvePublicKey:
    """The user's registered public key.

    :raises KeyStoreError: the user has no (usable) registered key.
    """
    from cryptography.hazmat.primitives.asymmetric import ec

    if not user.public_key_pem:
        raise KeyStoreError(f"user {user.name} has no registered key", user=user.name)
    key = serialization.load_pem_public_key(user.public_key_pem.encode("ascii"))
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise KeyStoreError(f"user {user.name}'s registered key is not a P-256 key")
    return key


def authenticate(session: Session, name: str, passphrase: str) -> Actor:
    """Open ``name``'s personal key with ``passphrase``; the user as an :class:`Actor`.

    :raises NotFoundError: no such user.
    :raises WorkflowError: the user is deactivated.
    :raises WrongPassphraseError: the passphrase does not open the key.
    :raises KeyStoreError: the key file is missing or is not the registered key.
    """
    user = _user(session, name)
    if not user.active:
        raise WorkflowError(f"user {name} is deactivated", user=name)
    if not user.key_id:
        raise KeyStoreError(f"user {name} has no registered key", user=name)
    path = user_key_path(body_paths(get_body(session)), user.key_id)
    if not path.is_file():  # another machine sharing the database: the user's own folder
        path = user_key_path(BodyPaths.under(assets.user_data_dir()), user.key_id)
    key = load_key(path, passphrase)
    if not isinstance(key, UserKey) or key.kid != user.key_id \
            or _pem(key) != user.public_key_pem:
        raise KeyStoreError(f"the key file of {name} is not the key registered for them",
                            user=name)
    return Actor(user.id, user.name, user.display_name or user.name, frozenset(user.roles), key)


def current_roles(session: Session, actor: Actor) -> frozenset[Role]:
    """The actor's roles as the database holds them now (an :class:`Actor` is only a claim).

    :raises WorkflowError: the user is gone, deactivated, or holds another key now.
    """
    user = session.get(User, actor.user_id)
    if user is None or not user.active or user.key_id != actor.key.kid \
            or user.name != actor.name:
        raise WorkflowError(f"{actor.name} is not an active user with this key",
                            user=actor.name, check="actor")
    return frozenset(user.roles)


def require_role(actor: Actor, *roles: Role, session: Session | None = None) -> None:
    """:raises WorkflowError: ``actor`` holds none of ``roles`` (checked in the database
        when a session is given: an :class:`Actor`'s own ``roles`` are only a claim)."""
    held = current_roles(session, actor) if session is not None else actor.roles
    if not any(r in held for r in roles):
        wanted = " or ".join(r.value for r in roles)
        raise WorkflowError(f"{actor.name} is not {wanted}", user=actor.name,
                            roles=[r.value for r in roles])


def add_user(session: Session, actor: Actor, name: str, roles: Iterable[Role | str],
             passphrase: str, *, display_name: str = "") -> User:
    """Register a user with a new personal key encrypted under ``passphrase`` (admins only).

    :raises WorkflowError: ``actor`` is not an admin, the name is taken or no role is given.
    """
    require_role(actor, Role.ADMIN, session=session)
    name = _check_name(name)
    try:
        role_set = frozenset(Role(r) for r in roles)
    except ValueError as exc:
        raise WorkflowError(f"unknown role ({exc}); roles are "
                            f"{', '.join(r.value for r in Role)}") from exc
    if not role_set:
        raise WorkflowError("a user needs at least one role")
    if session.scalars(sa.select(User.id).where(User.name == name)).first():
        raise WorkflowError(f"there is already a user {name!r}")
    paths = body_paths(get_body(session))
    key = generate_user_key(name)
    save_key(user_key_path(paths, key.kid), key, passphrase)
    user = User(name=name, display_name=display_name or name, roles=role_set,
                public_key_pem=_pem(key), key_id=key.kid)
    session.add(user)
    session.flush()
    return user


def change_passphrase(session: Session, name: str, old: str, new: str) -> None:
    """Re-encrypt ``name``'s key under ``new`` (the key itself does not change)."""
    actor = authenticate(session, name, old)
    save_key(user_key_path(body_paths(get_body(session)), actor.key.kid), actor.key, new)


def list_users(session: Session) -> list[UserRow]:
    """Every user, by name."""
    return [UserRow(u.name, u.display_name, tuple(sorted(r.value for r in u.roles)), u.key_id,
                    u.active)
            for u in session.scalars(sa.select(User).order_by(User.name))]
