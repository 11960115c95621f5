/*
 * fs-lib-jobs.c - one dossier's forms rendered to memory, each in each
 * format asked for (fs-lib-private.h), on several threads when the
 * context has more than one (fs_lib_options.threads: `render` of fewer
 * dossiers than processors): the jobs are taken from a queue by the
 * threads, and handed out in the order of rendering one after the other,
 * every form as PDF and then every form as DOCX, with each job's
 * diagnostics of its own, so that the result is the one of one thread.
 * The renders only read what they share: the built documents (const), the
 * fonts and the PDF/A profile, loaded before the threads start.
 */
#include "fs-lib-private.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Renders J (once; an interruption is its outcome then). */
static void job_run(fs_lib_job *j)
{
    fs_render_options ro = *j->o;

    if (fs_signal_caught()) {
        j->err = FS_E_INTERRUPTED;
    } else {
        ro.format = j->format;
        j->err = fs_lib_render(j->lib, j->doc, &ro, j->path, &j->data, &j->len, &j->diags);
    }
    __atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
}

/* A thread of fs_lib_jobs_start: takes the next job not taken until none
 * is left. */
static void *job_thread(void *arg)
{
    fs_lib_jobs *js = arg;
    size_t i;

    while ((i = __atomic_fetch_add(&js->next, 1, __ATOMIC_RELAXED)) < js->n)
        job_run(&js->v[i]);
    return NULL;
}

/* See fs-lib-private.h.  The jobs are in the order of rendering one
 * after the other: formats first (PDF, DOCX), forms in table order. */
void fs_lib_jobs_init(fs_lib_jobs *js, fs_lib *lib, fs_doc *const *docs,
                      const char *dir, unsigned formats, const fs_render_options *o)
{
    size_t nforms = fs_forms_table_count();

    memset(js, 0, sizeof *js);
    js->lib = lib;
    js->v = fs_xcalloc(2 * nforms + 1, sizeof *js->v);
    for (int f = FS_FORMAT_PDF; f <= FS_FORMAT_DOCX; f++)
        for (size_t i = 0; i < nforms; i++) {
            const fs_form_entry *form = fs_forms_table_get(i);
            fs_lib_job *j;
            char *name;

            if (!docs[i] || !(formats & 1u << f) || !(form->formats & 1u << f))
                continue;
            j = &js->v[js->n++];
            j->lib = lib;
            j->doc = docs[i];
            j->o = o;
            j->form = form;
            j->format = (fs_format)f;
            name = fs_form_file_name(form, j->format);
            j->path = fs_printf("%s/%s", dir, name);
            free(name);
        }
}

/* 1 when JS may be rendered on several threads: there are several jobs,
 * the context asks for several threads, and what the renders share is
 * loaded already: the fonts, and the PDF/A profile when a PDF is to be
 * PDF/A.  Until then (a library caller that loads on first use) the jobs
 * run one after the other, the first loading them and reporting a
 * failure as without threads. */
static int may_thread(const fs_lib_jobs *js)
{
    int pdfa = 0;

    for (size_t i = 0; i < js->n; i++)
        pdfa |= js->v[i].format == FS_FORMAT_PDF && js->v[i].o->pdfa;
    return js->n > 1 && fs_lib_threads(js->lib) > 1 && fs_lib_loaded(js->lib, pdfa);
}

/* See fs-lib-private.h: starts the context's threads, less this one,
 * which takes its share when fs_lib_jobs_get waits.  Does nothing with
 * one thread (the jobs are then rendered by fs_lib_jobs_get, in order,
 * one after the other). */
void fs_lib_jobs_start(fs_lib_jobs *js)
{
    size_t nt;

    if (!may_thread(js))
        return;
    nt = (size_t)fs_lib_threads(js->lib);
    if (nt > js->n)
        nt = js->n;
    if (nt > FS_LIB_MAX_THREADS)
        nt = FS_LIB_MAX_THREADS;
    /* A thread that cannot start leaves its share to the others. */
    for (size_t t = 1; t < nt; t++) {
        if (pthread_create(&js->tid[js->nthreads], NULL, job_thread, js) != 0)
            break;
        js->nthreads++;
    }
    js->threaded = 1;
}

/* See fs-lib-private.h.  With threads, this one renders from the queue
 * until it is empty, then waits for them all (once); without, job I is
 * rendered now if it was not. */
fs_lib_job *fs_lib_jobs_get(fs_lib_jobs *js, size_t i)
{
    if (js->threaded) {
        job_thread(js);
        for (size_t t = 0; t < js->nthreads; t++)
            pthread_join(js->tid[t], NULL);
        js->threaded = 0;
        js->nthreads = 0;
    }
    if (!__atomic_load_n(&js->v[i].done, __ATOMIC_ACQUIRE))
        job_run(&js->v[i]);
    return &js->v[i];
}

/* See fs-lib-private.h. */
void fs_lib_jobs_free(fs_lib_jobs *js)
{
    if (js->threaded && js->n)
        fs_lib_jobs_get(js, 0);         /* joins the threads */
    for (size_t i = 0; i < js->n; i++) {
        free(js->v[i].path);
        free(js->v[i].data);
        fs_diags_clear(&js->v[i].diags);
    }
    free(js->v);
    memset(js, 0, sizeof *js);
}
