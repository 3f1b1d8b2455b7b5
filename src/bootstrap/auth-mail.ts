import type { Core } from '@strapi/strapi';

const STRAPI_SENDER = 'no-reply@strapi.io';

/** Parses `Name <address>` or a bare address. */
function sender(value: string): { name: string; email: string } {
  const match = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(value);
  return match ? { name: match[1] || 'Lyceum', email: match[2] } : { name: 'Lyceum', email: value.trim() };
}

/**
 * Users-permissions' account mails (password reset, email confirmation) from the environment: where
 * their links point, whether registration needs a confirmed email, and who sends them. Settings an
 * admin changed in the panel stay unless the environment names them.
 */
export async function configureAccountMail(strapi: Core.Strapi, env: NodeJS.ProcessEnv = process.env) {
  const store = (key: string) => strapi.store({ type: 'plugin', name: 'users-permissions', key });
  const frontend = (env.FRONTEND_URL || env.PUBLIC_URL || 'http://localhost:3000').replace(/\/+$/, '');

  const advanced = ((await store('advanced').get({})) ?? {}) as Record<string, unknown>;
  const wanted = {
    ...advanced,
    email_reset_password:
      env.FRONTEND_URL || !advanced.email_reset_password ? `${frontend}/reset-password` : advanced.email_reset_password,
    email_confirmation_redirection:
      env.FRONTEND_URL || !advanced.email_confirmation_redirection
        ? `${frontend}/email-confirmed`
        : advanced.email_confirmation_redirection,
    ...(env.AUTH_EMAIL_CONFIRMATION !== undefined
      ? { email_confirmation: env.AUTH_EMAIL_CONFIRMATION === 'true' }
      : {}),
  };
  if (JSON.stringify(wanted) !== JSON.stringify(advanced)) await store('advanced').set({ value: wanted });

  const templates = ((await store('email').get({})) ?? {}) as Record<
    string,
    { options?: { from?: { name: string; email: string } } }
  >;
  const from = sender(env.EMAIL_FROM || 'Lyceum <no-reply@lyceum.local>');
  let changed = false;
  for (const template of Object.values(templates)) {
    const current = template.options?.from;
    if (template.options && (!current || current.email === STRAPI_SENDER || env.EMAIL_FROM)) {
      if (current?.email !== from.email || current?.name !== from.name) {
        template.options.from = from;
        changed = true;
      }
    }
  }
  if (changed) await store('email').set({ value: templates });
}
