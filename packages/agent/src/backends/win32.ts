/**
 * The Windows backend: written and type-checked, not run (docs/windows-agent.md).
 * A Windows account stores an NT hash, which neither hash the directory sends can
 * become, so the agent needs the new password itself. It changes the password with
 * the old one (NetUserChangePassword), never resets it where the old one is known:
 * a change lets Windows re-protect the DPAPI master keys (saved credentials, EFS
 * certificates, Wi-Fi keys), a reset (NetUserSetInfo) leaves them unreachable.
 */
import { StepError, type PlatformBackend } from './backend';
import { describeRun, type Runner } from './runner';

export const POWERSHELL = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';

/** Win32 and NERR codes the script returns (winerror.h, lmerr.h). */
export const WIN = { ok: 0, accessDenied: 5, invalidPassword: 86, logonFailure: 1326, accountRestriction: 1327, userNotFound: 2221, passwordTooShort: 2245 } as const;

/**
 * Reads {op, user, old?, new?} as JSON from stdin; op verify (LogonUser, network logon,
 * nothing cached), change (NetUserChangePassword) or reset (NetUserSetInfo level 1003).
 * Prints the numeric result code.
 */
export const ACCOUNT_PS1 = `
$ErrorActionPreference = 'Stop'
$req = [Console]::In.ReadToEnd() | ConvertFrom-Json
Add-Type -Namespace PwSync -Name Native -MemberDefinition @'
[DllImport("netapi32.dll", CharSet = CharSet.Unicode)] public static extern int NetUserChangePassword(string domain, string user, string oldPassword, string newPassword);
[DllImport("netapi32.dll", CharSet = CharSet.Unicode)] public static extern int NetUserSetInfo(string server, string user, int level, ref IntPtr buf, out int parmErr);
[DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)] public static extern bool LogonUser(string user, string domain, string password, int logonType, int provider, out IntPtr token);
[DllImport("kernel32.dll")] public static extern bool CloseHandle(IntPtr handle);
'@
switch ($req.op) {
  'verify' {
    $token = [IntPtr]::Zero
    if ([PwSync.Native]::LogonUser($req.user, '.', $req.old, 3, 0, [ref]$token)) { [void][PwSync.Native]::CloseHandle($token); 0 }
    else { [Runtime.InteropServices.Marshal]::GetLastWin32Error() }
  }
  'change' { [PwSync.Native]::NetUserChangePassword('.', $req.user, $req.old, $req.new) }
  'reset' {
    $ptr = [Runtime.InteropServices.Marshal]::StringToHGlobalUni($req.new); $err = 0
    try { [PwSync.Native]::NetUserSetInfo($null, $req.user, 1003, [ref]$ptr, [ref]$err) } finally { [Runtime.InteropServices.Marshal]::ZeroFreeGlobalAllocUnicode($ptr) }
  }
}
`;

export class Win32Backend implements PlatformBackend {
  readonly name = 'win32' as const;
  readonly platform = 'win32' as const;
  /** The agent applies the change; the tray app informs the person (see docs/windows-agent.md). */
  readonly mode = 'applied' as const;
  readonly newPasswordHash = 'pbkdf2' as const;

  constructor(private readonly runner: Runner) {}

  async accountPasswordIs(user: string, password: string): Promise<boolean> {
    const code = await this.run({ op: 'verify', user, old: password });
    if (code === WIN.ok) return true;
    if (code === WIN.logonFailure) return false;
    throw this.error(code);
  }

  async changeAccountPassword(user: string, previous: string, next: string): Promise<void> {
    const code = await this.run({ op: 'change', user, old: previous, new: next });
    if (code !== WIN.ok) throw this.error(code);
  }

  /** Only when the previous password is forgotten (policy-gated): DPAPI-protected secrets are lost. */
  async resetAccountPassword(user: string, next: string): Promise<void> {
    const code = await this.run({ op: 'reset', user, new: next });
    if (code !== WIN.ok) throw this.error(code);
  }

  /** A change with the old password re-protects DPAPI's master keys itself: nothing else to move. */
  async keychainPasswordIs(): Promise<boolean> {
    return false;
  }

  async changeKeychainPassword(): Promise<'skipped'> {
    return 'skipped';
  }

  async startNewKeychain(): Promise<'skipped'> {
    return 'skipped';
  }

  /** BitLocker unlocks with the TPM (and a PIN or recovery key), never with the account password. */
  async refreshDiskUnlock(): Promise<'skipped'> {
    return 'skipped';
  }

  async diskUnlockAccepts(): Promise<boolean> {
    return false;
  }

  private async run(request: Record<string, string>): Promise<number> {
    const result = await this.runner.run({
      program: POWERSHELL,
      args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', ACCOUNT_PS1],
      user: { name: 'SYSTEM', home: 'C:\\Windows\\System32\\config\\systemprofile' },
      stdin: Buffer.from(JSON.stringify(request), 'utf8'),
    });
    const code = Number(result.stdout.trim().split(/\s+/).pop());
    if (result.exitCode !== 0 || !Number.isInteger(code)) throw new StepError(`The account tool ${describeRun(result)}`, true, 'retry');
    return code;
  }

  private error(code: number): StepError {
    if (code === WIN.invalidPassword || code === WIN.logonFailure) return new StepError('The account is not on the previous password', true, 'retry');
    if (code === WIN.passwordTooShort) return new StepError('The new password does not meet this computer\'s password policy', false, 'contactSupport');
    return new StepError(`Windows refused the account change (${code})`, false, 'contactSupport');
  }
}
