/**
 * What a 404 from Atlas is evidence of. Atlas's error bodies name the missing thing in
 * `parameters` (`{"errorCode":"GROUP_NOT_FOUND","parameters":["<id>"]}`); the error *codes* for
 * a missing invitation or user are not published, so they are never read. A 404 that names
 * neither the target nor its container (a removed route, an HTML page, an anonymous error)
 * proves nothing; nor does one naming both (which is missing?), nor one naming the target when
 * it is also the container's id (an organization id sent as the invitation id). Pure.
 */

import type { AtlasAnswer } from './answer-outcome.ts'

/**
 * - `target`: Atlas says the invitation or user itself does not exist;
 * - `container`: it says the organization (or project) does not exist;
 * - `unexplained`: it names neither.
 */
export type MissingThing = 'target' | 'container' | 'unexplained'

/**
 * @example
 * missingThing({ status: 404, headers: {}, body: { parameters: ['6a79…'] } }, '6a79…', ['a012…'])
 * // → 'target'
 */
export function missingThing(
  answer: AtlasAnswer,
  target: string | undefined,
  containers: readonly string[],
): MissingThing {
  if (answer.status !== 404) return 'unexplained'
  const parameters = (answer.body as { parameters?: unknown } | undefined)?.parameters
  if (!Array.isArray(parameters)) return 'unexplained'
  const named = parameters.filter((parameter): parameter is string => typeof parameter === 'string')
  const namesTarget = target !== undefined && named.includes(target)
  const namesContainer = named.some((parameter) => containers.includes(parameter))
  if (namesTarget && namesContainer) return 'unexplained'
  if (namesTarget) return 'target'
  if (namesContainer) return 'container'
  return 'unexplained'
}
