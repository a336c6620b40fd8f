/*
 * limits.h — the budgets a caller spends: failed logins, wrong progress
 * guesses, kiosk tickets and registrations. Each budget is its own table
 * (lib/throttle.h: keyed, never evicting a live count), in memory: each node
 * counts its own.
 *
 *   budget            key                    free (setting)                    longest wait
 *   login pair        account + address      login-max-failures                login-lock
 *   login address     address                login-max-failures-address        login-lock
 *   login account     account                login-max-failures-account        60 s
 *   progress case     case number            progress-max-failures             login-lock
 *   progress address  address                progress-max-failures-address     login-lock
 *   failures          the node               failure-budget per minute         60 s
 *   tickets           address                tickets-per-address per hour      1 h
 *   registrations     address                registrations-per-address/hour    1 h
 *   guide log         address                guide-log-per-address per hour    1 h
 *
 * When the node's failure budget is spent, an address that failed recently
 * waits; one that has not goes on.
 */
#ifndef YC_LIMITS_H
#define YC_LIMITS_H

#include "http/http.h"

enum yc_limit {
	LIM_LOGIN_PAIR,
	LIM_LOGIN_ADDRESS,
	LIM_LOGIN_ACCOUNT,
	LIM_PROGRESS_CASE,
	LIM_PROGRESS_ADDRESS,
	LIM_FAILURES,
	LIM_TICKETS,
	LIM_REGISTRATIONS,
	LIM_GUIDE_LOG,
	LIM_COUNT
};

struct yc_limits *limits_new(const yc_config *cfg);
void limits_free(struct yc_limits *l);

/* Milliseconds key must wait under budget b (0: go ahead). */
int64_t limits_wait(yc_req *r, enum yc_limit b, const char *key);
/* Counts one event of key under budget b (a failure, a ticket, a registration). */
void limits_hit(yc_req *r, enum yc_limit b, const char *key);
void limits_clear(yc_req *r, enum yc_limit b, const char *key);
/*
 * Spends one of key's free events under budget b (a ticket, a registration):
 * 0 when there was one, else the wait (ms) before the next.
 */
int64_t limits_spend(yc_req *r, enum yc_limit b, const char *key);
/*
 * Whether the node's failure budget is spent and this caller's address has
 * failed recently under budget b (its address budget): then it waits.
 */
int64_t limits_failures_wait(yc_req *r, enum yc_limit b);
/* Whether key has been counted in b lately (an address that has failed). */
bool limits_known(yc_req *r, enum yc_limit b, const char *key);
/* Counts one failure against the node's budget and the address budget b. */
void limits_failure(yc_req *r, enum yc_limit b);
/* Answers 429 with Retry-After for wait_ms: "what; try again in N seconds". */
int limits_refuse(yc_req *r, int64_t wait_ms, const char *field, const char *what);

#endif
