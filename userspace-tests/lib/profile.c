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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "gpt.h"

#define TRACEFS "/sys/kernel/tracing/"
#define BUFFER_KB 16384

/* The settings changed, and what they were. */
static const char *const saved_names[] = {
	"tracing_on", "max_graph_depth", "buffer_size_kb",
	"options/funcgraph-irqs", "options/funcgraph-tail", "options/funcgraph-proc",
};
#define NR_SAVED (sizeof(saved_names) / sizeof(saved_names[0]))
static char saved[NR_SAVED][32];

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

static void restore(void)
{
	tf_write("tracing_on", "0");
	tf_write("current_tracer", "nop");
	tf_write("set_graph_function", "");
	tf_write("trace", "");
	for (unsigned int i = NR_SAVED; i--;)
		if (*saved[i])
			tf_write(saved_names[i], saved[i]);
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
	char buf[256], num[16];
	int err;

	memset(saved, 0, sizeof(saved));
	err = gpt_profile_available(why, len);
	if (err)
		return err;
	if (tf_read("current_tracer", buf, sizeof(buf)) || strcmp(buf, "nop")) {
		snprintf(why, len, "the tracer is in use (current_tracer: %s)", buf);
		return -EBUSY;
	}
	for (unsigned int i = 0; i < NR_SAVED; i++) {
		char *x;

		if (tf_read(saved_names[i], buf, sizeof(buf)))
			continue;
		/* buffer_size_kb before first use: "7 (expanded: 1408)" */
		x = strstr(buf, "expanded: ");
		snprintf(saved[i], sizeof(saved[i]), "%.31s", x ? x + 10 : buf);
		saved[i][strcspn(saved[i], " )")] = 0;
	}
	snprintf(num, sizeof(num), "%u", depth);
	snprintf(buf, sizeof(buf), "%d", BUFFER_KB);
	err = tf_write("tracing_on", "0");
	if (!err)
		err = tf_write("set_graph_function", function);
	if (err) {
		snprintf(why, len, "set_graph_function %s: %s", function, strerror(-err));
		restore();
		return err;
	}
	err = tf_write("max_graph_depth", num);
	if (!err)
		err = tf_write("buffer_size_kb", buf);
	/* Interrupts are not the call's; the closing brace names its function. */
	tf_write("options/funcgraph-irqs", "0");
	tf_write("options/funcgraph-tail", "1");
	tf_write("options/funcgraph-proc", "0");
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

/* One line of the function_graph trace. */
static void fold_line(struct gpt_profile *p, const char *line, int *stack, unsigned int *top)
{
	const char *bar = strchr(line, '|'), *s, *lost = strstr(line, "[LOST ");
	char name[GPT_PROF_NAME];
	size_t n;
	int i;

	if (lost) {
		p->lost += strtoull(lost + 6, NULL, 10);
		return;
	}
	if (*line == '#' || !bar || !strchr(line, ')'))
		return;
	for (s = bar + 1; *s == ' '; s++)
		;
	n = strcspn(s, "\n");
	if (n && s[n - 1] == '{') {
		fn_name(s, name, sizeof(name));
		if (*top == GPT_PROF_DEPTH)
			return;
		i = node(p, *top ? stack[*top - 1] : -1, name);
		if (i < 0)
			return;
		p->nodes[i].calls++;
		stack[(*top)++] = i;
	} else if (*s == '}') {
		/* A closing brace for a call whose opening was not traced. */
		if (!*top)
			return;
		i = stack[--(*top)];
		p->nodes[i].total_ns += duration_ns(strchr(line, ')') + 1, bar);
	} else if (n > 2 && !strncmp(s + n - 2, ");", 2)) {
		uint64_t ns = duration_ns(strchr(line, ')') + 1, bar);

		fn_name(s, name, sizeof(name));
		i = node(p, *top ? stack[*top - 1] : -1, name);
		if (i < 0)
			return;
		p->nodes[i].calls++;
		p->nodes[i].total_ns += ns;
	}
}

int gpt_profile_stop(struct gpt_profile *p, char *why, size_t len)
{
	int stack[GPT_PROF_DEPTH];
	unsigned int top = 0;
	char line[512];
	FILE *f;

	memset(p, 0, sizeof(*p));
	tf_write("tracing_on", "0");
	f = fopen(TRACEFS "trace", "re");
	if (!f) {
		snprintf(why, len, TRACEFS "trace: %s", strerror(errno));
		restore();
		return -errno;
	}
	while (fgets(line, sizeof(line), f))
		fold_line(p, line, stack, &top);
	fclose(f);
	restore();
	/* Self time: a node's time less its children's. */
	for (unsigned int i = 0; i < p->nr; i++)
		if (p->nodes[i].parent >= 0)
			p->nodes[p->nodes[i].parent].child_ns += p->nodes[i].total_ns;
	if (!p->nr) {
		snprintf(why, len, "the trace has no call of the graph function");
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
