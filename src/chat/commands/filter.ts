/**
 * `/filter [word]` and `/unfilter <word>`: per-member whole-word filters on chat text.
 */
import { ProtocolError } from '../../protocol/errors';
import { MAX_FILTER_WORD_LENGTH, MAX_FILTERS } from '../../protocol/limits';
import { normalizeFilterWord } from '../word-filter';
import type { CommandEntry, CommandRoom } from './context';
import type { Member } from '../member';

/** `/filter` lists the filters; `/filter <word>` adds one. Confirmations come as INFO. */
export const filter: CommandEntry<'filter'> = {
  summary: 'hide messages containing a word (ignoring case); alone, list your filters',
  run(room, member, { word }) {
    if (word === undefined) {
      listFilters(room, member);
      return undefined;
    }
    const normal = normalizeFilterWord(word);
    if (normal === undefined) return badWord(word, '/filter [word]');
    if (member.filter.has(normal)) {
      room.send(member, 'INFO', [], `you already filter ${normal}`);
      return undefined;
    }
    if (member.filter.size >= MAX_FILTERS) {
      return new ProtocolError(
        'too-many-filters',
        `you have ${MAX_FILTERS} filters, the most allowed; remove one with /unfilter <word>`,
      );
    }
    member.filter.add(normal);
    room.send(member, 'INFO', [], `filter added: ${normal}`);
    return undefined;
  },
};

/** `/unfilter <word>` removes one filter. */
export const unfilter: CommandEntry<'unfilter'> = {
  summary: 'stop hiding messages containing a word',
  run(room, member, { word }) {
    const normal = normalizeFilterWord(word);
    if (normal === undefined) return badWord(word, '/unfilter <word>');
    if (!member.filter.remove(normal)) {
      return new ProtocolError(
        'no-such-filter',
        `you do not filter ${normal}; /filter lists your filters`,
      );
    }
    room.send(member, 'INFO', [], `filter removed: ${normal}`);
    return undefined;
  },
};

function listFilters(room: CommandRoom, member: Member): void {
  const words = member.filter.list();
  const text =
    words.length === 0
      ? 'you have no filters; add one with /filter <word>'
      : `your filters: ${words.join(' ')}`;
  room.send(member, 'INFO', [], text);
}

function badWord(word: string, usage: string): ProtocolError {
  return new ProtocolError(
    'invalid-argument',
    `${word} is not one word: use up to ${MAX_FILTER_WORD_LENGTH} letters, digits or _; ` +
      `usage: ${usage}`,
  );
}
