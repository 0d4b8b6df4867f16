import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '@app/stack';
import { CONFIG_LOADERS, UNTYPED_VARIABLES } from './config-sources';
import { renderConfigurationDoc } from './configuration-doc';

/** `npm run docs:config`: writes docs/configuration.md from the typed config. */
const target = path.join(repoRoot(), 'docs', 'configuration.md');
fs.writeFileSync(target, renderConfigurationDoc(CONFIG_LOADERS, UNTYPED_VARIABLES));
console.log(`wrote ${path.relative(process.cwd(), target) || target}`);
