/**
 * esbuild plugins for the deployed bundles (serverless.yml `custom.esbuild.plugins`).
 *
 * Some of Node's builtins are loaded with require(), not import: importing a builtin as an ES
 * module builds a facade that reads every export once, and some exports are getters that load
 * more. Reading `http.WebSocket` loads Node's own copy of undici — about 40 ms of every cold
 * start, for a WebSocket nobody uses; `net`'s facade loads its BlockList and SocketAddress,
 * `fs`'s its streams. The AWS SDK's, undici's, middy's, Powertools' and our own ESM import
 * them; this turns those imports into require(), whose exports are read where used. Not every
 * builtin: a required one is copied into an object of getters in each module importing it
 * (esbuild's `__toESM`), which for the others (`crypto` in eight modules of the HTTP handler,
 * `util`, `stream`, `timers`…) costs more than a facade built once.
 *
 * `node:stream/web` is loaded on first use: middy imports it for streamed responses, which
 * these functions do not use, and loading it costs a cold start about 1.5 ms.
 *
 * undici's HTTP/2 client requires `node:http2` when it loads, for its constants, though it
 * connects with it only when a server chooses h2: about 3.5 ms of a cold start with node:tls
 * loaded, 8 ms without (npm run bench, "Cold revocation"). It gets the constants inlined here
 * (protocol values, the same in every Node) and loads node:http2 on its first h2 connection.
 *
 * The HTTP and queue functions also get `preconnect.cjs` beside their entry: the preload their
 * NODE_OPTIONS names (serverless.yml), which Node runs before Lambda's runtime loads, so the
 * connect to Atlas goes out first (lib/triggers/preconnect.ts). One CommonJS file, since
 * `--require` runs it before the ES module loader starts.
 */
const { join } = require('node:path')

/** Builtins whose import becomes require(): those whose facades load more than they export. */
const REQUIRED_BUILTINS = new Set(['http', 'https', 'net', 'fs', 'stream/web'])
/** Builtins required on their first use rather than when the chunk importing them loads. */
const LAZY_BUILTINS = new Set(['stream/web'])
const UNDICI_H2_CLIENT = /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client-h2\.js$/

const requireBuiltins = {
  name: 'require-builtins',
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z_]+(\/[a-z_]+)?$/ }, (args) => {
      if (args.namespace === 'require-builtin') return { path: args.path, external: true }
      const name = args.path.replace(/^node:/, '')
      if (!REQUIRED_BUILTINS.has(name) || args.kind === 'require-call') return undefined
      return { path: name, namespace: 'require-builtin' }
    })
    build.onLoad({ filter: /.*/, namespace: 'require-builtin' }, (args) => ({
      contents: LAZY_BUILTINS.has(args.path)
        ? lazyModule(args.path)
        : `module.exports = require('node:${args.path}')`,
      loader: 'js',
    }))
  },
}

/** A module whose exports load `node:<name>` when one is first read. */
function lazyModule(name) {
  const keys = Object.keys(require(`node:${name}`))
  return [
    'let loaded',
    `const load = () => (loaded ??= require('node:${name}'))`,
    'module.exports = Object.defineProperties({}, {',
    ...keys.map(
      (key) =>
        `  ${JSON.stringify(key)}: { enumerable: true, get: () => load()[${JSON.stringify(key)}] },`,
    ),
    '})',
  ].join('\n')
}

const lazyHttp2ForUndici = {
  name: 'lazy-http2-for-undici',
  setup(build) {
    build.onResolve({ filter: /^(node:)?http2$/ }, (args) => {
      if (args.namespace === 'lazy-http2') return { path: 'node:http2', external: true }
      if (!UNDICI_H2_CLIENT.test(args.importer)) return undefined
      return { path: 'http2', namespace: 'lazy-http2' }
    })
    build.onLoad({ filter: /.*/, namespace: 'lazy-http2' }, () => ({
      contents: [
        `const constants = Object.freeze(${JSON.stringify(require('node:http2').constants)})`,
        'let http2',
        'module.exports = {',
        '  constants,',
        "  connect: (...args) => (http2 ??= require('node:http2')).connect(...args),",
        '}',
      ].join('\n'),
      loader: 'js',
    }))
  },
}

/** The entries whose functions preload `preconnect.cjs` (serverless.yml NODE_OPTIONS). */
const PRELOADED_ENTRIES = /(^|[\\/])functions[\\/](http|queue)[\\/]index\.ts$/
const PRELOAD = 'preconnect.cjs'

const preconnectPreload = {
  name: 'preconnect-preload',
  setup(build) {
    const { entryPoints, outdir, minify } = build.initialOptions
    const entries = Array.isArray(entryPoints) ? entryPoints : Object.values(entryPoints ?? {})
    if (!outdir || !entries.some((entry) => PRELOADED_ENTRIES.test(String(entry)))) return
    build.onEnd(async (result) => {
      if (result.errors.length > 0) return
      await build.esbuild.build({
        entryPoints: [join(__dirname, 'lib', 'triggers', 'preconnect.ts')],
        outfile: join(outdir, PRELOAD),
        bundle: true,
        minify,
        format: 'cjs',
        platform: 'node',
        target: 'node22',
        logLevel: 'warning',
      })
    })
  },
}

module.exports = [lazyHttp2ForUndici, requireBuiltins, preconnectPreload]
