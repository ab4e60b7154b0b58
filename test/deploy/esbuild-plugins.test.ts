/**
 * The packaging plugins (esbuild-plugins.cjs): the builtins whose ES module facades load more
 * than they export are loaded with require(), node:stream/web only when first used, and
 * undici's HTTP/2 client gets node:http2's constants without loading it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { afterAll, describe, expect, it } from 'vitest'

const plugins = createRequire(import.meta.url)('../../esbuild-plugins.cjs')

/** Bundles `source` as the deployed bundles are built, and returns the output. */
async function bundle(source: string): Promise<string> {
  const result = await build({
    stdin: { contents: source, loader: 'ts', resolveDir: process.cwd() },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    write: false,
    plugins,
    logLevel: 'silent',
  })
  return result.outputFiles[0]?.text ?? ''
}

const folder = mkdtempSync(join(tmpdir(), 'esbuild-plugins-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))
let runs = 0

/** Runs a bundle as an ES module with the deployed banner's `require`, returning its exports. */
async function run(code: string): Promise<Record<string, unknown>> {
  const banner =
    "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);"
  const file = join(folder, `bundle-${runs++}.mjs`)
  writeFileSync(file, `${banner}\n${code}`)
  return import(pathToFileURL(file).href)
}

/** Node's own list of the builtins loaded so far. */
const loadedBuiltins = () => (process as unknown as { moduleLoadList: string[] }).moduleLoadList

describe('esbuild-plugins.cjs', () => {
  it('turns imports of builtins whose facades load more (http, https, net, fs) into require(), named, default and namespace imports alike', async () => {
    const code = await bundle(`
      import { request } from 'node:http'
      import https from 'https'
      import * as net from 'node:net'
      import { readFileSync } from 'node:fs'
      import { inspect } from 'node:util'
      export const kinds = [typeof request, typeof https.request, typeof net.connect, typeof readFileSync, typeof inspect]
    `)
    expect(code).not.toMatch(/from\s*["'](node:)?(https?|net|fs)["']/)
    for (const name of ['http', 'https', 'net', 'fs'])
      expect(code).toContain(`require("node:${name}")`)
    // A facade built once costs less than a copy in every importing module.
    expect(code).toMatch(/from\s*"node:util"/)
    expect((await run(code)).kinds).toEqual([
      'function',
      'function',
      'function',
      'function',
      'function',
    ])
  })

  it('loads node:stream/web only when one of its exports is first read', async () => {
    const code = await bundle(`
      import { ReadableStream } from 'node:stream/web'
      export const before = process.moduleLoadList.includes('NativeModule stream/web')
      export const read = () => typeof ReadableStream
    `)
    expect(code).toMatch(/loaded \?\?= __require\("node:stream\/web"\)/)
    const loadedBefore = loadedBuiltins().includes('NativeModule stream/web')
    const loaded = await run(code)
    // Unless this process had loaded it already, the bundle's import did not.
    if (!loadedBefore) expect(loaded.before).toBe(false)
    expect((loaded.read as () => string)()).toBe('function')
  })

  it("gives undici's HTTP/2 client node:http2's constants without loading it", async () => {
    const code = await bundle(`
      import Client from 'undici/lib/dispatcher/client.js'
      export const client = typeof Client
    `)
    expect(code).toContain('HTTP2_HEADER_STATUS')
    expect(code).toMatch(/\?\?=\s*__require\("node:http2"\)/)
    expect((await run(code)).client).toBe('function')
  })
})
