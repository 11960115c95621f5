/*
 * main.c - the command line of cli.md: validate, score, render, stats,
 * flowchart, archive, bundle, serve, new, --help, --version.
 */
#include "fivestar.h"
#include "fs-cli.h"
#include "fs-cn.h"
#include "fs-help.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
    const char *summary;
} command;

static const command commands[] = {
    {"validate", fs_cmd_validate, "fivestar validate FILE...",
     "检查档案是否符合格式和评定标准，列出全部问题"},
    {"score", fs_cmd_score, "fivestar score FILE... [--json]",
     "计算各部分小计、总分和是否达标"},
    {"render", fs_cmd_render, "fivestar render FILE... [-o DIR] [--format pdf|docx|all] [--office-fonts] [--pdfa] [--jobs N]",
     "生成评定标准（附件1）和申报表（附件2）"},
    {"stats", fs_cmd_stats, "fivestar stats FILE... -o OUT.pdf|OUT.docx [--skip-invalid] [--pdfa] [--office-fonts]",
     "生成达标情况统计表（附件3），按镇街、名称排序"},
    {"flowchart", fs_cmd_flowchart, "fivestar flowchart creation|dynamic|创建|动态管理 -o OUT.pdf|OUT.docx [--dossier FILE | --rubric ID]",
     "绘制创建流程图（附件4）或动态管理流程图（附件5）；模板套取自档案的评定标准或 --rubric"},
    {"archive", fs_cmd_archive, "fivestar archive FILE... -o OUT.zip [--date YYYY-MM-DD] [--skip-invalid] | fivestar archive --verify OUT.zip",
     "生成年度档案包（档案、佐证材料、全部表格、统计表和 SHA-256 清单），或核验档案包"},
    {"bundle", fs_cmd_bundle, "fivestar bundle FILE -o OUT.pdf [--pdfa]",
     "生成一份汇编 PDF：评定标准、申报表、创建流程图、佐证材料目录和佐证材料本身"},
    {"serve", fs_cmd_serve, "fivestar serve [DIR] [--port N] [--listen ADDR] [--no-open]",
     "在浏览器中填写档案：打开文件夹 DIR 中的档案，边填边算分，保存并生成全部表格"},
    {"new", fs_cmd_new, "fivestar new [-o FILE] [--rubric ID] [--year YYYY]",
     "生成一份空白档案，逐项列出评定标准"},
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

static void usage(FILE *out)
{
    fputs("fivestar " FS_VERSION " — 五星级党组织申报材料：检查档案、计算得分、生成表格\n\n"
          "用法：\n", out);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %s\n      %s\n", commands[i].usage, commands[i].summary);
    fputs("  fivestar --help | COMMAND --help | --version\n\n", out);
    fputs(fs_help_footer(), out);
}

/* Prints the usage of one command and its Chinese help (fs-help.c):
 * every option explained, with examples.  Used by COMMAND --help. */
int fs_cli_help(const char *name, FILE *out)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0) {
            const char *text = fs_help_text(name);
            fprintf(out, "用法：%s\n\n", commands[i].usage);
            fputs(text ? text : commands[i].summary, out);
            if (!text)
                fputs("\n", out);
            return 0;
        }
    return 0;
}

int main(int argc, char **argv)
{
    /* Numbers are written with '.' whatever the locale: we never call
     * setlocale, so the C locale stays in force. */
    fs_templates_init(argv[0]);
    /* --verbose, anywhere before "--", is global: it adds libxml2's own
     * English text to the translated messages. */
    for (int i = 1, k = 1; i <= argc; i++) {
        if (i < argc && strcmp(argv[i], "--") == 0) {
            while (i <= argc)
                argv[k++] = argv[i++];
            argc = k - 1;
            break;
        }
        if (i < argc && strcmp(argv[i], "--verbose") == 0) {
            fs_set_verbose(1);
            continue;
        }
        argv[k++] = argv[i];
        if (i == argc)
            argc = k - 1;
    }
    fs_signal_install();
    if (argc < 2) {
        usage(stderr);
        return fs_exit_status(FS_E_USAGE);
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("fivestar %s\n", FS_VERSION);
        return 0;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, argv[1]) == 0) {
            for (int k = 2; k < argc; k++)
                if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0)
                    return fs_cli_help(argv[1], stdout);
            return fs_cli_finish(commands[i].run(argc - 1, argv + 1));
        }
    fprintf(stderr, "fivestar: error: 未知命令“%s”（fivestar --help 列出全部命令）\n", argv[1]);
    return fs_exit_status(FS_E_USAGE);
}
