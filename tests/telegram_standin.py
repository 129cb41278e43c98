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
        self.updates: list[dict[str, Any]] = []  # queued for getUpdates (see ``user_says``)
        self.said = 0
        self.calls: list[tuple[str, dict[str, Any]]] = []  # every other method called
        self.url = ""

    def user_says(self, chat_id: int, text: str) -> dict[str, Any]:
        """Queue a message from a user's private chat, as Telegram would deliver it."""
        self.said += 1
        update = {
            "update_id": 1000 + self.said,
            "message": {
                "message_id": self.said,
                "from": {"id": chat_id, "is_bot": False, "first_name": "Citizen"},
                "chat": {"id": chat_id, "type": "private"},
                "date": 1700000000,
                "text": text,
            },
        }
        self.updates.append(update)
        return update

    def __enter__(self) -> TelegramStandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server name
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                prefix, _, method = self.path.rpartition("/")
                if prefix != f"/bot{standin.token}":
                    return self.answer(401, {"ok": False, "description": "Unauthorized"})
                if method == "getUpdates":
                    # Like Telegram: an offset confirms (forgets) every earlier update.
                    offset = int(body.get("offset", 0))
                    standin.updates = [u for u in standin.updates if u["update_id"] >= offset]
                    return self.answer(200, {"ok": True, "result": standin.updates})
                if method != "sendMessage":
                    standin.calls.append((method, body))
                    return self.answer(200, {"ok": True, "result": True})
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
