#!/usr/bin/env node
// npm `postinstall` step for the Foundry project in contracts/. Idempotent.
//
// 1. Links the Solidity libraries that npm installed into contracts/lib/, so that Foundry sees
//    them as ordinary in-project libraries. Remappings through ../node_modules compile, but
//    `forge coverage` then fails to resolve forge-std's relative imports; links inside
//    contracts/ keep every path within the project root.
// 2. Points node_modules/.bin/{forge,cast,anvil,chisel} at the native binaries. The npm wrapper
//    (@foundry-rs/<tool>/bin.mjs, 1.7.x) spawns the binary but always exits 0, so a failing
//    `forge test` or `forge snapshot --check` would pass in `npm test`
//    (foundry-rs/foundry#14781).

import { existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const libDir = join(root, 'contracts', 'lib');

/** link name under contracts/lib -> package folder (relative to node_modules) and a file that must exist there */
const links = [
  // The npm package `forge-std` is an unofficial 2022 copy without StdInvariant; v4-core ships 1.9.x.
  { name: 'forge-std', pkg: '@uniswap/v4-core', sub: 'lib/forge-std', probe: 'src/Test.sol' },
  { name: 'openzeppelin-contracts', pkg: '@openzeppelin/contracts', sub: '', probe: 'token/ERC20/ERC20.sol' },
];

function findPackage(pkg) {
  // Walk up like Node's resolver does, so hoisting into a parent node_modules also works.
  for (let dir = root; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', pkg);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

let failed = false;
const omitsDev = /\bdev\b/.test(process.env.npm_config_omit ?? '') || process.env.NODE_ENV === 'production';
mkdirSync(libDir, { recursive: true });

for (const { name, pkg, sub, probe } of links) {
  const pkgDir = findPackage(pkg);
  const target = pkgDir && join(pkgDir, sub);
  if (!target || !existsSync(join(target, probe))) {
    console.error(
      `link-contract-libs: ${pkg} is not installed (looked for ${join(pkg, sub, probe)} in node_modules). ` +
        `Run \`npm install\` from ${root}; contracts/lib/${name} was not linked.`,
    );
    // Production installs (--omit=dev) have no Solidity tooling at all; that is not an error.
    if (!omitsDev) failed = true;
    continue;
  }

  const linkPath = join(libDir, name);
  const wanted = relative(libDir, target);
  let current = null;
  try {
    const st = lstatSync(linkPath);
    if (st.isSymbolicLink()) current = readlinkSync(linkPath);
    else {
      console.error(`link-contract-libs: ${linkPath} exists and is not a symlink; leaving it alone.`);
      failed = true;
      continue;
    }
  } catch {
    // does not exist yet
  }
  if (current === wanted && statSync(linkPath, { throwIfNoEntry: false })) continue;
  if (current !== null) rmSync(linkPath);
  symlinkSync(wanted, linkPath, 'dir');
  console.log(`link-contract-libs: contracts/lib/${name} -> ${wanted}`);
}

linkNativeFoundryBins();

if (failed) process.exit(1);

function linkNativeFoundryBins() {
  const binDir = join(root, 'node_modules', '.bin');
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch];
  // On Windows npm writes .cmd shims rather than symlinks; leave those alone.
  if (process.platform === 'win32' || !arch) return;
  for (const tool of ['forge', 'cast', 'anvil', 'chisel']) {
    const linkPath = join(binDir, tool);
    let current;
    try {
      if (!lstatSync(linkPath).isSymbolicLink()) continue;
      current = readlinkSync(linkPath);
    } catch {
      continue; // tool not installed
    }
    const nativePkg = findPackage(`@foundry-rs/${tool}-${process.platform}-${arch}`);
    const native = nativePkg && join(nativePkg, 'bin', tool);
    if (!native || !existsSync(native)) continue; // keep the wrapper: it is all there is
    const wanted = relative(binDir, native);
    if (current === wanted) continue;
    rmSync(linkPath);
    symlinkSync(wanted, linkPath);
    console.log(`link-contract-libs: node_modules/.bin/${tool} -> ${wanted} (the npm wrapper drops exit codes)`);
  }
}
