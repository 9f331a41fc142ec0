/* Which message reached whom. Each sender owns a ring of its share of the
 * window; a slot holds the message in flight with a bitmap of the receivers
 * it has reached. Completion frees the slot, so a slot is reused only once
 * every receiver has its message (or it is lost: see lg_track_send), and a
 * late copy of an older sequence number is a duplicate by construction. */
#include "loadgen.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  uint64_t seq;
  uint64_t sent_ns;
  int remaining; /* deliveries still expected; 0: complete or never used */
  uint64_t *got; /* one bit per receiver */
} slot_t;

typedef struct {
  int client; /* which connection sends */
  int window;
  uint64_t next_seq;
  slot_t *slots;
} sender_t;

lg_counts_t lg_counts;

static sender_t *senders;
static int sender_count, client_count, words, echo, private_only;
static uint64_t in_flight;
static uint64_t given_up; /* deliveries missing when their slot was reused */
/* Highest sequence number + 1 each receiver has seen from each sender. */
static uint64_t *last_seen;

static int init_sender(sender_t *s, int client, int window) {
  int i;

  s->client = client;
  s->window = window;
  s->slots = calloc((size_t) window, sizeof(slot_t));
  if (s->slots == NULL)
    return -1;
  for (i = 0; i < window; i++) {
    s->slots[i].got = calloc((size_t) words, sizeof(uint64_t));
    if (s->slots[i].got == NULL)
      return -1;
  }
  return 0;
}

int lg_track_init(int clients, int count, int window, int with_echo, int whisper) {
  int i;

  client_count = clients;
  sender_count = count;
  echo = with_echo;
  private_only = whisper;
  words = (clients + 63) / 64;
  senders = calloc((size_t) count, sizeof(sender_t));
  last_seen = calloc((size_t) clients * (size_t) count, sizeof(uint64_t));
  if (senders == NULL || last_seen == NULL)
    return -1;
  /* Spread over the clients, and the window as evenly as it divides. */
  for (i = 0; i < count; i++)
    if (init_sender(&senders[i], (int) ((long) i * clients / count),
                    window / count + (i < window % count)) < 0)
      return -1;
  return 0;
}

int lg_track_window(int sender) {
  return senders[sender].window;
}

int lg_track_client(int sender) {
  return senders[sender].client;
}

uint64_t lg_track_send(int sender, uint64_t now_ns) {
  sender_t *s = &senders[sender];
  uint64_t seq = s->next_seq++;
  slot_t *slot = &s->slots[seq % (uint64_t) s->window];

  /* Still incomplete after a later message from the same sender completed
   * (that is where the credit for this one came from): with FIFO delivery
   * per receiver, whoever lacks it will not get it. A copy arriving after
   * all shows up as duplicated. */
  if (slot->remaining > 0) {
    given_up += (uint64_t) slot->remaining;
    in_flight--;
  }
  slot->seq = seq;
  slot->sent_ns = now_ns;
  /* A whisper to oneself reaches exactly one receiver: its sender. */
  slot->remaining = private_only ? 1 : echo ? client_count : client_count - 1;
  memset(slot->got, 0, (size_t) words * sizeof(uint64_t));
  /* Without echo the sender must not get it: a copy counts as duplicate. */
  if (!echo)
    slot->got[s->client / 64] |= (uint64_t) 1 << (s->client % 64);
  in_flight++;
  return seq;
}

static void check_order(int receiver, unsigned sender, uint64_t seq) {
  uint64_t *last = &last_seen[(size_t) receiver * sender_count + sender];

  if (seq + 1 < *last)
    lg_counts.out_of_order++;
  else
    *last = seq + 1;
}

int lg_track_deliver(int receiver, unsigned sender, uint64_t seq, uint64_t *sent_ns) {
  sender_t *s;
  slot_t *slot;
  uint64_t bit = (uint64_t) 1 << (receiver % 64);

  if (sender >= (unsigned) sender_count || seq >= senders[sender].next_seq) {
    lg_counts.bad++;
    return -1;
  }
  s = &senders[sender];
  if (private_only && receiver != s->client) {
    lg_counts.bad++; /* someone else's whisper */
    return -1;
  }
  slot = &s->slots[seq % (uint64_t) s->window];
  if (slot->seq != seq || slot->remaining == 0 ||
      (slot->got[receiver / 64] & bit) != 0) {
    lg_counts.duplicated++;
    return -1;
  }
  slot->got[receiver / 64] |= bit;
  *sent_ns = slot->sent_ns;
  lg_counts.deliveries++;
  check_order(receiver, sender, seq);
  if (--slot->remaining > 0)
    return 0;
  lg_counts.completed++;
  in_flight--;
  return 1;
}

uint64_t lg_track_missing(void) {
  uint64_t missing = given_up;
  int i, j;

  for (i = 0; i < sender_count; i++)
    for (j = 0; j < senders[i].window; j++)
      missing += (uint64_t) senders[i].slots[j].remaining;
  return missing;
}

uint64_t lg_track_in_flight(void) {
  return in_flight;
}
