/**
 * The folder tree is the architecture; this keeps it so. Every relative import of the shipped
 * code (`lib/`, `functions/`), the operator CLI (`cli/`) and the local tooling (`dev/`) must go
 * a direction the table below allows: triggers → revoke → atlas → auth / transport, with
 * `outcome.ts` and `errors.ts` as leaves everyone may use. Nothing in `lib/` reaches `dev/` or
 * `cli/`, and each Lambda entry point pulls in its own trigger only.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Folder (or leaf file) → what it may import. Longest matching prefix decides a file's unit. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  'lib/outcome.ts': [],
  'lib/errors.ts': [],
  'lib/before-deadline.ts': [],
  'lib/atlas/transport': [],
  'lib/credentials': ['lib/errors.ts'],
  'lib/atlas/auth': ['lib/atlas/transport', 'lib/credentials', 'lib/errors.ts'],
  // Atlas's four rooms, arrows one way: what answers mean → how a call travels → auth → transport.
  'lib/atlas/http': [
    'lib/atlas/auth',
    'lib/atlas/transport',
    'lib/credentials',
    'lib/outcome.ts',
    'lib/errors.ts',
  ],
  'lib/atlas/api': [
    'lib/atlas/http',
    'lib/atlas/auth',
    'lib/atlas/transport',
    'lib/credentials',
    'lib/outcome.ts',
    'lib/errors.ts',
  ],
  'lib/config': ['lib/atlas/api', 'lib/atlas/http', 'lib/errors.ts'],
  'lib/revoke': ['lib/atlas/api', 'lib/atlas/http', 'lib/outcome.ts', 'lib/errors.ts'],
  'lib/audit': ['lib/revoke', 'lib/atlas/api', 'lib/atlas/http', 'lib/outcome.ts'],
  // The ledger stores reports; it knows no trigger.
  'lib/ledger': ['lib/revoke', 'lib/audit', 'lib/outcome.ts', 'lib/before-deadline.ts'],
  // The composition root shared by both triggers builds the Atlas client.
  'lib/triggers': [
    'lib/atlas/api',
    'lib/atlas/http',
    'lib/config',
    'lib/credentials',
    'lib/revoke',
    'lib/audit',
    'lib/ledger',
    'lib/errors.ts',
  ],
  'lib/triggers/http': [
    'lib/triggers',
    'lib/before-deadline.ts',
    'lib/ledger',
    'lib/revoke',
    'lib/config',
    'lib/credentials',
    'lib/audit',
    'lib/outcome.ts',
    'lib/errors.ts',
  ],
  'lib/triggers/queue': [
    'lib/triggers',
    'lib/ledger',
    'lib/revoke',
    'lib/config',
    'lib/audit',
    'lib/outcome.ts',
    'lib/errors.ts',
  ],
  'lib/triggers/sweep': [
    'lib/triggers',
    'lib/ledger',
    'lib/revoke',
    'lib/config',
    'lib/audit',
    'lib/outcome.ts',
  ],
  // The entry points start the cold-start head start (lib/triggers), then load their trigger.
  functions: ['lib/triggers', 'lib/triggers/http', 'lib/triggers/queue', 'lib/triggers/sweep'],
  cli: [
    'lib/atlas/api',
    'lib/atlas/http',
    'lib/config',
    'lib/credentials',
    'lib/ledger',
    'lib/audit',
    'lib/revoke',
    'lib/outcome.ts',
    'lib/errors.ts',
  ],
  dev: ['dev', 'lib', 'cli', 'scripts'],
  // Operator tools: deploy outputs and the smoke test; nothing of the local stack.
  ops: ['scripts', 'lib/triggers/http', 'lib/credentials', 'lib/errors.ts'],
  // What every script shares: its arguments, and stopping when its parent goes.
  scripts: [],
}

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter(
      (entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'),
    )
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
}

const FILES = ['lib', 'functions', 'cli', 'dev', 'ops', 'scripts'].flatMap(sourceFiles)

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8')
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((match) => match[1] ?? '')
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => normalize(join(dirname(file), specifier)))
}

/** The unit a file belongs to: the longest table key that is the file or one of its folders. */
function unitOf(file: string): string {
  const units = Object.keys(ALLOWED).filter((unit) => file === unit || file.startsWith(`${unit}/`))
  return units.sort((a, b) => b.length - a.length)[0] ?? file
}

/** A unit in the table allows that unit only; a plain folder (`lib`) allows everything below it. */
function covers(allowed: string, targetUnit: string): boolean {
  if (allowed in ALLOWED) return targetUnit === allowed
  return targetUnit.startsWith(`${allowed}/`)
}

function closure(entry: string): Set<string> {
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    for (const target of importsOf(file)) visit(target)
  }
  visit(entry)
  return seen
}

