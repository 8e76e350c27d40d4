// SPDX-License-Identifier: GPL-2.0
/*
 * libgpt: where a call's time goes, by kernel function.  The
 * function_graph tracer (tracefs; CONFIG_FUNCTION_GRAPH_TRACER, in
 * Debian's kernels, unlike the function profiler) records every function
 * entered below one graph function, to a depth, with its duration; the
 * trace is folded into a call tree: one node per call path, with its
 * calls and its time.  A function at the depth limit is a leaf whose time
 * includes everything it called, untraced.  The tracer's own cost is in
 * the times (more the deeper and the more calls): they give shares and
 * counts, not a benchmark.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "gpt.h"

#define TRACEFS "/sys/kernel/tracing/"
#define BUFFER_KB 16384		/* the traced CPU's ring buffer */

/*
 * The settings changed, what they are set to, and what they were: the
 * parser reads the default function_graph format (CPU, duration, no
 * absolute time, no return values, the function's name at its closing
 * brace), interrupts left out.  Options a kernel has not are skipped.
 */
static const struct {
	const char *name, *value;
} settings[] = {
	{ "tracing_on", "0" },
	{ "max_graph_depth", NULL },
	{ "options/funcgraph-irqs", "0" },
	{ "options/funcgraph-tail", "1" },
	{ "options/funcgraph-proc", "0" },
	{ "options/funcgraph-cpu", "1" },
	{ "options/funcgraph-duration", "1" },
	{ "options/funcgraph-abstime", "0" },
	{ "options/funcgraph-retval", "0" },
	{ "options/funcgraph-retaddr", "0" },
	{ "options/latency-format", "0" },
	{ "options/overwrite", "1" },
};
#define NR_SETTINGS (sizeof(settings) / sizeof(settings[0]))
static char saved[NR_SETTINGS][32];
static char saved_buffer[32], buffer_file[64];
static cpu_set_t saved_cpus;
static bool active;
static char graph_function[GPT_PROF_NAME];

