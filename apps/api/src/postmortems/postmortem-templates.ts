import { parsePostmortemTemplate, PostmortemTemplateError, type PostmortemTemplate } from '@vigil/incidents';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

export interface TemplateProblem {
  template: string;
  message: string;
  line: number | null;
  column: number | null;
}

/** The templates folder shipped in the repo, found from wherever this file was compiled to. */
function shippedFolder(): string | null {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'templates', 'postmortems');
    if (existsSync(join(candidate, 'default.md'))) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/**
 * Postmortem templates from a folder, one `*.md` per template, named by file. Read on every use:
 * a team edits templates like code and expects the next postmortem to use the edit. A template
 * with errors is reported (file, line, column) and not used; the others still work.
 */
export class PostmortemTemplates {
  readonly folder: string;

  constructor(folder: string) {
    // A relative default that does not exist where Vigil was started falls back to the shipped one.
    const absolute = isAbsolute(folder) ? folder : resolve(folder);
    this.folder = existsSync(absolute) ? absolute : (shippedFolder() ?? absolute);
  }

  load(): { templates: Map<string, PostmortemTemplate>; problems: TemplateProblem[] } {
    const templates = new Map<string, PostmortemTemplate>();
    const problems: TemplateProblem[] = [];
    if (!existsSync(this.folder)) return { templates, problems: [{ template: '(folder)', message: `postmortem templates folder not found: ${this.folder}`, line: null, column: null }] };
    for (const file of readdirSync(this.folder).filter((f) => f.endsWith('.md') && f.toLowerCase() !== 'readme.md').sort()) {
      const name = file.slice(0, -3);
      try {
        templates.set(name, parsePostmortemTemplate(name, readFileSync(join(this.folder, file), 'utf8')));
      } catch (error) {
        if (!(error instanceof PostmortemTemplateError)) throw error;
        problems.push({ template: name, message: error.message, line: error.line, column: error.column });
      }
    }
    return { templates, problems };
  }
}
