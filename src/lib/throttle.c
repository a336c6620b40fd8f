/* throttle.c — the keyed, non-evicting counting tables (see throttle.h). */
#include "throttle.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "banned.h"

enum { PROBE = 16 };

struct entry {
	uint64_t tag;	   /* SipHash of the key; 0 = empty */
	int64_t count;	   /* events since first_ms */
	int64_t first_ms;  /* when this count began */
	int64_t until_ms;  /* the key waits until then */
	int64_t forget_ms; /* the entry is dead after this */
};

struct yc_throttle {
	pthread_mutex_t lock;
	unsigned char key[16];
	unsigned mask;
	struct entry *e;
};

yc_throttle *yc_throttle_new(unsigned slots)
{
	unsigned n = PROBE;
	while (n < slots && n < (1u << 30))
		n <<= 1;
	yc_throttle *t = calloc(1, sizeof(*t));
	if (!t || !(t->e = calloc(n, sizeof(*t->e))) || yc_random_bytes(t->key, sizeof(t->key))) {
		if (t)
			free(t->e);
		free(t);
		return NULL;
	}
	t->mask = n - 1;
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

void yc_throttle_free(yc_throttle *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t->e);
	free(t);
}

static uint64_t tag_of(const yc_throttle *t, const char *key)
{
	uint64_t h = yc_siphash(t->key, key, strlen(key));
	return h ? h : 1;
}

/*
 * The entry of tag, or (create) a dead slot of its neighbourhood made fresh;
 * NULL when absent (lookup) or when every slot nearby is live (create).
 * Caller holds the lock.
 */
static struct entry *find(yc_throttle *t, uint64_t tag, int64_t now, int create)
{
	struct entry *room = NULL;
	for (unsigned i = 0; i < PROBE; i++) {
		struct entry *e = &t->e[(tag + i) & t->mask];
		if (e->tag == tag)
			return e;
		if (!room && (!e->tag || e->forget_ms <= now))
			room = e;
	}
	if (!create || !room)
		return NULL;
	memset(room, 0, sizeof(*room));
	room->tag = tag;
	return room;
}

static int has_room(yc_throttle *t, uint64_t tag, int64_t now)
{
	for (unsigned i = 0; i < PROBE; i++) {
		const struct entry *e = &t->e[(tag + i) & t->mask];
		if (!e->tag || e->forget_ms <= now)
			return 1;
	}
	return 0;
}

int64_t yc_throttle_wait(yc_throttle *t, const char *key, int64_t now_ms)
{
	uint64_t tag = tag_of(t, key);
	int64_t wait = 0;
	pthread_mutex_lock(&t->lock);
	struct entry *e = find(t, tag, now_ms, 0);
	if (e)
		wait = e->until_ms > now_ms ? e->until_ms - now_ms : 0;
	else if (!has_room(t, tag, now_ms))
		wait = YC_THROTTLE_FULL_MS;
	pthread_mutex_unlock(&t->lock);
	return wait;
}

int64_t yc_throttle_hit(yc_throttle *t, const char *key, const yc_throttle_rule *rule,
			int64_t now_ms)
{
	uint64_t tag = tag_of(t, key);
	int64_t wait = -1;
	pthread_mutex_lock(&t->lock);
	struct entry *e = find(t, tag, now_ms, 1);
	if (e) {
		if (!e->count ||
		    (now_ms - e->first_ms > rule->window_ms && e->until_ms <= now_ms)) {
			e->count = 0;
			e->first_ms = now_ms;
		}
		e->count++;
		wait = 0;
		if (e->count > rule->free) {
			int64_t over = e->count - rule->free - 1;
			wait = over >= 30 ? rule->max_wait_ms : (int64_t)1000 << over;
			if (wait > rule->max_wait_ms)
				wait = rule->max_wait_ms;
			e->until_ms = now_ms + wait;
		}
		int64_t forget = e->first_ms + rule->window_ms;
		e->forget_ms = forget > e->until_ms ? forget : e->until_ms;
	}
	pthread_mutex_unlock(&t->lock);
	return wait;
}

void yc_throttle_clear(yc_throttle *t, const char *key)
{
	uint64_t tag = tag_of(t, key);
	pthread_mutex_lock(&t->lock);
	struct entry *e = find(t, tag, 0, 0);
	if (e)
		memset(e, 0, sizeof(*e));
	pthread_mutex_unlock(&t->lock);
}

int yc_throttle_known(yc_throttle *t, const char *key, int64_t now_ms)
{
	uint64_t tag = tag_of(t, key);
	pthread_mutex_lock(&t->lock);
	struct entry *e = find(t, tag, now_ms, 0);
	int live = e && e->forget_ms > now_ms;
	pthread_mutex_unlock(&t->lock);
	return live;
}

void yc_throttle_net(const char *addr, char *out, size_t size)
{
	struct in6_addr a;
	if (!strncmp(addr, "::ffff:", 7) && strchr(addr, '.'))
		addr += 7; /* an IPv4 address, mapped */
	if (strchr(addr, ':') && inet_pton(AF_INET6, addr, &a) == 1) {
		char net[INET6_ADDRSTRLEN];
		memset(a.s6_addr + 8, 0, 8);
		inet_ntop(AF_INET6, &a, net, sizeof(net));
		snprintf(out, size, "%s/64", net);
	} else {
		snprintf(out, size, "%s", addr);
	}
}
