"""Credentials for the servers `push`, `query --endpoint` and `serve --endpoint` talk to: from the
environment or a netrc file, never from the command line, and never shown.

Where they come from (docs/remote.md), first found wins:

- `LEARNINGCITY_TOKEN`: a bearer token (`Authorization: Bearer …`, RFC 6750);
- `LEARNINGCITY_USER` and `LEARNINGCITY_PASSWORD`: HTTP Basic (RFC 7617), or Digest (RFC 7616)
  when the server asks for it (Virtuoso's `/sparql-graph-crud-auth` and `/sparql-auth` do);
- the `machine HOST` entry (or the `default` one) of the netrc file `NETRC` names, else
  `~/.netrc`, as curl and wget read it: login and password, as for Basic.

Why not the command line: options show in process listings (`ps`, `/proc/PID/cmdline`) and in
shell history; a URL's `user:password@` part is refused for the same reason (`iris.usable_iri`).
Why never shown: a message names the source of the credentials (`LEARNINGCITY_PASSWORD`,
`~/.netrc`), never their value, and anything a server answers is scrubbed of them before it is
put into a message (`Credentials.scrub`): a server that echoes a request cannot make us print it.
"""

from __future__ import annotations

import base64
import hashlib
import netrc
import os
import re
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from learningcity.errors import InputError, os_reason

TOKEN = "LEARNINGCITY_TOKEN"
USER = "LEARNINGCITY_USER"
PASSWORD = "LEARNINGCITY_PASSWORD"
NETRC = "NETRC"

#: What to do about a 401, in the words of every message that says it.
HOW_TO_GIVE = (
    f"set {USER} and {PASSWORD} (Basic or Digest), or {TOKEN} (Bearer), or add a "
    "'machine HOST login … password …' line to ~/.netrc (docs/remote.md)"
)


@dataclass(frozen=True)
class Credentials:
    """A user and password, or a bearer token (then `user` is None), and where they came from
    (an environment variable or a netrc file: what messages name instead of the value)."""

    source: str
    secret: str = field(repr=False)
    user: str | None = None

    def authorization(self) -> str:
        """The `Authorization` header sent with the first request: Bearer or Basic."""
        if self.user is None:
            return f"Bearer {self.secret}"
        pair = f"{self.user}:{self.secret}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")

    def digest(self, challenge: str, method: str, target: str) -> str | None:
        """The `Authorization` header answering a `WWW-Authenticate: Digest …` challenge (RFC
        7616, MD5 or SHA-256, qop=auth), or None when it is not one this can answer."""
        if self.user is None or not challenge.lower().startswith("digest "):
            return None
        fields = dict(_CHALLENGE_FIELD.findall(challenge[len("digest ") :]))
        fields = {key.lower(): value.strip('"') for key, value in fields.items()}
        algorithm = fields.get("algorithm", "MD5").upper()
        hash_name = {"MD5": "md5", "SHA-256": "sha256"}.get(algorithm)
        qops = [q.strip() for q in fields.get("qop", "").split(",") if q.strip()]
        if hash_name is None or "nonce" not in fields or (qops and "auth" not in qops):
            return None

        def h(text: str) -> str:
            return hashlib.new(hash_name, text.encode()).hexdigest()

        realm, nonce = fields.get("realm", ""), fields["nonce"]
        secret_hash = h(f"{self.user}:{realm}:{self.secret}")
        request_hash = h(f"{method}:{target}")
        parts = [f'username="{self.user}"', f'realm="{realm}"', f'nonce="{nonce}"']
        parts += [f'uri="{target}"', f"algorithm={algorithm}"]
        if qops:
            cnonce = secrets.token_hex(8)
            response = h(f"{secret_hash}:{nonce}:00000001:{cnonce}:auth:{request_hash}")
            parts += ["qop=auth", "nc=00000001", f'cnonce="{cnonce}"']
        else:
            response = h(f"{secret_hash}:{nonce}:{request_hash}")
        parts.append(f'response="{response}"')
        if "opaque" in fields:
            parts.append(f'opaque="{fields["opaque"]}"')
        return "Digest " + ", ".join(parts)

    def scrub(self, text: str) -> str:
        """`text` (a server's words) without the secret, or the Basic pair that carries it."""
        for value in (self.secret, self.authorization().split(" ", 1)[1]):
            text = text.replace(value, "…")
        return text


_CHALLENGE_FIELD = re.compile(r'(\w+)=("[^"]*"|[^,\s]*)')


def credentials_for(host: str) -> Credentials | None:
    """The credentials to send to `host`, or None; a half-given pair or an unreadable netrc
    file is one line naming the variable or the file (exit 2), never their contents."""
    token, user, password = (os.environ.get(name) for name in (TOKEN, USER, PASSWORD))
    if token and (user or password):
        raise InputError(f"set {TOKEN} or {USER} and {PASSWORD}, not both")
    if token:
        return Credentials(TOKEN, token)
    if user or password:
        if not (user and password):
            given, missing = (USER, PASSWORD) if user else (PASSWORD, USER)
            raise InputError(f"{given} is set but {missing} is not: set both, or neither")
        if ":" in user:
            raise InputError(f"{USER} holds a ':', which HTTP Basic cannot carry in a user name")
        return Credentials(f"{USER} and {PASSWORD}", password, user)
    return _from_netrc(host)


def _from_netrc(host: str) -> Credentials | None:
    """The login and password of `host` (or of `default`) in the netrc file, if it has one; a
    file others may read is refused once it is to be used (as curl's and Python's own check)."""
    named = os.environ.get(NETRC)
    path = Path(named) if named else Path.home() / ".netrc"
    shown = f"{NETRC}={named}" if named else "~/.netrc"
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if named:
            raise InputError(f"{shown}: no such file") from None
        return None
    except OSError as error:
        raise InputError(f"{shown}: cannot read it ({os_reason(error)})") from None
    try:
        entry = netrc.netrc(str(path)).authenticators(host)
    except netrc.NetrcParseError as error:
        # The parser's message may quote the token it stopped at: a password. Line only.
        raise InputError(f"{shown}:{error.lineno}: not a netrc file there") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{shown}: cannot read it ({type(error).__name__})") from None
    if entry is None:
        return None
    login, _, password = entry
    if not password:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InputError(f"{shown}: other users may read it; chmod 600 it")
    return Credentials(shown, password, login)
