#!/usr/bin/env python3
"""A transparent stdio proxy in front of a language server that saves the client's `initialize` request.

    record_initialize.py OUT.json -- SERVER_COMMAND...

Every byte is forwarded unchanged in both directions; the first `initialize` request's `clientInfo` and
`capabilities` are written to OUT.json in the shape of pytest-lsp's recorded clients (and the whole
request's params to OUT.params.json). The end-to-end test puts it in front of the bundled server (through
the `rnnlens.path` setting) to record what VS Code's language client really sends.
"""

import json
import subprocess
import sys
import threading


def read_message(stream):
    """One LSP message from `stream`: (raw bytes including headers, parsed body), or None at the end."""
    raw = b""
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        raw += line
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("ascii", "replace").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    body = stream.read(length or 0)
    raw += body
    try:
        return raw, json.loads(body)
    except ValueError:
        return raw, None


def main(argv):
    if len(argv) < 3 or argv[1] != "--":
        sys.stderr.write(__doc__)
        return 2
    out, command = argv[0], argv[2:]
    server = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def pump_out():
        while True:
            chunk = server.stdout.read1(65536)
            if not chunk:
                break
            sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()

    threading.Thread(target=pump_out, daemon=True).start()
    recorded = False
    while True:
        message = read_message(sys.stdin.buffer)
        if message is None:
            break
        raw, body = message
        if not recorded and isinstance(body, dict) and body.get("method") == "initialize":
            params = body.get("params") or {}
            record = {"clientInfo": params.get("clientInfo"), "capabilities": params.get("capabilities")}
            with open(out, "w", encoding="utf-8") as file:
                json.dump(record, file, indent=1, sort_keys=False, ensure_ascii=False)
                file.write("\n")
            with open(out[:-5] + ".params.json" if out.endswith(".json") else out + ".params", "w",
                      encoding="utf-8") as file:
                json.dump(params, file, indent=1, ensure_ascii=False)
            recorded = True
        try:
            server.stdin.write(raw)
            server.stdin.flush()
        except BrokenPipeError:
            break
    try:
        server.stdin.close()
    except BrokenPipeError:
        pass
    return server.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
