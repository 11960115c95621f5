/*
 * fs-lazy.c - libzip, HarfBuzz, libmicrohttpd and libqpdf, loaded on first
 * use.
 *
 * Every run of fivestar used to map 25 shared objects before main():
 * libzip pulls in libcrypto, HarfBuzz pulls in glib, graphite2, freetype,
 * libpng and brotli, libmicrohttpd pulls in GnuTLS and its nine
 * libraries, libqpdf libstdc++, libjpeg and GnuTLS.  `--version`,
 * `validate` and `score` need none of them, and they cost several
 * milliseconds of every start (README, Performance).  So fivestar does
 * not link them: this file defines each libzip, HarfBuzz, libmicrohttpd
 * and libqpdf function that fivestar (and its tests) call as a small
 * function of the same name and type (checked against zip.h, hb-subset.h,
 * microhttpd.h and qpdf-c.h) that loads the library once with dlopen,
 * thread-safely, and calls the real function.
 *
 * A call to a function missing here fails at link time ("undefined
 * reference to zip_..."): add one line to ZIP_FUNCS, HB_FUNCS, MHD_FUNCS
 * or QPDF_FUNCS.  If the
 * library cannot be loaded at run time, fivestar says so in Chinese and
 * exits with status 70, as the dynamic loader would have refused to start
 * it before.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <stdarg.h>
#include <stdint.h>
#include <sys/socket.h>

#include <hb-subset.h>
#include <hb.h>
#include <microhttpd.h>
#include <qpdf/qpdf-c.h>
#include <zip.h>

#ifndef FS_ZIP_SONAME
#define FS_ZIP_SONAME "libzip.so.4"
#endif
#ifndef FS_HB_SONAME
#define FS_HB_SONAME "libharfbuzz-subset.so.0"
#endif
#ifndef FS_MHD_SONAME
#define FS_MHD_SONAME "libmicrohttpd.so.12"
#endif
#ifndef FS_QPDF_SONAME
#define FS_QPDF_SONAME "libqpdf.so.29"
#endif

/* X(return type, name, (parameters), (arguments)) for functions returning
 * a value, V(name, (parameters), (arguments)) for void ones. */
#define ZIP_FUNCS(X, V) \
    X(int, zip_close, (zip_t *a), (a)) \
    X(int, zip_error_code_system, (const zip_error_t *a), (a)) \
    X(int, zip_error_code_zip, (const zip_error_t *a), (a)) \
    X(int, zip_error_system_type, (const zip_error_t *a), (a)) \
    X(zip_error_t *, zip_file_get_error, (zip_file_t *a), (a)) \
    V(zip_discard, (zip_t *a), (a)) \
    V(zip_error_fini, (zip_error_t *a), (a)) \
    V(zip_error_init, (zip_error_t *a), (a)) \
    V(zip_error_init_with_code, (zip_error_t *a, int b), (a, b)) \
    V(zip_error_set, (zip_error_t *a, int b, int c), (a, b, c)) \
    X(const char *, zip_error_strerror, (zip_error_t *a), (a)) \
    X(zip_int64_t, zip_error_to_data, (const zip_error_t *a, void *b, zip_uint64_t c), (a, b, c)) \
    X(int, zip_fclose, (zip_file_t *a), (a)) \
    X(zip_int64_t, zip_file_add, (zip_t *a, const char *b, zip_source_t *c, zip_flags_t d), (a, b, c, d)) \
    X(int, zip_file_set_dostime, (zip_t *a, zip_uint64_t b, zip_uint16_t c, zip_uint16_t d, zip_flags_t e), (a, b, c, d, e)) \
    X(int, zip_file_set_external_attributes, (zip_t *a, zip_uint64_t b, zip_flags_t c, zip_uint8_t d, zip_uint32_t e), (a, b, c, d, e)) \
    X(const char *, zip_file_strerror, (zip_file_t *a), (a)) \
    X(zip_file_t *, zip_fopen_index, (zip_t *a, zip_uint64_t b, zip_flags_t c), (a, b, c)) \
    X(zip_int64_t, zip_fread, (zip_file_t *a, void *b, zip_uint64_t c), (a, b, c)) \
    X(zip_error_t *, zip_get_error, (zip_t *a), (a)) \
    X(const char *, zip_get_name, (zip_t *a, zip_uint64_t b, zip_flags_t c), (a, b, c)) \
    X(zip_int64_t, zip_get_num_entries, (zip_t *a, zip_flags_t b), (a, b)) \
    X(zip_int64_t, zip_name_locate, (zip_t *a, const char *b, zip_flags_t c), (a, b, c)) \
    X(zip_t *, zip_open, (const char *a, int b, int *c), (a, b, c)) \
    X(zip_t *, zip_open_from_source, (zip_source_t *a, int b, zip_error_t *c), (a, b, c)) \
    X(int, zip_set_file_compression, (zip_t *a, zip_uint64_t b, zip_int32_t c, zip_uint32_t d), (a, b, c, d)) \
    X(zip_source_t *, zip_source_buffer, (zip_t *a, const void *b, zip_uint64_t c, int d), (a, b, c, d)) \
    X(zip_source_t *, zip_source_buffer_create, (const void *a, zip_uint64_t b, int c, zip_error_t *d), (a, b, c, d)) \
    X(int, zip_source_close, (zip_source_t *a), (a)) \
    X(zip_error_t *, zip_source_error, (zip_source_t *a), (a)) \
    V(zip_source_free, (zip_source_t *a), (a)) \
    X(zip_source_t *, zip_source_function, (zip_t *a, zip_source_callback b, void *c), (a, b, c)) \
    V(zip_source_keep, (zip_source_t *a), (a)) \
    X(int, zip_source_open, (zip_source_t *a), (a)) \
    X(zip_int64_t, zip_source_read, (zip_source_t *a, void *b, zip_uint64_t c), (a, b, c)) \
    X(int, zip_source_stat, (zip_source_t *a, zip_stat_t *b), (a, b)) \
    X(int, zip_stat_index, (zip_t *a, zip_uint64_t b, zip_flags_t c, zip_stat_t *d), (a, b, c, d)) \
    V(zip_stat_init, (zip_stat_t *a), (a)) \
    X(const char *, zip_strerror, (zip_t *a), (a))

