#!/usr/bin/python3
"""A local SMTP server for the e-mail tests (Debian's python3-aiosmtpd).

Each message it accepts is written to DIR as N.eml (the bytes received) and
N.json: the envelope and what Python's own e-mail parser makes of the
message (decoded subject, every part, the .ics attachment's properties), so
the tests check our MIME against an independent reader. Recipients
containing --reject are refused with 550 (a permanent failure). With --auth
USER:PASSWORD it requires AUTH (PLAIN or LOGIN) and notes each mechanism
used in auth.log. With --tls starttls|implicit it speaks TLS with a
self-signed certificate for 127.0.0.1 that it makes in --tls-dir (openssl). Prints
"LISTENING <port>" once it accepts connections; runs until killed.
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import signal
import ssl
import subprocess
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def ics_properties(text):
    # RFC 5545 3.1: a line starting with a space continues the previous one.
    lines = text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")
    props = {}
    for line in lines:
        if not line or ":" not in line:
            continue
        name, value = line.split(":", 1)
        props.setdefault(name.split(";", 1)[0], value)
    return props


def summarise(envelope):
    raw = envelope.original_content or envelope.content
    message = email.message_from_bytes(raw, policy=email.policy.default)
    summary = {
        "mail_from": envelope.mail_from,
        "rcpt_tos": list(envelope.rcpt_tos),
        "subject": str(message["Subject"]),
        "from": str(message["From"]),
        "to": str(message["To"]),
        "date": str(message["Date"]),
        "message_id": str(message["Message-ID"]),
        "content_language": str(message["Content-Language"]),
        "defects": [type(d).__name__ for d in message.defects],
        "longest_line": max((len(l) for l in raw.split(b"\r\n")), default=0),
        "bare_lf": b"\n" in raw.replace(b"\r\n", b""),
        "parts": [],
    }
    for part in message.walk():
        if part.is_multipart():
            summary["parts"].append({"content_type": part.get_content_type()})
            continue
        entry = {
            "content_type": part.get_content_type(),
            "disposition": part.get_content_disposition(),
            "filename": part.get_filename(),
            "content_id": str(part["Content-ID"]) if part["Content-ID"] else None,
            "defects": [type(d).__name__ for d in part.defects],
        }
        payload = part.get_payload(decode=True) or b""
        entry["size"] = len(payload)
        if part.get_content_type() == "image/png":
            entry["png"] = payload.startswith(b"\x89PNG\r\n\x1a\n")
        elif part.get_content_type() == "text/calendar":
            text = payload.decode("utf-8")
            entry["ics"] = ics_properties(text)
            entry["ics_longest_line"] = max((len(l.encode("utf-8")) for l in text.split("\r\n")), default=0)
            entry["ics_method_param"] = part.get_param("method")
        elif part.get_content_maintype() == "text":
            entry["text"] = part.get_content()
        summary["parts"].append(entry)
    return summary


class Authenticator:
    """Accepts one user and password (AUTH PLAIN and LOGIN), refuses others."""

    def __init__(self, user, password):
        self.user = user.encode("utf-8")
        self.password = password.encode("utf-8")

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == self.user
              and auth_data.password == self.password)
        if ok:
            with open(os.path.join(server_folder, "auth.log"), "a", encoding="utf-8") as f:
                f.write(mechanism + "\n")
        # handled=False: aiosmtpd answers the refusal (535) itself.
        return AuthResult(success=ok, handled=False)


server_folder = "."


class Sink:
    def __init__(self, folder, reject):
        self.folder = folder
        self.reject = reject
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject and self.reject in address:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            number = self.count
        base = os.path.join(self.folder, "%04d" % number)
        raw = envelope.original_content or envelope.content
        with open(base + ".eml.tmp", "wb") as f:
            f.write(raw)
        with open(base + ".json.tmp", "w", encoding="utf-8") as f:
            json.dump(summarise(envelope), f, ensure_ascii=False, indent=1)
        os.rename(base + ".eml.tmp", base + ".eml")
        # The summary last: a test that sees it sees the whole message.
        os.rename(base + ".json.tmp", base + ".json")
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--reject", default="")
    parser.add_argument("--auth", default="", help="USER:PASSWORD: require AUTH with these")
    parser.add_argument("--login-only", action="store_true", help="offer AUTH LOGIN, not PLAIN")
    parser.add_argument("--tls", choices=["starttls", "implicit"], help="TLS with a self-signed certificate")
    parser.add_argument("--tls-dir", help="where the certificate (cert.pem) and key are made")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    global server_folder
    server_folder = args.dir
    options = {}
    if args.auth:
        user, password = args.auth.split(":", 1)
        # Plain text on the loopback only: these are the tests' credentials.
        options = {"authenticator": Authenticator(user, password), "auth_required": True,
                   "auth_require_tls": False}
        if args.login_only:
            options["auth_exclude_mechanism"] = ["PLAIN"]
    ssl_context = None
    if args.tls:
        cert = os.path.join(args.tls_dir, "cert.pem")
        key = os.path.join(args.tls_dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", key, "-out", cert], check=True, capture_output=True)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        if args.tls == "starttls":
            options["tls_context"] = context
            options["require_starttls"] = True
        else:
            ssl_context = context
    controller = Controller(Sink(args.dir, args.reject), hostname="127.0.0.1", port=args.port,
                            decode_data=False, ready_timeout=10, ssl_context=ssl_context, **options)
    controller.start()
    print("LISTENING %d" % args.port, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass
    controller.stop()


if __name__ == "__main__":
    main()
