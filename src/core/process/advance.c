/*
 * advance.c — a run moving on. When a part's case ends, the action's own
 * transaction locks the run's row (run_lock), reads where every part stands
 * from the parts' cases, cancels what the definition's on_deny says,
 * starts the parts now ready (ordinary cases, accepted at once when the run
 * was), and ends the run when nothing is open. The lock orders parts ending
 * at the same moment, on one node or several: each reads what the one
 * before it committed, so the run ends exactly once.
 *
 * A run's own actions (process_run_act): the window accepts it as one
 * application, the applicant withdraws it, the window delivers every result
 * together.
 */
#include "core/process/process.h"
#include "core/process/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/audit.h"
#include "core/common/notify.h"
#include "lib/json.h"
#include "lib/banned.h"

/*
 * The run this thread is advancing: a part that ends while it does (a
 * cancelled part withdrawn, a started part decided at acceptance) marks it
 * to be read again rather than advancing it from inside itself.
 */
static __thread struct {
	char no[32];
	bool again;
} advancing;

/* The system acting for the run: what its filer uploaded, at its office. */
static void system_actor(const struct run_row *r, yc_user *sys)
{
	memset(sys, 0, sizeof(*sys));
	sys->id = r->filed_by;
	sys->role = ROLE_SYSTEM;
	snprintf(sys->username, sizeof(sys->username), "system");
	snprintf(sys->office, sizeof(sys->office), "%s", r->accept_office);
}

static int audit_run(db *d, const yc_user *actor, const struct run_row *r, const char *action,
		     const char *note, yc_err *err)
{
	yc_actor a = {actor->username,
		      actor->role == ROLE_SYSTEM ? "system" : account_role_name(actor->role)};
	char object[48], name[48], after[64];
	snprintf(object, sizeof(object), "process_run/%s", r->no);
	snprintf(name, sizeof(name), "process.%s", action);
	snprintf(after, sizeof(after), "{\"state\":\"%s\"}", process_state_name(r->state));
	return audit_append(d, &a, name, object, note, "", after, err);
}

/* The run's base for a part's case body: what it was filed with. */
static cJSON *run_base(const struct run_row *r)
{
	cJSON *b = cJSON_CreateObject();
	if (!b)
		return NULL;
	cJSON_AddStringToObject(b, "channel", r->channel);
	cJSON_AddItemToObject(b, "applicant", cJSON_Duplicate(r->applicant, true));
	cJSON_AddStringToObject(b, "office", r->accept_office);
	if (!strcmp(r->channel, "cross_region"))
		cJSON_AddStringToObject(b, "decide_office", r->decide_office);
	if (r->delivery)
		cJSON_AddItemToObject(b, "delivery", cJSON_Duplicate(r->delivery, true));
	if (r->commitment)
		cJSON_AddBoolToObject(b, "commitment", true);
	return b;
}

/*
 * Starts part i: its case filed by the system from the run's form and
 * materials, and accepted at once when the window has accepted the run. A
 * part whose item no longer takes what was filed (changed since) cannot
 * start: the run counts it as denied (its on_deny applies; the run never
 * ends as if it were done) and says why in its audit trail.
 */
static int cannot_start(db *d, const struct run_row *r, int i, const yc_user *sys, yc_err *why,
			yc_err *err)
{
	run_part_error(&r->def, i, why);
	advancing.again = true;
	int rc = db_run(d, err, "UPDATE process_runs SET failed = failed | ? WHERE no = ?", "is",
			(int64_t)(1u << i), r->no);
	return rc ? rc : audit_run(d, sys, r, "part_cannot_start", why->message, err);
}

