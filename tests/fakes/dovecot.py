"""A real IMAP server for the tests: a private Dovecot in a temporary folder.

Its own config file (`dovecot -F -c …`), runtime folder, logs, passwd-file with one user, maildir
and self-signed certificate, listening on 127.0.0.1 only: IMAP with STARTTLS on one free port,
IMAPS on another. It never reads /etc/dovecot and never logs to syslog. It runs as root (mail
processes as the `dovecot` user) or as any other user (everything as that user).

`stop()` and `start()` again on the same ports play an outage. Tests put mail in with `append`
and look at the mailbox with `client()`; all of it over real IMAP.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
from pathlib import Path

from imapclient import IMAPClient

from tests.fakes.certificates import self_signed
from tests.waiting import wait_until

USER, PASSWORD = "helpdesk@example.com", "s3cret-imap-pass"
_DH = Path("/usr/share/dovecot/dh.pem")


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or next(
        (p for p in ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot") if os.access(p, os.X_OK)), None
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Dovecot:
    def __init__(self) -> None:
        binary = dovecot_binary()
        if binary is None:
            raise RuntimeError("dovecot is not installed")
        self.binary = binary
        # Its own folder, not pytest's (0700 up the tree): as root, Dovecot's mail processes run
        # as the `dovecot` user and must reach their sockets and the maildir.
        self.folder = Path(tempfile.mkdtemp(prefix="ticketbot-dovecot-"))
        self.folder.chmod(0o755)
        self.host = "127.0.0.1"
        self.imap_port, self.imaps_port = _free_port(), _free_port()
        self.cert, key = self_signed(self.folder)
        self.conf = self.folder / "dovecot.conf"
        self.log = self.folder / "dovecot.log"
        self._process: subprocess.Popen | None = None
        self._key = key
        self.capabilities: str | None = None  # None: Dovecot's own list (MOVE and UIDPLUS among them)
        self.introspection_url: str | None = None  # set: XOAUTH2 logins too, tokens checked there
        self._prepare_folders()

    def _prepare_folders(self) -> None:
        me = pwd.getpwuid(os.getuid())
        if os.getuid() == 0:  # Dovecot refuses mail processes as root (UID 0)
            mail_user, internal, login = pwd.getpwnam("dovecot"), "dovecot", "dovenull"
        else:
            mail_user, internal, login = me, me.pw_name, me.pw_name
        home = self.folder / "home"
        home.mkdir()
        os.chown(home, mail_user.pw_uid, mail_user.pw_gid)
        (self.folder / "run").mkdir()
        (self.folder / "state").mkdir()
        passwd = self.folder / "passwd"
        passwd.write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{mail_user.pw_uid}:{mail_user.pw_gid}::{home}::\n")
        passwd.chmod(0o600)  # read by the auth process, which runs as whoever started Dovecot
        Path(self._key).chmod(0o600)
        self._mail_user, self._internal, self._login_user = mail_user, internal, login

    def _write_config(self) -> None:
        me, passwd, key = pwd.getpwuid(os.getuid()), self.folder / "passwd", self._key
        internal, login = self._internal, self._login_user
        dh = f"ssl_dh = <{_DH}\n" if _DH.exists() else ""
        capability = f"imap_capability = {self.capabilities}\n" if self.capabilities else ""
        mechanisms, oauth = "plain login", ""
        if self.introspection_url:
            oauth_conf = self.folder / "oauth2.conf"
            oauth_conf.write_text(
                f"introspection_mode = post\nintrospection_url = {self.introspection_url}\n"
                "username_attribute = email\nforce_introspection = yes\n"
                "active_attribute = active\nactive_value = true\n"
            )
            mechanisms += " xoauth2 oauthbearer"
            oauth = f"passdb {{\n  driver = oauth2\n  args = {oauth_conf}\n}}\n"
        self.conf.write_text(
            f"""\
protocols = imap
listen = 127.0.0.1
base_dir = {self.folder}/run
state_dir = {self.folder}/state
log_path = {self.log}
info_log_path = {self.log}
debug_log_path = {self.log}
default_internal_user = {internal}
default_internal_group = {grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name}
default_login_user = {login}
first_valid_uid = 1
ssl = yes
ssl_cert = <{self.cert}
ssl_key = <{key}
{dh}{capability}auth_mechanisms = {mechanisms}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {passwd}
}}
{oauth}userdb {{
  driver = passwd-file
  args = username_format=%u {passwd}
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.imaps_port}
    ssl = yes
  }}
}}
service auth {{
  user = {me.pw_name}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""
        )

    # -- the process ---------------------------------------------------------------------------------

    def start(self) -> None:
        self._write_config()
        self._process = subprocess.Popen(
            [self.binary, "-F", "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            stderr=(self.folder / "dovecot.stderr").open("ab"),
        )
        wait_until(self._answers, timeout=15, what=f"dovecot on ports {self.imap_port}/{self.imaps_port}")

    def _answers(self) -> bool:
        if self._process is not None and self._process.poll() is not None:
            raise AssertionError(f"dovecot exited with {self._process.returncode}: {self.logs()}")
        try:
            with IMAPClient(self.host, self.imaps_port, ssl_context=self.ssl_context(), timeout=5):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None
        wait_until(lambda: not self._listening(), timeout=10, what="dovecot's ports to close")

    def _listening(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection((self.host, self.imaps_port), timeout=1):
            return True
        return False

    def restart(self, **changes) -> None:
        """Again on the same ports, changed: `capabilities` announced after login (e.g. without
        MOVE), `introspection_url` to take OAuth 2.0 tokens."""
        self.stop()
        for name, value in changes.items():
            assert hasattr(self, name), name
            setattr(self, name, value)
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def logs(self) -> str:
        parts = [
            p.read_text(errors="replace") for p in (self.log, self.folder / "dovecot.stderr") if p.exists()
        ]
        return "\n".join(parts)[-4000:]

    # -- talking to it as a test ---------------------------------------------------------------------

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.cert)

    def client(self) -> IMAPClient:
        client = IMAPClient(self.host, self.imaps_port, ssl_context=self.ssl_context(), timeout=10)
        client.login(USER, PASSWORD)
        return client

    def append(self, raw: bytes, folder: str = "INBOX", flags: tuple[bytes, ...] = ()) -> None:
        with self.client() as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            client.append(folder, raw, flags=flags)

    def messages(self, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        """uid -> flags of every message in `folder` (none if it does not exist)."""
        with self.client() as client:
            if not client.folder_exists(folder):
                return {}
            client.select_folder(folder, readonly=True)
            uids = client.search(["ALL"])
            return {uid: tuple(flags) for uid, flags in client.get_flags(uids).items()} if uids else {}
