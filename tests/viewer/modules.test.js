// The viewer's files as a whole: small modules, every import resolvable, every module preloaded by the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../src/VisionFlow.Server/Viewer/wwwroot/', import.meta.url));
const walk = (dir) => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
const modules = walk(join(root, 'js')).filter((f) => f.endsWith('.js'));
const route = (file) => '/' + relative(root, file).split('\\').join('/');

test('the viewer is split into modules of at most 400 lines', () => {
  assert.ok(modules.length >= 20, `${modules.length} modules`);
  for (const file of modules) {
    const lines = readFileSync(file, 'utf8').split('\n').length;
    assert.ok(lines <= 400, `${route(file)}: ${lines} lines`);
  }
});

test('every relative import names a module that exists', () => {
  for (const file of modules) {
    const source = readFileSync(file, 'utf8');
    for (const [, spec] of source.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm)) {
      assert.match(spec, /^\.\.?\/.*\.js$/, `${route(file)} imports '${spec}': relative, with its extension (a browser resolves nothing else)`);
      assert.ok(existsSync(resolve(dirname(file), spec)), `${route(file)} imports '${spec}', which does not exist`);
    }
  }
});

test('the page loads main.js as a module and preloads every other module', () => {
  const html = readFileSync(join(root, 'index.html'), 'utf8');
  assert.match(html, /<script type="module" src="\/js\/main.js"><\/script>/);
  assert.doesNotMatch(html, /<script(?![^>]*type="module")[^>]*src=/, 'no classic scripts');
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]).sort();
  const expected = modules.map(route).filter((r) => r !== '/js/main.js').sort();
  assert.deepEqual(preloaded, expected);
});
