"""An aiosmtpd handler for the mail e2e tests: it keeps every mail in a
Maildir, as aiosmtpd.handlers.Mailbox does, and refuses the recipients
given after the Maildir (comma-separated) with a permanent 550 reply.

python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_reject.Rejecting MAILDIR a@x,b@y
(with this folder on PYTHONPATH)
"""

from aiosmtpd.handlers import Mailbox


class Rejecting(Mailbox):
    def __init__(self, mail_dir, reject):
        super().__init__(mail_dir)
        self.reject = {a.strip().lower() for a in reject.split(",") if a.strip()}

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 2:
            parser.error("want MAILDIR and the refused addresses")
        return cls(args[0], args[1])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"
