/* cmd_doctor.c - see cmd_doctor.h. */
#include "cmd_doctor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "embed.h"
#include "llm.h"
#include "measure_sock.h"
#include "paths.h"
#include "sandbox.h"
#include "sandbox_cgroup.h"
#include "sandbox_enter.h"
#include "scratch.h"
#include "voice.h"

#define SELFTEST_MSG_MAX 512

static const char doctor_usage[] = "usage: pyharness doctor [--json]\n";

struct layer {
    const char *name; /* as in sandbox_layers_string() and the probe's notes */
    const char *what;
    int on;
};

/* The reason the probe gave for `name` ("name: why; " in the notes), or "". */
static void reason_of(const char *notes, const char *name, char *out, size_t cap)
{
    char key[32];
    const char *p, *end;
    size_t len;

    out[0] = '\0';
    snprintf(key, sizeof key, "%s: ", name);
    for (p = strstr(notes, key); p != NULL; p = strstr(p + 1, key)) {
        if (p == notes || p[-1] == ' ')
            break;
    }
    if (p == NULL)
        return;
    p += strlen(key);
    end = strchr(p, ';');
    len = end != NULL ? (size_t)(end - p) : strlen(p);
    if (len >= cap)
        len = cap - 1;
    memcpy(out, p, len);
    out[len] = '\0';
}

/* The self-test's worker: confine, then report on fd 3 (the result pipe). */
static void selftest_body(const struct sandbox_run *run, const void *job, size_t len, void *arg)
{
    struct ph_err err = {0};
    char buf[SELFTEST_MSG_MAX];
    size_t n;

    (void)job;
    (void)len;
    (void)arg;
    if (sandbox_enter(run, &err) != PH_OK)
        snprintf(buf, sizeof buf, "%s", err.msg);
    else
        snprintf(buf, sizeof buf, "ok");
    n = strlen(buf);
    _exit(write(3, buf, n) == (ssize_t)n ? 0 : 1);
}

/*
 * Start a host and one confined run in it, with a throwaway scratch root,
 * and report whether sandbox_enter succeeded: the layers are probed one by
 * one, this checks that they also work together.
 */
static int selftest(char *msg, size_t cap)
{
    char scratch[PATH_MAX];
    struct sandbox_policy pol;
    struct sandbox_hooks hooks;
    struct sandbox_host *h = NULL;
    struct sandbox_run run;
    struct rusage ru;
    struct ph_err err = {0};
    int pfd[2] = {-1, -1};
    int fds[3] = {-1, -1, -1};
    int status = 0, ok = 0;
    ssize_t n;

    snprintf(msg, cap, "could not start");
    run.scratch[0] = '\0';
    /* Under this command's own scratch folder: gone however doctor ends. */
    if (scratch_enter("run", &err) != PH_OK) {
        snprintf(msg, cap, "%s", err.msg);
        return 0;
    }
    snprintf(scratch, sizeof scratch, "%s/doctor-XXXXXX", scratch_root());
    if (mkdtemp(scratch) == NULL) {
        snprintf(msg, cap, "mkdtemp: %s", strerror(errno));
        return 0;
    }
    if (pipe2(pfd, O_CLOEXEC) != 0) {
        snprintf(msg, cap, "pipe: %s", strerror(errno));
        goto out;
    }
    memset(&pol, 0, sizeof pol);
    pol.scratch_dir = scratch;
    pol.python_dir = paths_python_dir();
    pol.host_exe = paths_exe();
    pol.cpu_s = 2;
    pol.memory_bytes = 64u * 1024 * 1024;
    pol.nproc = 4;
    memset(&hooks, 0, sizeof hooks);
    hooks.body = selftest_body;
    fflush(stdout);
    fds[2] = pfd[1];
    if (sandbox_host_start(&pol, &hooks, &h, &err) != PH_OK ||
        sandbox_run_new(h, &run, &err) != PH_OK ||
        sandbox_run_start(h, &run, "", 0, fds, &err) != PH_OK) {
        snprintf(msg, cap, "%s", err.msg);
        goto out;
    }
    close(pfd[1]);
    pfd[1] = -1;
    (void)sandbox_run_wait(h, -1, &status, &ru);
    n = read(pfd[0], msg, cap - 1);
    msg[n > 0 ? (size_t)n : 0] = '\0';
    if (n <= 0)
        snprintf(msg, cap, "the confined process died before reporting");
    ok = strcmp(msg, "ok") == 0;
out:
    sandbox_host_stop(h);
    if (pfd[0] >= 0)
        close(pfd[0]);
    if (pfd[1] >= 0)
        close(pfd[1]);
    if (run.scratch[0] != '\0')
        (void)rmdir(run.scratch);
    (void)rmdir(scratch);
    return ok;
}