/* Filters that would prune the tree: they must be empty. */
static const char *const filters[] = {
	"set_graph_function", "set_graph_notrace", "set_ftrace_filter",
	"set_ftrace_notrace", "set_ftrace_pid",
};
static int tf_read(const char *name, char *buf, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), TRACEFS "%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static int tf_write(const char *name, const char *val)
{
	char path[128];
	int fd, err = 0;

	snprintf(path, sizeof(path), TRACEFS "%s", name);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (*val && write(fd, val, strlen(val)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* Puts back what gpt_profile_start() changed; safe to call twice. */
static void restore(void)
{
	if (!active)
		return;
	active = false;
	tf_write("tracing_on", "0");
	tf_write("current_tracer", "nop");
	tf_write("set_graph_function", "");
	tf_write("trace", "");
	if (*saved_buffer)
		tf_write(buffer_file, saved_buffer);
	for (unsigned int i = NR_SETTINGS; i--;)
		if (*saved[i])
			tf_write(settings[i].name, saved[i]);
	sched_setaffinity(0, sizeof(saved_cpus), &saved_cpus);
}

/* Killed while tracing: put the tracer back, then die of the signal. */
static void on_signal(int sig)
{
	restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* A tracefs file holds something other than comments and "no pid". */
static bool tf_set(const char *name)
{
	char buf[512], *line, *save;

	if (tf_read(name, buf, sizeof(buf)))
		return false;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (*line && *line != '#' && strcmp(line, "no pid"))
			return true;
	return false;
}

int gpt_profile_available(char *why, size_t len)
{
	char buf[256];

	if (tf_read("available_tracers", buf, sizeof(buf))) {
		snprintf(why, len, "no tracefs at " TRACEFS);
		return -ENOENT;
	}
	if (!strstr(buf, "function_graph")) {
		snprintf(why, len, "no function_graph tracer (CONFIG_FUNCTION_GRAPH_TRACER)");
		return -EOPNOTSUPP;
	}
	return 0;
}

int gpt_profile_start(const char *function, unsigned int depth, char *why, size_t len)
{
	char buf[256] = "", num[16];
	cpu_set_t one;
	int err, cpu;

	err = gpt_profile_available(why, len);
	if (err)
		return err;
	if (tf_read("current_tracer", buf, sizeof(buf)) || strcmp(buf, "nop")) {
		snprintf(why, len, "the tracer is in use (current_tracer: %s)", buf);
		return -EBUSY;
	}
	for (unsigned int i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
		if (tf_set(filters[i])) {
			snprintf(why, len, "%s is set: someone else's tracing", filters[i]);
			return -EBUSY;
		}
	/* One CPU, one ring buffer to size and to read the losses of. */
	cpu = sched_getcpu();
	if (cpu < 0 || sched_getaffinity(0, sizeof(saved_cpus), &saved_cpus)) {
		snprintf(why, len, "sched_getcpu: %s", strerror(errno));
		return -errno;
	}
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	sched_setaffinity(0, sizeof(one), &one);
	snprintf(buffer_file, sizeof(buffer_file), "per_cpu/cpu%d/buffer_size_kb", cpu);
	memset(saved, 0, sizeof(saved));
	*saved_buffer = 0;
	if (!tf_read(buffer_file, buf, sizeof(buf))) {
		/* before first use: "7 (expanded: 1408)" */
		char *x = strstr(buf, "expanded: ");

		snprintf(saved_buffer, sizeof(saved_buffer), "%.31s", x ? x + 10 : buf);
		saved_buffer[strcspn(saved_buffer, " )")] = 0;
	}
	for (unsigned int i = 0; i < NR_SETTINGS; i++)
		if (!tf_read(settings[i].name, buf, sizeof(buf)))
			snprintf(saved[i], sizeof(saved[i]), "%.31s", buf);
	active = true;
	atexit(restore);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	for (unsigned int i = 0; i < NR_SETTINGS; i++)
		if (*saved[i] && settings[i].value)
			tf_write(settings[i].name, settings[i].value);
	snprintf(num, sizeof(num), "%u", depth);
	snprintf(buf, sizeof(buf), "%d", BUFFER_KB);
	snprintf(graph_function, sizeof(graph_function), "%s", function);
	err = tf_write("set_graph_function", function);
	if (err) {
		snprintf(why, len, "set_graph_function %s: %s", function, strerror(-err));
		restore();
		return err;
	}
	err = tf_write("max_graph_depth", num);
	if (!err)
		err = tf_write(buffer_file, buf);
	if (!err)
		err = tf_write("trace", "");
	if (!err)
		err = tf_write("current_tracer", "function_graph");
	if (!err)
		err = tf_write("tracing_on", "1");
	if (err) {
		snprintf(why, len, "setting up function_graph: %s", strerror(-err));
		restore();
	}
	return err;
}

/* The child of @parent named @name, made if new. */
static int node(struct gpt_profile *p, int parent, const char *name)
{
	struct gpt_prof_node *n;

	for (unsigned int i = 0; i < p->nr; i++)
		if (p->nodes[i].parent == parent && !strcmp(p->nodes[i].name, name))
			return (int)i;
	if (p->nr == p->cap) {
		unsigned int cap = p->cap ? 2 * p->cap : 64;
		struct gpt_prof_node *m = realloc(p->nodes, cap * sizeof(*m));

		if (!m)
			return -1;
		p->nodes = m;
		p->cap = cap;
	}
	n = &p->nodes[p->nr];
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->parent = parent;
	n->depth = parent < 0 ? 0 : p->nodes[parent].depth + 1;
	return (int)p->nr++;
}

/* "12.345 us" (with the tracer's +, !, # ... marks before it) in ns. */
static uint64_t duration_ns(const char *s, const char *end)
{
	while (s < end && !(*s >= '0' && *s <= '9'))
		s++;
	return s < end ? (uint64_t)(strtod(s, NULL) * 1000 + 0.5) : 0;
}

/* "name [module]()" or "name()": the name alone. */
static void fn_name(const char *s, char *out, size_t len)
{
	size_t n = strcspn(s, " ([");

	snprintf(out, len, "%.*s", (int)n, s);
}

/* Folding a trace: the open calls, and what did not add up. */
struct fold {
	int stack[GPT_PROF_DEPTH];
	unsigned int top;
	unsigned int bad;		/* lines that do not fit the calls open */
	uint64_t roots;			/* root calls closed */
};

/* One line of the function_graph trace. */
static void fold_line(struct gpt_profile *p, const char *line, struct fold *f)
{
	const char *bar = strchr(line, '|'), *s, *tail;
	char name[GPT_PROF_NAME];
	size_t n;
	int i;

	if (*line == '#' || !bar || !strchr(line, ')'))
		return;
	for (s = bar + 1; *s == ' '; s++)
		;
	n = strcspn(s, "\n");
	if (n && s[n - 1] == '{') {
		fn_name(s, name, sizeof(name));
		i = f->top == GPT_PROF_DEPTH ? -1 : node(p, f->top ? f->stack[f->top - 1] : -1, name);
		if (i < 0) {
			f->bad++;
			return;
		}
		p->nodes[i].calls++;
		f->stack[f->top++] = i;
	} else if (*s == '}') {
		/* A closing brace for a call whose opening was not traced. */
		if (!f->top) {
			f->bad++;
			return;
		}
		i = f->stack[--f->top];
		p->nodes[i].total_ns += duration_ns(strchr(line, ')') + 1, bar);
		/* funcgraph-tail: "} /" "* name *" "/" names the call it closes */
		tail = strstr(s, "/* ");
		if (tail && strncmp(tail + 3, p->nodes[i].name, strlen(p->nodes[i].name)))
			f->bad++;
		f->roots += !f->top;
	} else if (n > 2 && !strncmp(s + n - 2, ");", 2)) {
		uint64_t ns = duration_ns(strchr(line, ')') + 1, bar);

		fn_name(s, name, sizeof(name));
		i = node(p, f->top ? f->stack[f->top - 1] : -1, name);
		if (i < 0) {
			f->bad++;
			return;
		}
		p->nodes[i].calls++;
		p->nodes[i].total_ns += ns;
		f->roots += !f->top;
	}
}

/* Events the traced CPU's ring buffer overwrote or dropped. */
static uint64_t lost_events(void)
{
	char path[64], line[128];
	unsigned long long v;
	uint64_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), TRACEFS "%.*s/stats",
		 (int)(strrchr(buffer_file, '/') - buffer_file), buffer_file);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "overrun: %llu", &v) == 1 ||
		    sscanf(line, "dropped events: %llu", &v) == 1)
			n += v;
	if (f)
		fclose(f);
	return n;
}

int gpt_profile_stop(struct gpt_profile *p, char *why, size_t len)
{
	struct fold fold = { .top = 0 };
	uint64_t root_calls = 0;
	char line[512];
	FILE *f;
	int err;

	memset(p, 0, sizeof(*p));
	tf_write("tracing_on", "0");
	p->lost = lost_events();
	f = fopen(TRACEFS "trace", "re");
	if (!f) {
		err = -errno;
		snprintf(why, len, TRACEFS "trace: %s", strerror(-err));
		restore();
		return err;
	}
	while (fgets(line, sizeof(line), f))
		fold_line(p, line, &fold);
	fclose(f);
	restore();
	/* Self time: a node's time less its children's. */
	for (unsigned int i = 0; i < p->nr; i++) {
		if (p->nodes[i].parent >= 0)
			p->nodes[p->nodes[i].parent].child_ns += p->nodes[i].total_ns;
		else if (!strcmp(p->nodes[i].name, graph_function))
			root_calls += p->nodes[i].calls;
		else
			fold.bad++;
	}
	if (!root_calls) {
		snprintf(why, len, "the trace has no call of %s", graph_function);
		return -ENODATA;
	}
	/*
	 * A tree with calls missing would mislead: none, rather.  A stray
	 * line (an interrupt's exit seen without its entry, now and then) is
	 * left out and counted.
	 */
	p->stray = fold.bad;
	if (p->lost || fold.top) {
		snprintf(why, len, "the trace is incomplete: %" PRIu64 " events lost, %u lines "
			 "out of place, %u calls open at its end", p->lost, fold.bad, fold.top);
		return -ENODATA;
	}
	return 0;
}

void gpt_profile_free(struct gpt_profile *p)
{
	free(p->nodes);
	memset(p, 0, sizeof(*p));
}

const struct gpt_prof_node *gpt_profile_find(const struct gpt_profile *p, int parent,
					     const char *name)
{
	for (unsigned int i = 0; i < p->nr; i++)
		if (p->nodes[i].parent == parent && !strcmp(p->nodes[i].name, name))
			return &p->nodes[i];
	return NULL;
}