#define HB_FUNCS(X, V) \
    X(hb_blob_t *, hb_blob_create, (const char *a, unsigned int b, hb_memory_mode_t c, void *d, hb_destroy_func_t e), (a, b, c, d, e)) \
    X(hb_blob_t *, hb_blob_create_from_file_or_fail, (const char *a), (a)) \
    V(hb_blob_destroy, (hb_blob_t *a), (a)) \
    X(const char *, hb_blob_get_data, (hb_blob_t *a, unsigned int *b), (a, b)) \
    X(unsigned int, hb_blob_get_length, (hb_blob_t *a), (a)) \
    X(hb_bool_t, hb_face_builder_add_table, (hb_face_t *a, hb_tag_t b, hb_blob_t *c), (a, b, c)) \
    X(hb_face_t *, hb_face_builder_create, (void), ()) \
    X(unsigned int, hb_face_count, (hb_blob_t *a), (a)) \
    X(hb_face_t *, hb_face_create, (hb_blob_t *a, unsigned int b), (a, b)) \
    V(hb_face_destroy, (hb_face_t *a), (a)) \
    X(unsigned int, hb_face_get_glyph_count, (const hb_face_t *a), (a)) \
    X(unsigned int, hb_face_get_table_tags, (const hb_face_t *a, unsigned int b, unsigned int *c, hb_tag_t *d), (a, b, c, d)) \
    X(unsigned int, hb_face_get_upem, (const hb_face_t *a), (a)) \
    X(hb_blob_t *, hb_face_reference_blob, (hb_face_t *a), (a)) \
    X(hb_blob_t *, hb_face_reference_table, (const hb_face_t *a, hb_tag_t b), (a, b)) \
    X(hb_font_t *, hb_font_create, (hb_face_t *a), (a)) \
    V(hb_font_destroy, (hb_font_t *a), (a)) \
    X(hb_position_t, hb_font_get_glyph_h_advance, (hb_font_t *a, hb_codepoint_t b), (a, b)) \
    X(hb_bool_t, hb_font_get_nominal_glyph, (hb_font_t *a, hb_codepoint_t b, hb_codepoint_t *c), (a, b, c)) \
    V(hb_font_set_scale, (hb_font_t *a, int b, int c), (a, b, c)) \
    X(hb_language_t, hb_language_from_string, (const char *a, int b), (a, b)) \
    X(unsigned int, hb_ot_name_get_utf8, (hb_face_t *a, hb_ot_name_id_t b, hb_language_t c, unsigned int *d, char *e), (a, b, c, d, e)) \
    X(const hb_ot_name_entry_t *, hb_ot_name_list_names, (hb_face_t *a, unsigned int *b), (a, b)) \
    V(hb_set_add, (hb_set_t *a, hb_codepoint_t b), (a, b)) \
    X(hb_bool_t, hb_set_allocation_successful, (const hb_set_t *a), (a)) \
    X(hb_set_t *, hb_set_create, (void), ()) \
    V(hb_set_destroy, (hb_set_t *a), (a)) \
    X(unsigned int, hb_set_get_population, (const hb_set_t *a), (a)) \
    X(hb_bool_t, hb_set_is_empty, (const hb_set_t *a), (a)) \
    X(hb_bool_t, hb_set_next, (const hb_set_t *a, hb_codepoint_t *b), (a, b)) \
    V(hb_set_union, (hb_set_t *a, const hb_set_t *b), (a, b)) \
    X(hb_subset_input_t *, hb_subset_input_create_or_fail, (void), ()) \
    V(hb_subset_input_destroy, (hb_subset_input_t *a), (a)) \
    X(hb_set_t *, hb_subset_input_set, (hb_subset_input_t *a, hb_subset_sets_t b), (a, b)) \
    V(hb_subset_input_set_flags, (hb_subset_input_t *a, unsigned b), (a, b)) \
    X(hb_set_t *, hb_subset_input_unicode_set, (hb_subset_input_t *a), (a)) \
    X(hb_face_t *, hb_subset_or_fail, (hb_face_t *a, const hb_subset_input_t *b), (a, b))

