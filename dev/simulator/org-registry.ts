/**
 * The organizations the simulator serves and their projects (Atlas calls them groups): added,
 * looked up, listed in order; an organization may be deleted.
 */

export interface SimulatedOrg {
  readonly id: string
  readonly name: string
}

/** A project (Atlas calls them groups) of an organization. */
export interface SimulatedProject {
  readonly id: string
  readonly orgId: string
  readonly name: string
}

export class OrgRegistry {
  readonly #orgs = new Map<string, SimulatedOrg>()
  readonly #projects = new Map<string, SimulatedProject>()

  org(orgId: string): SimulatedOrg | undefined {
    return this.#orgs.get(orgId)
  }

  addOrg(org: SimulatedOrg): SimulatedOrg {
    this.#orgs.set(org.id, org)
    return org
  }

  /** The organization is deleted: keys that had a role there now get 404 for it. */
  removeOrg(orgId: string): boolean {
    return this.#orgs.delete(orgId)
  }

  /** Organizations that exist, in order. */
  orgs(): SimulatedOrg[] {
    return [...this.#orgs.values()]
  }

  project(groupId: string): SimulatedProject | undefined {
    return this.#projects.get(groupId)
  }

  projects(orgId: string): SimulatedProject[] {
    return [...this.#projects.values()].filter((project) => project.orgId === orgId)
  }

  addProject(project: SimulatedProject): SimulatedProject {
    this.#projects.set(project.id, project)
    return project
  }

  /** Every project, in order. */
  allProjects(): SimulatedProject[] {
    return [...this.#projects.values()]
  }
}
