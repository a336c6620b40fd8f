/* api/users.c — applicants register themselves; a clerk verifies their identity at a window. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/ids.h"
#include "http/limits.h"
#include "http/router.h"
#include "lib/banned.h"

struct registration {
	struct account_new n;
	cJSON *body; /* owns the strings n points at */
	char hash[YC_PASSWORD_HASH_MAX];
	int64_t id;
};

static int registration_write(db *d, void *arg, yc_reply *out, yc_err *err)
{
	struct registration *g = arg;
	yc_actor self = {g->n.username, "applicant"};
	int rc = account_insert(d, &self, &g->n, g->hash, &g->id, err);
	if (rc)
		return rc;
	yc_user u;
	memset(&u, 0, sizeof(u));
	u.id = g->id;
	u.role = ROLE_APPLICANT;
	snprintf(u.username, sizeof(u.username), "%s", g->n.username);
	snprintf(u.name, sizeof(u.name), "%s", g->n.name);
	snprintf(u.kind, sizeof(u.kind), "%s", g->n.kind);
	ids_mask_id(g->n.id_number, u.id_masked, sizeof(u.id_masked));
	ids_mask_phone(g->n.phone, u.phone_masked, sizeof(u.phone_masked));
	out->status = 201;
	yc_buf_adds(&out->body, "{\"user\":");
	account_user_json(&u, &out->body);
	return yc_buf_addc(&out->body, '}');
}

static void registration_free(void *arg)
{
	struct registration *g = arg;
	cJSON_Delete(g->body);
	free(g);
}

static const struct yc_write_ops registration_ops = {registration_write, NULL, registration_free,
						     true};

int api_users_create(yc_req *r)
{
	static const yc_jfield spec[] = {
		{"username", YC_JT_STRING, true, 32},  {"password", YC_JT_STRING, true, 128},
		{"name", YC_JT_STRING, true, 100},     {"kind", YC_JT_STRING, true, 16},
		{"id_number", YC_JT_STRING, true, 18}, {"phone", YC_JT_STRING, true, 11},
	};
	int rc = yc_json_check(r->body, spec, sizeof(spec) / sizeof(spec[0]), &r->err);
	if (rc)
		return rc;
	/* each registration costs an argon2 hash: an address registers a few an hour */
	int64_t wait = limits_spend(r, LIM_REGISTRATIONS, http_peer_net(r));
	if (wait)
		return limits_refuse(r, wait, NULL, "too many registrations from this address");
	struct registration *g = calloc(1, sizeof(*g));
	if (!g)
		return yc_err_set(&r->err, YC_ENOMEM, NULL, NULL);
	g->body = r->body;
	r->body = NULL;
	g->n.username = yc_json_str(g->body, "username");
	g->n.password = yc_json_str(g->body, "password");
	g->n.role = "applicant";
	g->n.name = yc_json_str(g->body, "name");
	g->n.kind = yc_json_str(g->body, "kind");
	g->n.id_number = yc_json_str(g->body, "id_number");
	g->n.phone = yc_json_str(g->body, "phone");
	if ((rc = account_validate(&g->n, &r->err)) ||
	    (rc = account_hash_password(g->n.password, g->hash, &r->err))) {
		cJSON_Delete(g->body);
		free(g);
		return rc;
	}
	return http_write(r, &registration_ops, g);
}

int api_users_list(yc_req *r)
{
	const char *role = http_query(r, "role");
	if (!role)
		return yc_err_set(&r->err, YC_EINVAL, "role", "role is required");
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = account_staff_json(r->db, role, http_query(r, "department"), &b, &r->err);
	return http_reply_read(r, rc, &b);
}

/* A verification: params {username}; the body holds id_number and name. */
static int verification_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	yc_actor actor = {c->user.username, account_role_name(c->user.role)};
	yc_user u;
	int rc = account_verify(d, &actor, c->params[0], yc_json_str(c->body, "id_number"),
				yc_json_str(c->body, "name"), &u, err);
	if (rc)
		return rc;
	yc_buf_adds(&out->body, "{\"user\":");
	account_user_json(&u, &out->body);
	return yc_buf_addc(&out->body, '}');
}

/* POST /users/{username}/actions/verify {id_number, name}: the clerk has seen the card. */
int api_users_verify(yc_req *r)
{
	static const yc_jfield spec[] = {
		{"id_number", YC_JT_STRING, true, 18},
		{"name", YC_JT_STRING, true, 100},
	};
	int rc = yc_json_check(r->body, spec, 2, &r->err);
	if (rc)
		return rc;
	return http_call(r, verification_write, 0, true);
}
