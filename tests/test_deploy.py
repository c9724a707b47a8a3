"""The server behind a reverse proxy that ends TLS (docs/deploy.md): the examples in examples/deploy run as written
(nginx and Caddy in front of a real server), and the app marks its cookies Secure when, and only when, the proxy it
trusts says the browser came over HTTPS.

nginx and Caddy come from Debian (.ci/run installs them when absent); without them the proxy tests skip, except
under CI=true, where they fail.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from helpers import SHIPPED
from practise_helpers import PASSWORD
from rehearse_client import Server
from starlette.testclient import TestClient
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from securebase.cli import main, rehearse
from securebase.web import accounts, security
from securebase.web.app import create_app

DEPLOY = Path(__file__).resolve().parents[1] / "examples" / "deploy"
#: the port the examples send to: the one `securebase rehearse` listens on by default
DEFAULT_PORT = next(p.default for p in rehearse.params if p.name == "port")


def cookies_of(answer: httpx.Response) -> list[str]:
    return answer.headers.get_list("set-cookie")


def test_cookies_are_secure_when_the_trusted_proxy_says_https_and_only_then(tmp_path: Path) -> None:
    """uvicorn's proxy headers (as the server runs them) in front of the team server: the scheme a trusted proxy
    forwards decides the Secure flag of the forms' cookie and of the session's; the same header from anyone else
    changes nothing."""
    from sqlalchemy.orm import Session

    from securebase.web import accounts

    team_server = create_app(f"sqlite:///{tmp_path / 'a.sqlite'}", SHIPPED.params, accounts=True)
    with Session(team_server.state.engine) as session:
        accounts.create_user(session, "pat", "a long enough passphrase", "practitioner", ["North"])
        session.commit()
    app = ProxyHeadersMiddleware(team_server, trusted_hosts="127.0.0.1")
    https = {"x-forwarded-proto": "https"}
    with TestClient(app, client=("127.0.0.1", 40000), follow_redirects=False) as proxied:
        login = proxied.get("/login", headers=https)
        csrf = next(c for c in cookies_of(login) if c.startswith(security.CSRF_COOKIE))
        assert csrf.endswith("; Secure")
        # a client keeps a Secure cookie for https only: the browser's cookie, sent as the browser would
        cookie = f"{security.CSRF_COOKIE}={csrf.split(';')[0].split('=', 1)[1]}"
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', login.text).group(1)
        accepted = proxied.post("/login", data={"csrf": token, "username": "pat", "password": "a long enough passphrase"},
                                headers={**https, "cookie": cookie})  # fmt: skip
        assert accepted.status_code == 303
        session_cookie = next(c for c in cookies_of(accepted) if c.startswith(accounts.SESSION_COOKIE)).lower()
        assert "; secure" in session_cookie
        assert "samesite=lax" in session_cookie
        assert "httponly" in session_cookie
        plain = proxied.get("/login", headers={"cookie": ""})
        assert all("secure" not in c.lower() for c in cookies_of(plain))  # loopback without TLS: no Secure
    with TestClient(app, client=("203.0.113.9", 40000), follow_redirects=False) as stranger:
        claimed = stranger.get("/login", headers=https)
        assert cookies_of(claimed)
        assert all("secure" not in c.lower() for c in cookies_of(claimed))


def test_the_examples_send_to_the_apps_port_with_the_forwarded_headers() -> None:
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert re.search(rf"server 127\.0\.0\.1:{DEFAULT_PORT};", nginx)
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in nginx  # replaced, never appended to
    assert "Strict-Transport-Security" in nginx
    caddy = (DEPLOY / "Caddyfile").read_text()
    assert re.search(rf"reverse_proxy 127\.0\.0\.1:{DEFAULT_PORT}\n", caddy)
    assert "Strict-Transport-Security" in caddy
    for text in (nginx, caddy):
        assert f"--host 127.0.0.1 --port {DEFAULT_PORT} --forwarded-allow-ips 127.0.0.1" in text


# ---- the examples, run ------------------------------------------------------------------------------------------


def program(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")
    if found is None:
        missing = f"no {name} found (Debian: apt-get install {name})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"the deployment tests cannot run under CI: {missing}")
        pytest.skip(missing)
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the proxy stopped: {log.read_text() if log.exists() else process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("the proxy did not listen within 30 s")


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (what Let's Encrypt gives a real server)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert, private = folder / "fullchain.pem", folder / "privkey.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))  # fmt: skip
    return cert, private


@pytest.fixture(scope="module", params=["rehearse", "practise"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The server as the examples expect it: loopback, believing forwarded headers from 127.0.0.1 only; the
    single-user rehearsal, and the team server with a practitioner added by the command an administrator uses."""
    database = tmp_path_factory.mktemp("deploy") / "team.sqlite"
    if request.param == "practise":
        added = CliRunner().invoke(main, ["practise", "add-user", "pat", "--team", "North", "--database", str(database)],
                                   env={"SECUREBASE_NEW_PASSWORD": PASSWORD})  # fmt: skip
        assert added.exit_code == 0, added.output
    running = Server(database, "--forwarded-allow-ips", "127.0.0.1", command=request.param)
    yield running
    running.stop()


