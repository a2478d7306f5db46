// Writes docs/protocol/schemas.json from the protocol's zod schemas.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { protocolJsonSchemas } from '@pwsync/agent-protocol/json-schemas';

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/protocol/schemas.json');
writeFileSync(file, `${JSON.stringify(protocolJsonSchemas(), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), file)}`);
