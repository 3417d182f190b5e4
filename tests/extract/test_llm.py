"""The LLM-backed extractor against a tiny fake OpenAI-compatible server on 127.0.0.1.

The fake server is a real HTTP server (http.server) answering /v1/chat/completions with a
canned completion, so the request shape, the parsing and the validation of the model's answer
are all exercised without any network access or model.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from dealweb.extract.base import get_extractor
from dealweb.extract.llm import LLMError, LLMExtractor, parse_answer

TEXT = (
    "Microsoft is investing up to $5 billion in Anthropic. "
    "OpenAI signed a $300 billion deal with Oracle to purchase cloud services."
)
ANSWER = {
    "deals": [
        {"payer": "Microsoft", "payee": "Anthropic", "kind": "equity_investment",
         "amount_usd_low": None, "amount_usd_high": 5e9, "up_to": True, "gigawatts": None,
         "status": "announced", "quote": "Microsoft is investing up to $5 billion in Anthropic."},
        # quote not in the text: dropped (no provenance)
        {"payer": "OpenAI", "payee": "Oracle", "kind": "cloud_commitment",
         "amount_usd_low": 3e11, "amount_usd_high": 3e11, "up_to": False, "gigawatts": None,
         "status": "announced", "quote": "OpenAI and Oracle agreed a giant deal."},
        # unknown company: dropped
        {"payer": "Initech", "payee": "OpenAI", "kind": "equity_investment",
         "amount_usd_low": 1e9, "amount_usd_high": 1e9, "up_to": False, "gigawatts": None,
         "status": "announced", "quote": "Microsoft is investing up to $5 billion in Anthropic."},
        # unknown kind: dropped
        {"payer": "OpenAI", "payee": "Oracle", "kind": "friendship", "quote": "OpenAI signed"},
    ]
}  # fmt: skip


class _Handler(BaseHTTPRequestHandler):
    requests: list[dict] = []
    reply: str = "```json\n" + json.dumps(ANSWER) + "\n```"
    status: int = 200

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "body": body,
                                    "auth": self.headers.get("Authorization")})  # fmt: skip
        payload = {"choices": [{"message": {"role": "assistant", "content": type(self).reply}}]}
        data = json.dumps(payload).encode()
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Handler.requests = []
    _Handler.status = 200
    httpd = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def test_llm_extractor_validates_the_answer(server: str, fixture_gazetteer) -> None:
    ex = get_extractor("llm", fixture_gazetteer, base_url=server, model="fake", api_key="k")
    cands = ex.extract(TEXT)
    assert [(c.payer, c.payee, c.kind, c.amount_usd_high, c.up_to) for c in cands] == [
        ("microsoft", "anthropic", "equity_investment", 5e9, True)
    ]
    c = cands[0]
    assert TEXT[c.start : c.end] == c.quote
    (req,) = _Handler.requests
    assert req["path"] == "/v1/chat/completions"
    assert req["body"]["model"] == "fake" and req["body"]["temperature"] == 0
    assert req["auth"] == "Bearer k"
    assert "Anthropic" in req["body"]["messages"][0]["content"]


def test_http_error_is_a_clear_error(server: str, fixture_gazetteer) -> None:
    _Handler.status = 500
    ex = LLMExtractor(fixture_gazetteer, base_url=server, model="fake")
    with pytest.raises(LLMError, match="HTTP 500"):
        ex.extract(TEXT)


def test_unreachable_endpoint(fixture_gazetteer) -> None:
    ex = LLMExtractor(fixture_gazetteer, base_url="http://127.0.0.1:9/v1", model="m", timeout=2)
    with pytest.raises(LLMError, match="cannot reach"):
        ex.extract(TEXT)


def test_off_unless_configured(fixture_gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEALWEB_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("DEALWEB_LLM_MODEL", raising=False)
    with pytest.raises(LLMError, match="off until configured"):
        LLMExtractor(fixture_gazetteer)


@pytest.mark.parametrize("content", ["not json", '{"other": 1}', "[1, 2"])
def test_bad_answers(content: str) -> None:
    with pytest.raises(LLMError):
        parse_answer(content)
