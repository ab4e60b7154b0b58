/**
 * esbuild plugins for the deployed bundles (serverless.yml `custom.esbuild.plugins`).
 *
 * `node:http` and `node:https` are loaded with require(), not import: importing a builtin as an
 * ES module reads every export once, and reading `http.WebSocket` loads Node's own copy of
 * undici — about 40 ms of every cold start, for a WebSocket nobody uses (npm run bench, "Cold
 * revocation"). The AWS SDK's ESM build imports them; this turns those imports into require().
 */
const HTTP_BUILTINS = /^(node:)?https?$/

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

module.exports = [requireHttpBuiltins]
