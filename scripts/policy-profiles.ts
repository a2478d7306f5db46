// npm run profiles: writes what an administrator's tools read, from the policy's zod
// schemas (packages/tray/src/core/policy.ts): the profile manifest, the Jamf Pro schema
// and the table of keys in docs/deployment.md. A test keeps them current.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jamfSchema, profileManifest, withKeysTable } from '@pwsync/tray/core/policy-manifests';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const write = (relative: string, text: string) => {
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote ${relative}`);
};

write('docs/profiles/manifest/org.pwsync.tray.plist', profileManifest());
write('docs/profiles/jamf/org.pwsync.tray.json', jamfSchema());
write('docs/deployment.md', withKeysTable(readFileSync(path.join(root, 'docs/deployment.md'), 'utf8')));
