#!/usr/bin/env python3
"""Regenerate the --help blocks of docs/cli.md from the built jar: every '### epsim CMD' section's
first fenced block becomes the output of 'java -jar target/epsim.jar CMD --help'."""
import re
import subprocess
import sys

doc = "docs/cli.md"
text = open(doc, encoding="utf-8").read()


def help_of(command):
    # UTF-8 out (a +- sign, a µ), whatever the caller's locale
    out = subprocess.run(["java", "-Dstdout.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8", "-jar", "target/epsim.jar", *command.split(), "--help"],
                         capture_output=True, text=True, encoding="utf-8",
                         env={"COLUMNS": "80", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
    if out.returncode != 0 or out.stderr.strip():
        sys.exit(f"epsim {command} --help failed: {out.stderr.strip()}")
    return out.stdout.rstrip("\n")


def replace(match):
    return f"### epsim {match.group(1)}\n\n```\n{help_of(match.group(1))}\n```"


text = re.sub(r"### epsim ([a-z-]+(?: [a-z-]+)?)\n\n```\n.*?\n```", replace, text, flags=re.S)
open(doc, "w", encoding="utf-8").write(text)