def assert_secure_through_the_proxy(base: str, server: Server, verify: Path) -> None:
    """Through the proxy: HSTS, and the forms' cookie Secure; for the team server, signing in through the form
    gives a session cookie that is Secure, HttpOnly and SameSite, and a signed-in page loads. Directly: no Secure."""
    first = "/login" if server.command == "practise" else "/"
    trusting = ssl.create_default_context(cafile=str(verify))  # the test's certificate authority only
    with httpx.Client(base_url=base, verify=trusting, timeout=30, follow_redirects=False) as browser:
        page = browser.get(first)
        assert page.status_code == 200, page.text[:300]
        assert "Strict-Transport-Security" in page.headers or "strict-transport-security" in page.headers
        csrf = next(c for c in cookies_of(page) if c.startswith(security.CSRF_COOKIE))
        assert csrf.endswith("; Secure"), csrf
        if server.command == "practise":
            token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
            signed_in = browser.post("/login", data={"csrf": token, "username": "pat", "password": PASSWORD})
            assert (signed_in.status_code, signed_in.headers.get("location")) == (303, "/journal"), signed_in.text[:300]
            session = next(c for c in cookies_of(signed_in) if c.startswith(accounts.SESSION_COOKIE)).lower()
            assert "; secure" in session, session
            assert "samesite=lax" in session, session
            assert "httponly" in session, session
            journal = browser.get("/journal")  # the client sends the Secure cookies back over TLS only
            assert journal.status_code == 200, journal.text[:300]
            assert 'action="/logout"' in journal.text  # signed in
    direct = httpx.get(server.url + first, timeout=30)  # the app itself, without the proxy: no claim of TLS
    assert all("secure" not in c.lower() for c in cookies_of(direct))
    spoofed = httpx.get(server.url + first, headers={"x-forwarded-proto": "https"}, timeout=30)
    assert all("secure" in c.lower() for c in cookies_of(spoofed))  # loopback is the trusted proxy's address


