/**
 * A walkthrough as the console shows and copies it. Which one fits is the directory's to
 * say (the contract's pickSituation, sent as the person page's `situation`), so the page
 * and any other reader of the API agree.
 */
import type { Walkthrough } from './tray-words-types';

/** A walkthrough with the identity provider's name filled in, as the tray shows it. */
export function withProvider(walkthrough: Walkthrough, provider: string): Walkthrough {
  const fill = (text: string) => text.replaceAll('{{provider}}', provider);
  return {
    title: fill(walkthrough.title),
    when: fill(walkthrough.when),
    steps: walkthrough.steps.map(fill),
    ...(walkthrough.stepsNotOffered ? { stepsNotOffered: walkthrough.stepsNotOffered.map(fill) } : {}),
  };
}

const numbered = (steps: readonly string[]) => steps.map((step, i) => `${i + 1}. ${step}`);

/** The text "copy" puts on the clipboard, for an email or a chat to the person. */
export function walkthroughText(walkthrough: Walkthrough, headings: { offered: string; notOffered: string }): string {
  const lines = [walkthrough.title, '', walkthrough.when, ''];
  if (walkthrough.stepsNotOffered) lines.push(headings.offered, ...numbered(walkthrough.steps), '', headings.notOffered, ...numbered(walkthrough.stepsNotOffered));
  else lines.push(...numbered(walkthrough.steps));
  return lines.join('\n');
}