/*
 * What stands between a compromised worker and the grade beyond the kernel
 * layers (issue 10): shown, not counted in the exit status, since most of
 * them are not built yet and a machine cannot turn them on.
 */
static size_t integrity_layers(const struct sandbox_caps *c, struct layer *l, const char **why)
{
    size_t n = 0;
    const char *exe = paths_exe();

    l[n] = (struct layer){"exec", "hosts start by exec, clean allow-listed environment",
                          exe != NULL && access(exe, X_OK) == 0};
    why[n++] = "this binary cannot be executed by path";
    l[n] = (struct layer){"outside",
                          "checks run in a check runner; the worker answers requests and holds "
                          "no result pipe, check source, answer key or seed",
                          1};
    why[n++] = "";
    l[n] = (struct layer){"runmem", "one memory limit for the whole run (every process, PSS)",
                          c->pid_namespace};
    why[n++] = "no PID namespace: the runner weighs the worker alone";
    l[n] = (struct layer){"kernmem",
                          "the run's memory includes its files in /dev/shm and its socket buffers "
                          "(kernel memory no process's resident set shows)",
                          c->mount_namespace && c->net_namespace && measure_sock_available()};
    why[n++] = "without a mount and network namespace of its own, or a kernel answering "
               "sock_diag, a run can hold memory there outside its limit";
    l[n] = (struct layer){"noproc",
                          "no /proc for the run (Landlock): it reads only the view's system "
                          "files, writes only its folder, signals only its own processes",
                          c->landlock > 0};
    why[n++] = "this kernel has no Landlock: a worker can open its namespace's /proc; the audit "
               "hook allows only named figures of /proc/self (docs/observation.md)";
    l[n] = (struct layer){"quotas",
                          "per-run disk and file quotas: the check runner weighs the run's folder "
                          "and /dev/shm while it runs (limits.disk_mb, limits.files)",
                          1};
    why[n++] = "";
    l[n] = (struct layer){"runfs",
                          "each run's folder is a tmpfs of its disk and file quotas: the kernel "
                          "counts every file the run holds, named or not, and refuses what is "
                          "past them",
                          c->mount_namespace};
    why[n++] = "no mount namespace: the run's folder is on the scratch disk, weighed by a walk "
               "that misses files whose only descriptors are in flight in a socket";
    {
        static char cg_why[300];

        reason_of(c->notes, "cgroupcpu", cg_why, sizeof cg_why);
        l[n] = (struct layer){"cgroupcpu",
                              c->cgroup_cpu == SBX_CGROUP_V2
                                  ? "the run's CPU time is its cgroup's (v2 cpu.stat): children "
                                    "the kernel reaps itself count"
                              : c->cgroup_cpu == SBX_CGROUP_V1
                                  ? "the run's CPU time is its cgroup's (v1 cpuacct): children "
                                    "the kernel reaps itself count"
                                  : "the run's CPU time from a cgroup per run, which counts "
                                    "children the kernel reaps itself",
                              c->cgroup_cpu != 0};
        why[n++] = cg_why[0] ? cg_why : "no cgroup can be made here";
    }
    l[n] = (struct layer){"runcaps",
                          "the check runner keeps only CAP_DAC_OVERRIDE, CAP_KILL and "
                          "CAP_SYS_PTRACE (bounding set too) in a UTS namespace of its own",
                          geteuid() != 0 || c->ipc_namespace};
    why[n++] = "no namespaces here: the runner keeps the host's UTS namespace";
#ifdef PH_TEST_SWITCHES
    l[n] = (struct layer){"noswitch", "PYHARNESS_TEST_DISABLE_AUDIT ignored", 0};
    why[n++] = "honoured: a test build (PH_TEST_SWITCHES)";
#else
    l[n] = (struct layer){"noswitch", "PYHARNESS_TEST_DISABLE_AUDIT ignored", 1};
    why[n++] = "";
#endif
    return n;
}

/* The endpoint without credentials a URL may carry (https://user:key@host/). */
static void shown_endpoint(const char *url, char *out, size_t cap)
{
    const char *scheme = url ? strstr(url, "://") : NULL;
    const char *host = scheme ? scheme + 3 : url;
    const char *at, *slash;

    if (url == NULL) {
        snprintf(out, cap, "?");
        return;
    }
    at = strchr(host, '@');
    slash = strchr(host, '/');
    if (at != NULL && (slash == NULL || at < slash))
        snprintf(out, cap, "%.*s***@%s", (int)(host - url), url, at + 1);
    else
        snprintf(out, cap, "%s", url);
}

/* What the runs would use here: Python, the exercise banks, the LLM (never
 * its key: only whether one is set). */