static int start_part(db *d, const struct case_ctx *c, const struct run_row *r, int i, yc_err *err)
{
	yc_user sys;
	system_actor(r, &sys);
	cJSON *base = run_base(r);
	cJSON *body = base ? run_part_body(&r->def, i, base, r->form, r->materials, err) : NULL;
	cJSON_Delete(base);
	if (!body)
		return err && err->code ? err->code : YC_ENOMEM;
	struct case_new n;
	yc_err why;
	yc_err_clear(&why);
	int rc = case_prepare(d, c, &sys, body, &n, &why);
	if (rc == YC_EINVAL) {
		cJSON_Delete(body);
		return cannot_start(d, r, i, &sys, &why, err);
	}
	if (rc) {
		cJSON_Delete(body);
		if (err)
			*err = why;
		return rc;
	}
	n.applicant_user = r->applicant_user;
	snprintf(n.process_run, sizeof(n.process_run), "%s", r->no);
	n.process_part = i;
	n.at_once = true; /* accepted below, in this transaction */
	/* the item may have changed under the check (case_submit checks it again) */
	rc = case_submit(d, c, &sys, body, &n, NULL, &why);
	case_new_free(&n);
	cJSON_Delete(body);
	if (rc == YC_EINVAL || rc == YC_ECONFLICT)
		return cannot_start(d, r, i, &sys, &why, err);
	if (rc && err)
		*err = why;
	if (rc || !r->accepted_ms)
		return rc;
	char no[32] = "";
	if ((rc = db_get(d, err, "SELECT no FROM cases WHERE process_run = ? AND process_part = ?",
			 "si", "t", r->no, (int64_t)i, no, sizeof(no))) < 0)
		return rc;
	/* accepted as the run was; what the window must see for itself (a material owed) waits
	 * there */
	rc = case_act(d, c, &sys, no, CA_ACCEPT, NULL, NULL, &why);
	if (rc == YC_EINVAL || rc == YC_ECONFLICT || rc == YC_ENOTLOADED)
		rc = 0; /* (a deadline in a year whose calendar is not loaded: the window, later) */
	else if (rc && err)
		*err = why;
	return rc;
}

static int withdraw_part(db *d, const struct case_ctx *c, const struct run_row *r, int i,
			 const char *reason, yc_err *err)
{
	yc_user sys;
	system_actor(r, &sys);
	cJSON *body = cJSON_CreateObject();
	if (!body || !cJSON_AddStringToObject(body, "reason", reason)) {
		cJSON_Delete(body);
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	}
	int rc = case_act(d, c, &sys, r->case_no[i], CA_WITHDRAW, body, NULL, err);
	cJSON_Delete(body);
	return rc;
}

/* Tells the applicant the run has ended. */
static int tell_end(db *d, const struct run_row *r, yc_err *err)
{
	static const char *const news[] = {
		[PS_APPROVED] = "已全部办结，请按约定方式领取结果。",
		[PS_PARTIAL] = "已办结，部分事项未获准，详见各事项结果。",
		[PS_DENIED] = "未获准，其余事项已终止，详见决定书。",
		[PS_WITHDRAWN] = "已撤回。",
	};
	char to[48], text[512];
	snprintf(to, sizeof(to), "process:%s", r->no);
	snprintf(text, sizeof(text), "【一窗】您的一件事%s（%s）%s", r->no, r->process_name,
		 news[r->state]);
	return notify_queue(d, "sms", to, text, err);
}

/* One reading of the run (its row locked): cancel, start, end. */
static int advance_once(db *d, const struct case_ctx *c, const char *no, yc_err *err)
{
	struct run_row r;
	int rc = run_load(d, no, &r, err);
	if (rc)
		return rc;
	if (r.state != PS_RUNNING) {
		run_free(&r);
		return 0;
	}
	enum process_part_state parts[PROCESS_MAX_PARTS];
	run_parts(&r, parts);
	uint32_t cancel = process_to_cancel(&r.def, parts);
	for (int i = 0; i < r.def.nparts; i++)
		if (cancel & (1u << i))
			parts[i] = PP_CANCELLED;
	uint32_t ready = process_ready(&r.def, parts);
	for (int i = 0; i < r.def.nparts; i++)
		if (ready & (1u << i))
			parts[i] = PP_RUNNING;
	enum process_state was = r.state;
	r.state = process_state_of(&r.def, parts);
	r.cancelled |= cancel;
	int64_t now = run_now_ms(c);
	if (r.state != PS_RUNNING)
		r.decided_ms = now;
	rc = db_run(d, err,
		    "UPDATE process_runs SET cancelled = ?, state = ?,"
		    " decided_ms = NULLIF(CAST(? AS BIGINT), 0) WHERE no = ?",
		    "isis", (int64_t)r.cancelled, process_state_name(r.state), r.decided_ms, no);
	yc_user sys;
	system_actor(&r, &sys);
	if (!rc && r.state != was &&
	    !(rc = audit_run(d, &sys, &r, process_state_name(r.state), "", err)))
		rc = tell_end(d, &r, err);
	/* a run decided (not withdrawn): the applicant may rate it as one */
	if (!rc && r.state != was && r.state != PS_RUNNING && r.state != PS_WITHDRAWN && c->decided)
		rc = c->decided(d, c->decided_arg, "run", r.no, err);
	/* a run approved whole issues its own certificate (a comprehensive licence), if bound */
	if (!rc && r.state != was && r.state == PS_APPROVED && c->approved)
		rc = c->approved(d, c->approved_arg, "run", r.no, err);
	for (int i = 0; !rc && i < r.def.nparts; i++)
		if (ready & (1u << i))
			rc = start_part(d, c, &r, i, err);
	for (int i = 0; !rc && i < r.def.nparts; i++)
		if ((cancel & (1u << i)) && r.case_no[i][0] && case_state_open(r.case_state[i]))
			rc = withdraw_part(d, c, &r, i, "同一件事的其他事项未获准，本事项终止",
					   err);
	run_free(&r);
	return rc;
}

