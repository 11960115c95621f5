/*
 * fs-serve.c - the serve command (serve.md):
 *
 *   fivestar serve [DIR] [--port N] [--listen ADDR] [--no-open]
 *
 * Opens DIR, draws a fresh token, loads the fonts and templates once,
 * listens (127.0.0.1:8018 by default; --port 0 takes any free port),
 * prints the address with the token as the first line of standard output
 * (flushed at once, so scripts can read it), tries to open it in the
 * default browser unless --no-open, and serves until SIGINT or SIGTERM.
 * Stopping lets a request in progress finish, so a save under way is
 * completed (it is atomic anyway: written beside, then renamed).
 */
#define _GNU_SOURCE
#include "fs-serve.h"
#include "fs-cli.h"
#include "fs-cn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

/* Fills S->token with 24 random bytes in URL-safe base64 (32 characters,
 * 192 bits).  Returns 0, or -1 when the system has no randomness to give. */
static int make_token(fs_serve *s)
{
    static const char abc[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char r[24];
    size_t got = 0;
    char *w = s->token;

    while (got < sizeof r) {
        ssize_t k = getrandom(r + got, sizeof r - got, 0);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        got += (size_t)k;
    }
    for (size_t i = 0; i < sizeof r; i += 3) {
        unsigned v = (unsigned)r[i] << 16 | (unsigned)r[i + 1] << 8 | r[i + 2];
        *w++ = abc[v >> 18 & 63];
        *w++ = abc[v >> 12 & 63];
        *w++ = abc[v >> 6 & 63];
        *w++ = abc[v & 63];
    }
    *w = '\0';
    return 0;
}

/* Opens ADDRESS with xdg-open in a grandchild whose output goes nowhere,
 * so that no browser message lands in our output and no zombie stays. */
static void open_browser(const char *address)
{
    pid_t pid = fork();

    if (pid == 0) {
        if (fork() == 0) {
            int null = open("/dev/null", O_RDWR);
            sigset_t none;
            sigemptyset(&none);
            sigprocmask(SIG_SETMASK, &none, NULL);
            setsid();
            if (null >= 0) {
                dup2(null, 0);
                dup2(null, 1);
                dup2(null, 2);
            }
            execlp("xdg-open", "xdg-open", address, (char *)NULL);
            _exit(127);
        }
        _exit(0);
    }
    if (pid > 0)
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
}

/* Parses --port: 0 to 65535.  -1 when bad. */
static long parse_port(const char *arg)
{
    char *end;
    long p;

    if (!arg)
        return 8018;
    p = strtol(arg, &end, 10);
    return *arg && !*end && p >= 0 && p <= 65535 ? p : -1;
}

/* fivestar serve: see the top of this file. */
int fs_cmd_serve(int argc, char **argv)
{
    static const char *const spec[] = {"--port=", "--listen=", "--no-open", NULL};
    fs_cli_args a;
    fs_serve s;
    fs_lib_options lo = {1, 0, 1, NULL};
    fs_diags diags = {0};
    fs_error err;
    sigset_t stop;
    void *daemon = NULL;
    const char *listen;
    unsigned bound = 0;
    long port;
    int status = 2, sig;

    memset(&s, 0, sizeof s);
    s.dirfd = -1;
    if (fs_cli_parse(argc, argv, spec, &a) < 0)
        return 2;
    if (a.nfiles > 1) {
        fprintf(stderr, "fivestar serve: error: 只能给出一个档案文件夹\n");
        goto done;
    }
    if ((port = parse_port(a.opt[0])) < 0) {
        fprintf(stderr, "fivestar serve: error: --port 应为 0 到 65535 的整数（0 表示自动选择）\n");
        goto done;
    }
    listen = a.opt[1] ? a.opt[1] : "127.0.0.1";
    s.dir = fs_strdup(a.nfiles ? a.files[0] : ".");
    status = 3;
    s.dirfd = open(s.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s.dirfd < 0) {
        fs_cn_error(s.dir, "无法打开档案文件夹：%s", fs_errno_cn(errno));
        goto done;
    }
    if (make_token(&s) < 0) {
        fprintf(stderr, "fivestar serve: error: 无法取得随机数生成令牌：%s\n", fs_errno_cn(errno));
        goto done;
    }
    s.lib = fs_lib_new(&lo, &diags, &err);
    fs_diags_sort(&diags);
    fs_diags_print(&diags, stderr);
    fs_diags_clear(&diags);
    if (!s.lib) {
        status = fs_exit_status(err);
        goto done;
    }

    /* Only this thread takes the stop signals: the server's thread,
     * started below, inherits the mask. */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* The allowed Host and Origin values are known once the port is. */
    if (fs_serve_http_start(&s, listen, (unsigned)port, &daemon, &bound) < 0)
        goto done;
    {
        int v6 = strchr(listen, ':') != NULL;
        s.hosts[0] = fs_printf(v6 ? "[%s]:%u" : "%s:%u", listen, bound);
        s.hosts[1] = fs_printf("localhost:%u", bound);
        s.origins[0] = fs_printf("http://%s", s.hosts[0]);
        s.origins[1] = fs_printf("http://%s", s.hosts[1]);
        s.address = fs_printf("http://%s/?token=%s", s.hosts[0], s.token);
    }
    printf("%s\n", s.address);
    fflush(stdout);
    fprintf(stderr, "fivestar serve：正在提供文件夹“%s”中的档案。请在浏览器中打开上面的地址；"
                    "按 Ctrl+C 停止。\n", s.dir);
    if (!a.opt[2])
        open_browser(s.address);
    while (sigwait(&stop, &sig) != 0)
        ;
    fprintf(stderr, "fivestar serve：收到停止信号，正在停止（进行中的保存会先完成）……\n");
    fs_serve_http_stop(daemon);
    daemon = NULL;
    fprintf(stderr, "fivestar serve：已停止。\n");
    status = 0;
done:
    fs_serve_http_stop(daemon);
    fs_rubric_cache_free(s.rubrics);
    fs_lib_free(s.lib);
    if (s.dirfd >= 0)
        close(s.dirfd);
    for (int i = 0; i < 2; i++) {
        free(s.hosts[i]);
        free(s.origins[i]);
    }
    free(s.address);
    free(s.dir);
    fs_cli_args_free(&a);
    return status;
}
