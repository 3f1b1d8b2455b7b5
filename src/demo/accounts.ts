/** Demo accounts from the contract's "Demo data" section; printed at start-up and in the README. */
export const DEMO_PASSWORD = 'Lyceum-demo-1';

export const DEMO_USERS = [
  { email: 'admin@example.com', username: 'admin', fullName: 'Ada Admin', role: 'admin' },
  { email: 'teacher@example.com', username: 'teacher', fullName: 'Theo Teacher', role: 'teacher' },
  { email: 'student@example.com', username: 'student', fullName: 'Sasha Student', role: 'student' },
] as const;

/**
 * Admin-panel accounts: the contract's super admin, plus a Teacher (the same email as the API teacher, so the
 * LMS pages show the demo courses), a Marketer (the blog), a Finance user (orders, coupons) and a Support user (the
 * Support page), to try the admin
 * roles out.
 */
export const DEMO_ADMIN_PANEL_USERS = [
  { email: 'admin@example.com', firstname: 'Ada', lastname: 'Admin', role: 'Super Admin' },
  { email: 'teacher@example.com', firstname: 'Theo', lastname: 'Teacher', role: 'Teacher' },
  { email: 'marketer@example.com', firstname: 'Mira', lastname: 'Marketer', role: 'Marketer' },
  { email: 'finance@example.com', firstname: 'Fiona', lastname: 'Finance', role: 'Finance' },
  { email: 'support@example.com', firstname: 'Sam', lastname: 'Support', role: 'Support' },
] as const;