/* Advances run no until a reading changes nothing more (its row locked for the transaction). */
static int run_advance(db *d, const struct case_ctx *c, const char *no, yc_err *err)
{
	char outer[32];
	bool outer_again = advancing.again;
	snprintf(outer, sizeof(outer), "%s", advancing.no);
	snprintf(advancing.no, sizeof(advancing.no), "%s", no);
	int rc = run_lock(d, no, err);
	/* each reading ends a part or starts one: at most a few per part */
	for (int pass = 0; !rc && pass < 4 * PROCESS_MAX_PARTS; pass++) {
		advancing.again = false;
		rc = advance_once(d, c, no, err);
		if (!advancing.again)
			break;
	}
	snprintf(advancing.no, sizeof(advancing.no), "%s", outer);
	advancing.again = outer_again;
	/* the run's watchers see where it now stands */
	struct run_row r;
	if (!rc && !(rc = run_load(d, no, &r, err))) {
		rc = run_publish(d, &r, "advance", err);
		run_free(&r);
	}
	return rc;
}

int process_part_ended(db *d, const struct case_ctx *c, const char *run, int part, bool ended,
		       yc_err *err)
{
	(void)part; /* read again from the parts' cases, with everything else */
	if (!strcmp(advancing.no, run)) {
		advancing.again = advancing.again || ended; /* locked already */
		return 0;
	}
	return ended ? run_advance(d, c, run, err) : run_lock(d, run, err);
}

/* ---- the run's own actions ------------------------------------------------ */

static const char *const action_names[PRA_N] = {"accept", "withdraw", "deliver"};

int process_run_action_parse(const char *s)
{
	for (int i = 0; i < PRA_N; i++)
		if (!strcmp(s, action_names[i]))
			return i;
	return -1;
}

/* Who may take a run's action: the window of its office; the applicant withdraws their own. */
static int may_act(const struct run_row *r, const yc_user *u, enum process_run_action a,
		   yc_err *err)
{
	bool window = u->role == ROLE_CLERK && !strcmp(u->office, r->accept_office);
	bool owner = u->role == ROLE_APPLICANT && r->applicant_user && r->applicant_user == u->id;
	if (owner && a == PRA_WITHDRAW)
		return 0;
	/* the window withdraws for the applicant only what it has not accepted (as for a case) */
	if (window && a == PRA_WITHDRAW && r->accepted_ms)
		return yc_err_set(err, YC_EFORBIDDEN, "action",
				  "once accepted, only the applicant withdraws the run");
	if (window)
		return 0;
	if (u->role == ROLE_APPLICANT && !owner)
		return yc_err_set(err, YC_ENOTFOUND, "no", "no process run with number %s", r->no);
	return yc_err_set(err, YC_EFORBIDDEN, "action",
			  "only the window of the run's office may do this");
}

/* Accepts the run: its promise starts counting, and every part filed is accepted as one. */
static int accept_run(db *d, const struct case_ctx *c, const yc_user *actor, struct run_row *r,
		      const cJSON *body, yc_err *err)
{
	if (r->accepted_ms)
		return yc_err_conflict(err, "state", "accepted", "the run %s is accepted already",
				       r->no);
	const cJSON *lim = cJSON_GetObjectItemCaseSensitive(r->doc, "promised_limit");
	const char *unit = yc_json_str(lim, "unit");
	struct case_deadline dl;
	int64_t now = run_now_ms(c);
	int rc = case_deadline_after(c, now, (int)yc_json_int(lim, "value", 1),
				     unit && !strcmp(unit, "workhour"), &dl, err);
	if (!rc)
		rc = db_run(
			d, err,
			"UPDATE process_runs SET accepted_ms = ?, deadline = ?, deadline_min = ?,"
			" yellow_min = ? WHERE no = ?",
			"isiis", now, dl.text, dl.deadline_min, dl.yellow_min, r->no);
	/* audited as accepted before its parts are, whose acceptance may end it */
	r->accepted_ms = now;
	if (!rc)
		rc = audit_run(d, actor, r, "accept", "", err);
	for (int i = 0; !rc && i < r->def.nparts; i++) {
		if (!r->case_no[i][0] || r->case_state[i] != CS_SUBMITTED)
			continue;
		if ((rc = case_act(d, c, actor, r->case_no[i], CA_ACCEPT, body, NULL, err)))
			run_part_error(&r->def, i, err);
	}
	return rc;
}

