import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../fakes/discord-api.js';
import { startWeaverOnFakeDiscord, type DiscordSession } from '../fakes/discord-session.js';
import { ids, people } from '../fakes/discord-world.js';

// Real discord.js against the fake Discord: /cop goal is a subcommand group with typed options.
let discord: DiscordSession;
beforeAll(async () => {
  discord = await startWeaverOnFakeDiscord();
  // Olivia (Manage Server) creates and links outreach; Carol coordinates it; Ann is a member; Dave is not.
  await discord.cop(people.owner, ['create'], { slug: 'outreach', name: 'STEM Outreach' });
  await discord.cop(people.owner, ['link'], { community: 'outreach' });
  await discord.cop(people.owner, ['coordinator'], { community: 'outreach', user: { user: people.carol } });
  await discord.cop(people.ann, ['join'], { community: 'outreach' });
});
afterAll(async () => discord?.stop());

const ephemeral = 64;
const text = (data: { content?: string; embeds?: any[] }) =>
  [data.content, ...(data.embeds ?? []).flatMap((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f: any) => [f.name, f.value])])]
    .filter(Boolean)
    .join('\n');
async function addGoal(options: { text: string; target?: number; by?: string; measure?: string }): Promise<number> {
  const { data } = await discord.cop(people.carol, ['goal', 'add'], { community: 'outreach', ...options });
  const id = /Set goal #(\d+)/.exec(data.content)?.[1];
  if (!id) throw new Error(`no goal id in: ${data.content}`);
  return Number(id);
}
const botPostsIn = (channelId: string): RecordedCall[] =>
  discord.fake.calls.filter((call) => call.method === 'POST' && call.path === `/channels/${channelId}/messages` && call.status === 200);

describe('/cop goal on Discord, through the fake gateway', () => {
  it('registers goal as a group of add, list, log and close, with typed options', () => {
    const [cop] = discord.fake.registered.get(ids.guild) as { name: string; options: any[] }[];
    const group = cop!.options.find((option) => option.name === 'goal');
    expect(group.type).toBe(2);
    expect(group.options.map((o: any) => o.name).sort()).toEqual(['add', 'close', 'list', 'log']);
    const add = group.options.find((o: any) => o.name === 'add');
    const option = (name: string) => add.options.find((o: any) => o.name === name);
    expect(option('community')).toMatchObject({ type: 3, required: true, autocomplete: true });
    expect(option('text')).toMatchObject({ type: 3, required: true });
    expect(option('target')).toMatchObject({ type: 4 });
    expect(option('target').required ?? false).toBe(false);
    expect(option('by')).toMatchObject({ type: 3 });
    expect(option('measure').choices.map((c: any) => c.value)).toEqual(['manual', 'members', 'core', 'practices', 'answers', 'events']);
    const log = group.options.find((o: any) => o.name === 'log');
    expect(log.options.map((o: any) => [o.name, o.type])).toEqual([
      ['goal', 4],
      ['note', 3],
      ['count', 4],
    ]);
    expect(cop!.options.length).toBeLessThanOrEqual(25);
  });

  it('a coordinator adds a goal with typed options; the reply names its id', async () => {
    const refused = await discord.cop(people.ann, ['goal', 'add'], { community: 'outreach', text: 'Blog articles' });
    expect(refused.data.content).toBe('Only coordinators of outreach and admins can use /cop goal add.');
    expect(refused.data.flags).toBe(ephemeral);
    const { data } = await discord.cop(people.carol, ['goal', 'add'], {
      community: 'outreach',
      text: 'Blog and newsletter articles',
      target: 2,
      by: '2027-11-30',
      measure: 'manual',
    });
    expect(text(data)).toMatch(/Set goal #\d+ for \*\*STEM Outreach\*\*: Blog and newsletter articles\. Now 0 of 2 \(0%\), by 2027-11-30, on track\./);
    expect(text(data)).toMatch(/\/cop goal log \d+ <note>/);
  });

  it('a member logs progress with a count; reaching the target posts one celebration in the home channel', async () => {
    const goal = await addGoal({ text: 'A seminar and a funding bid', target: 2 });
    const before = botPostsIn(ids.homeChannel).length;
    const first = await discord.cop(people.ann, ['goal', 'log'], { goal, note: 'Seminar held in March: https://events.example/seminar' });
    expect(first.data.content).toContain(`Logged on goal #${goal}, **A seminar and a funding bid**: now 1 of 2 (50%).`);
    const second = await discord.cop(people.ann, ['goal', 'log'], { goal, note: 'Bid sent', count: 1 });
    expect(second.data.content).toContain('now 2 of 2 (100%). Target reached! 🎉');
    const posts = botPostsIn(ids.homeChannel).slice(before);
    expect(posts).toHaveLength(1);
    expect(text(posts[0]!.body as { content: string })).toContain('Goal reached · STEM Outreach');
    await discord.cop(people.ann, ['goal', 'log'], { goal, note: 'A second bid', count: 1 });
    expect(botPostsIn(ids.homeChannel).slice(before)).toHaveLength(1);
  });

  it('someone outside the community cannot log; a measured goal refuses notes', async () => {
    const manual = await addGoal({ text: 'A project delivered' });
    expect((await discord.cop(people.dave, ['goal', 'log'], { goal: manual, note: 'Not mine' })).data.content).toBe(
      'Only members and coordinators of outreach can log progress on its goals; join with /cop join outreach.',
    );
    const measured = await addGoal({ text: 'Recruit 40 members', target: 40, measure: 'members' });
    expect((await discord.cop(people.ann, ['goal', 'log'], { goal: measured, note: 'A friend' })).data.content).toContain(`Goal #${measured} counts itself`);
  });

  it('anyone lists the goals with progress, standing and latest notes', async () => {
    const blog = await addGoal({ text: 'Blog articles', target: 4, by: '2027-11-30' });
    const members = await addGoal({ text: 'Recruit 40 members', target: 40, measure: 'members' });
    await discord.cop(people.ann, ['goal', 'log'], { goal: blog, note: 'Post on taster days', count: 2 });
    const { data } = await discord.cop(people.dave, ['goal', 'list'], { community: 'outreach' });
    const shown = text(data);
    expect(shown).toContain(`#${blog} Blog articles: 2 of 4 (50%), by 2027-11-30, on track`);
    expect(shown).toContain(`<@${ids.ann}> (+2): Post on taster days`);
    expect(shown).toContain(`#${members} Recruit 40 members: 1 of 40 (2%)`);
    expect(shown).toContain('Counts members now, core and wider.');
  });

  it('goal close takes its choice option', async () => {
    const goal = await addGoal({ text: 'Something we gave up' });
    const { data } = await discord.cop(people.carol, ['goal', 'close'], { goal, as: 'dropped' });
    expect(data.content).toBe(`Closed goal #${goal}, **Something we gave up**, as dropped, at 0 of 1 (0%).`);
  });
});
