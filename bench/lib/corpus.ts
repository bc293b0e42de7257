// Generated chat text with a realistic shape: a Zipf-distributed vocabulary (a few words everywhere, a long tail of
// rare ones) and message lengths from a few words to a paragraph. Seeded, so every run has the same corpus.
import { seededRandom } from './report.js';

// The head of the vocabulary: function words and the words communities of practice use every day.
const head = (
  'the to and a of i in it is for that we you this on with be have was but are they at so not can if or do my ' +
  'what how about just one our from there would an will all get me them when up out like think know time some ' +
  'people more any been use good also which work session school volunteer team event kit pupils help group ' +
  'project question answer idea try tried worked data plan training meeting workshop template checklist tool ' +
  'outreach students teachers feedback survey budget report design review community practice method story ' +
  'case lesson learned share shared week next last first new year day better problem issue fix approach'
).split(' ');

const syllables = ['ka', 'lo', 'ri', 'ten', 'mar', 'vi', 'so', 'pel', 'dra', 'nu', 'qua', 'zer', 'ob', 'lin', 'tra', 'ves', 'mo', 'fi', 'gan', 'hul'];

export type Corpus = Readonly<{
  /** Words by rank: vocabulary[0] is the most frequent. */
  vocabulary: readonly string[];
  word(): string;
  message(): string;
}>;

export function createCorpus(seed: number, size = 40_000): Corpus {
  const random = seededRandom(seed);
  const tail = new Set<string>();
  const shapes = seededRandom(seed + 1);
  while (tail.size < size - head.length) {
    const count = 2 + Math.floor(shapes() * 3);
    let word = '';
    for (let i = 0; i < count; i++) word += syllables[Math.floor(shapes() * syllables.length)]!;
    if (!head.includes(word)) tail.add(word);
  }
  const vocabulary = [...head, ...tail];
  // Zipf's law with exponent 1: the cumulative weights, searched by bisection.
  const cumulative = new Float64Array(vocabulary.length);
  let total = 0;
  for (let rank = 0; rank < vocabulary.length; rank++) cumulative[rank] = total += 1 / (rank + 1);
  const word = () => {
    const target = random() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid]! < target) low = mid + 1;
      else high = mid;
    }
    return vocabulary[low]!;
  };
  // Lengths: mostly one or two sentences (8 to 30 words), sometimes a short reply, sometimes a long explanation.
  const message = () => {
    const roll = random();
    const length = roll < 0.15 ? 2 + Math.floor(random() * 6) : roll < 0.9 ? 8 + Math.floor(random() * 23) : 30 + Math.floor(random() * 90);
    const words: string[] = [];
    for (let i = 0; i < length; i++) words.push(word());
    const text = words.join(' ');
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}${random() < 0.2 ? '?' : '.'}`;
  };
  return { vocabulary, word, message };
}
