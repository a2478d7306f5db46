// npm run profiles: writes what an administrator's tools read, from the zod schemas of
// the tray's policy (packages/tray/src/core/policy.ts) and of the agent's settings
// (packages/agent/src/config/agent-config.ts): for each domain a profile manifest and a
// Jamf Pro schema, and the policy's table of keys in docs/deployment.md. Tests keep them current.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentJamfSchema, agentProfileManifest } from '@pwsync/agent/config/agent-manifests';
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
write('docs/profiles/manifest/org.pwsync.agent.plist', agentProfileManifest());
write('docs/profiles/jamf/org.pwsync.agent.json', agentJamfSchema());
write('docs/deployment.md', withKeysTable(readFileSync(path.join(root, 'docs/deployment.md'), 'utf8')));
