#!/usr/bin/env python3
"""A real SMTP server on loopback for the mail tests (aiosmtpd).

Every accepted message is written to OUT/NNNNNN.eml. Recipients whose local part starts with
"reject" get 550; those starting with "busy" get 451 the first time, then are accepted; for those
starting with "vanish" the message is stored and the connection closed before the answer, as a
server whose reply is lost does (the sender cannot know it arrived). Senders whose local part
starts with "refused" get 553 at MAIL FROM, as a server that checks senders answers.
--tls CERT KEY offers STARTTLS and requires it; --auth USER:PASSWORD requires AUTH (over TLS).
--down-when FILE: while FILE exists the server is "down": it answers every recipient (RCPT TO) with
421 and keeps nothing, so a test can take it away and bring it back at a moment of its choosing without the
doubt a killed server leaves (was the last message stored before its answer was lost?).
Prints "ready" on stdout once it listens; stops when stdin closes or on SIGTERM.
"""
import argparse
import itertools
import os
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, out, down_when=None):
        self.out = out
        self.down_when = down_when
        self.counter = itertools.count(1)
        self.busy_seen = set()
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if address.split("@")[0].lower().startswith("refused"):
            return "553 5.7.1 <%s>: sender address rejected: not owned by the user" % address
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.down_when and os.path.exists(self.down_when):
            return "421 4.3.2 service not available, closing transmission channel"
        local = address.split("@")[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if local.startswith("busy"):
            with self.lock:
                first = address not in self.busy_seen
                self.busy_seen.add(address)
            if first:
                return "451 4.3.0 <%s>: try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            number = next(self.counter)
        path = os.path.join(self.out, "%06d.eml" % number)
        with open(path + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(path + ".tmp", path)
        if any(r.split("@")[0].lower().startswith("vanish") for r in envelope.rcpt_tos):
            server.transport.abort()
            return "250 2.0.0 OK (never heard)"
        return "250 2.0.0 OK queued as %d" % number


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--auth", metavar="USER:PASSWORD")
    parser.add_argument("--down-when", metavar="FILE")
    args = parser.parse_args()

    params = {}
    if args.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls[0], args.tls[1])
        params.update(tls_context=context, require_starttls=True)
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
            # handled=False: let aiosmtpd answer 535 itself (its default assumes we already replied).
            return AuthResult(success=ok, handled=False)

        params.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(args.tls))

    controller = Controller(Handler(args.out, args.down_when), hostname="127.0.0.1", port=args.port, ready_timeout=10, **params)
    controller.start()
    print("ready", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
