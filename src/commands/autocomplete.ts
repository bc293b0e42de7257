import { searchCommunitySlugs } from '../communities/communities.js';
import type { Services } from '../storage/services.js';

export type Suggestion = Readonly<{ label: string; value: string }>;

/** What a `community` option offers as the person types (Discord autocomplete): slugs and names that match. */
export async function suggestCommunities(services: Services, typed: string, limit: number): Promise<Suggestion[]> {
  const found = await searchCommunitySlugs(services.db, typed.trim(), limit);
  return found.map(({ slug, name }) => ({ label: `${name} (${slug})`, value: slug }));
}
