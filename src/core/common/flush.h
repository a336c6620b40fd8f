/*
 * flush.h — the order of the work every transaction defers to its end
 * (db_defer), in one list: lowest first, and no two modules on one value.
 * Two modules that shared one (a new case's events and the certificates'
 * signatures, both -1) once had one's entries handed to the other's flush
 * when a batch held both (found by the soak, issue 19); db.c now also keeps
 * each flush's entries apart within an order, but the list is the rule.
 */
#ifndef YC_FLUSH_H
#define YC_FLUSH_H

enum yc_flush_order {
	FLUSH_CASE_NUMBERS = -5, /* a new case's number (core/case/number.c) … */
	FLUSH_CASE_ROWS,	 /* … its row (submit.c) … */
	FLUSH_CASE_EVENTS,	 /* … and its first events (record.c) */
	FLUSH_CASE_FIGURES,	 /* the cases' kept figures, a batch's changes summed (figures.c) */
	FLUSH_CERT_SIGNATURES,	 /* the certificates issued, signed (certificate/sign.c) */
	FLUSH_AUDIT,		 /* the audit chain's events (audit.c) */
	FLUSH_OUTBOX,		 /* the outbox's events, after the audit's (outbox.c) */
};

#endif