def test_the_nginx_example_ends_tls_and_the_cookies_are_secure(server: Server, tmp_path: Path) -> None:
    nginx = program("nginx")
    cert, key = self_signed(tmp_path)
    tls_port, http_port = free_port(), free_port()
    app_port = server.url.rsplit(":", 1)[1]
    site = (DEPLOY / "nginx.conf").read_text()
    # the example as written, but for this machine: its ports, the test certificate, the server's free port
    for old, new in [("listen 443 ssl;", f"listen 127.0.0.1:{tls_port} ssl;"), ("listen [::]:443 ssl;", ""),
                     ("listen 80;", f"listen 127.0.0.1:{http_port};"), ("listen [::]:80;", ""),
                     ("/etc/letsencrypt/live/practise.example.org/fullchain.pem", str(cert)),
                     ("/etc/letsencrypt/live/practise.example.org/privkey.pem", str(key)),
                     (f"127.0.0.1:{DEFAULT_PORT}", f"127.0.0.1:{app_port}")]:  # fmt: skip
        assert old in site, old
        site = site.replace(old, new)
    (tmp_path / "site.conf").write_text(site)
    temp = "".join(
        f"{kind}_temp_path {tmp_path / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root root;\n" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"{user}daemon off;\npid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'} warn;\n"
        f"events {{}}\nhttp {{\naccess_log off;\n{temp}include {tmp_path / 'site.conf'};\n}}\n"
    )
    config = ["-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    checked = subprocess.run([nginx, "-t", *config], check=False, capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([nginx, *config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    try:
        wait_for_port(tls_port, process, tmp_path / "error.log")
        assert_secure_through_the_proxy(f"https://127.0.0.1:{tls_port}", server, cert)
        redirect = httpx.get(f"http://127.0.0.1:{http_port}/attempts", follow_redirects=False, timeout=30)
        assert redirect.status_code == 301
        assert redirect.headers["location"] == "https://127.0.0.1/attempts"
    finally:
        process.send_signal(signal.SIGQUIT)  # nginx's graceful stop
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def wait_for_certificate(port: int, root: Path, log: Path) -> None:
    """Until Caddy completes a TLS handshake with a certificate its local authority ``root`` signed: the authority's
    root is written first and the site's certificate issued after it, and a handshake in between ends in "tlsv1
    alert internal error" (seen once in CI on a loaded machine)."""
    deadline = time.monotonic() + 60
    failure: Exception | None = None
    while time.monotonic() < deadline:
        try:
            trusting = ssl.create_default_context(cafile=str(root))
            with (
                socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
                trusting.wrap_socket(raw, server_hostname="127.0.0.1"),
            ):
                return
        except (OSError, ssl.SSLError) as error:  # no root yet (FileNotFoundError), or no certificate yet
            failure = error
            time.sleep(0.2)
    pytest.fail(
        f"Caddy served no certificate of its authority in 60 s ({failure}); its log:\n{log.read_text()[-2000:]}"
    )


def test_the_caddy_example_validates_and_ends_tls_and_the_cookies_are_secure(server: Server, tmp_path: Path) -> None:
    caddy = program("caddy")
    # Caddy keeps its certificates under $XDG_DATA_HOME: this test's own, never the machine's
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "HOME": str(tmp_path)}  # fmt: skip
    example = DEPLOY / "Caddyfile"
    checked = subprocess.run([caddy, "validate", "--adapter", "caddyfile", "--config", str(example)],
                             check=False, capture_output=True, text=True, env=env, timeout=60)  # fmt: skip
    assert checked.returncode == 0, checked.stderr[-2000:]
    tls_port, http_port = free_port(), free_port()
    app_port = server.url.rsplit(":", 1)[1]
    site = example.read_text()
    # the example as written, but for this machine: an address with Caddy's own local certificate authority
    # (trusted by this test only) instead of a public name, and the server's free port
    for old, new in [("practise.example.org {", f"https://127.0.0.1:{tls_port} {{\n\ttls internal"),
                     (f"reverse_proxy 127.0.0.1:{DEFAULT_PORT}", f"reverse_proxy 127.0.0.1:{app_port}")]:  # fmt: skip
        assert old in site, old
        site = site.replace(old, new)
    # default_sni: a client that connects to an address (not a name) sends no name for Caddy to pick a certificate by
    options = f"{{\n\tadmin off\n\tskip_install_trust\n\tdefault_sni 127.0.0.1\n\thttp_port {http_port}\n\thttps_port {tls_port}\n}}\n"
    (tmp_path / "Caddyfile").write_text(options + site)
    log = tmp_path / "caddy.log"
    with log.open("w") as output:
        process = subprocess.Popen([caddy, "run", "--adapter", "caddyfile", "--config", str(tmp_path / "Caddyfile")],
                                   stdout=output, stderr=subprocess.STDOUT, env=env, text=True)  # fmt: skip
        try:
            wait_for_port(tls_port, process, log)
            root = tmp_path / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
            wait_for_certificate(tls_port, root, log)
            assert_secure_through_the_proxy(f"https://127.0.0.1:{tls_port}", server, root)
        finally:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
