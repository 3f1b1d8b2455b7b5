/** Demo accounts from the contract's "Demo data" section; printed at start-up and in the README. */
export const DEMO_PASSWORD = 'Lyceum-demo-1';

export const DEMO_USERS = [
  { email: 'admin@example.com', username: 'admin', fullName: 'Ada Admin', role: 'admin' },
  { email: 'teacher@example.com', username: 'teacher', fullName: 'Theo Teacher', role: 'teacher' },
  { email: 'student@example.com', username: 'student', fullName: 'Sasha Student', role: 'student' },
] as const;

export const DEMO_SUPER_ADMIN = { email: 'admin@example.com', firstname: 'Ada', lastname: 'Admin' };
