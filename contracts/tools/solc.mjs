#!/usr/bin/env node
// Stand-in for the native `solc` binary, backed by solcjs from npm (the `solc` package). Forge
// cannot download solc here (no internet), but it accepts any executable as `solc` that answers
// `--version` the way the native binary does and speaks `--standard-json` over stdin/stdout.
//
// Forge 1.7 calls it as `solc --version`, then
// `solc --allow-paths <root>,<root>/lib --base-path <root> --standard-json` with every source's
// content inlined in the JSON; the import callback below is only a fallback for anything missing.
// Set SOLC_SHIM_LOG=/some/file to record invocations and import look-ups.

import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const log = (line) => process.env.SOLC_SHIM_LOG && appendFileSync(process.env.SOLC_SHIM_LOG, `${line}\n`);
log(`${new Date().toISOString()} cwd=${process.cwd()} ${JSON.stringify(args)}`);

if (args.includes('--version')) {
  // solcjs says `0.8.37+commit.f401782d.Emscripten.clang`; forge parses the native form.
  const version = versionString().replace(/\.Emscripten\.clang$/, '.Linux.g++');
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${version}\n`);
  process.exit(0);
}

if (!args.includes('--standard-json')) {
  process.stderr.write(`solc shim: only --version and --standard-json are supported (got: ${args.join(' ')})\n`);
  process.exit(1);
}

// Roots that imports may be resolved against: base path first, then include and allowed paths.
const searchRoots = [];
for (let i = 0; i < args.length; i++) {
  const [flag, inline] = args[i].split(/=(.*)/s);
  if (!['--base-path', '--include-path', '--allow-paths'].includes(flag)) continue;
  const value = inline ?? args[++i] ?? '';
  const paths = value.split(',').filter(Boolean).map((p) => resolve(p));
  if (flag === '--base-path') searchRoots.unshift(...paths);
  else searchRoots.push(...paths);
}
if (searchRoots.length === 0) searchRoots.push(process.cwd());

function findImports(path) {
  log(`  import callback: ${path}`);
  const candidates = isAbsolute(path) ? [path] : searchRoots.map((r) => join(r, path));
  for (const file of candidates) {
    try {
      return { contents: readFileSync(file, 'utf8') };
    } catch {
      // try the next root
    }
  }
  return { error: `File not found: ${path} (searched ${searchRoots.join(', ')})` };
}

const input = readFileSync(0, 'utf8');
const solc = require('solc');
process.stdout.write(solc.compile(input, { import: findImports }));

function versionString() {
  // Loading solcjs takes ~0.5 s and forge asks for the version on every run, so remember it,
  // keyed by the compiler file's path, size and mtime.
  const soljson = require.resolve('solc/soljson.js');
  const st = statSync(soljson);
  const key = `${soljson}:${st.size}:${st.mtimeMs}`;
  const cacheFile = join(tmpdir(), `mlbridge-solc-shim-${process.getuid?.() ?? 'user'}.json`);
  try {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8'));
    if (cached.key === key) return cached.version;
  } catch {
    // no cache yet
  }
  const version = require('solc').version();
  try {
    writeFileSync(cacheFile, JSON.stringify({ key, version }));
  } catch {
    // the cache is an optimisation only
  }
  return version;
}