describe('architecture', () => {
  it('finds the source files', () => {
    expect(FILES.length).toBeGreaterThan(60)
    expect(FILES).toContain('lib/revoke/revoke.ts')
  })

  it('imports only in the allowed directions', () => {
    const violations: string[] = []
    for (const file of FILES) {
      const unit = unitOf(file)
      for (const target of importsOf(file)) {
        const targetUnit = unitOf(target)
        if (targetUnit === unit) continue
        const allowed = ALLOWED[unit] ?? []
        if (!allowed.some((entry) => covers(entry, targetUnit)))
          violations.push(`${file} (${unit}) imports ${target} (${targetUnit})`)
      }
    }
    expect(violations).toEqual([])
  })

  it('keeps lib/ free of dev/, cli/ and functions/', () => {
    const outward = FILES.filter((file) => file.startsWith('lib/')).flatMap((file) =>
      importsOf(file)
        .filter((target) => /^(dev|cli|functions)\//.test(target))
        .map((target) => `${file} → ${target}`),
    )
    expect(outward).toEqual([])
  })

  it('has no import loop between folders', () => {
    const edges = new Map<string, Set<string>>()
    for (const file of FILES) {
      for (const target of importsOf(file)) {
        const from = dirname(file)
        const to = dirname(target)
        if (from === to) continue
        edges.set(from, (edges.get(from) ?? new Set()).add(to))
      }
    }
    const loops: string[] = []
    const reach = (from: string, to: string, seen = new Set<string>()): boolean => {
      for (const next of edges.get(from) ?? []) {
        if (next === to) return true
        if (!seen.has(next)) {
          seen.add(next)
          if (reach(next, to, seen)) return true
        }
      }
      return false
    }
    for (const [from, targets] of edges)
      for (const to of targets) if (reach(to, from)) loops.push(`${from} ⇄ ${to}`)
    expect(loops).toEqual([])
  })

  it("enters each of Atlas's rooms through its face, index.ts", () => {
    const roomOf = (file: string) => /^lib\/atlas\/(api|http|auth|transport)\//.exec(file)?.[1]
    // The INIT head start and the preload before it load their few pieces before anything else,
    // on purpose: a face would load the whole room before the first byte goes out.
    const HEAD_START = [
      'lib/triggers/cold-start-head-start.ts',
      'lib/triggers/preconnect.ts',
      'lib/atlas/http/challenge-prefetch.ts',
      'lib/atlas/http/early-connection.ts',
    ]
    const behind = FILES.filter((file) => !HEAD_START.includes(file)).flatMap((file) =>
      importsOf(file)
        .filter((target) => {
          const room = roomOf(target)
          return room && room !== roomOf(file) && target !== `lib/atlas/${room}/index.ts`
        })
        .map((target) => `${file} → ${target}`),
    )
    expect(behind).toEqual([])
    for (const room of ['api', 'http', 'auth', 'transport'])
      expect(FILES).toContain(`lib/atlas/${room}/index.ts`)
  })

  it('makes evidence in lib/atlas/api/evidence.ts only: no other code can settle', () => {
    const EVIDENCE_MAKER = 'lib/atlas/api/evidence.ts'
    const forged = FILES.filter((file) => file !== EVIDENCE_MAKER).filter((file) =>
      /\bas\s+(Evidence|Proven)\b|<(Evidence|Proven)>|\bEvidenceFacts\b|\bProven</.test(
        readFileSync(join(ROOT, file), 'utf8'),
      ),
    )
    expect(forged).toEqual(['lib/outcome.ts'])
    // outcome.ts only declares the types; the cast is evidence.ts's alone.
    expect(readFileSync(join(ROOT, 'lib/outcome.ts'), 'utf8')).not.toMatch(
      /\bas\s+(Evidence|Proven)\b/,
    )
    expect(readFileSync(join(ROOT, EVIDENCE_MAKER), 'utf8')).toMatch(/facts as Proven<Facts>/)
  })

  it('keeps Object.assign out of lib/, where it could relabel an outcome unchecked', () => {
    const assigning = FILES.filter(
      (file) =>
        file.startsWith('lib/') &&
        /\bObject\.assign\(/.test(readFileSync(join(ROOT, file), 'utf8')),
    )
    // The warm-up's in-memory socket, which is no outcome.
    expect(assigning).toEqual(['lib/atlas/http/challenge-prefetch-warm-up.ts'])
  })

  it('builds each Lambda function from its own trigger only', () => {
    const queue = [...closure('functions/queue/index.ts')]
    const http = [...closure('functions/http/index.ts')]
    expect(queue.filter((file) => file.startsWith('lib/triggers/http/'))).toEqual([])
    expect(http.filter((file) => file.startsWith('lib/triggers/queue/'))).toEqual([])
    expect(queue).toContain('lib/revoke/revoke.ts')
    expect(http).toContain('lib/revoke/revoke.ts')
  })
})
