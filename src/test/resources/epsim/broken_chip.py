"""A deliberately broken chip for the conformance checker's tests: a proxy in front of a real
chip (the command after the mode) that breaks one rule of docs/cosim-protocol.md.

  wrong-ids      every reply carries id 0
  dies-on-error  a malformed line ends the session (the chip exits)
  short-reads    JSON-array reads lose their last value
"""
import json
import subprocess
import sys

mode, command = sys.argv[1], sys.argv[2:]
chip = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
for line in sys.stdin:
    if mode == "dies-on-error":
        try:
            json.loads(line)
        except ValueError:
            if line.strip():
                sys.exit(0)
    chip.stdin.write(line)
    chip.stdin.flush()
    if not line.strip():
        continue
    reply = json.loads(chip.stdout.readline())
    if mode == "wrong-ids":
        reply["id"] = 0
    if mode == "short-reads" and isinstance(reply.get("values"), list):
        reply["values"] = reply["values"][:-1]
    print(json.dumps(reply), flush=True)
chip.stdin.close()
chip.wait()