/* The two variadic functions of libmicrohttpd are written out below. */
#define MHD_FUNCS(X, V) \
    X(enum MHD_Result, MHD_add_response_header, (struct MHD_Response *a, const char *b, const char *c), (a, b, c)) \
    X(struct MHD_Response *, MHD_create_response_from_buffer, (size_t a, void *b, enum MHD_ResponseMemoryMode c), (a, b, c)) \
    V(MHD_destroy_response, (struct MHD_Response *a), (a)) \
    X(const union MHD_DaemonInfo *, MHD_get_daemon_info, (struct MHD_Daemon *a, enum MHD_DaemonInfoType b, ...), (a, b)) \
    X(const char *, MHD_lookup_connection_value, (struct MHD_Connection *a, enum MHD_ValueKind b, const char *c), (a, b, c)) \
    X(enum MHD_Result, MHD_queue_response, (struct MHD_Connection *a, unsigned int b, struct MHD_Response *c), (a, b, c)) \
    X(struct MHD_Daemon *, MHD_start_daemon_va, (unsigned int a, uint16_t b, MHD_AcceptPolicyCallback c, void *d, MHD_AccessHandlerCallback e, void *f, va_list g), (a, b, c, d, e, f, g)) \
    V(MHD_stop_daemon, (struct MHD_Daemon *a), (a))

