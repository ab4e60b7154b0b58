/**
 * esbuild plugins for the deployed bundles (serverless.yml `custom.esbuild.plugins`).
 *
 * `node:http` and `node:https` are loaded with require(), not import: importing a builtin as an
 * ES module reads every export once, and reading `http.WebSocket` loads Node's own copy of
 * undici — about 40 ms of every cold start, for a WebSocket nobody uses (npm run bench, "Cold
 * revocation"). The AWS SDK's ESM build imports them; this turns those imports into require().
 *
 * undici's HTTP/2 client requires `node:http2` when it loads, for its constants, though it
 * connects with it only when a server chooses h2: about 3.5 ms of a cold start with node:tls
 * loaded, 8 ms without (npm run bench, "Cold revocation"). It gets the constants inlined here
 * (protocol values, the same in every Node) and loads node:http2 on its first h2 connection.
 */
const HTTP_BUILTINS = /^(node:)?https?$/
const UNDICI_H2_CLIENT = /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client-h2\.js$/

const requireHttpBuiltins = {
  name: 'require-http-builtins',
  setup(build) {
    build.onResolve({ filter: HTTP_BUILTINS }, (args) =>
      args.namespace === 'require-builtin'
        ? { path: args.path, external: true }
        : { path: args.path.replace(/^node:/, ''), namespace: 'require-builtin' },
    )
    build.onLoad({ filter: /.*/, namespace: 'require-builtin' }, (args) => ({
      contents: `module.exports = require('node:${args.path}')`,
      loader: 'js',
    }))
  },
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

module.exports = [requireHttpBuiltins, lazyHttp2ForUndici]
