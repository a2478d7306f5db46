/** Password hashing, verification and the rules every program applies to a new password. */
export * from './verifiers';
export * from './password-rules';
export { scryptOnPool } from './crypt-pool';