static void environment(cJSON *root)
{
    struct llm_config cfg;
    struct ph_err err = {0};
    const char *py = "not started";
    size_t i;
    int have_llm = llm_configured();
    char endpoint[512];
    enum ph_rc lrc = PH_OK;

    if (cli_start_python(&err) == PH_OK)
        py = embed_python_version();
    else
        py = err.msg;
    memset(&cfg, 0, sizeof cfg);
    if (have_llm)
        lrc = llm_config_load(&cfg, &err);
    shown_endpoint(cfg.endpoint, endpoint, sizeof endpoint);
    if (root != NULL) {
        cJSON *banks = cJSON_AddArrayToObject(root, "exercise_banks");
        cJSON *llm = cJSON_AddObjectToObject(root, "llm");

        cJSON_AddStringToObject(root, "python", py);
        for (i = 0; i < paths_bank_count(); i++) {
            cJSON *b = cJSON_CreateObject();
            cJSON_AddStringToObject(b, "path", paths_bank(i));
            cJSON_AddStringToObject(b, "origin", paths_bank_origin(i));
            cJSON_AddItemToArray(banks, b);
        }
        cJSON_AddBoolToObject(llm, "configured", have_llm && lrc == PH_OK);
        if (have_llm && lrc != PH_OK)
            cJSON_AddStringToObject(llm, "error", err.msg);
        if (have_llm && lrc == PH_OK) {
            cJSON_AddStringToObject(llm, "provider", llm_provider_name(cfg.provider));
            cJSON_AddStringToObject(llm, "endpoint", endpoint);
            cJSON_AddStringToObject(llm, "model", cfg.model ? cfg.model : "");
            cJSON_AddBoolToObject(llm, "api_key_set", cfg.api_key != NULL && cfg.api_key[0]);
            cJSON_AddNumberToObject(llm, "concurrency", cfg.concurrency);
            cJSON_AddNumberToObject(llm, "rpm", cfg.rpm);
            cJSON_AddNumberToObject(llm, "timeout_s", cfg.timeout_s);
            if (cfg.source != NULL)
                cJSON_AddStringToObject(llm, "config_file", cfg.source);
        }
    } else {
        printf("python: %s\n", py);
        printf("exercise banks (searched in this order):\n");
        for (i = 0; i < paths_bank_count(); i++)
            printf("  %-20s %s\n", paths_bank_origin(i), paths_bank(i));
        if (!have_llm)
            printf("LLM scorer: not configured (explanations use the offline rubric scorer; "
                   "set PYHARNESS_LLM_PROVIDER, _MODEL, _API_KEY)\n");
        else if (lrc != PH_OK)
            printf("LLM scorer: configuration error: %s\n", err.msg);
        else
            printf("LLM scorer: %s, model %s at %s, API key %s, %u at once, %g requests/min, "
                   "%g s timeout%s%s\n",
                   llm_provider_name(cfg.provider), cfg.model ? cfg.model : "?", endpoint,
                   cfg.api_key != NULL && cfg.api_key[0] ? "set (not shown)" : "not set",
                   cfg.concurrency, cfg.rpm, cfg.timeout_s, cfg.source ? ", from " : "",
                   cfg.source ? cfg.source : "");
    }
    llm_config_cleanup(&cfg);
}