#define QPDF_FUNCS(X, V) \
    X(QPDF_ERROR_CODE, qpdf_add_page, (qpdf_data a, qpdf_data b, qpdf_oh c, QPDF_BOOL d), (a, b, c, d)) \
    V(qpdf_cleanup, (qpdf_data*a), (a)) \
    X(QPDF_ERROR_CODE, qpdf_empty_pdf, (qpdf_data a), (a)) \
    V(qpdf_force_pdf_version, (qpdf_data a, char const*b), (a, b)) \
    X(unsigned char const*, qpdf_get_buffer, (qpdf_data a), (a)) \
    X(size_t, qpdf_get_buffer_length, (qpdf_data a), (a)) \
    X(qpdf_error, qpdf_get_error, (qpdf_data a), (a)) \
    X(enum qpdf_error_code_e, qpdf_get_error_code, (qpdf_data a, qpdf_error b), (a, b)) \
    X(char const*, qpdf_get_error_message_detail, (qpdf_data a, qpdf_error b), (a, b)) \
    X(int, qpdf_get_num_pages, (qpdf_data a), (a)) \
    X(qpdf_oh, qpdf_get_page_n, (qpdf_data a, size_t b), (a, b)) \
    X(char const*, qpdf_get_pdf_version, (qpdf_data a), (a)) \
    X(qpdf_oh, qpdf_get_root, (qpdf_data a), (a)) \
    X(qpdf_oh, qpdf_get_trailer, (qpdf_data a), (a)) \
    X(QPDF_BOOL, qpdf_has_error, (qpdf_data a), (a)) \
    X(qpdf_data, qpdf_init, (void), ()) \
    X(QPDF_ERROR_CODE, qpdf_init_write_memory, (qpdf_data a), (a)) \
    X(QPDF_BOOL, qpdf_is_encrypted, (qpdf_data a), (a)) \
    X(qpdf_oh, qpdf_make_indirect_object, (qpdf_data a, qpdf_oh b), (a, b)) \
    X(QPDF_BOOL, qpdf_more_warnings, (qpdf_data a), (a)) \
    X(qpdf_error, qpdf_next_warning, (qpdf_data a), (a)) \
    V(qpdf_oh_append_item, (qpdf_data a, qpdf_oh b, qpdf_oh c), (a, b, c)) \
    V(qpdf_oh_begin_dict_key_iter, (qpdf_data a, qpdf_oh b), (a, b)) \
    X(qpdf_oh, qpdf_oh_copy_foreign_object, (qpdf_data a, qpdf_data b, qpdf_oh c), (a, b, c)) \
    X(QPDF_BOOL, qpdf_oh_dict_more_keys, (qpdf_data a), (a)) \
    X(char const*, qpdf_oh_dict_next_key, (qpdf_data a), (a)) \
    X(qpdf_oh, qpdf_oh_get_array_item, (qpdf_data a, qpdf_oh b, int c), (a, b, c)) \
    X(int, qpdf_oh_get_array_n_items, (qpdf_data a, qpdf_oh b), (a, b)) \
    X(qpdf_oh, qpdf_oh_get_dict, (qpdf_data a, qpdf_oh b), (a, b)) \
    X(long long, qpdf_oh_get_int_value, (qpdf_data a, qpdf_oh b), (a, b)) \
    X(qpdf_oh, qpdf_oh_get_key, (qpdf_data a, qpdf_oh b, char const*c), (a, b, c)) \
    X(char const*, qpdf_oh_get_name, (qpdf_data a, qpdf_oh b), (a, b)) \
    X(int, qpdf_oh_get_object_id, (qpdf_data a, qpdf_oh b), (a, b)) \
    X(double, qpdf_oh_get_numeric_value, (qpdf_data a, qpdf_oh b), (a, b)) \
    X(QPDF_ERROR_CODE, qpdf_oh_get_page_content_data, (qpdf_data a, qpdf_oh b, unsigned char**c, size_t*d), (a, b, c, d)) \
    X(QPDF_BOOL, qpdf_oh_is_array, (qpdf_data a, qpdf_oh b), (a, b)) \
    X(QPDF_BOOL, qpdf_oh_is_dictionary, (qpdf_data a, qpdf_oh b), (a, b)) \
    X(QPDF_BOOL, qpdf_oh_is_indirect, (qpdf_data a, qpdf_oh b), (a, b)) \
    X(QPDF_BOOL, qpdf_oh_is_integer, (qpdf_data a, qpdf_oh b), (a, b)) \
    X(QPDF_BOOL, qpdf_oh_is_name, (qpdf_data a, qpdf_oh b), (a, b)) \
    X(QPDF_BOOL, qpdf_oh_is_null, (qpdf_data a, qpdf_oh b), (a, b)) \
    X(QPDF_BOOL, qpdf_oh_is_number, (qpdf_data a, qpdf_oh b), (a, b)) \
    X(QPDF_BOOL, qpdf_oh_is_stream, (qpdf_data a, qpdf_oh b), (a, b)) \
    X(qpdf_oh, qpdf_oh_new_array, (qpdf_data a), (a)) \
    X(qpdf_oh, qpdf_oh_new_dictionary, (qpdf_data a), (a)) \
    X(qpdf_oh, qpdf_oh_new_integer, (qpdf_data a, long long b), (a, b)) \
    X(qpdf_oh, qpdf_oh_new_name, (qpdf_data a, char const*b), (a, b)) \
    X(qpdf_oh, qpdf_oh_new_null, (qpdf_data a), (a)) \
    X(qpdf_oh, qpdf_oh_new_real_from_double, (qpdf_data a, double b, int c), (a, b, c)) \
    X(qpdf_oh, qpdf_oh_new_stream, (qpdf_data a), (a)) \
    X(qpdf_oh, qpdf_oh_new_unicode_string, (qpdf_data a, char const*b), (a, b)) \
    X(qpdf_oh, qpdf_oh_parse, (qpdf_data a, char const*b), (a, b)) \
    V(qpdf_oh_release_all, (qpdf_data a), (a)) \
    V(qpdf_oh_replace_key, (qpdf_data a, qpdf_oh b, char const*c, qpdf_oh d), (a, b, c, d)) \
    V(qpdf_oh_replace_stream_data, (qpdf_data a, qpdf_oh b, unsigned char const*c, size_t d, qpdf_oh e, qpdf_oh f), (a, b, c, d, e, f)) \
    X(char const*, qpdf_oh_unparse_binary, (qpdf_data a, qpdf_oh b), (a, b)) \
    X(QPDF_ERROR_CODE, qpdf_push_inherited_attributes_to_page, (qpdf_data a), (a)) \
    X(QPDF_ERROR_CODE, qpdf_read_memory, (qpdf_data a, char const*b, char const*c, unsigned long long d, char const*e), (a, b, c, d, e)) \
    V(qpdf_set_compress_streams, (qpdf_data a, QPDF_BOOL b), (a, b)) \
    V(qpdf_set_decode_level, (qpdf_data a, enum qpdf_stream_decode_level_e b), (a, b)) \
    V(qpdf_set_deterministic_ID, (qpdf_data a, QPDF_BOOL b), (a, b)) \
    V(qpdf_set_minimum_pdf_version, (qpdf_data a, char const*b), (a, b)) \
    V(qpdf_set_object_stream_mode, (qpdf_data a, enum qpdf_object_stream_e b), (a, b)) \
    V(qpdf_set_suppress_warnings, (qpdf_data a, QPDF_BOOL b), (a, b)) \
    V(qpdf_silence_errors, (qpdf_data a), (a)) \
    X(QPDF_ERROR_CODE, qpdf_write, (qpdf_data a), (a))

