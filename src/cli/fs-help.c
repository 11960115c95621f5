/*
 * fs-help.c - the Chinese text of `fivestar COMMAND --help`: what the
 * command does, every option explained, and examples (fs-help.h).  Kept
 * apart from the commands themselves so that the wording can change
 * without touching their logic.
 */
#include "fs-help.h"

#include <string.h>

typedef struct help {
    const char *name;
    const char *text;
} help;

/* Options every command accepts. */
#define COMMON \
    "  --verbose        出错时在中文说明后附上 XML 解析库的英文原文，供技术人员排查\n" \
    "  -h, --help       显示本说明\n"

static const help helps[] = {
    {"validate",
     "检查一份或多份档案：格式、每项自评分、日期、字数、佐证材料文件是否存在，\n"
     "把全部问题按行号列出（“文件:行号: error/warning: 说明”）。\n"
     "有 error 的档案不能生成表格；warning 只是提醒，不影响生成。\n"
     "多份档案时，最后一行总结有几份成功、哪些有错误。\n"
     "\n"
     "选项：\n" COMMON
     "\n"
     "例子：\n"
     "  fivestar validate 2018/明理.xml\n"
     "  fivestar validate 2018/*.xml          检查文件夹中的全部档案\n"},
    {"score",
     "计算每份档案的各部分小计、总分，以及是否达到所申报星级的分数线\n"
     "（五星级：总分 90 分及以上）。\n"
     "\n"
     "选项：\n"
     "  --json           每份档案输出一行 JSON（供其他系统读取），键的顺序固定；\n"
     "                   错误信息和最后的总结行只写到标准错误，不混入 JSON\n" COMMON
     "\n"
     "例子：\n"
     "  fivestar score 2018/明理.xml\n"
     "  fivestar score --json 2018/*.xml > 得分.jsonl\n"},
    {"render",
     "为每份档案生成评定标准（附件1，含自评分和合计）和申报表（附件2），\n"
     "写入 DIR/档案名/ 文件夹：评定标准.pdf、评定标准.docx、申报表.pdf、申报表.docx。\n"
     "有错误的档案不生成任何文件，也不影响其他档案。文件先写在旁边再改名，\n"
     "中途失败不会留下残缺的文件，也不会损坏原来的文件。\n"
     "\n"
     "选项：\n"
     "  -o DIR           输出文件夹，默认 out\n"
     "  --format F       pdf（只生成 PDF）、docx（只生成 Word）或 all（默认，两种都生成）\n"
     "  --office-fonts   Word 文件不嵌入字体，文件更小；只适合都装有宋体、黑体、\n"
     "                   楷体等字体的办公电脑（不加时 Word 文件同样写这些字体名，\n"
     "                   并嵌入字体子集，在没有这些字体的电脑上也能显示）\n"
     "  --pdfa           生成长期存档用的 PDF（PDF/A-1b），适合交档案室保存\n"
     "  --jobs N         同时使用的处理器数（1 到 16），默认全部：多份档案分给\n"
     "                   几个进程同时处理，档案少于 N 份时一份档案的几张表\n"
     "                   也同时生成；结果与 --jobs 1 完全相同，只是更快\n" COMMON
     "\n"
     "例子：\n"
     "  fivestar render 2018/明理.xml                  生成到 out/明理/\n"
     "  fivestar render 2018/*.xml -o 表格 --format pdf\n"
     "  fivestar render 2018/*.xml --office-fonts --jobs 2\n"},
    {"stats",
     "把多份档案汇总成达标情况统计表（附件3），按镇街、党组织名称排序，\n"
     "表下附各星级个数、达标个数和平均分。输出文件的扩展名决定格式。\n"
     "\n"
     "选项：\n"
     "  -o OUT           输出文件，必须以 .pdf 或 .docx 结尾\n"
     "  --skip-invalid   有错误的档案不列入统计表，其余照常生成（退出状态仍为 1）；\n"
     "                   不加此选项时，只要有一份档案有错误就不生成统计表\n"
     "  --pdfa           生成长期存档用的 PDF（PDF/A-1b）\n"
     "  --office-fonts   Word 文件使用办公电脑自带的字体，不嵌入字体（见 render --help）\n" COMMON
     "\n"
     "例子：\n"
     "  fivestar stats 2018/*.xml -o 统计表.pdf\n"
     "  fivestar stats 2018/*.xml -o 统计表.docx --skip-invalid\n"},
    {"flowchart",
     "绘制创建流程图（creation 或 创建，附件4）或动态管理流程图（dynamic 或 动态管理，附件5），\n"
     "一页 A4。给出一份档案时，按它的 <history> 标出该党组织走到了哪一步、各步的日期。\n"
     "\n"
     "选项：\n"
     "  -o OUT           输出文件，以 .pdf 或 .docx 结尾（Word 中的图形可以编辑）\n"
     "  --dossier FILE   在图上标出这份档案的进度（流程图取自档案的评定标准）\n"
     "  --rubric ID      不给档案时，用哪个评定标准的流程图，如 dongguan-2018\n"
     "                   （templates/rubrics/ 中只有一个评定标准时可不写）\n" COMMON
     "\n"
     "例子：\n"
     "  fivestar flowchart creation -o 创建流程图.pdf\n"
     "  fivestar flowchart 动态管理 -o 动态管理.docx --dossier 2018/明理.xml\n"},
    {"archive",
     "生成年度档案包（zip）：每份档案一个文件夹，内有档案本身、它引用的佐证材料、\n"
     "四份表格（PDF/A 和 Word），另有统计表和 manifest.json 清单（每个文件的大小和\n"
     "SHA-256 校验值）。相同的输入总是得到逐字节相同的档案包。\n"
     "--verify 重新计算档案包中每个文件的校验值，指出缺少、多出或被改动的文件。\n"
     "\n"
     "选项：\n"
     "  -o OUT.zip       档案包文件名\n"
     "  --date 日期      写入清单的日期，如 2018-11-30；默认取各档案中最晚的申报时间\n"
     "                   （不用电脑时钟，保证可重复）\n"
     "  --skip-invalid   有错误的档案不收入档案包，其余照常归档（退出状态仍为 1）\n"
     "  --verify ZIP     核验一个已有的档案包（不生成新的）\n" COMMON
     "\n"
     "例子：\n"
     "  fivestar archive 2018/*.xml -o 2018年度.zip\n"
     "  fivestar archive 2018/*.xml -o 2018年度.zip --date 2018-11-30\n"
     "  fivestar archive --verify 2018年度.zip\n"
     "请把输出的“清单 SHA-256”另行记录（纸面或登记簿），日后核验时对照。\n"},
    {"new",
     "生成一份空白档案，逐项列出评定标准的内容（写在注释里），照着填写即可。\n"
     "不加 -o 时输出到屏幕。\n"
     "\n"
     "选项：\n"
     "  -o FILE          写入文件；文件已存在时不覆盖（除非加 --force）\n"
     "  --force          允许覆盖已有的文件\n"
     "  --rubric ID      评定标准，默认 dongguan-2018（templates/rubrics/ 中的文件名）\n"
     "  --year YYYY      评定年度，默认今年\n" COMMON
     "\n"
     "例子：\n"
     "  fivestar new -o 2019/明理.xml --year 2019\n"
     "  fivestar new -o 2019/明理.xml --force\n"},
    {"bundle",
     "把一份档案要上交的材料汇编成一个 PDF，依次为：评定标准（附件1）、申报表（附件2）、\n"
     "标出进度的创建流程图（附件4）、佐证材料目录，以及佐证材料本身（图片和 PDF 逐页附上，\n"
     "其他格式在目录中注明“未附”）。页码“— N —”贯穿全册。\n"
     "\n"
     "选项：\n"
     "  -o OUT.pdf       输出文件（必填）\n"
     "  --pdfa           生成长期存档用的 PDF（PDF/A-1b）\n" COMMON
     "\n"
     "例子：\n"
     "  fivestar bundle 2019/明理.xml -o 明理汇编.pdf\n"
     "  fivestar bundle 2019/明理.xml -o 明理汇编.pdf --pdfa\n"},
    {"serve",
     "在本机启动浏览器编辑器：打开文件夹 DIR（默认当前文件夹）中的档案，逐项填写，\n"
     "边填边看到得分和问题，保存后预览、下载全部表格。只在本机开放，地址中带有每次\n"
     "启动时新生成的 token，不要发给别人。按 Ctrl+C 停止。详见 docs/serve-使用说明.md。\n"
     "\n"
     "选项：\n"
     "  --port N         端口，默认 8018；0 表示自动选择一个空闲端口\n"
     "  --listen ADDR    监听的 IP 地址，默认 127.0.0.1（只有本机能访问）\n"
     "  --no-open        只显示地址，不自动打开浏览器\n" COMMON
     "\n"
     "例子：\n"
     "  fivestar serve 档案2019\n"
     "  fivestar serve 档案2019 --port 0 --no-open\n"},
};

/* The long help of command NAME; see fs-help.h. */
const char *fs_help_text(const char *name)
{
    for (size_t i = 0; i < sizeof helps / sizeof *helps; i++)
        if (strcmp(helps[i].name, name) == 0)
            return helps[i].text;
    return NULL;
}

/* The closing lines of `fivestar --help`; see fs-help.h. */
const char *fs_help_footer(void)
{
    return "全局选项：\n"
           "  --verbose        出错时附上 XML 解析库的英文原文（供技术人员排查）\n"
           "\n"
           "日期可写成 2018-04-12 或 2018年4月12日，是否达标可写 是/否，星级可写 五星级。\n"
           "退出状态：0 成功（可能有警告）；1 输入有错误；2 用法错误；3 读写或内部错误。\n"
           "每个命令的选项和例子：fivestar 命令 --help，如 fivestar render --help。\n"
           "使用说明（中文）：docs/使用说明.md，安装后在 PREFIX/share/doc/fivestar/ 中；也可 man fivestar。\n";
}