int cmd_doctor_main(int argc, char **argv)
{
    const struct sandbox_caps *c;
    struct layer layers[12], extra[10];
    const char *extra_why[10];
    size_t ne;
    size_t nl = 0, missing = 0;
    char selftest_msg[SELFTEST_MSG_MAX];
    struct utsname un;
    struct ph_err err = {0};
    int json = 0, self_ok, status, npos, parsed;
    const struct cli_opt opts[] = {
        {"json", 0, CLI_FLAG, NULL, "print the layers as JSON", NULL, &json},
        {NULL, 0, CLI_FLAG, NULL, NULL, NULL, NULL},
    };

    parsed = cli_parse(doctor_usage, opts, argc, argv, &npos);
    if (parsed != CLI_PARSE_OK)
        return cli_parse_status(parsed);
    if (npos > 0)
        return cli_usage("doctor: unexpected argument \"%s\"\n%s", argv[1], doctor_usage);
    if (paths_exe() == NULL || paths_exe()[0] == '\0')
        (void)paths_init(&err);
    c = sandbox_probe();
    layers[nl++] =
        (struct layer){"rlimits", "CPU, data, processes, file size, fds, stack, core", c->rlimits};
    if (geteuid() == 0)
        layers[nl++] =
            (struct layer){"uid", "each run under its own unprivileged uid", c->uid_drop};
    else
        layers[nl++] = (struct layer){"userns", "user namespace (not root)", c->user_namespace};
    layers[nl++] = (struct layer){"pidns", "PID namespace: every descendant dies with the run",
                                  c->pid_namespace};
    layers[nl++] =
        (struct layer){"netns", "empty network namespace, loopback down", c->net_namespace};
    layers[nl++] = (struct layer){"ipcns", "private System V IPC", c->ipc_namespace};
    layers[nl++] = (struct layer){"mntns", "private read-only mount view", c->mount_namespace};
    layers[nl++] = (struct layer){"subreaper", "orphans stay in the run", c->subreaper};
    layers[nl++] = (struct layer){"nnp", "no_new_privs", c->no_new_privs};
    layers[nl++] = (struct layer){"seccomp", "seccomp-bpf system call filter", c->seccomp};
    layers[nl++] = (struct layer){"audit", "CPython audit hook", c->audit_hooks};
    ne = integrity_layers(c, extra, extra_why);
    self_ok = selftest(selftest_msg, sizeof selftest_msg);
    if (uname(&un) != 0)
        memset(&un, 0, sizeof un);
    for (size_t i = 0; i < nl; i++)
        missing += !layers[i].on;
    status = !self_ok ? CLI_EXIT_INTERNAL : missing > 0 ? CLI_EXIT_NOT_PASSED : CLI_EXIT_OK;

    if (json) {
        cJSON *root = cJSON_CreateObject();
        cJSON *arr = cJSON_AddArrayToObject(root, "layers");
        char *text;

        for (size_t i = 0; i < nl; i++) {
            cJSON *o = cJSON_CreateObject();
            char why[256];

            reason_of(c->notes, layers[i].name, why, sizeof why);
            cJSON_AddStringToObject(o, "name", layers[i].name);
            cJSON_AddStringToObject(o, "description", layers[i].what);
            cJSON_AddBoolToObject(o, "active", layers[i].on);
            if (!layers[i].on)
                cJSON_AddStringToObject(o, "reason", why[0] ? why : "not available");
            cJSON_AddItemToArray(arr, o);
        }
        arr = cJSON_AddArrayToObject(root, "integrity");
        for (size_t i = 0; i < ne; i++) {
            cJSON *o = cJSON_CreateObject();

            cJSON_AddStringToObject(o, "name", extra[i].name);
            cJSON_AddStringToObject(o, "description", extra[i].what);
            cJSON_AddBoolToObject(o, "active", extra[i].on);
            if (!extra[i].on)
                cJSON_AddStringToObject(o, "reason", extra_why[i]);
            cJSON_AddItemToArray(arr, o);
        }
        cJSON_AddStringToObject(root, "active", sandbox_layers_string());
        cJSON_AddStringToObject(root, "notes", c->notes);
        cJSON_AddBoolToObject(root, "selftest_ok", self_ok);
        cJSON_AddStringToObject(root, "selftest", selftest_msg);
        cJSON_AddStringToObject(root, "kernel", un.release);
        cJSON_AddBoolToObject(root, "root", geteuid() == 0);
        cJSON_AddStringToObject(root, "cgroups",
                                c->cgroup_cpu == SBX_CGROUP_V1 ? "cpu account per run (v1 cpuacct)"
                                : c->cgroup_cpu == SBX_CGROUP_V2 ? "cpu account per run (v2)"
                                                                 : "not used");
        environment(root);
        {
            /* Voice for `practice --voice`: optional at build time. */
            cJSON *v = cJSON_AddObjectToObject(root, "voice");
            cJSON_AddBoolToObject(v, "tts", voice_tts_built());
            cJSON_AddBoolToObject(v, "asr", voice_asr_built());
            cJSON_AddStringToObject(v, "missing", voice_missing());
        }
        text = cJSON_Print(root);
        if (text != NULL)
            printf("%s\n", text);
        free(text);
        cJSON_Delete(root);
        return status;
    }
    printf("pyharness doctor: sandbox layers on %s %s (%s)\n", un.sysname, un.release,
           geteuid() == 0 ? "root" : "not root");
    for (size_t i = 0; i < nl; i++) {
        char why[256];

        reason_of(c->notes, layers[i].name, why, sizeof why);
        printf("  %-9s %-8s %s%s%s\n", layers[i].name, layers[i].on ? "active" : "MISSING",
               layers[i].what, layers[i].on ? "" : ": ",
               layers[i].on ? ""
               : why[0]     ? why
                            : "not available");
    }
    printf("integrity (a compromised worker; not counted in the exit status):\n");
    for (size_t i = 0; i < ne; i++)
        printf("  %-9s %-8s %s%s%s\n", extra[i].name, extra[i].on ? "active" : "MISSING",
               extra[i].what, extra[i].on ? "" : ": ", extra[i].on ? "" : extra_why[i]);
    printf("self-test: %s\n",
           self_ok ? "a confined run started with every active layer" : selftest_msg);
    if (!self_ok)
        printf("  (confined runs will fail; see the message above)\n");
    environment(NULL);
    printf("voice (practice --voice): %s\n", voice_missing()[0] != '\0'
                                                 ? voice_missing()
                                                 : "espeak-ng speaks, PocketSphinx transcribes");
    return status;
}
