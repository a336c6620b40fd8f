/*
 * conn.h — what the server keeps for each client connection beside
 * libevent's own: a watch on every request head's raw bytes, and the hook
 * that runs when the connection goes (issue 18, findings 17 and 18).
 *
 * libevent 2.1 parses a head leniently: a NUL cuts a header value short
 * without a word, a line that begins with a space or tab is folded into the
 * header before it (obs-fold), and a head may trickle in for as long as each
 * byte comes within the read timeout. The watch is a callback on the
 * connection's input buffer: it runs inside the read, before evhttp's read
 * callback, so it sees every byte of a head before the parser does.
 *
 *            first byte: deadline = now + header-timeout
 *   HEAD ------------------------------------------------> WAIT
 *    |  \            end of head (an empty line)             |
 *    |   \-- NUL, a line that starts with SP/HT, a CR       | the request is
 *    |       that ends no line: marked bad (the dispatch    | dispatched
 *    |       answers 400 and closes)                        |
 *    |-- deadline passed: the read timeout runs out          |
 *    |   (libevent closes the connection)                    v
 *    <------------- HEAD again: what the buffer holds --------
 *                   (its clock starts when the answer is sent)
 *
 *   PASS: an event stream; what its client sends is dropped.
 *   DEAD: after a CONNECT, which libevent answers itself without a
 *         dispatch: any further byte ends the connection.
 *
 * The watch never follows a body. When libevent dispatches a request it has
 * taken that request's head and body out of the buffer, so what is left is
 * the next head, exactly as libevent will read it; the watch starts over
 * there. Bodies that libevent skips or reads differently cannot desync it.
 *
 * A connection's state lives from its first byte until libevent's close
 * callback, which this module owns: others register with conn_on_close.
 * States are found by descriptor (one live connection per descriptor), so
 * nothing is ever evicted by other traffic.
 */
#ifndef YC_HTTP_CONN_H
#define YC_HTTP_CONN_H

#include <event2/bufferevent.h>
#include <event2/http.h>
#include <stdint.h>

/* Once, before the listener threads start: the limits, and the table. */
int conn_init(int64_t header_timeout_s, int64_t timeout_s);
void conn_release(void);

/* evhttp_set_bevcb's callback: a socket bufferevent with the watch on it. */
struct bufferevent *conn_bufferevent(struct event_base *base, void *arg);

/*
 * A request is being dispatched: 0 if its head was clean, -1 if it held a NUL
 * or an obs-fold (answer 400 and close). Either way the watch moves on to the
 * next head.
 */
int conn_request_begins(struct evhttp_request *ev);

/* fn(conn, arg) runs when conn closes (fn NULL: nothing runs); one hook at a time. */
void conn_on_close(struct evhttp_connection *conn, void (*fn)(struct evhttp_connection *, void *),
		   void *arg);

/*
 * The connection now carries an event stream: no more heads are read on it,
 * and its writes leave at once (TCP_NODELAY).
 */
void conn_stream(struct evhttp_connection *conn);

#endif
