// `npm run invite-url`: prints the URL that adds Weaver to a server, from DISCORD_APPLICATION_ID.
import { existsSync } from 'node:fs';
import { buildInviteUrl, botPermissions } from './permissions.js';

if (existsSync('.env')) process.loadEnvFile('.env');
const applicationId = process.env.DISCORD_APPLICATION_ID?.trim();
if (!applicationId || !/^\d{17,20}$/.test(applicationId)) {
  process.stderr.write('Set DISCORD_APPLICATION_ID (the Application ID on the Developer Portal’s General Information page) in .env first.\n');
  process.exit(1);
}
process.stdout.write(`${buildInviteUrl(applicationId)}\n`);
process.stderr.write(`Permissions asked for: ${botPermissions.map(([, name]) => name).join(', ')}.\n`);
