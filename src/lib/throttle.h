/*
 * throttle.h — counting what a key did recently, and how long it must wait.
 *
 * One table per purpose (failed logins per account and address, progress
 * guesses per case and address, kiosk tickets per address …), so traffic of
 * one kind can never push out the counts of another. Keys are hashed with
 * SipHash under a key drawn at start: nobody can craft keys that collide.
 * A live entry (still counting, or still making its key wait) is never
 * replaced: when a key's neighbourhood is full of live entries, the new key
 * is refused (yc_throttle_wait says so) instead of a lock being dropped.
 *
 * Waits grow: after rule.free events within rule.window_ms each further
 * event doubles the wait, from one second up to rule.max_wait_ms. A wrong
 * password costs its sender seconds, not the account's owner a hard lock.
 */
#ifndef YC_THROTTLE_H
#define YC_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct yc_throttle yc_throttle;

typedef struct {
	int64_t free;	     /* events within the window that cost no wait */
	int64_t window_ms;   /* counts older than this (and no wait left) are forgotten */
	int64_t max_wait_ms; /* the longest wait one key can be given */
} yc_throttle_rule;

/* A table of about `slots` entries (rounded up to a power of two); NULL without memory. */
yc_throttle *yc_throttle_new(unsigned slots);
void yc_throttle_free(yc_throttle *t);

/* Returned by yc_throttle_wait when the key is new and its neighbourhood is full. */
#define YC_THROTTLE_FULL_MS 60000

/*
 * Milliseconds key must still wait before its next attempt (0: go ahead).
 * A key not yet in the table waits YC_THROTTLE_FULL_MS when there is no room
 * to count it.
 */
int64_t yc_throttle_wait(yc_throttle *t, const char *key, int64_t now_ms);
/* Counts one event of key; returns the wait it now has (ms), or -1 when there was no room. */
int64_t yc_throttle_hit(yc_throttle *t, const char *key, const yc_throttle_rule *rule,
			int64_t now_ms);
/* Forgets key (a correct password clears its sender's count). */
void yc_throttle_clear(yc_throttle *t, const char *key);
/* Whether key has a live entry: it has done something counted, recently. */
int yc_throttle_known(yc_throttle *t, const char *key, int64_t now_ms);

/*
 * The key an address is counted under: an IPv4 address as it is (also when
 * mapped into IPv6), an IPv6 address as the /64 it is in ("2001:db8:1:2::/64"):
 * one subscriber usually holds a whole /64 and may take any address in it.
 */
void yc_throttle_net(const char *addr, char *out, size_t size);

#endif
