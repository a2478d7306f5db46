import { describe, expect, it } from 'vitest';
import { english } from 'virtual:tray-words';
import { walkthroughText, withProvider } from './pick-situations';

const HEADINGS = { offered: 'Offered:', notOffered: 'Not offered:' };

describe('a walkthrough as support copies it', () => {
  it('names the provider and numbers the steps', () => {
    const walkthrough = withProvider(english.situations.windows, 'Okta');
    expect(walkthrough.steps[0]).toBe('Change your password at Okta.');
    const text = walkthroughText(walkthrough, HEADINGS);
    expect(text.split('\n').slice(0, 3)).toEqual(['Windows', '', 'On Windows you don\'t need to type anything into pwsync.']);
    expect(text).toContain('\n1. Change your password at Okta.\n2. Keep the computer switched on and connected.');
    expect(text).not.toMatch(/\{\{|\$t\(/);
  });

  it('gives both lists of the forgotten-password walkthrough, each under its heading', () => {
    const text = walkthroughText(withProvider(english.situations.forgotPrevious, 'Okta'), HEADINGS);
    expect(text).toMatch(/\nOffered:\n1\. Make sure you really can't remember it: with your previous password, nothing is lost\.\n/);
    expect(text).toMatch(/\n\nNot offered:\n1\. Make sure you really can't remember it: try the password you used to unlock this Mac before you changed it at Okta\.\n2\. /);
  });
});
