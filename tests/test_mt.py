"""The machine-translation adapter against a stub OpenAI-compatible server on 127.0.0.1."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import polib
import pytest

from bireport import i18n, qa
from bireport.errors import BuildError
from bireport.i18n import Segment
from bireport.mt import translate_untranslated
from bireport.pipeline import Paths


class Stub(BaseHTTPRequestHandler):
    requests: list = []
    fail_first = 1

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Stub.requests.append((self.path, body))
        if Stub.fail_first > 0:
            Stub.fail_first -= 1
            self.send_response(503)
            self.end_headers()
            return
        items = json.loads(body["messages"][1]["content"])
        answer = [{"id": it["id"], "en": f"Machine English for {it['id']}."} for it in items]
        out = {"choices": [{"message": {"role": "assistant", "content": json.dumps(answer)}}]}
        data = json.dumps(out).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *a):
        pass


@pytest.fixture
def stub():
    Stub.requests, Stub.fail_first = [], 1
    server = HTTPServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_fills_untranslated_as_fuzzy_machine(tmp_path, stub):
    root = tmp_path
    (root / "data" / "i18n").mkdir(parents=True)
    (root / "data" / "glossary.yaml").write_text("terms:\n  - zh: 脱钩\n    en: decoupling\n", encoding="utf-8")
    po = root / "data" / "i18n" / "en" / "d.po"
    segs = [Segment(f"d/s/p{i}", f"第{i}段，关于脱钩。", "paragraph", "x:1") for i in range(1, 12)]
    i18n.update(segs, po, "d")
    n = translate_untranslated(Paths(root), stub, model="stub", batch=5)
    assert n == 11
    assert len([r for r in Stub.requests]) == 1 + 3          # one 503 retried, then 3 batches of ≤ 5
    assert Stub.requests[0][0] == "/v1/chat/completions"
    assert "脱钩 → decoupling" in Stub.requests[1][1]["messages"][0]["content"]
    entries = [e for e in polib.pofile(str(po)) if e.msgctxt]
    assert all(e.msgstr.startswith("Machine English") and "fuzzy" in e.flags and "machine" in e.flags for e in entries)
    report = qa.run(root)
    assert len([f for f in report.blocking() if f.check == "fuzzy"]) == 11   # --strict refuses them


def test_engine_down_is_a_clear_error(tmp_path):
    (tmp_path / "data" / "i18n").mkdir(parents=True)
    i18n.update([Segment("d/s/p1", "一段。", "paragraph", "x:1")], tmp_path / "data" / "i18n" / "en" / "d.po", "d")
    import bireport.mt as mt

    with pytest.raises(BuildError) as exc:
        mt._post("http://127.0.0.1:9/v1/chat/completions", {}, tries=2, backoff=0.01, timeout=1)
    assert "127.0.0.1:9" in str(exc.value) and "failed after 2 tries" in str(exc.value)
