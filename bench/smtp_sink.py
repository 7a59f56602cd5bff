"""A minimal SMTP server that accepts and counts messages (bench/reminders.py).

Standard library only: the benchmark runs in the runtime .venv (requirements.txt), which has no
aiosmtpd. It speaks just enough SMTP for Django's smtp backend: EHLO/HELO, MAIL, RCPT, DATA,
RSET, NOOP, QUIT; no TLS, no AUTH.
"""

from __future__ import annotations

import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 sink ready")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.reply("250 sink")
            elif verb == b"DATA":
                self.reply("354 end with .")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                with self.server.lock:
                    self.server.count += 1
                self.reply("250 accepted")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int):
        super().__init__(("127.0.0.1", port), _Handler)
        self.lock = threading.Lock()
        self.count = 0
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    def __enter__(self) -> SmtpSink:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()
