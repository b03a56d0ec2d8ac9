/*
 * tests/bench/bench_engine.c - the engine benchmark (run by hand, not by
 * CI): N pods with 2 init + 2 regular containers each, sharing one parsed
 * spec, on the fake backend and the simulated clock.  Prints the memory
 * per pod after start-up and the CPU time to simulate one hour of
 * crash-looping (regular containers exit 1 after 1 s, forever).
 *
 *   build-x/tests/bench/bench_engine [PODS] [SIMULATED_SECONDS]
 *   (defaults: 100000 pods, 3600 s)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <podlife.h>

static const char spec[] =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bench\n  namespace: bench\nspec:\n"
        "  initContainers:\n  - name: init-a\n    image: busybox:1.36\n"
        "  - name: init-b\n    image: busybox:1.36\n"
        "  containers:\n  - name: app\n    image: nginx:1.25\n"
        "  - name: worker\n    image: busybox:1.36\n";

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			v = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

static unsigned long n_events;

static void on_event(void *ud, const podlife_event *ev)
{
	(void)ud;
	(void)ev;
	n_events++;
}

int main(int argc, char **argv)
{
	long pods = argc > 1 ? atol(argv[1]) : 100000;
	long secs = argc > 2 ? atol(argv[2]) : 3600;
	podlife_pod_list *list = NULL;
	if (podlife_pod_parse(spec, sizeof spec - 1, NULL, &list, NULL)) {
		fprintf(stderr, "spec does not parse\n");
		return 1;
	}
	podlife_pod *pod = podlife_pod_list_get(list, 0);
	podlife_simclock *sc;
	podlife_fake *f;
	podlife_engine *e;
	podlife_simclock_new(0, 0, NULL, &sc);
	podlife_fake_new(podlife_simclock_clock(sc), NULL, &f);
	podlife_fake_behave(f, "init-a", "exit:0", NULL);
	podlife_fake_behave(f, "init-b", "exit:0", NULL);
	podlife_fake_behave(f, "app", "exit:1@1s", NULL);
	podlife_fake_behave(f, "worker", "exit:1@1s", NULL);
	podlife_engine_config cfg = PODLIFE_ENGINE_CONFIG_INIT;
	cfg.backend = podlife_fake_backend(f);
	cfg.clock = podlife_simclock_clock(sc);
	cfg.on_event = on_event;
	if (podlife_engine_new(&cfg, &e)) {
		fprintf(stderr, "engine_new failed\n");
		return 1;
	}
	podlife_fake_attach(f, e);

	long rss0 = rss_kib();
	double c0 = cpu_seconds();
	char name[64];
	for (long i = 0; i < pods; i++) {
		snprintf(name, sizeof name, "bench-%ld", i);
		if (podlife_engine_add_pod_named(e, pod, NULL, name)) {
			fprintf(stderr, "add_pod %ld failed\n", i);
			return 1;
		}
	}
	double c1 = cpu_seconds();
	long rss1 = rss_kib();
	printf("pods: %ld (2 init + 2 regular containers each, one shared spec)\n", pods);
	printf("start-up: %.2f s CPU, RSS %+.1f MiB, %.0f bytes per pod (engine + fake backend)\n",
	       c1 - c0, (rss1 - rss0) / 1024.0, (rss1 - rss0) * 1024.0 / (double)pods);

	n_events = 0;
	podlife_fake_run(f, e, sc, secs * 1000, NULL, NULL);
	double c2 = cpu_seconds();
	long rss2 = rss_kib();
	podlife_fake_stats st;
	podlife_fake_get_stats(f, &st);
	podlife_pod_info pi = PODLIFE_POD_INFO_INIT;
	podlife_engine_pod_info(e, "bench", "bench-0", &pi);
	printf("simulated %ld s of crash-looping: %.2f s CPU, %lu container starts, %lu events\n",
	       secs, c2 - c1, st.starts, n_events);
	printf("pod bench-0 at the end: %s %s restarts %s\n", pi.phase, pi.status, pi.restarts_text);
	printf("RSS at the end: %.1f MiB (%.0f bytes per pod)\n", rss2 / 1024.0,
	       (rss2 - rss0) * 1024.0 / (double)pods);
	podlife_engine_free(e);
	podlife_fake_free(f);
	podlife_simclock_free(sc);
	podlife_pod_list_free(list);
	return 0;
}
