// The container image, end to end, from an empty podman storage (`npm run test:image`; not part of
// `npm test`, whose CI run it would push past its time limit): Debian 12 made from Debian's archive
// with mmdebstrap and imported under the name the Dockerfile's FROM uses (no image registry is
// reachable here), the Dockerfile built, JupyterLab started in a container on a mounted project,
// one tracked cell run through the modelbench kernel inside it, and the run read back from the
// project's store on the host. Root only (podman with its own storage under a temporary folder);
// Debian's podman, runc and mmdebstrap are installed when missing. Nothing is skipped: a machine
// where a container cannot run fails here with podman's own error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const IMAGE = "localhost/modelbench:test";
const BASE = /^FROM\s+(\S+)/m.exec(readFileSync(join(root, "Dockerfile"), "utf8"))[1];
const work = mkdtempSync(join(process.env.MODELBENCH_IMAGE_TMP ?? "/var/tmp", "modelbench-image-"));
const seconds = (t0) => Math.round((performance.now() - t0) / 100) / 10;

function sh(cmd, args, { timeout = 45 * 60_000, input } = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout, input, maxBuffer: 256 << 20 });
  if (r.error) throw new Error(`${cmd} ${args.join(" ")} could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 6).join(" ")}… failed (exit ${r.status}):\n${(r.stdout + r.stderr).trim().split("\n").slice(-25).join("\n")}`);
  return r.stdout;
}

/**
 * podman with a storage of its own (empty at the start) and the settings that work in a machine
 * without nested cgroup v2 or overlay: the vfs driver, cgroupfs, runc when installed (crun refuses
 * hybrid cgroups), and limits no higher than this process's own (podman's defaults exceed them).
 */
const nofile = Number(execFileSync("sh", ["-c", "ulimit -Hn"], { encoding: "utf8" }).trim()) || 1024;
const storage = ["--root", join(work, "storage"), "--runroot", join(work, "run"), "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs",
  ...(existsSync("/usr/sbin/runc") || existsSync("/usr/bin/runc") ? ["--runtime", "runc"] : [])];
const limits = ["--ulimit", `nofile=${Math.min(nofile, 65536)}:${Math.min(nofile, 65536)}`, "--ulimit", "nproc=4096:4096"];
const podman = (args, options) => sh("podman", [...storage, ...args], options);

function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

test("the devcontainer builds the Dockerfile and opens the project where the image mounts it", () => {
  const dc = JSON.parse(readFileSync(join(root, ".devcontainer", "devcontainer.json"), "utf8"));
  assert.ok(existsSync(resolve(root, ".devcontainer", dc.build.dockerfile)));
  const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");
  assert.equal(dc.workspaceFolder, "/home/jovyan/project");
  assert.match(dockerfile, /WORKDIR \/home\/jovyan\/project/);
  assert.match(dc.workspaceMount, /target=\/home\/jovyan\/project/);
  assert.equal(dc.remoteUser, /^USER (\S+)/m.exec(dockerfile)[1]);
  assert.deepEqual(dc.forwardPorts, [8888]);
  // The image installs from the locks, and checks them again through the set-up.
  assert.match(dockerfile, /npm ci/);
  assert.match(dockerfile, /pip install --require-hashes .*-r requirements\.lock/);
});

