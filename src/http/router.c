/*
 * router.c — the route table and path matching. Patterns are literal
 * segments and {name} segments; a {name} matches one non-empty segment.
 */
#include "router.h"

#include <stdio.h>
#include <string.h>

#include "lib/banned.h"

#define KiB 1024
#define MiB (1024 * 1024)

const struct yc_route yc_routes[] = {
	{M_GET, "/api/v1/health", api_health_get, 0, 0},
	{M_GET, "/metrics", api_metrics_get, 0, 0},

	{M_POST, "/api/v1/session", api_session_create, 0, 4 * KiB},
	{M_GET, "/api/v1/session", api_session_get, ROLE_ANY, 0},
	{M_DELETE, "/api/v1/session", api_session_delete, ROLE_ANY, 0},
	{M_POST, "/api/v1/users", api_users_create, 0, 8 * KiB},
	{M_GET, "/api/v1/users", api_users_list, ROLE_SUPERVISOR | ROLE_ADMIN, 0},
	{M_POST, "/api/v1/users/{username}/actions/verify", api_users_verify, ROLE_CLERK, 4 * KiB},

	{M_GET, "/api/v1/calendar", api_calendar_list, 0, 0},
	{M_GET, "/api/v1/calendar/add-workdays", api_calendar_add_workdays, 0, 0},
	{M_GET, "/api/v1/calendar/add-workhours", api_calendar_add_workhours, 0, 0},
	{M_GET, "/api/v1/calendar/is-workday", api_calendar_is_workday, 0, 0},
	{M_GET, "/api/v1/calendar/{year}", api_calendar_get, 0, 0},
	{M_PUT, "/api/v1/calendar/{year}", api_calendar_put, ROLE_ADMIN, 64 * KiB},

	{M_GET, "/api/v1/items", api_items_list, 0, 0},
	{M_POST, "/api/v1/items", api_items_create, ROLE_ADMIN, 1 * MiB},
	{M_GET, "/api/v1/items/{code}", api_items_get, 0, 0},
	{M_PUT, "/api/v1/items/{code}", api_items_update, ROLE_ADMIN, 1 * MiB},
	{M_POST, "/api/v1/items/{code}/actions/retire", api_items_retire, ROLE_ADMIN, 0},
	{M_POST, "/api/v1/items/{code}/actions/restore", api_items_restore, ROLE_ADMIN, 0},
	{M_GET, "/api/v1/departments", api_departments_list, 0, 0},
	{M_GET, "/api/v1/offices", api_offices_list, 0, 0},
	{M_GET, "/api/v1/catalog/stats", api_catalog_stats, 0, 0},

	{M_POST, "/api/v1/cases", api_cases_create, ROLE_APPLICANT | ROLE_CLERK, 256 * KiB},
	{M_GET, "/api/v1/cases", api_cases_list, ROLE_ANY, 0},
	{M_GET, "/api/v1/cases/stats", api_cases_stats, ROLE_SUPERVISOR | ROLE_ADMIN, 0},
	{M_GET, "/api/v1/cases/{no}", api_cases_get, ROLE_ANY, 0},
	{M_POST, "/api/v1/cases/{no}/actions/{action}", api_cases_act,
	 ROLE_APPLICANT | ROLE_CLERK | ROLE_APPROVER | ROLE_SUPERVISOR, 256 * KiB, BODY_JSON_OPTIONAL},
	{M_GET, "/api/v1/cases/{no}/documents/{kind}", api_cases_document, ROLE_ANY, 0},
	{M_GET, "/api/v1/cases/{no}/materials/{sha256}", api_cases_material, ROLE_ANY, 0},
	{M_GET, "/api/v1/progress/{no}", api_progress_get, 0, 0},
	{M_POST, "/api/v1/materials", api_materials_create, ROLE_APPLICANT | ROLE_CLERK, 10 * MiB,
	 BODY_RAW},
	{M_GET, "/api/v1/materials/{sha256}", api_materials_get, ROLE_ANY, 0},
	{M_GET, "/api/v1/post-checks", api_post_checks_list, ROLE_APPROVER | ROLE_SUPERVISOR, 0},
	{M_POST, "/api/v1/post-checks/{no}/actions/complete", api_post_checks_complete,
	 ROLE_APPROVER, 8 * KiB},

	{M_GET, "/api/v1/hall", api_hall_get, 0, 0},
	{M_GET, "/api/v1/hall/events", api_hall_events, 0, 0},
	{M_GET, "/api/v1/hall/stats", api_hall_stats, ROLE_SUPERVISOR | ROLE_ADMIN, 0},
	{M_POST, "/api/v1/windows/{no}/actions/{action}", api_windows_act, ROLE_CLERK, 0},
	{M_POST, "/api/v1/windows/{no}/call-next", api_windows_call_next, ROLE_CLERK, 0},
	{M_POST, "/api/v1/tickets", api_tickets_create, 0, 4 * KiB},
	{M_GET, "/api/v1/tickets/{id}", api_tickets_get, 0, 0},
	{M_POST, "/api/v1/tickets/{id}/actions/{action}", api_tickets_act,
	 ROLE_CLERK | ROLE_SUPERVISOR, 16 * KiB, BODY_JSON_OPTIONAL},
	{M_GET, "/api/v1/appointment-slots", api_appointment_slots, 0, 0},
	{M_POST, "/api/v1/appointments", api_appointments_create, ROLE_APPLICANT, 4 * KiB},
	{M_GET, "/api/v1/appointments", api_appointments_list, ROLE_APPLICANT, 0},
	{M_POST, "/api/v1/appointments/{id}/actions/{action}", api_appointments_act, 0, 4 * KiB,
	 BODY_JSON_OPTIONAL},

	{M_GET, "/api/v1/audit/verify", api_audit_verify, ROLE_ADMIN | ROLE_SUPERVISOR, 0},

	{M_GET, "/api/v1/events", api_events_get, 0, 0},
};
const size_t yc_nroutes = sizeof(yc_routes) / sizeof(yc_routes[0]);

const char *router_method_name(int method)
{
	switch (method) {
	case M_GET: return "GET";
	case M_POST: return "POST";
	case M_PUT: return "PUT";
	case M_DELETE: return "DELETE";
	case M_PATCH: return "PATCH";
	case M_HEAD: return "HEAD";
	}
	return "?";
}

/* Matches path against pattern; fills params on success. */
static bool route_matches(const char *pattern, const char *path, yc_req *r)
{
	int np = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			const char *seg_end = strchr(s, '/');
			size_t len = seg_end ? (size_t)(seg_end - s) : strlen(s);
			if (!close || len == 0 || np == YC_MAX_PARAMS ||
			    len >= sizeof(r->params[0]))
				return false;
			if (r) {
				memcpy(r->params[np], s, len);
				r->params[np][len] = '\0';
			}
			np++;
			p = close + 1;
			s += len;
			continue;
		}
		if (*p != *s)
			return false;
		p++, s++;
	}
	return *p == '\0' && *s == '\0';
}

int router_match(int method, const char *path, yc_req *r)
{
	bool other_method = false;
	for (size_t i = 0; i < yc_nroutes; i++) {
		if (!route_matches(yc_routes[i].pattern, path, NULL))
			continue;
		int m = method == M_HEAD ? M_GET : method;
		if (yc_routes[i].method != m) {
			other_method = true;
			continue;
		}
		route_matches(yc_routes[i].pattern, path, r);
		return (int)i;
	}
	return other_method ? YC_EMETHOD : YC_ENOTFOUND;
}
