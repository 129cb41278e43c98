"""A local stand-in for the Telegram Bot API: records sendMessage calls, answers like Telegram."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class TelegramStandIn:
    """``with TelegramStandIn(token) as bot:`` serves on a free port; ``bot.url`` is the base."""

    def __init__(self, token: str, fail_chats: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.token, self.fail_chats = token, set(fail_chats)
        self.messages: list[dict[str, Any]] = []
        self.url = ""

    def __enter__(self) -> TelegramStandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server name
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                if self.path != f"/bot{standin.token}/sendMessage":
                    return self.answer(401, {"ok": False, "description": "Unauthorized"})
                if str(body.get("chat_id")) in standin.fail_chats:
                    return self.answer(400, {"ok": False, "description": "chat not found"})
                standin.messages.append(body)
                self.answer(200, {"ok": True, "result": {"message_id": len(standin.messages)}})

            def answer(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