test("the image builds from Debian's archive, runs JupyterLab with the kernel on a mounted project, and tracks into its store", { timeout: 90 * 60_000 }, async (t) => {
  t.after(() => {
    spawnSync("podman", [...storage, "rm", "--force", "--all"], { stdio: "ignore" });
    rmSync(work, { recursive: true, force: true });
  });
  assert.equal(process.getuid?.(), 0, "the image test runs podman as root (its storage under a temporary folder): run it as root");
  const missing = [["podman", "podman"], ["mmdebstrap", "mmdebstrap"], ["runc", "runc"]].filter(([bin]) => spawnSync("sh", ["-c", `command -v ${bin}`]).status !== 0);
  if (missing.length) {
    sh("apt-get", ["update", "-qq"]);
    sh("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing.map(([, pkg]) => pkg)]);
  }
  const timings = {};

  // 1. The base image, from nothing: Debian 12 minbase from Debian's archive, imported as FROM names it.
  assert.equal(podman(["images", "--quiet"]).trim(), "", "the podman storage starts empty");
  let t0 = performance.now();
  const tarball = join(work, "debian-bookworm.tar");
  sh("mmdebstrap", ["--quiet", "--variant=minbase", "bookworm", tarball]);
  podman(["import", "--quiet", tarball, BASE]);
  rmSync(tarball);
  timings.base = seconds(t0);

  // 2. The Dockerfile. On a network that intercepts TLS the host's CA bundle is lent to the build (see scripts/image/build-ca.sh).
  t0 = performance.now();
  const bundle = "/etc/ssl/certs/ca-certificates.crt";
  // --layers=false: one commit at the end instead of a full copy of the tree per step (vfs has no layers to share).
  podman(["build", "--layers=false", "--isolation", "chroot", "--network", "host", ...limits, ...(existsSync(bundle) ? ["--volume", `${bundle}:/run/build-ca.crt:ro`] : []),
    "--tag", IMAGE, root]);
  timings.build = seconds(t0);
  const size = Number(podman(["image", "inspect", "--format", "{{.Size}}", IMAGE]).trim());

  // 3. JupyterLab in a container on a mounted project (writable by the image's user, uid 1000).
  const project = join(work, "project");
  mkdirSync(project);
  execFileSync("git", ["init", "-q", project]);
  chownSync(project, 1000, 1000);
  spawnSync("chown", ["-R", "1000:1000", project]);
  const port = await freePort();
  const token = createHash("sha256").update(String(Math.random())).digest("hex").slice(0, 32);
  t0 = performance.now();
  const id = podman(["run", "--detach", "--network", "host", ...limits, "--volume", `${project}:/home/jovyan/project`, IMAGE,
    "jupyter", "lab", "--ip=127.0.0.1", `--port=${port}`, "--no-browser", "--ServerApp.root_dir=/home/jovyan/project", `--IdentityProvider.token=${token}`]).trim();
  let specs = null;
  for (let i = 0; i < 120 && !specs; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/kernelspecs?token=${token}`);
      if (r.ok) specs = await r.json();
    } catch {
      /* not up yet */
    }
    if (!specs) {
      const state = podman(["inspect", "--format", "{{.State.Status}}", id]).trim();
      if (state !== "running") assert.fail(`the container stopped (${state}) before JupyterLab answered:\n${podman(["logs", id])}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  assert.ok(specs, `JupyterLab did not answer on port ${port} within 2 minutes:\n${podman(["logs", id])}`);
  timings.labUp = seconds(t0);
  assert.equal(specs.default, "modelbench");
  assert.equal(specs.kernelspecs.modelbench.spec.display_name, "TypeScript (modelbench)");
  const listed = podman(["exec", id, "sh", "-c", "jupyter labextension list 2>&1"]);
  assert.match(listed, /modelbench.*enabled.*OK/i, listed);
  assert.equal(podman(["exec", id, "id", "-un"]).trim(), "jovyan");

  // 4. One tracked cell through the kernel inside the container.
  t0 = performance.now();
  const cell = podman(["exec", id, "python3", "/opt/modelbench/tests/image/run_cell.py"], { timeout: 10 * 60_000 });
  timings.cell = seconds(t0);
  assert.match(cell, /run image-check \(\w{8}\) finished in .* — answer=42/, cell);
  assert.match(cell, /cell status: ok/);

  // 5. The run, read back from the mounted project's store on the host.
  const dbFile = join(project, ".modelbench", "store.db");
  assert.ok(existsSync(dbFile), `no store at ${dbFile}`);
  assert.equal(statSync(dbFile).uid, 1000, "the store belongs to the image's user");
  const track = createRequire(import.meta.url)(join(root, "dist", "src", "track", "index.js"));
  const store = track.openStore(`sqlite://${dbFile}`);
  try {
    const run = await store.getRun("image-check");
    assert.equal(run.status, "finished");
    assert.deepEqual(run.tags, ["image"]);
    assert.equal(run.metrics.answer.last, 42);
    assert.deepEqual(run.params, { where: "container" });
    assert.match(run.source, /log\(\{ answer: 42 \}\)/);
    // The environment it recorded is the image's: Node 20 from the npm registry, Debian's Python, the locks it installed.
    assert.equal(run.env.node, "v20.20.2");
    assert.match(String(run.env.python), /^3\.11\./);
    const lockSha = createHash("sha256").update(readFileSync(join(root, "requirements.lock"))).digest("hex");
    // The mounted project has no locks of its own: those of the install that ran it are recorded.
    assert.equal(run.env.locks["modelbench/requirements.lock"], lockSha);
    assert.equal(run.env.locks["modelbench/package-lock.json"], createHash("sha256").update(readFileSync(join(root, "package-lock.json"))).digest("hex"));
  } finally {
    await store.close();
  }
  podman(["stop", "--time", "5", id]);
  t.diagnostic(`base image ${timings.base} s; build ${timings.build} s; image ${(size / 2 ** 20).toFixed(0)} MiB; JupyterLab up in ${timings.labUp} s; tracked cell through the kernel ${timings.cell} s`);
  console.log(`[image] base ${timings.base} s, build ${timings.build} s, size ${(size / 2 ** 20).toFixed(0)} MiB, lab up ${timings.labUp} s, cell ${timings.cell} s`);
});