/* Opens shared object SONAME (from Debian package PKG) for good, or tells
 * the user what to install and exits with 70. */
static void *lazy_open(const char *soname, const char *pkg)
{
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

    if (!h) {
        fprintf(stderr, "fivestar: 错误: 无法加载 %s（%s）。请安装 %s（Debian：apt-get install %s）。\n",
                soname, dlerror(), pkg, pkg);
        exit(70);
    }
    return h;
}

/* Symbol NAME of H (opened from SONAME), or the same message and exit
 * when the library lacks it (an older version). */
static void *lazy_sym(void *h, const char *soname, const char *name)
{
    void *p = dlsym(h, name);

    if (!p) {
        fprintf(stderr, "fivestar: 错误: %s 中没有 %s：请安装较新的版本。\n", soname, name);
        exit(70);
    }
    return p;
}

/* The table of real functions of one library, its loader (run once
 * through pthread_once) and the stand-ins that call through the table. */
#define PTR_X(r, n, p, a) r (*n) p;
#define PTR_V(n, p, a) void (*n) p;
#define LOAD_X(r, n, p, a) tab.n = (r (*) p)lazy_sym(h, so, #n);
#define LOAD_V(n, p, a) tab.n = (void (*) p)lazy_sym(h, so, #n);

static struct {
    ZIP_FUNCS(PTR_X, PTR_V)
} zip_tab;
static pthread_once_t zip_once = PTHREAD_ONCE_INIT;

/* Loads libzip and fills zip_tab. */
static void zip_load(void)
{
    const char *so = FS_ZIP_SONAME;
    void *h = lazy_open(so, "libzip4");
#define tab zip_tab
    ZIP_FUNCS(LOAD_X, LOAD_V)
#undef tab
}

static struct {
    HB_FUNCS(PTR_X, PTR_V)
} hb_tab;
static pthread_once_t hb_once = PTHREAD_ONCE_INIT;

/* Loads libharfbuzz-subset (which brings libharfbuzz) and fills hb_tab. */
static void hb_load(void)
{
    const char *so = FS_HB_SONAME;
    void *h = lazy_open(so, "libharfbuzz-subset0");
#define tab hb_tab
    HB_FUNCS(LOAD_X, LOAD_V)
#undef tab
}