static int withdraw_run(db *d, const struct case_ctx *c, const yc_user *actor, struct run_row *r,
			const cJSON *body, yc_err *err)
{
	enum process_part_state parts[PROCESS_MAX_PARTS];
	run_parts(r, parts);
	uint32_t waiting = 0;
	for (int i = 0; i < r->def.nparts; i++)
		if (parts[i] == PP_WAITING)
			waiting |= 1u << i;
	/* nothing more starts; each open part is withdrawn, and the run ends with the last */
	int rc = db_run(d, err, "UPDATE process_runs SET cancelled = cancelled | ? WHERE no = ?",
			"is", (int64_t)waiting, r->no);
	const char *reason = yc_json_str(body, "reason");
	snprintf(advancing.no, sizeof(advancing.no), "%s", r->no);
	for (int i = 0; !rc && i < r->def.nparts; i++)
		if (parts[i] == PP_RUNNING)
			rc = withdraw_part(d, c, r, i,
					   reason && *reason ? reason : "申请人撤回一件事", err);
	advancing.no[0] = '\0';
	if (!rc)
		rc = audit_run(d, actor, r, "withdraw", reason ? reason : "", err);
	return rc ? rc : run_advance(d, c, r->no, err);
}

/* One delivery of every decided part's result together. */
static int deliver_run(db *d, const struct case_ctx *c, const yc_user *actor, struct run_row *r,
		       const cJSON *body, yc_err *err)
{
	int rc = 0, delivered = 0;
	for (int i = 0; !rc && i < r->def.nparts; i++) {
		if (!r->case_no[i][0] ||
		    (r->case_state[i] != CS_APPROVED && r->case_state[i] != CS_DENIED))
			continue;
		if ((rc = case_act(d, c, actor, r->case_no[i], CA_DELIVER, body, NULL, err)))
			run_part_error(&r->def, i, err);
		delivered++;
	}
	if (!rc && !delivered)
		rc = yc_err_conflict(err, "state", process_state_name(r->state),
				     "run %s has no result waiting to be delivered", r->no);
	return rc ? rc : audit_run(d, actor, r, "deliver", "", err);
}

int process_run_act(db *d, const struct case_ctx *c, const yc_user *actor, const char *no,
		    enum process_run_action a, const cJSON *body, yc_buf *out, yc_err *err)
{
	struct run_row r;
	int rc = run_lock(d, no, err);
	if (rc || (rc = run_load(d, no, &r, err)))
		return rc;
	if ((rc = may_act(&r, actor, a, err)))
		goto out;
	bool running = r.state == PS_RUNNING;
	if (a != PRA_DELIVER && !running) {
		rc = yc_err_conflict(err, "state", process_state_name(r.state),
				     "a run that is %s cannot be %s", process_state_name(r.state),
				     a == PRA_ACCEPT ? "accepted" : "withdrawn");
		goto out;
	}
	if (a == PRA_DELIVER && running) {
		rc = yc_err_conflict(err, "state", "running",
				     "results are delivered together once every part has ended");
		goto out;
	}
	switch (a) {
	case PRA_ACCEPT: rc = accept_run(d, c, actor, &r, body, err); break;
	case PRA_WITHDRAW: rc = withdraw_run(d, c, actor, &r, body, err); break;
	case PRA_DELIVER: rc = deliver_run(d, c, actor, &r, body, err); break;
	case PRA_N: rc = YC_EINTERNAL; break;
	}
	if (!rc) {
		struct run_row now;
		if (!(rc = run_load(d, no, &now, err))) {
			rc = run_publish(d, &now, action_names[a], err);
			run_free(&now);
		}
	}
	if (!rc && out)
		rc = process_run_json(d, c, actor, no, out, err);
out:
	run_free(&r);
	return rc;
}
