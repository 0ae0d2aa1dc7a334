#!/usr/bin/python3
"""A real SMTP server for the tests (KeyplanTestSupport's SMTPSink): aiosmtpd (Debian's python3-aiosmtpd) on a free port.

Writes the port it listens on to FOLDER/port, then each received message to FOLDER/message-N.json: the
envelope, the raw data, and the message as Python's `email` package parses it (decoded headers, addresses,
parts, defects), so the tests check the MIME with a parser other than the one that wrote it. AUTH attempts go
to FOLDER/auth-N.json. Runs until its standard input closes (the test is done, or its process died) or it
gets SIGTERM.
"""

import argparse
import asyncio
import base64
import email
import email.policy
import itertools
import json
import os
import signal
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

counter = itertools.count()


def write_json(folder, prefix, value):
    """Writes atomically, so a test never reads half a file."""
    name = os.path.join(folder, "%s-%d.json" % (prefix, next(counter)))
    with open(name + ".tmp", "w") as file:
        json.dump(value, file)
    os.replace(name + ".tmp", name)


def parse_failure(text):
    """`451:1` answers the first command with 451; `550:0` answers every one with 550."""
    if text is None:
        return None
    code, times = (int(field) for field in text.split(":"))
    return {"code": code, "remaining": times if times > 0 else None}


class Sink:
    def __init__(self, folder, implicit_tls, rcpt_failure, data_failure, data_delay):
        self.folder = folder
        self.data_delay = data_delay
        self.implicit_tls = implicit_tls
        self.rcpt_failure = rcpt_failure
        self.data_failure = data_failure

    @staticmethod
    def injected(failure):
        """The refusal to give instead of the normal reply, if one is still due."""
        if failure is None or failure["remaining"] == 0:
            return None
        if failure["remaining"] is not None:
            failure["remaining"] -= 1
        return "%d Refused by the test sink" % failure["code"]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.injected(self.rcpt_failure)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        reply = self.injected(self.data_failure)
        if reply:
            return reply
        data = envelope.content
        message = email.message_from_bytes(data, policy=email.policy.default)
        parts = []
        defects = [str(defect) for defect in message.defects]
        for part in message.walk():
            defects += [str(defect) for defect in part.defects]
            if part.is_multipart():
                continue
            parts.append(
                {
                    "contentType": part.get_content_type(),
                    "charset": part.get_content_charset(),
                    "transferEncoding": part.get("Content-Transfer-Encoding"),
                    "content": part.get_content(),
                }
            )
        addresses = {}
        for name in ("From", "To", "Reply-To"):
            if message[name] is not None:
                addresses[name] = [[a.display_name, a.addr_spec] for a in message[name].addresses]
        write_json(
            self.folder,
            "message",
            {
                "mailFrom": envelope.mail_from,
                "mailOptions": envelope.mail_options,
                "recipients": envelope.rcpt_tos,
                "tls": self.implicit_tls or session.ssl is not None,
                "login": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
                "raw": base64.b64encode(data).decode(),
                "headers": [[name, str(value)] for name, value in message.items()],
                "addresses": addresses,
                "parts": parts,
                "defects": defects,
            },
        )
        return "250 2.0.0 Ok: queued as SINK%d" % next(counter)


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--folder", required=True)
    arguments.add_argument("--certificate", help="PEM certificate: offer and require STARTTLS")
    arguments.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte with --certificate, not STARTTLS")
    arguments.add_argument("--key", help="PEM private key of --certificate")
    arguments.add_argument("--auth", help="user:password to require (AUTH PLAIN or LOGIN)")
    arguments.add_argument("--auth-over-plain", action="store_true", help="offer AUTH before TLS too")
    arguments.add_argument("--fail-rcpt", help="CODE:N, answer the first N RCPT (0: all) with CODE")
    arguments.add_argument("--fail-data", help="CODE:N, answer the first N DATA (0: all) with CODE")
    arguments.add_argument("--data-delay", type=float, help="seconds to wait before answering the end of DATA")
    options = arguments.parse_args()
    # A child inherits its parent's signal mask, and the test process blocks SIGTERM on the thread that spawns.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, signal.valid_signals())
    # --auth-over-plain is careless on purpose; aiosmtpd's warning about it is expected.
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")

    tls_context = None
    if options.certificate:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(options.certificate, options.key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        login = auth_data.login.decode() if isinstance(auth_data, LoginPassword) else None
        password = auth_data.password.decode() if isinstance(auth_data, LoginPassword) else None
        tls = options.implicit_tls or session.ssl is not None
        write_json(options.folder, "auth", {"mechanism": mechanism, "login": login, "tls": tls})
        success = options.auth is not None and "%s:%s" % (login, password) == options.auth
        # handled=False: aiosmtpd then answers a failure with 535 itself.
        return AuthResult(success=success, handled=False, auth_data=auth_data)

    sink = Sink(
        options.folder, options.implicit_tls, parse_failure(options.fail_rcpt), parse_failure(options.fail_data), options.data_delay
    )
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def protocol():
        return SMTP(
            sink,
            hostname="sink.test",
            loop=loop,
            tls_context=None if options.implicit_tls else tls_context,
            require_starttls=tls_context is not None and not options.implicit_tls,
            authenticator=authenticator if options.auth else None,
            auth_required=options.auth is not None,
            # aiosmtpd counts only STARTTLS as TLS; over implicit TLS, AUTH must be let through explicitly.
            auth_require_tls=not (options.auth_over_plain or options.implicit_tls),
            decode_data=False,
        )

    implicit = tls_context if options.implicit_tls else None
    server = loop.run_until_complete(loop.create_server(protocol, host="127.0.0.1", port=0, ssl=implicit))
    port = server.sockets[0].getsockname()[1]
    with open(os.path.join(options.folder, "port.tmp"), "w") as file:
        file.write(str(port))
    os.replace(os.path.join(options.folder, "port.tmp"), os.path.join(options.folder, "port"))

    def stop_at_end_of_input():
        if not os.read(sys.stdin.fileno(), 512):
            loop.stop()

    loop.add_reader(sys.stdin.fileno(), stop_at_end_of_input)
    loop.run_forever()


if __name__ == "__main__":
    main()
