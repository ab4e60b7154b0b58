/**
 * The documentation holds together: every relative link in every Markdown file of the
 * repository points at a file that exists and, with a `#fragment`, at a heading it has (GitHub's
 * anchors); the README stays a five-minute read.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Tracked Markdown files, and new ones not yet ignored; recorded fixtures left out. */
const MARKDOWN = execFileSync(
  'git',
  ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'],
  { cwd: ROOT, encoding: 'utf8' },
)
  .split('\n')
  .filter(
    (file) => file !== '' && !file.startsWith('test/fixtures/') && existsSync(join(ROOT, file)),
  )

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replaceAll(' ', '-')
}

/** The anchors of a Markdown text's headings (outside code fences), repeats numbered. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  let fenced = false
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced
    const heading = fenced ? null : /^#{1,6} (.*)$/.exec(line)
    if (!heading) continue
    const anchor = anchorOf(heading[1] ?? '')
    const count = seen.get(anchor) ?? 0
    seen.set(anchor, count + 1)
    anchors.add(count === 0 ? anchor : `${anchor}-${count}`)
  }
  return anchors
}

/** Relative link targets of a Markdown text (outside code fences). */
function linksOf(text: string): string[] {
  let fenced = false
  const links: string[] = []
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced
    if (fenced) continue
    for (const match of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1] ?? ''
      if (!/^[a-z]+:/i.test(target)) links.push(target)
    }
  }
  return links
}

describe('the documentation', () => {
  it('finds the Markdown files', () => {
    expect(MARKDOWN).toEqual(expect.arrayContaining(['README.md', 'SECURITY.md', 'docs/deploy.md']))
  })

  it('links only to files and headings that exist', () => {
    const broken: string[] = []
    for (const file of MARKDOWN) {
      const text = readFileSync(join(ROOT, file), 'utf8')
      for (const link of linksOf(text)) {
        const [path = '', fragment] = link.split('#')
        const target = path === '' ? file : normalize(join(dirname(file), path))
        if (!existsSync(join(ROOT, target))) {
          broken.push(`${file}: ${link} (no such file)`)
          continue
        }
        if (fragment !== undefined && target.endsWith('.md')) {
          const anchors = anchorsOf(readFileSync(join(ROOT, target), 'utf8'))
          if (!anchors.has(fragment)) broken.push(`${file}: ${link} (no such heading)`)
        }
      }
    }
    expect(broken).toEqual([])
  })

  it('keeps the README a five-minute read: at most 200 lines, the map near the top', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n')
    expect(readme.length).toBeLessThanOrEqual(200)
    const firstScreen = readme.slice(0, 60).join('\n')
    expect(firstScreen).toContain('## Quick start')
    // How to run, deploy and operate, from the first screen; the map right after.
    for (const guide of ['docs/deploy.md', 'docs/operate.md']) expect(firstScreen).toContain(guide)
    expect(readme.indexOf('## The code')).toBeGreaterThan(readme.indexOf('## Quick start'))
    expect(readme.indexOf('## The code')).toBeLessThan(readme.indexOf('## The request'))
  })

  it('reads anchors the way GitHub writes them', () => {
    expect(anchorOf('HTTP: `POST /revocations` (signed HR webhook)')).toBe(
      'http-post-revocations-signed-hr-webhook',
    )
    expect(anchorOf('4. Deploy')).toBe('4-deploy')
    expect([...anchorsOf('# A\n## A\n```\n# B\n```\n')]).toEqual(['a', 'a-1'])
  })
})
