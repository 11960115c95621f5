/*
 * fs-serve-web-data.S - the files of src/serve/web/ embedded in the
 * program (.incbin, paths from the project's root, where make runs), each
 * between NAME_start and NAME_end, followed by a NUL.  fs-serve-web.c
 * lists them.
 */
#define ASSET(name, file)            \
    .global name##_start;            \
    .global name##_end;              \
    .balign 16;                      \
name##_start:                        \
    .incbin file;                    \
name##_end:                          \
    .byte 0

    .section .rodata
ASSET(fs_web_index_html, "src/serve/web/index.html")
ASSET(fs_web_style_css, "src/serve/web/style.css")
ASSET(fs_web_dossier_js, "src/serve/web/dossier.js")
ASSET(fs_web_app_js, "src/serve/web/app.js")

    .section .note.GNU-stack,"",@progbits
