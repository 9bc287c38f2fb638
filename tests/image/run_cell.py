"""Runs one tracked cell on the modelbench kernel inside the image (started by podman exec), in the
mounted project, and prints the cell's outputs; exits 1 when the cell fails. Used by image.test.mjs."""
import sys

from jupyter_client.manager import start_new_kernel

CELL = """%%track image-check --tags image
param({ where: "container" });
log({ answer: 42 });
"""

km, kc = start_new_kernel(kernel_name="modelbench", cwd="/home/jovyan/project", startup_timeout=120)
try:
    status = None
    def show(msg):
        global status
        t, c = msg["msg_type"], msg["content"]
        if t == "stream":
            print(c["text"], end="")
        elif t in ("display_data", "execute_result"):
            print(c["data"].get("text/plain", ""))
        elif t == "error":
            print(f"{c['ename']}: {c['evalue']}", file=sys.stderr)
    reply = kc.execute_interactive(CELL, timeout=300, output_hook=show)
    status = reply["content"]["status"]
    print(f"cell status: {status}")
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
sys.exit(0 if status == "ok" else 1)
