/**
 * The sample configuration profiles in docs/profiles/samples: each one parses as a
 * property list, has what macOS requires of a profile and of each payload, uses UUIDs
 * and identifiers no other sample uses, and names the app by its own bundle identifier
 * (packages/tray/package.json's appId) and its launchd jobs by their labels.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'plist';
import { describe, expect, it } from 'vitest';
import { ROOT } from '@pwsync/testing/processes';
import { parsePolicy } from '../src/core/policy';

const SAMPLES = path.join(ROOT, 'docs/profiles/samples');
const appId = (JSON.parse(readFileSync(path.join(ROOT, 'packages/tray/package.json'), 'utf8')) as { build: { appId: string } }).build.appId;

// The launchd labels of the agent's LaunchDaemon and the tray's LaunchAgent. The plists
// that install them come with the agent's service package: they must use these labels.
const AGENT_LABEL = 'org.pwsync.agent';
const TRAY_LABEL = 'org.pwsync.tray';
// What an administrator replaces with the Team ID that signs pwsync (docs/deployment.md).
const TEAM_ID_PLACEHOLDER = 'YOURTEAMID';

const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

type Dict = Record<string, unknown>;
interface Profile extends Dict {
  PayloadContent: Dict[];
}

const files = readdirSync(SAMPLES).filter((name) => name.endsWith('.mobileconfig'));
const profiles = new Map(files.map((name) => [name, parse(readFileSync(path.join(SAMPLES, name), 'utf8')) as Profile]));
const profile = (name: string) => profiles.get(name)!;
const payload = (name: string, type: string) => profile(name).PayloadContent.find((content) => content.PayloadType === type)!;

describe('the sample profiles', () => {
  it('are the four docs/deployment.md and docs/install.md describe', () => {
    expect(files.sort()).toEqual(['pwsync-agent-settings.mobileconfig', 'pwsync-managed-login-items.mobileconfig', 'pwsync-notifications.mobileconfig', 'pwsync-policy.mobileconfig']);
    const docs = readFileSync(path.join(ROOT, 'docs/deployment.md'), 'utf8');
    const install = readFileSync(path.join(ROOT, 'docs/install.md'), 'utf8');
    for (const name of files) {
      expect(docs, name).toContain(`profiles/samples/${name}`);
      expect(install, name).toContain(`profiles/samples/${name}`);
    }
    expect(docs).toContain(TEAM_ID_PLACEHOLDER);
  });

  it.each(files)('%s is a configuration profile with every required key', (name) => {
    const top = profile(name);
    expect(top.PayloadType).toBe('Configuration');
    expect(top.PayloadVersion).toBe(1);
    expect(top.PayloadUUID).toMatch(UUID);
    expect(top.PayloadIdentifier).toMatch(/^org\.pwsync\.profile\.[a-z]+$/);
    expect(top.PayloadDisplayName).toEqual(expect.any(String));
    expect(top.PayloadScope).toBe('System');
    expect(top.PayloadContent.length).toBeGreaterThan(0);
    for (const content of top.PayloadContent) {
      expect(content.PayloadVersion).toBe(1);
      expect(content.PayloadUUID).toMatch(UUID);
      expect(content.PayloadType).toEqual(expect.any(String));
      // A payload's identifier lives under its profile's, so replacing the profile replaces it.
      expect(content.PayloadIdentifier).toMatch(new RegExp(`^${(top.PayloadIdentifier as string).replace(/\./g, '\\.')}\\.[a-z]+$`));
    }
  });

  it('no two share a UUID or an identifier (macOS would take one for the other)', () => {
    const all = [...profiles.values()].flatMap((top) => [top, ...top.PayloadContent]);
    const uuids = all.map((entry) => entry.PayloadUUID);
    const identifiers = all.map((entry) => entry.PayloadIdentifier);
    expect(new Set(uuids).size).toBe(uuids.length);
    expect(new Set(identifiers).size).toBe(identifiers.length);
  });

  it("the policy profile sets the app's own domain, with values the app takes as they are", () => {
    const content = payload('pwsync-policy.mobileconfig', 'com.apple.ManagedClient.preferences').PayloadContent as Record<string, { Forced: Array<{ mcx_preference_settings: Dict }> }>;
    expect(Object.keys(content)).toEqual([appId]);
    const settings = content[appId]!.Forced[0]!.mcx_preference_settings;
    const loaded = parsePolicy(settings, 'sample');
    expect(loaded.problems).toEqual([]);
    expect(Object.values(loaded.fieldSources).filter((source) => source === 'sample')).toHaveLength(Object.keys(settings).length);
  });

  it("the managed login items keep the agent's daemon, the tray's agent and the app on, signed by one team", () => {
    const rules = payload('pwsync-managed-login-items.mobileconfig', 'com.apple.servicemanagement').Rules as Dict[];
    expect(rules.map((rule) => [rule.RuleType, rule.RuleValue])).toEqual([
      ['Label', AGENT_LABEL],
      ['Label', TRAY_LABEL],
      ['BundleIdentifier', appId],
    ]);
    for (const rule of rules) {
      expect(['BundleIdentifier', 'BundleIdentifierPrefix', 'Label', 'LabelPrefix', 'TeamIdentifier']).toContain(rule.RuleType);
      expect(rule.TeamIdentifier, String(rule.RuleValue)).toBe(TEAM_ID_PLACEHOLDER);
      expect(rule.Comment).toEqual(expect.any(String));
    }
  });

  it("the notification settings allow the app's notifications and keep them on screen", () => {
    const settings = payload('pwsync-notifications.mobileconfig', 'com.apple.notificationsettings').NotificationSettings as Dict[];
    expect(settings).toHaveLength(1);
    expect(settings[0]).toMatchObject({ BundleIdentifier: appId, NotificationsEnabled: true, AlertType: 2, ShowInNotificationCenter: true, CriticalAlertEnabled: false });
  });
});