static struct {
    MHD_FUNCS(PTR_X, PTR_V)
} mhd_tab;
static pthread_once_t mhd_once = PTHREAD_ONCE_INIT;

/* Loads libmicrohttpd and fills mhd_tab. */
static void mhd_load(void)
{
    const char *so = FS_MHD_SONAME;
    void *h = lazy_open(so, "libmicrohttpd12");
#define tab mhd_tab
    MHD_FUNCS(LOAD_X, LOAD_V)
#undef tab
}

static struct {
    QPDF_FUNCS(PTR_X, PTR_V)
} qpdf_tab;
static pthread_once_t qpdf_once = PTHREAD_ONCE_INIT;

/* Loads libqpdf and fills qpdf_tab. */
static void qpdf_load(void)
{
    const char *so = FS_QPDF_SONAME;
    void *h = lazy_open(so, "libqpdf29");
#define tab qpdf_tab
    QPDF_FUNCS(LOAD_X, LOAD_V)
#undef tab
}

#define ZIP_X(r, n, p, a) r n p { pthread_once(&zip_once, zip_load); return zip_tab.n a; }
#define ZIP_V(n, p, a) void n p { pthread_once(&zip_once, zip_load); zip_tab.n a; }
ZIP_FUNCS(ZIP_X, ZIP_V)

#define HB_X(r, n, p, a) r n p { pthread_once(&hb_once, hb_load); return hb_tab.n a; }
#define HB_V(n, p, a) void n p { pthread_once(&hb_once, hb_load); hb_tab.n a; }
HB_FUNCS(HB_X, HB_V)

/* qpdf-c.h declares qpdf_init() without "void". */
qpdf_data qpdf_init(void);
#define QPDF_X(r, n, p, a) r n p { pthread_once(&qpdf_once, qpdf_load); return qpdf_tab.n a; }
#define QPDF_V(n, p, a) void n p { pthread_once(&qpdf_once, qpdf_load); qpdf_tab.n a; }
QPDF_FUNCS(QPDF_X, QPDF_V)

#define MHD_X(r, n, p, a) r n p { pthread_once(&mhd_once, mhd_load); return mhd_tab.n a; }
#define MHD_V(n, p, a) void n p { pthread_once(&mhd_once, mhd_load); mhd_tab.n a; }
MHD_X(enum MHD_Result, MHD_add_response_header, (struct MHD_Response *a, const char *b, const char *c), (a, b, c))
MHD_X(struct MHD_Response *, MHD_create_response_from_buffer, (size_t a, void *b, enum MHD_ResponseMemoryMode c), (a, b, c))
MHD_V(MHD_destroy_response, (struct MHD_Response *a), (a))
MHD_X(const char *, MHD_lookup_connection_value, (struct MHD_Connection *a, enum MHD_ValueKind b, const char *c), (a, b, c))
MHD_X(enum MHD_Result, MHD_queue_response, (struct MHD_Connection *a, unsigned int b, struct MHD_Response *c), (a, b, c))
MHD_X(struct MHD_Daemon *, MHD_start_daemon_va, (unsigned int a, uint16_t b, MHD_AcceptPolicyCallback c, void *d, MHD_AccessHandlerCallback e, void *f, va_list g), (a, b, c, d, e, f, g))
MHD_V(MHD_stop_daemon, (struct MHD_Daemon *a), (a))

/* MHD_start_daemon: its options (the variadic part) go to the real
 * MHD_start_daemon_va. */
struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port,
                                    MHD_AcceptPolicyCallback apc, void *apc_cls,
                                    MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
    struct MHD_Daemon *d;
    va_list ap;

    pthread_once(&mhd_once, mhd_load);
    va_start(ap, dh_cls);
    d = mhd_tab.MHD_start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
    va_end(ap);
    return d;
}

/* MHD_get_daemon_info: libmicrohttpd reads no variadic argument for any
 * information type (the "..." is reserved), so none is passed on. */
const union MHD_DaemonInfo *MHD_get_daemon_info(struct MHD_Daemon *daemon,
                                                enum MHD_DaemonInfoType info_type, ...)
{
    pthread_once(&mhd_once, mhd_load);
    return mhd_tab.MHD_get_daemon_info(daemon, info_type);
}
